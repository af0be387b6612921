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
`doc1, doc2, …` (only `# newdoc id` and `# sent_id` lines change). `.spacy` output is not
joined here (merging DocBins means loading them): the CLI converts it in one process, or in
shards with `--engine dask`.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import re
import shutil
import signal
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, Optional, Sequence

from .. import stop_signals
from ..export.outputs import replacing_file
from ..pipeline import Conversion
from .client import checked_first_lines
from .plan import EXTENSIONS, Chunk, DistributedError, PathLike, plan
from .worker import convert_chunk

#: What the pool can join into one file.
JOINED = ("conllu", "jsonl", "pretagged")
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
    with stop_signals.deferred():  # made whole (its clean-up set) before a Ctrl-C acts
        parts_folder = tempfile.TemporaryDirectory(prefix=f".{output.name}.parts-",
                                                   dir=output.parent)
    with parts_folder as parts, replacing_file(output) as tmp, \
            open(tmp, "w", encoding="utf-8", newline="") as out:
        # Parts are joined as soon as they and all before them are done, while the workers
        # convert the later ones; a failed run drops the temporary output as a whole.
        joiner = _Joiner(chunks, Path(parts), job.to, out)
        results = _run(chunks, job, Path(parts), n_workers, progress, joiner.ready)
        first_lines = checked_first_lines(chunks, results, job)
        joiner.ready(results)
    totals: Dict[str, Any] = {key: sum(results[c.number][key] for c in chunks)
                              for key in ("docs", "sentences", "words", "whitespace")}
    totals["problems"] = [
        [kind, message, first_lines[c.number] + line - 1, col, text, c.source]
        for c in chunks for kind, message, line, col, text in results[c.number]["problems"]]
    totals["seconds"] = time.perf_counter() - began
    return totals


def _run(chunks: List[Chunk], job: Conversion, folder: Path, n_workers: int,
         progress: Optional[Callable[[Dict[str, Any]], None]],
         ready: Callable[[Dict[int, Dict[str, Any]]], None]) -> Dict[int, Dict[str, Any]]:
    """Results by chunk number; stops at the first error in input order (the chunks after
    it are dropped, those before it finished: one of them may hold an earlier error).

    `multiprocessing.Pool` rather than `concurrent.futures`: its `terminate()` ends the
    workers and its own threads whatever they are doing, which is what Ctrl-C, SIGTERM or
    a strict error need (a ProcessPoolExecutor whose workers are killed can leave its
    manager thread, which the interpreter joins at exit, waiting forever)."""
    results: Dict[int, Dict[str, Any]] = {}
    if not chunks:
        return results
    # fork where there is one: the workers start at once with the parent's imports (spawn
    # would import spaCy in each, seconds on a job of seconds).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    arrived: "queue.SimpleQueue[tuple]" = queue.SimpleQueue()
    pool = None
    finished = False
    try:
        # A Ctrl-C or SIGTERM while the pool starts would leave workers behind that nobody
        # ends (raised between a fork and the pool's note of the worker, or before this
        # `try` has the pool): held back until the pool is whole, raised just after.
        with stop_signals.deferred():
            pool = context.Pool(min(n_workers, len(chunks)), initializer=_worker_signals,
                                initargs=(os.getpid(),))
        for chunk in chunks:
            pool.apply_async(convert_chunk, (chunk, job, str(folder)),
                             callback=partial(_arrive, arrived, chunk.number),
                             error_callback=partial(_failed, arrived, chunk.number))
        first_error: Optional[int] = None
        while len(results) < len(chunks):
            stop_signals.check()  # a stop whose exception was lost
            try:
                number, result = arrived.get(timeout=0.2)  # a signal is raised meanwhile
            except queue.Empty:
                continue
            if first_error is not None and number > first_error:
                continue
            results[number] = result
            if result["error"] is not None and (first_error is None or number < first_error):
                first_error = number
            if progress is not None:
                progress(result)
            if first_error is None:
                ready(results)
            elif all(k in results for k in range(first_error)):
                break
        finished = first_error is None
    finally:
        if pool is not None:
            if finished:
                pool.close()
            else:  # an error, Ctrl-C, SIGTERM: what the workers compute is discarded
                pool.terminate()
            pool.join()
    return results


def _arrive(arrived: "queue.SimpleQueue[tuple]", number: int, result: Dict[str, Any]) -> None:
    arrived.put((number, result))


def _failed(arrived: "queue.SimpleQueue[tuple]", number: int, error: BaseException) -> None:
    # A bug or a killed worker: one line, no traceback.
    message = f"{type(error).__name__}: {error}".strip().splitlines()[0]
    arrived.put((number, {"index": number, "error": {"kind": "exception",
                                                     "message": message}}))


def _worker_signals(parent: int) -> None:
    """Each worker, first: SIGTERM ends it at once (`Pool.terminate()`, no traceback), a
    Ctrl-C is left to the parent (which terminates the pool; a worker dying on it by itself
    could hold the pool's queue lock and hang `terminate()`), and it ends itself within half
    a second when the parent is gone without ending it (SIGKILL, a second Ctrl-C): a pool
    worker would otherwise go on with its chunk (seconds of work, a part nobody joins)
    before its closed queues end it. The stop signals come blocked from the parent
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


class _Joiner:
    """Writes the parts into the output in input order, each as soon as it and every part
    before it are done (then deletes it)."""

    def __init__(self, chunks: List[Chunk], folder: Path, to: str, out: IO[str]):
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

    def _join(self, chunk: Chunk) -> None:
        path = self.folder / (chunk.name + EXTENSIONS[self.to])
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
