"""The three ways `convert` runs, each with its progress bar, summary and one-line errors:
here (one process, or spaCy's `n_process` workers), on a local process pool (`-n N` to one
text file, `distributed.pool`) and on Dask (`--engine dask`, `distributed.client`)."""
from __future__ import annotations

import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Optional

from wasabi import msg

from .. import stop_signals
from ..cli_process import fail, pipe_workers
from ..formats import Problem
from ._util import _build_nlp, _counted, _files, _print_problems, _units, _writing


def _convert_in_pool(inputs: List[Path], corpora: list, output: Path, job: Any, *,
                     n_workers: int) -> None:
    """`convert -n N` to one text file: N processes convert chunks of the input
    (`distributed.pool`), progress by chunk, the same summary as one process."""
    from tqdm import tqdm

    from ..distributed import DEFAULT_CHUNK_BYTES, DistributedError, pool
    from ..export.arrays import Counts
    from ..export.outputs import OutputError

    total = sum(path.stat().st_size for corpus in corpora for path in _files(corpus))
    bar = tqdm(unit=" tokens", unit_scale=True, desc=f"convert ({n_workers} processes)",
               leave=False)
    try:
        try:
            totals = pool.convert(
                inputs, output, job, n_workers=n_workers,
                chunk_bytes=pool.chunk_size(total, n_workers, DEFAULT_CHUNK_BYTES),
                progress=lambda r: bar.update(r.get("words", 0) + r.get("whitespace", 0)))
        finally:
            bar.close()  # before any error line, also on Ctrl-C
    except (DistributedError, OutputError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}; nothing was replaced")
    counts = Counts(*(totals[key] for key in Counts._fields))
    msg.good(f"wrote {output}: {_counted(counts)} "
             f"({totals['words'] / max(totals['seconds'], 1e-9):,.0f} words/s on "
             f"{n_workers} processes)")
    _print_problems(Counter(problem[0] for problem in totals["problems"]))


def _convert_here(corpora: list, output: Path, job: Any, *, n_process: int,
                  shard_size: Optional[int]) -> None:
    from tqdm import tqdm

    from ..export import WRITERS
    from ..export.files import SHARD_NAME

    sharded = job.to == "spacy" and bool(shard_size)
    problems: Counter = Counter()

    def count(problem: Problem) -> None:
        problems[problem.kind] += 1

    with _writing(output, SHARD_NAME if sharded else None) as tmp:
        nlp = _build_nlp(job.settings)

        def docs() -> Iterator:
            for _path, unit in _units(corpora, count):
                unit.problems = []  # counted above, as they are read
                yield nlp.tokenizer.doc_from_reading(unit)

        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            bar = tqdm(unit=" tokens", unit_scale=True, desc="convert", leave=False)

            def counted(stream: Iterable) -> Iterator:
                for doc in stream:
                    stop_signals.check()  # a Ctrl-C whose exception was swallowed
                    bar.update(len(doc))
                    yield doc

            try:
                with pipe_workers(n_process) as feed:
                    stream = nlp.pipe(feed(docs()), n_process=n_process,
                                      batch_size=job.batch_size)
                    options = {"shard_size": shard_size} if sharded else {}
                    options.update(job.writer_options())
                    summary = WRITERS[job.to](counted(stream), tmp, **options)
            finally:
                bar.close()  # before any error line
    elapsed = time.perf_counter() - start
    msg.good(f"wrote {output}: {_counted(summary)} "
             f"({summary.words / max(elapsed, 1e-9):,.0f} words/s)")
    _print_problems(problems)


def _convert_on_dask(inputs: List[Path], output: Path, job: Any, *,
                     chunk_bytes: Optional[str], n_workers: int,
                     scheduler: Optional[str], worker_logs: bool = False) -> None:
    """`convert --engine dask`: progress bar, summary, one-line errors."""
    from tqdm import tqdm

    from .. import distributed

    try:
        import dask.bag  # noqa: F401
        import distributed as _  # noqa: F401
    except ImportError:
        fail(f"--engine dask needs: {distributed.INSTALL_HINT}")
    try:
        size = (distributed.parse_size(chunk_bytes) if chunk_bytes is not None
                else distributed.DEFAULT_CHUNK_BYTES)
    except distributed.DistributedError as e:
        fail(f"--chunk-bytes: {e}")
    bars: List[Any] = []  # made at the first result: errors before it come without a bar

    def progress(result: dict) -> None:
        if not bars:
            bars.append(tqdm(unit=" tokens", unit_scale=True, desc="convert (dask)",
                             leave=False))
        bars[0].update(result.get("words", 0) + result.get("whitespace", 0))

    try:
        manifest = distributed.convert(inputs, output, job, chunk_bytes=size,
                                       n_workers=n_workers, scheduler=scheduler,
                                       progress=progress, worker_logs=worker_logs)
    except distributed.DistributedError as e:
        fail(str(e))
    finally:
        for bar in bars:
            bar.close()
    t, engine = manifest["totals"], manifest["engine"]
    msg.good(f"wrote {output}: {t['shards']} shard(s) and {distributed.MANIFEST}, "
             f"{t['docs']:,} docs, {t['sentences']:,} sentences, {t['words']:,} words, "
             f"{t['whitespace']:,} whitespace tokens "
             f"({t['words_per_second']:,} words/s on {engine['workers']} dask worker(s): "
             f"{t['seconds']:.1f} s, after {t['cluster_start_seconds']:.1f} s to start or "
             "reach the cluster)")
    _print_problems(Counter(t["problems"]))
