"""The command line: `python -m spacy_pretagged …`, and the same as `python -m spacy pretagged …`.

typer, wasabi and tqdm are already in spaCy's dependency tree, so the CLI adds nothing to
install. Every error is one line on stderr (`error: …`) and exit code 1, never a traceback:
bad input is the normal case for a corpus tool; typer's own usage errors and Ctrl-C /
SIGTERM too (`cli_process`). Every output is written through `export.outputs`, so a
failed, refused or interrupted run leaves the inputs and any earlier output as they were.
"""
from __future__ import annotations

import functools
import inspect
import json
import time
import warnings
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import (
    Any,
    Callable,
    ContextManager,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

import typer
from wasabi import msg

from . import stop_signals
from .cli_process import OneLineErrors, fail, pipe_workers, show_logs
from .formats import PRESETS, SPACE_TAG, PretaggedFormatError, Problem, ReaderSettings, Reading
from .formats.stream import count_whitespace

app = typer.Typer(cls=OneLineErrors, help="spacy-pretagged: pre-tagged Chinese (word/tag) as "
                  "spaCy Docs.", no_args_is_help=True, rich_markup_mode=None)


class ReaderOptions(NamedTuple):
    """The reading options of `convert`, `validate` and `stats`, as given (None: from the
    preset). Declared once here; `reading_options` adds them to each command."""

    preset: Optional[str]
    format: Optional[str]
    tagset: Optional[str]
    separator: Optional[str]
    item_separator: Optional[str]
    encoding: str

    def settings(self, on_error: str) -> ReaderSettings:
        try:
            return ReaderSettings.for_tagset(self.tagset, self.preset, format=self.format,
                                             separator=self.separator,
                                             item_separator=self.item_separator,
                                             on_error=on_error)
        except ValueError as e:
            fail(str(e))


ENCODING = typer.Option("utf-8", "--encoding", "-e", help="File encoding, e.g. gb18030")
_READER_OPTIONS = {
    "preset": typer.Option(None, "--preset", "-p",
                           help=f"Producer preset: {' | '.join(PRESETS)} (default: the "
                                "--tagset's, else hanlp); --format, --tagset, --separator "
                                "and --item-separator change single settings"),
    "format": typer.Option(None, "--format", "-f",
                           help="auto | concatenated (HanLP glued) | spaced (PKU, ICTCLAS, "
                                "jieba, THULAC)"),
    "tagset": typer.Option(None, "--tagset", "-t",
                           help="hanlp | ictclas | pku | pku_fine | jieba | thulac | pkuseg"),
    "separator": typer.Option(None, "--separator", help="Between word and tag (THULAC: _)"),
    "item_separator": typer.Option(None, "--item-separator",
                                   help="Exact separator between spaced items, e.g. ' ' for "
                                        "ICTCLAS/jieba/THULAC (PKU: any whitespace)"),
    "encoding": ENCODING,
}


def reading_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the reading options: typer sees them in the signature, the command
    gets them as one `reader: ReaderOptions` argument. (typer has no shared options for
    several commands short of a callback, which would move them before the command name.)"""
    signature = inspect.signature(command)
    own = [p for name, p in signature.parameters.items() if name != "reader"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option,
                               annotation=str if name == "encoding" else Optional[str])
             for name, option in _READER_OPTIONS.items()]

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        reader = ReaderOptions(**{name: kwargs.pop(name) for name in ReaderOptions._fields})
        command(reader=reader, **kwargs)

    run.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
    return run


INPUTS = typer.Argument(..., exists=True, help="Pre-tagged files or folders")


def _build_nlp(settings: ReaderSettings) -> Any:
    from .pipeline import build_nlp

    try:
        return build_nlp(settings)
    except ValueError as e:
        fail(str(e))


def _corpora(inputs: List[Path], settings: ReaderSettings, encoding: str,
             doc_per: str = "line") -> list:
    from .pipeline import make_corpus

    try:
        return [make_corpus(path, settings, encoding=encoding, doc_per=doc_per)
                for path in inputs]
    except ValueError as e:
        fail(str(e))


def _units(corpora: list, on_problem: Optional[Callable[[Problem], None]] = None
           ) -> Iterator[Tuple[Path, Reading]]:
    """(file, document unit) of every file of every corpus, streamed (one unit in memory at
    a time, `PretaggedCorpus.stream`); `on_problem` gets each problem as it is read. Errors
    name the file (not the folder it is in) and end the command with one line."""
    from .pipeline import decode_error

    for corpus in corpora:
        for path in _files(corpus):
            units = corpus.stream(path, on_problem)
            while True:
                try:
                    unit = next(units)
                except StopIteration:
                    break
                except PretaggedFormatError as e:
                    fail(str(e))
                except UnicodeDecodeError as e:
                    fail(decode_error(path, corpus.encoding, e))
                except OSError as e:
                    fail(f"cannot read {path}: {e.strerror or e}")
                yield path, unit


def _counted(counts: Any) -> str:
    """Words and whitespace tokens apart, as every writer's `Counts` has them."""
    return (f"{counts.docs:,} docs, {counts.sentences:,} sentences, {counts.words:,} words, "
            f"{counts.whitespace:,} whitespace tokens")


class _UnknownTags:
    """Per file: items and items with tags the tagset does not know, counted unit by unit,
    for `_suggest_detect` once the file is read."""

    def __init__(self, settings: ReaderSettings, encoding: str):
        from . import tagsets

        self.settings, self.encoding = settings, encoding
        self.known = tagsets.load(settings.tagset).tags
        self.path: Optional[Path] = None
        self.items = self.unknown = 0

    def add(self, path: Path, unit: Reading) -> None:
        from .tagsets import detect

        if path != self.path:
            self.done()
            self.path, self.items, self.unknown = path, 0, 0
        self.items += sum(tag != SPACE_TAG for tag in unit.tags)
        self.unknown += sum(detect.unknown_tags(unit, self.known).values())

    def done(self) -> None:
        if self.path is not None:
            _suggest_detect(self.path, self.items, self.unknown, self.settings, self.encoding)
        self.path = None


def _files(corpus: Any) -> List[Path]:
    try:
        return corpus.files()
    except OSError as e:
        fail(f"cannot read {e.filename or corpus.path}: {e.strerror or e}")


def _refuse_overlap(output: Path, inputs: Sequence[Path], corpora: Sequence[Any] = ()) -> None:
    """Before anything is opened: an output must not be an input, nor inside an input folder,
    nor contain an input (`export.outputs.refuse_overlap`)."""
    from .export.outputs import OutputError, refuse_overlap

    try:
        refuse_overlap(output, inputs, [path for c in corpora for path in _files(c)])
    except OutputError as e:
        fail(str(e))


@contextmanager
def _writing(output: Path, folder: Any = None) -> Iterator[Path]:
    """`export.outputs.replacing_file(output)` (or `replacing_folder(output, folder)`) with
    its refusals and write errors (a full disk) as one-line errors."""
    from .export.outputs import OutputError, replacing_file, replacing_folder

    target: ContextManager[Path] = (replacing_file(output) if folder is None
                                    else replacing_folder(output, folder))
    try:
        with target as tmp:
            yield tmp
    except OutputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}; nothing was replaced")


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
    from .export import WRITERS
    from .pipeline import Conversion

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


