"""`convert --n-process N` on this machine: the Dask path's chunk plan (`plan`) run by N
worker processes of the standard library's pool, each reading, converting and writing its
own part (`worker.convert_chunk`); the parent only orders the parts and joins them.

Why not `nlp.pipe(n_process=N)`: spaCy reads in the parent and sends every Doc back to it as
bytes, which costs more than our whole pipeline (docs/performance.md), so two processes ran
slower than one. Here nothing but file names, counts and problems crosses between processes.

The output is one file, the parts joined in input order, byte for byte what one process
writes: JSONL parts are concatenated; pre-tagged parts too, with the line break the writer
puts between two Docs where a part does not end with one; CoNLL-U parts are written with
their own doc ids (`part-NNNNN-docK`, unique) which the join renumbers to the single run's
`doc1, doc2, …` (only `# newdoc id` and `# sent_id` lines change). `.spacy` parts are
DocBins: each is read back (one at a time, as it is ready) and appended to the output's
`DocBinWriter` (`add_docbin`), whose token table waits compressed in a temporary file, so
the parent's memory holds one part, not the corpus; the file is what one process writes
(the strings' union is sorted, everything else is concatenated in order). `--shard-size`
output is not joined: the CLI writes it in one process.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import threading
import time
import zlib
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import (
    IO,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

import srsly

from .. import stop_signals
from ..export.docbin import DocBinWriter
from ..export.outputs import replacing_file, temporary_folder
from ..pipeline import Conversion
from .client import checked_first_lines
from .plan import EXTENSIONS, Chunk, DistributedError, PathLike, plan
from .worker import convert_chunk

logger = logging.getLogger(__name__)

#: What the pool can join into one file.
JOINED = ("conllu", "jsonl", "pretagged", "spacy")
#: The doc id a part's CoNLL-U carries (`worker.convert_chunk`), and what it becomes.
_PART_ID = re.compile(r"^# (newdoc id|sent_id) = part-\d{5,}-doc(\d+)", re.M)


def chunk_size(total_bytes: int, n_workers: int, largest: int) -> int:
    """About four chunks per worker, so that the last ones to finish are small and no
    worker idles long; never above `largest` (a worker's memory)."""
    return max(1, min(largest, total_bytes // (4 * n_workers) + 1))


def convert(
    inputs: Sequence[PathLike],
    output: PathLike,
    job: Conversion,
    *,
    n_workers: int,
    chunk_bytes: int,
    progress: Optional[Callable[[Dict[str, Any]], None]] = None,
) -> Dict[str, Any]:
    """Convert `inputs` as `job` says into the one file `output` with `n_workers` processes;
    returns the counts (`docs`, `sentences`, `words`, `whitespace`), the problems (with the
    files' line numbers) and `seconds`. Raises `DistributedError` with a one-line reason (the
    first error in input order, as one process reports it); `output` is then as it was."""
    if job.to not in JOINED:
        raise DistributedError(f"{n_workers} processes write one {job.to} file only for "
                               f"{', '.join(JOINED)}")
    began = time.perf_counter()
    corpora = [job.corpus(path) for path in inputs]
    files = [(str(path), path) for corpus in corpora for path in corpus.files()]
    chunks = plan(files, corpora[0].reader, job.encoding, job.doc_per, chunk_bytes) \
        if files else []
    output = Path(output)
    with temporary_folder(output) as parts, replacing_file(output) as tmp, \
            _joiner(chunks, Path(parts), job.to, tmp) as joiner:
        # Parts are joined as soon as they and all before them are done, while the workers
        # convert the later ones; a failed run drops the temporary output as a whole.
        results = _run(chunks, job, Path(parts), n_workers, progress, joiner.ready)
        first_lines = checked_first_lines(chunks, results, job)
        joiner.ready(results)
        joiner.finish()
    totals: Dict[str, Any] = {key: sum(results[c.number][key] for c in chunks)
                              for key in ("docs", "sentences", "words", "whitespace")}
    totals["problems"] = [
        [kind, message, first_lines[c.number] + line - 1, col, text, c.source]
        for c in chunks for kind, message, line, col, text in results[c.number]["problems"]]
    totals["seconds"] = time.perf_counter() - began
    return totals


#: How often a chunk is converted on a fresh worker after the one converting it died.
RETRIES = 1


def _run(chunks: List[Chunk], job: Conversion, folder: Path, n_workers: int,
         progress: Optional[Callable[[Dict[str, Any]], None]],
         ready: Callable[[Dict[int, Dict[str, Any]]], None]) -> Dict[int, Dict[str, Any]]:
    """Results by chunk number; stops at the first error in input order (the chunks after
    it are dropped, those before it finished: one of them may hold an earlier error).

    Our own workers, one pipe each, not `multiprocessing.Pool`: a Pool worker that dies
    (SIGKILL from the out-of-memory killer, `os._exit`) is replaced, but the task it held
    is lost without a word and its result never comes (the command hung forever); a worker
    killed while it waited for a task also leaves the Pool's shared task queue locked for
    every other worker. Here each worker is given one chunk at a time on its own pipe, and
    the parent waits on the pipes and the processes' sentinels together, so a death is seen
    at once and the chunk it held is known.

    A chunk whose worker died is converted once more on a fresh worker (`RETRIES`): safe,
    because a worker writes its part under a temporary name and renames it when complete
    (a dead worker's half-written part is never joined; the parts folder goes as a whole)
    and converting a chunk is deterministic, so the output is byte for byte the same; and
    worth it, because a kill is often not the chunk's fault (another process's memory, a
    stray `kill`). A logged warning says so. A chunk whose worker dies again is an error
    naming the chunk (file, byte range) and the cause (the signal or exit code): the
    out-of-memory killer, again, on the same chunk means it needs more memory than there is,
    and a third try would only cost the time of a second.

    An error, Ctrl-C or SIGTERM ends every worker (SIGTERM, then SIGKILL after a second):
    what they compute is discarded."""
    results: Dict[int, Dict[str, Any]] = {}
    if not chunks:
        return results
    workers = _Workers(job, folder, min(n_workers, len(chunks)))
    todo = list(reversed(chunks))  # popped from the end: input order
    deaths: Dict[int, int] = {}
    first_error: Optional[int] = None
    finished = False
    try:
        workers.start()
        while len(results) < len(chunks):
            stop_signals.check()  # a stop whose exception was lost
            # After an error only the chunks before it (one may hold an earlier error).
            while todo and (first_error is None or todo[-1].number < first_error) \
                    and workers.give(todo[-1]):
                todo.pop()
            for chunk, result, death in workers.wait(0.2):  # a signal is raised meanwhile
                if death is not None:
                    deaths[chunk.number] = deaths.get(chunk.number, 0) + 1
                    if deaths[chunk.number] <= RETRIES and (first_error is None or
                                                            chunk.number < first_error):
                        logger.warning(f"the worker process converting {_where(chunk)} "
                                       f"ended ({death}); converting it again on a fresh one")
                        todo.append(chunk)  # next, on a fresh worker
                        continue
                    again = " on a fresh one too" if deaths[chunk.number] > 1 else ""
                    result = {"index": chunk.number, "error": {
                        "kind": "exception",
                        "message": f"the worker process converting it ended{again} ({death})"}}
                number = chunk.number
                if first_error is not None and number > first_error:
                    continue
                results[number] = result
                if result["error"] is not None and (first_error is None or number < first_error):
                    first_error = number
                if progress is not None:
                    progress(result)
                if first_error is None:
                    ready(results)
            if first_error is not None and all(k in results for k in range(first_error)):
                break
        finished = first_error is None
    finally:
        workers.end(gracefully=finished)
    return results


def _where(chunk: Chunk) -> str:
    return f"{chunk.source} bytes {chunk.start}-{chunk.end}"


def _cause(exitcode: Optional[int]) -> str:
    """What ended a worker, for a message: `SIGKILL: the out-of-memory killer, or kill -9`,
    `exit code 3`."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        oom = ": the out-of-memory killer, or kill -9" if -exitcode == signal.SIGKILL else ""
        return f"{name}{oom}"
    return f"exit code {exitcode}"


class _Worker(NamedTuple):
    process: Any  # multiprocessing.Process
    pipe: Connection


class _Workers:
    """N worker processes, each converting the chunk it is given (`_serve`) and sending
    back its result on its own pipe; a dead one is replaced by a fresh one."""

    def __init__(self, job: Conversion, folder: Path, n: int):
        # fork where there is one: the workers start at once with the parent's imports
        # (spawn would import spaCy in each, seconds on a job of seconds).
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.job, self.folder, self.n = job, folder, n
        self.idle: List[_Worker] = []
        self.busy: Dict[int, Tuple[_Worker, Chunk]] = {}  # by the process's sentinel
        self.started: List[_Worker] = []  # every worker ever started: all are ended

    def start(self) -> None:
        for _ in range(self.n):
            self.idle.append(self._new())

    def _new(self) -> _Worker:
        # A Ctrl-C or SIGTERM while a worker is forked would leave it behind unknown to
        # `started` (raised between the fork and the append): held back until it is noted.
        with stop_signals.deferred():
            ours, theirs = self.context.Pipe()
            process = self.context.Process(target=_serve, name="spacy-pretagged-worker",
                                           args=(theirs, os.getpid(), self.job,
                                                 str(self.folder)), daemon=True)
            process.start()
            worker = _Worker(process, ours)
            self.started.append(worker)
        theirs.close()
        return worker

    def give(self, chunk: Chunk) -> bool:
        """Send `chunk` to an idle worker; False if none is idle."""
        if not self.idle:
            return False
        worker = self.idle.pop()
        if not worker.process.is_alive():  # it died while idle: no chunk was lost
            worker.pipe.close()
            worker = self._new()
        self.busy[worker.process.sentinel] = (worker, chunk)
        try:
            worker.pipe.send(chunk)
        except OSError:  # it died while idle: `wait` sees its sentinel
            pass
        return True

    def wait(self, timeout: float) -> List[Tuple[Chunk, Dict[str, Any], Optional[str]]]:
        """(chunk, result, None) for each chunk done, (chunk, {}, cause) for each whose
        worker died (replaced by a fresh worker); [] after `timeout` seconds."""
        done: List[Tuple[Chunk, Dict[str, Any], Optional[str]]] = []
        if not self.busy:
            return done
        waited = [w.pipe for w, _ in self.busy.values()] + list(self.busy)
        ready = set(wait(waited, timeout))
        for sentinel, (worker, chunk) in list(self.busy.items()):
            if worker.pipe not in ready and sentinel not in ready:
                continue
            result: Optional[Dict[str, Any]] = None
            try:
                if worker.pipe.poll():
                    result = worker.pipe.recv()
            except (OSError, EOFError, pickle.UnpicklingError):
                result = None  # it died while sending
            del self.busy[sentinel]
            if result is not None:
                self.idle.append(worker)
                done.append((chunk, result, None))
                continue
            worker.process.join(5)  # its sentinel is ready or its pipe closed: it ended
            worker.pipe.close()
            done.append((chunk, {}, _cause(worker.process.exitcode)))
            self.idle.append(self._new())
        return done

    def end(self, gracefully: bool) -> None:
        """All done: tell the workers to stop. Otherwise (an error, Ctrl-C, SIGTERM) end
        them (SIGTERM, SIGKILL after a second). Either way none is left."""
        for worker in self.started:
            if gracefully and worker.process.is_alive():
                try:
                    worker.pipe.send(None)
                except OSError:
                    pass
            elif worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + (10 if gracefully else 1)
        for worker in self.started:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.pipe.close()


def _serve(pipe: Connection, parent: int, job: Conversion, folder: str) -> None:
    """A worker: convert the chunks it is sent, one at a time, until it is sent None."""
    _worker_signals(parent)
    frozen = False
    while True:
        try:
            chunk = pipe.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if chunk is None:
            return
        try:
            result = convert_chunk(chunk, job, folder, joined=True)
        except Exception as e:  # a bug or a failed write (a full disk): one line
            message = f"{type(e).__name__}: {e}".strip().splitlines()[0]
            logger.debug("converting %s failed", _where(chunk), exc_info=True)
            result = {"index": chunk.number, "error": {"kind": "exception",
                                                       "message": message}}
        pipe.send(result)
        if not frozen:  # the first chunk built the pipeline: now out of the collector's
            gc.collect()  # sight, as in the command's own process (cli/_util.freeze_heap)
            gc.freeze()
            frozen = True


def _worker_signals(parent: int) -> None:
    """Each worker, first: SIGTERM ends it at once (`_Workers.end`, no traceback), a
    Ctrl-C is left to the parent (which ends the workers), and it ends itself within half
    a second when the parent is gone without ending it (SIGKILL, a second Ctrl-C): a
    worker would otherwise go on with its chunk (seconds of work, a part nobody joins)
    before its closed pipe ends it. The stop signals come blocked from the parent
    (`stop_signals.deferred`) and are unblocked once this is set."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals.STOP_SIGNALS)
    threading.Thread(target=_end_when_orphaned, args=(parent,), daemon=True,
                     name="end-when-orphaned").start()


def _end_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _renumber(offset: int) -> Callable[["re.Match[str]"], str]:
    def doc_id(m: "re.Match[str]") -> str:
        return f"# {m.group(1)} = doc{offset + int(m.group(2))}"

    return doc_id


@contextmanager
def _joiner(chunks: List[Chunk], folder: Path, to: str, tmp: Path) -> Iterator["_Joiner"]:
    """The joiner of `to` parts into the file `tmp`, closed when the block ends."""
    if to == "spacy":
        joiner: _Joiner = _DocBinJoiner(chunks, folder, tmp)
        try:
            yield joiner
        finally:
            joiner.close()
        return
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        yield _Joiner(chunks, folder, to, out)


class _Joiner:
    """Writes the parts into the output in input order, each as soon as it and every part
    before it are done (then deletes it)."""

    def __init__(self, chunks: List[Chunk], folder: Path, to: str, out: Optional[IO[str]]):
        self.chunks, self.folder, self.to, self.out = chunks, folder, to, out
        self.next = 0  # the index of the next chunk to join
        self.offset = 0  # docs written before it
        self.last = "\n"  # the last character written (pre-tagged: nothing is a line end)

    def ready(self, results: Dict[int, Dict[str, Any]]) -> None:
        while self.next < len(self.chunks):
            chunk = self.chunks[self.next]
            result = results.get(chunk.number)
            if result is None or result["error"] is not None:
                return
            self._join(chunk)
            self.offset += result["docs"]
            self.next += 1

    def finish(self) -> None:
        """Every part is joined: complete the output."""

    def close(self) -> None:
        """Let go of what the joiner holds (the run failed, or it is finished)."""

    def _join(self, chunk: Chunk) -> None:
        path = self.folder / (chunk.name + EXTENSIONS[self.to])
        assert self.out is not None
        with path.open(encoding="utf-8", newline="") as part:
            if self.to == "jsonl":
                shutil.copyfileobj(part, self.out, 1 << 20)
            else:
                text = part.read()
                if self.to == "conllu":
                    text = _PART_ID.sub(_renumber(self.offset), text)
                elif text:  # pretagged: as write_pretagged puts Docs one after another
                    if self.last not in "\r\n":
                        self.out.write("\n")
                    self.last = text[-1]
                self.out.write(text)
        path.unlink()


class _DocBinJoiner(_Joiner):
    """`.spacy` parts appended to one `DocBinWriter` (the token tables spooled compressed
    beside the output, one part in memory at a time), written at `finish`."""

    def __init__(self, chunks: List[Chunk], folder: Path, tmp: Path):
        super().__init__(chunks, folder, "spacy", None)
        self.tmp = tmp
        # What the worker's writer stores (`export.write_docbin`'s default: user data).
        self.writer = DocBinWriter(store_user_data=True, spool_dir=tmp.parent)

    def _join(self, chunk: Chunk) -> None:
        path = self.folder / (chunk.name + EXTENSIONS["spacy"])
        self.writer.add_docbin(srsly.msgpack_loads(zlib.decompress(path.read_bytes())))
        path.unlink()

    def finish(self) -> None:
        self.writer.write(self.tmp)

    def close(self) -> None:
        self.writer.close()
