"""The client side: submit the chunks to a Dask cluster, collect results in input order,
write the manifest. Imports dask only inside functions: the package works without the
`dask` extra.

The shards are written into a new folder beside the output (`export.outputs.
replacing_folder`), the manifest last, and the folder is swapped in for the output only when
every chunk converted: a failed, refused or interrupted run leaves an earlier output as it
was, and the output never holds shards of two runs.

A worker that dies mid-run (the out-of-memory killer, kill -9): its nanny starts a new one and
the scheduler gives the task to a worker again, which writes the shard anew (under a
temporary name, renamed when whole: the shards are the same bytes). On the LocalCluster a task
whose worker died twice fails (`RETRIES`, as for `convert -n`: the scheduler's
`allowed-failures`; a `--scheduler` cluster keeps its own setting), and the run stops with
one line naming the chunk. A dead worker's half-written shard (`.part-….tmp`) is removed
before the manifest is written.

Dask logs (the workers' "Compute Failed" with the task's traceback, a nanny's "restarting
worker") go nowhere unless `worker_logs=True`: the CLI's errors are one line, and the
reason is in it."""
from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from ..about import __version__
from ..export.outputs import OutputError, refuse_overlap, replacing_folder
from ..formats import Problem
from ..pipeline import Conversion
from .plan import DEFAULT_CHUNK_BYTES, EXTENSIONS, MANIFEST, Chunk, DistributedError, PathLike, plan
from .worker import convert_chunk

#: What a Dask conversion writes in its output folder: shards, the manifest, and the temporary
#: names of shards being written (left by a worker killed mid-write in an earlier version,
#: which wrote into the output folder itself). Anything else makes the run stop: the folder
#: is replaced as a whole.
OWNED = re.compile(r"part-\d{5,}\.(spacy|conllu|jsonl|txt)|\.part-\d{5,}\..*\.tmp|"
                   + re.escape(MANIFEST))

#: How `convert` starts a LocalCluster (besides `n_workers`): one-thread worker processes,
#: the dashboard on localhost only, on a free port (never on all interfaces, and never
#: failing because port 8787 is taken); the scheduler and workers listen on localhost too.
LOCAL_CLUSTER: Dict[str, Any] = {"threads_per_worker": 1, "processes": True,
                                 "host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"}


#: How often a task is run again after the worker running it died (LocalCluster only).
RETRIES = 1
#: How long the cluster may have no worker at all before the run stops (seconds).
NO_WORKER_SECONDS = 60
#: A shard a worker was writing when it died (`worker.convert_chunk`'s temporary name).
_HALF_WRITTEN = re.compile(r"\.part-\d{5,}\..*\.tmp")


@contextmanager
def _quiet(worker_logs: bool) -> Iterator[None]:
    """Dask's loggers in this process (the scheduler and nannies of a LocalCluster, the
    client) silent while the block runs, unless `worker_logs`."""
    if worker_logs:
        yield
        return
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _exception_message(e: BaseException) -> str:
    """One line for an exception a task raised, or for a task that killed its workers."""
    if type(e).__name__ == "KilledWorker":
        return ("the dask worker converting it died, and so did the one given it again "
                "(the out-of-memory killer, a kill -9, a crash)")
    return f"{type(e).__name__}: {e}".strip().splitlines()[0]


def _error_message(chunk: Chunk, error: Dict[str, Any], first_line: Optional[int],
                   encoding: str) -> str:
    if error["kind"] == "format":
        kind, message, line, col, text = error["problem"]
        return str(Problem(kind, message, (first_line or 1) + line - 1, col, text, chunk.source))
    if error["kind"] == "decode":
        return error["message"]
    return f"{chunk.source} bytes {chunk.start}-{chunk.end}: {error['message']}"


def _run(client: Any, chunks: List[Chunk], job: Conversion, output: Path,
         progress: Optional[Callable[[Dict[str, Any]], None]]) -> Dict[int, Dict[str, Any]]:
    """Results by chunk index. Stops at the first error in input order: later partitions
    are cancelled, earlier ones finished (one of them may have an earlier error). Stops
    too when the cluster has had no worker for `NO_WORKER_SECONDS` (all died, and their
    nannies gave up restarting them: the tasks would wait for ever)."""
    import dask.bag as db
    from distributed import as_completed

    bag = db.from_sequence(chunks, partition_size=1).map(
        convert_chunk, job=job, output=str(output))
    futures = client.compute(bag.to_delayed())
    index = {future.key: i for i, future in enumerate(futures)}
    results: Dict[int, Dict[str, Any]] = {}
    first_error: Optional[int] = None
    waiting = as_completed(futures)
    workerless_since: Optional[float] = None
    try:
        while not waiting.is_empty():
            done = waiting.next_batch(block=False)
            if not done:
                time.sleep(0.2)
                if client.nthreads():
                    workerless_since = None
                elif workerless_since is None:
                    workerless_since = time.monotonic()
                elif time.monotonic() - workerless_since > NO_WORKER_SECONDS:
                    chunk = chunks[min(set(range(len(chunks))) - set(results))]
                    raise DistributedError(
                        f"{chunk.source} bytes {chunk.start}-{chunk.end}: not converted, the "
                        f"dask cluster has had no worker for {NO_WORKER_SECONDS} s (they died: "
                        "the out-of-memory killer, a kill -9, a crash)")
                continue
            workerless_since = None
            for future in sorted(done, key=lambda f: index[f.key]):
                i = index[future.key]
                if first_error is not None and i > first_error:
                    continue
                try:
                    result = future.result()[0]
                except Exception as e:  # a bug or a lost worker: no traceback on the CLI
                    result = {"index": i, "error": {"kind": "exception",
                                                    "message": _exception_message(e)}}
                results[i] = result
                if result["error"] is not None and (first_error is None or i < first_error):
                    first_error = i
                    client.cancel([f for j, f in enumerate(futures) if j > i])
                if progress is not None:
                    progress(result)
            if first_error is not None and all(j in results for j in range(first_error)):
                break
    finally:
        client.cancel([f for f in futures if not f.done()])
    return results