def _convert_in_pool(inputs: List[Path], corpora: list, output: Path, job: Any, *,
                     n_workers: int) -> None:
    """`convert -n N` to one text file: N processes convert chunks of the input
    (`distributed.pool`), progress by chunk, the same summary as one process."""
    from tqdm import tqdm

    from .distributed import DEFAULT_CHUNK_BYTES, DistributedError, pool
    from .export.arrays import Counts
    from .export.outputs import OutputError

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

    from .export import WRITERS
    from .export.files import SHARD_NAME

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

    from . import distributed

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


def _print_problems(problems: Counter) -> None:
    if problems:
        msg.warn(f"{sum(problems.values())} problem(s): " +
                 ", ".join(f"{kind} {n}" for kind, n in problems.most_common()))
    else:
        msg.info("no problems")


@app.command()
@reading_options
def validate(reader: ReaderOptions, inputs: List[Path] = INPUTS) -> None:
    """Check files without converting: every problem as file:line:col, a summary by kind,
    exit code 1 if there is any.

    Example: python -m spacy_pretagged validate corpus/ --preset pku
    """
    settings = reader.settings("warn")
    corpora = _corpora(inputs, settings, reader.encoding)
    problems: Counter = Counter()
    words = 0
    unknown = _UnknownTags(settings, reader.encoding)

    def report(problem: Problem) -> None:
        typer.echo(str(problem))
        problems[problem.kind] += 1

    for path, unit in _units(corpora, report):
        words += len(unit) - count_whitespace(unit)
        unknown.add(path, unit)
    unknown.done()
    files = sum(len(_files(corpus)) for corpus in corpora)
    msg.info(f"{files} file(s), {words:,} words")
    _print_problems(problems)
    if problems:
        raise typer.Exit(1)


