"""`convert`: its options and the checks between them. The work is done by one of the
engines in `convert_engines` (here, a local process pool, or Dask)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..cli_process import fail, show_logs
from ._util import INPUTS, ReaderOptions, _corpora, _refuse_overlap, app, reading_options
from .convert_engines import _convert_here, _convert_in_pool, _convert_on_dask


@app.command()
@reading_options
def convert(
    reader: ReaderOptions,
    inputs: List[Path] = INPUTS,
    output: Path = typer.Argument(..., help="Output file"),
    to: str = typer.Option("spacy", "--to", help="spacy (DocBin) | conllu | jsonl | pretagged"),
    doc_per: str = typer.Option("line", "--doc-per", help="line | file | article (PKU ids)"),
    on_error: str = typer.Option("warn", "--on-error",
                                 help="warn: report problems and go on; raise: stop at the first"),
    n_process: Optional[int] = typer.Option(
        None, "--n-process", "-n", help="Processes (default 1): worker processes that each "
        "read, convert and write a line-aligned chunk of input, joined into OUTPUT in input "
        "order (the same bytes as one process; --shard-size: spaCy's nlp.pipe processes); "
        "with --engine dask and no --scheduler, workers of the LocalCluster (default 2)"),
    batch_size: int = typer.Option(256, "--batch-size"),
    shard_size: Optional[int] = typer.Option(
        None, "--shard-size", help="--to spacy: write OUTPUT as a folder of .spacy files of "
        "this many docs each, so memory stays flat (spaCy's Corpus reads the folder)"),
    engine: str = typer.Option(
        "local", "--engine", help="local: this process (and --n-process); dask: OUTPUT "
        "becomes a folder of shards part-NNNNN.<ext> + manifest.json, one per chunk of "
        "input, converted on a Dask cluster (pip install 'spacy-pretagged[dask]')"),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="--engine dask: address of a running scheduler, e.g. "
        "tcp://HOST:8786 (default: start a LocalCluster of --n-process workers)"),
    chunk_bytes: Optional[str] = typer.Option(
        None, "--chunk-bytes", help="--engine dask: cut input files into line-aligned "
        "chunks (partitions, shards) of about this size, e.g. 2000, 64k, 16M (default 4M)"),
    misc_upos_source: bool = typer.Option(
        False, "--misc-upos-source", help="--to conllu: write what decided each UPOS into "
        "MISC as UposSource=table:<tag> | rule:<tagset:word:tag:prev:next> | override:<tag> "
        "| unknown:<tag>"),
    verbose: bool = typer.Option(
        False, "--verbose", help="Also show what workers log: a -n worker's traceback, "
        "Dask's logs (a task's traceback, a worker restarted)"),
) -> None:
    """Convert pre-tagged files into .spacy (DocBin), CoNLL-U, JSONL or pre-tagged text.

    Example: python -m spacy_pretagged convert 199801.txt pd.spacy --preset pku
    --doc-per article
    """
    from ..export import WRITERS
    from ..pipeline import Conversion

    show_logs(verbose)
    if to not in WRITERS:
        fail(f"--to must be one of {', '.join(WRITERS)}, not {to!r}")
    if engine not in ("local", "dask"):
        fail(f"--engine must be local or dask, not {engine!r}")
    if engine == "local" and (scheduler or chunk_bytes):
        fail("--scheduler and --chunk-bytes need --engine dask")
    if engine == "dask" and shard_size:
        fail("--shard-size is for --engine local; with --engine dask every chunk of input "
             "(--chunk-bytes) is a shard")
    if shard_size is not None and shard_size < 0:
        fail(f"--shard-size must be a number of docs (0: no shards), not {shard_size}")
    settings = reader.settings(on_error)
    try:
        job = Conversion(settings, to=to, encoding=reader.encoding, doc_per=doc_per,
                         batch_size=batch_size, misc_upos_source=misc_upos_source)
    except ValueError as e:
        fail(str(e))
    corpora = _corpora(inputs, settings, reader.encoding, doc_per)
    _refuse_overlap(output, inputs, corpora)
    if engine == "dask":
        _convert_on_dask(inputs, output, job, chunk_bytes=chunk_bytes, scheduler=scheduler,
                         n_workers=2 if n_process is None else n_process, worker_logs=verbose)
    elif (n_process or 1) > 1 and not (to == "spacy" and shard_size):
        _convert_in_pool(inputs, corpora, output, job, n_workers=n_process or 1)
    else:
        _convert_here(corpora, output, job, n_process=1 if n_process is None else n_process,
                      shard_size=shard_size)