def convert(
    inputs: Sequence[PathLike],
    output: PathLike,
    job: Conversion,
    *,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    n_workers: int = 2,
    scheduler: Optional[str] = None,
    client: Any = None,
    progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    worker_logs: bool = False,
) -> Dict[str, Any]:
    """Convert `inputs` as `job` says into shards in the folder `output` on a Dask cluster;
    returns the manifest (also written to `output/manifest.json`). Dask's own logs are
    silent unless `worker_logs`.

    The cluster: `client` if given (left open), else a `distributed.Client(scheduler)` if
    given, else a `LocalCluster` of `n_workers` one-thread worker processes
    (`LOCAL_CLUSTER`); what this function opens it closes. The shards and then the manifest
    are written into a new folder that replaces `output` as a whole when all is done; an
    existing `output` must hold only what this function writes (`OWNED`), an input must not
    be `output` or inside it, nor `output` inside an input folder. Raises `DistributedError`
    with a one-line message on any of these, bad settings, a format error
    (`on_error="raise"`, the first in input order, with the file's line and column),
    undecodable bytes, an unreadable input or a failed write, and then `output` is as it
    was; `ImportError` without dask."""
    if chunk_bytes < 1 or n_workers < 1:
        raise DistributedError("chunk_bytes and n_workers must be at least 1")
    try:
        corpora = [job.corpus(path) for path in inputs]
        files = [(str(path), path) for corpus in corpora for path in corpus.files()]
        refuse_overlap(output, inputs, [path for _, path in files])
    except ValueError as e:  # OutputError too
        raise DistributedError(str(e)) from None
    except OSError as e:  # a folder that cannot be listed
        raise DistributedError(f"cannot read {e.filename}: {e.strerror or e}") from None
    import dask.bag  # noqa: F401  (fail before any work if the extra is missing)

    try:
        chunks = plan(files, corpora[0].reader, job.encoding, job.doc_per, chunk_bytes) \
            if files else []
    except OSError as e:
        raise DistributedError(f"cannot read {e.filename}: {e.strerror or e}") from None
    try:
        with replacing_folder(output, OWNED) as folder, _quiet(worker_logs):
            manifest = _convert_into(folder, chunks, job, chunk_bytes=chunk_bytes,
                                     n_workers=n_workers, scheduler=scheduler, client=client,
                                     progress=progress, worker_logs=worker_logs)
            for path in folder.iterdir():  # a dead worker's half-written shard
                if _HALF_WRITTEN.fullmatch(path.name):
                    path.unlink()
            # Last: a folder with a manifest is a finished run.
            (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1)
                                           + "\n", encoding="utf-8")
    except OutputError as e:
        raise DistributedError(str(e)) from None
    except OSError as e:  # the manifest or the swap; the cluster's own errors are caught
        raise DistributedError(f"cannot write {output}: {e.strerror or e}; {output} is as "
                               "it was") from None
    return manifest


def _convert_into(folder: Path, chunks: List[Chunk], job: Conversion, *, chunk_bytes: int,
                  n_workers: int, scheduler: Optional[str], client: Any,
                  progress: Optional[Callable[[Dict[str, Any]], None]],
                  worker_logs: bool = False) -> Dict[str, Any]:
    """Convert `chunks` into shards in `folder`; the manifest (not written)."""
    import dask.config
    import distributed

    began = time.perf_counter()
    opened: List[Any] = []
    try:
        if client is None and scheduler:
            try:
                client = distributed.Client(scheduler)
            except Exception as e:  # OSError, TimeoutError, ValueError (bad address)
                raise DistributedError(f"cannot reach the dask scheduler at {scheduler}: "
                                       f"{e}".splitlines()[0]) from None
            opened.append(client)
        elif client is None:
            try:
                # The scheduler runs here, its settings read when it starts.
                with dask.config.set({"distributed.scheduler.allowed-failures": RETRIES}):
                    cluster = distributed.LocalCluster(
                        n_workers=n_workers, **LOCAL_CLUSTER,
                        silence_logs=logging.WARNING if worker_logs else logging.CRITICAL + 1)
            except Exception as e:  # OSError (no free port), RuntimeError (no worker)
                raise DistributedError(f"cannot start a dask LocalCluster: {e}"
                                       .splitlines()[0]) from None
            opened.append(cluster)
            client = distributed.Client(cluster)
            opened.append(client)
        try:
            client.wait_for_workers(1, timeout=120)
        except Exception:  # TimeoutError (asyncio's before Python 3.11)
            raise DistributedError(f"no dask worker joined {scheduler or 'the LocalCluster'}"
                                   " in 120 s") from None
        workers = client.nthreads()
        started = time.perf_counter()
        results = _run(client, chunks, job, folder, progress) if chunks else {}
        timing = (started - began, time.perf_counter() - started)
    finally:
        for thing in reversed(opened):
            thing.close()

    first_lines = checked_first_lines(chunks, results, job)
    return _manifest(chunks, results, first_lines, job, chunk_bytes, scheduler, workers,
                     timing)