@app.command()
@reading_options
def stats(
    reader: ReaderOptions,
    inputs: List[Path] = INPUTS,
    top: int = typer.Option(20, "--top", help="How many tags and POS to list"),
    png: Optional[Path] = typer.Option(None, "--png",
                                       help="Draw the tag distribution here (needs matplotlib)"),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the figures"),
    doc_per: str = typer.Option(
        "line", "--doc-per", help="line | file | article: the Docs counted in, as convert "
        "makes them (a word rule may look at the next word, across lines only within a "
        "Doc); line and article stream, file holds each file"),
) -> None:
    """Words, whitespace tokens, types, tag and UPOS distributions (of the words), unknown
    tags, what decided the UPOS, compounds, entities.

    Example: python -m spacy_pretagged stats seeds/ --png tags.png
    """
    from . import tagsets
    from .doc_keys import upos_sources
    from .export.arrays import whitespace_mask

    settings = reader.settings("warn")
    corpora = _corpora(inputs, settings, reader.encoding, doc_per=doc_per)
    for output in (json_path, png):
        if output is not None:
            _refuse_overlap(output, inputs, corpora)
    nlp = _build_nlp(settings)
    known = tagsets.load(settings.tagset).tags
    tags: Counter = Counter()
    pos: Counter = Counter()
    types: set = set()
    compounds: Counter = Counter()
    entities: Counter = Counter()
    problems: Counter = Counter()
    sources: Counter = Counter()  # what decided the POS, by kind (table, rule, ...)
    fired: Counter = Counter()  # rule key → words it decided
    whitespace = 0
    unknown = _UnknownTags(settings, reader.encoding)

    def count(problem: Problem) -> None:
        problems[problem.kind] += 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for path, unit in _units(corpora, count):
            unit.problems = []
            unknown.add(path, unit)
            doc = nlp(nlp.tokenizer.doc_from_reading(unit))
            word = ~whitespace_mask(doc)
            whitespace += len(doc) - int(word.sum())
            for t, source in zip(doc, upos_sources(doc)):
                if word[t.i]:
                    tags[t.tag_] += 1
                    pos[t.pos_] += 1
                    types.add(t.text)
                    kind, _, key = (source or "none").partition(":")
                    sources[kind] += 1
                    if kind == "rule":
                        fired[key] += 1
            compounds.update(s.label_ for s in doc.spans.get("compounds", []))
            entities.update(e.label_ for e in doc.ents)
    unknown.done()
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    rules = []
    for key, n in fired.most_common():
        rule = mapper.rule(key)
        rules.append({"rule": key, "words": n, "upos": rule.upos if rule else "",
                      "reason": rule.reason if rule else ""})
    figures: dict = {
        "words": sum(tags.values()), "whitespace": whitespace, "types": len(types),
        "tags": dict(tags.most_common()), "pos": dict(pos.most_common()),
        "unknown_tags": {t: n for t, n in tags.most_common() if t not in known},
        "upos_sources": dict(sources.most_common()), "rules_fired": rules,
        "compounds": dict(compounds), "entities": dict(entities), "problems": dict(problems),
    }
    msg.info(f"{figures['words']:,} words, {whitespace:,} whitespace tokens, "
             f"{figures['types']:,} types, {len(tags)} tags")
    msg.table(tags.most_common(top), header=("tag", "count"), divider=True)
    msg.table(pos.most_common(top), header=("UPOS", "count"), divider=True)
    msg.text("what decided the UPOS: " + (", ".join(
        f"{kind} {n:,} ({100 * n / max(1, figures['words']):.1f} %)"
        for kind, n in sources.most_common()) or "none"))
    if rules:
        msg.table([(r["rule"], r["words"], r["upos"], r["reason"]) for r in rules[:top]],
                  header=("word rule (tagset:word:tag:prev:next)", "words", "UPOS", "reason"),
                  divider=True, max_col=70)
    for name in ("unknown_tags", "compounds", "entities", "problems"):
        msg.text(f"{name}: {figures[name] or 'none'}")
    if json_path is not None:
        with _writing(json_path) as tmp:
            tmp.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    if png is not None:
        _plot(tags.most_common(top), png)
        msg.good(f"wrote {png}")


def _suggest_detect(path: Path, items: int, unknown: int, settings: ReaderSettings,
                    encoding: str) -> None:
    """When many items of a file have tags the tagset does not know, say which preset
    reads it best (`detect`), so a wrong --preset is one command away from fixed."""
    from .tagsets import detect

    if not items or unknown / items <= detect.UNKNOWN_SHARE:
        return
    share = f"{100 * unknown / items:.1f} % of the items of {path} have tags the " \
            f"{settings.tagset!r} tagset does not know"
    try:
        best = detect.detect_text(detect.sample(path, encoding)).best
    except (UnicodeDecodeError, ValueError, OSError):
        best = None
    # typer.echo, not msg: one line however long (wasabi wraps), a path never broken
    if best is not None and best.settings.tagset != settings.tagset and best.share > 0.5:
        typer.echo(f"hint: {share}; it reads best with --preset {best.preset} "
                   f"({100 * best.share:.1f} % of a sample's items known): see "
                   f"`python -m spacy_pretagged detect {path}`")
    else:
        typer.echo(f"hint: {share}; `python -m spacy_pretagged detect {path}` compares the "
                   "presets")


@app.command()
def detect(
    inputs: List[Path] = INPUTS,
    encoding: str = ENCODING,
    lines: int = typer.Option(1000, "--lines", help="Lines read from the start of each file"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead"),
) -> None:
    """Which producer wrote these files? Reads the first lines of each, tries every preset
    and reports the best fit (format, separator, tagset) with the share of items each
    tagset accepts and the tags the best one does not know.

    Example: python -m spacy_pretagged detect 199801.txt --json
    """
    from .pipeline import decode_error
    from .tagsets import detect as detection

    try:
        paths = detection.files(inputs)
    except ValueError as e:
        fail(str(e))
    if not paths:
        fail(f"no files in {', '.join(map(str, inputs))}")
    samples: List[str] = []
    per_file: List[dict] = []
    for path in paths:
        try:
            text = detection.sample(path, encoding, lines)
        except UnicodeDecodeError as e:
            fail(decode_error(path, encoding, e))
        samples.append(text)
    result = detection.detect_samples(samples)
    if len(paths) > 1:
        for path, text in zip(paths, samples):
            own = detection.detect_text(text).best
            per_file.append({"path": str(path), "preset": own.preset,
                             "share": round(own.share, 6)})
    report = {**result.to_dict(), "files": per_file or [
        {"path": str(paths[0]), "preset": result.best.preset,
         "share": round(result.best.share, 6)}]}
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    best = result.best
    msg.good(f"--preset {best.preset}: format {best.settings.format}, separator "
             f"{best.settings.separator!r}, item separator "
             f"{best.settings.item_separator or 'any whitespace'!r}, tagset "
             f"{best.settings.tagset} ({100 * best.share:.1f} % of {best.items:,} items in "
             f"{result.lines:,} lines known)")
    msg.table([(fit.settings.tagset, fit.preset, f"{100 * fit.share:.1f} %", f"{fit.items:,}")
               for fit in result.fits],
              header=("tagset", "preset", "items accepted", "items read"), divider=True)
    unknown = ", ".join(f"{tag} {n}" for tag, n in list(best.unknown.items())[:20])
    msg.text(f"unknown tags ({best.settings.tagset}): {unknown or 'none'}")
    mixed = sorted({f["preset"] for f in per_file})
    if len(mixed) > 1:
        msg.warn(f"the files do not agree: {', '.join(mixed)} fit best in some of them "
                 "(--json lists each file)")


def _plot(counts, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        fail("--png needs matplotlib: pip install 'spacy-pretagged[plot]'")
    # The format from the name the user gave (the temporary name ends in .tmp).
    kind = path.suffix[1:].lower() or matplotlib.rcParams["savefig.format"]
    if kind not in FigureCanvasBase.get_supported_filetypes():
        fail(f"--png: matplotlib cannot write {kind!r} files ({path})")
    fig, ax = plt.subplots(figsize=(max(6, len(counts) * 0.4), 4))
    ax.bar([t for t, _ in counts], [n for _, n in counts])
    ax.set_ylabel("words")
    ax.set_title("tag distribution")
    ax.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    try:
        with _writing(path) as tmp:
            fig.savefig(tmp, format=kind)
    finally:
        plt.close(fig)


@app.command()
def show(
    pipeline: str = typer.Argument(..., help="Pipeline directory or package, or a configs/*.cfg"),
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Pre-tagged text file"),
    encoding: str = ENCODING,
    limit: int = typer.Option(40, help="How many tokens to print (0: all)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Also write the Doc as spaCy JSON here"),
) -> None:
    """Tokenize and map one file with a pipeline; print tokens, tags, POS and a summary.

    Example: python -m spacy_pretagged show configs/hanlp.cfg seeds/000_a2cd9d74a44ebc07.txt
    """
    from .export.pretagged import to_pretagged
    from .pipeline import decode_error, load_pipeline

    if output is not None:
        _refuse_overlap(output, [path] + ([Path(pipeline)] if Path(pipeline).exists() else []))
    nlp = load_pipeline(pipeline)
    if not hasattr(nlp.tokenizer, "read_file"):
        fail(f"{pipeline} does not use spacy_pretagged.PretaggedTokenizer.v1")
    try:
        doc = nlp(nlp.tokenizer.read_file(path, encoding=encoding))
        with path.open(encoding=encoding, newline="") as f:
            text = f.read()
    except PretaggedFormatError as e:
        fail(str(e))
    except UnicodeDecodeError as e:
        fail(decode_error(path, encoding, e))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror or e}")
    rows = [(t.i, repr(t.text) if t.is_space else t.text, t.tag_, t.pos_, str(t.morph) or "_",
             t.ent_type_ or "", "" if t.is_sent_start is False else "S")
            for t in (doc if limit <= 0 else doc[:limit])]
    msg.table(rows, header=("i", "text", "tag", "pos", "morph", "ent", "sent"), divider=True)
    titles = [span.text for span in doc.spans["title"]] if "title" in doc.spans else []
    msg.info(f"{len(doc)} tokens, {len(list(doc.sents))} sentences, "
             f"{sum(not t.is_space for t in doc)} words, {len(doc.ents)} entities; "
             f"titles: {titles}")
    same = to_pretagged(doc) == text
    (msg.good if same else msg.warn)(
        "to_pretagged(doc) reproduces the file byte for byte" if same
        else "to_pretagged(doc) differs from the file (expected for spaced input)")
    if output is not None:
        with _writing(output) as tmp:
            tmp.write_text(json.dumps(doc.to_json(), ensure_ascii=False, indent=1),
                           encoding="utf-8")
        msg.good(f"wrote {output}")