def checked_first_lines(chunks: List[Chunk], results: Dict[int, Dict[str, Any]],
                        job: Conversion) -> Dict[int, int]:
    """Each chunk's first line in its file, from the line counts of the chunks before it;
    raises `DistributedError` for the first error in input order, with the file's line."""
    first_lines: Dict[int, int] = {}
    line = 1
    for chunk in chunks:
        if chunk.chunk == 0:
            line = 1
        first_lines[chunk.number] = line
        done = results.get(chunk.number)
        if done is None or done["error"] is not None:
            break
        line += done["lines"]
    errors = sorted(i for i, r in results.items() if r["error"] is not None)
    if errors:
        chunk = chunks[errors[0]]
        raise DistributedError(_error_message(chunk, results[chunk.number]["error"],
                                              first_lines.get(chunk.number), job.encoding))
    return first_lines


#: What a shard, a file and the totals count: the writers' `Counts` (words and whitespace
#: tokens apart, as every summary has them).
COUNTED = ("docs", "sentences", "words", "whitespace")


def _manifest(chunks: List[Chunk], results: Dict[int, Dict[str, Any]],
              first_lines: Dict[int, int], job: Conversion, chunk_bytes: int,
              scheduler: Optional[str], workers: Dict[str, int],
              timing: tuple) -> Dict[str, Any]:
    shards = []
    files: Dict[str, Dict[str, Any]] = {}
    totals: Dict[str, Any] = {"shards": 0, "docs": 0, "sentences": 0, "words": 0,
                              "whitespace": 0}
    problems_total: Counter = Counter()
    for chunk in chunks:
        r = results[chunk.number]
        first = first_lines[chunk.number]
        problems = [{"kind": kind, "line": first + line - 1, "col": col, "text": text,
                     "message": message}
                    for kind, message, line, col, text in r["problems"]]
        by_kind = Counter(p["kind"] for p in problems)
        shards.append({
            "shard": chunk.name + EXTENSIONS[job.to], "source": chunk.source,
            "chunk": chunk.chunk, "bytes": [chunk.start, chunk.end], "first_line": first,
            "lines": r["lines"], "docs": r["docs"], "sentences": r["sentences"],
            "words": r["words"], "whitespace": r["whitespace"],
            "problems": dict(by_kind.most_common()),
            "problem_list": problems, "seconds": r["seconds"],
        })
        f = files.setdefault(chunk.source, {"shards": [], "bytes": 0, "docs": 0,
                                            "sentences": 0, "words": 0, "whitespace": 0,
                                            "problems": Counter(), "problem_list": []})
        f["shards"].append(shards[-1]["shard"])
        f["bytes"] = chunk.end
        for key in COUNTED:
            f[key] += r[key]
            totals[key] += r[key]
        f["problems"].update(by_kind)
        f["problem_list"].extend(problems)
        problems_total.update(by_kind)
        totals["shards"] += 1
    for f in files.values():
        f["problems"] = dict(f["problems"].most_common())
    totals["problems"] = dict(problems_total.most_common())
    # Conversion time from the first task submitted to the last result (what words/s is
    # measured on), and the time it took to start or reach the cluster before it.
    totals["seconds"] = round(timing[1], 3)
    totals["words_per_second"] = round(totals["words"] / max(timing[1], 1e-9))
    totals["cluster_start_seconds"] = round(timing[0], 3)
    return {
        "version": __version__,
        "engine": {"engine": "dask", "scheduler": scheduler or "LocalCluster",
                   "workers": len(workers), "threads": sum(workers.values()),
                   "chunk_bytes": chunk_bytes, **_job_settings(job)},
        "totals": totals,
        "files": files,
        "shards": shards,
    }


def _job_settings(job: Conversion) -> Dict[str, Any]:
    """The manifest's record of how the shards were made (the keys of 0.1.0's manifest,
    then every reader setting)."""
    return {"to": job.to, **job.settings.to_dict(), "encoding": job.encoding,
            "doc_per": job.doc_per, "batch_size": job.batch_size}
