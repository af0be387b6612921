"""The command line: `python -m spacy_pretagged …`, and the same as `python -m spacy pretagged …`.

typer, wasabi and tqdm are already in spaCy's dependency tree, so the CLI adds nothing to
install. Errors are one line on stderr and exit code 1, never a traceback: bad input is the
normal case for a corpus tool.
"""
from __future__ import annotations

import json
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, List, Optional

import typer
from wasabi import msg

if TYPE_CHECKING:
    from spacy.language import Language

    from .corpus import PretaggedCorpus

app = typer.Typer(help="spacy-pretagged: pre-tagged Chinese (word/tag) as spaCy Docs.",
                  no_args_is_help=True, rich_markup_mode=None)

FORMAT = typer.Option("auto", "--format", "-f",
                      help="auto | concatenated (HanLP glued) | spaced (PKU, ICTCLAS, jieba, THULAC)")
TAGSET = typer.Option("hanlp", "--tagset", "-t",
                      help="hanlp | ictclas | pku | pku_fine | jieba | thulac | pkuseg")
SEPARATOR = typer.Option("/", "--separator", help="Between word and tag (THULAC: _)")
ITEM_SEPARATOR = typer.Option(None, "--item-separator",
                              help="Exact separator between spaced items, e.g. ' ' for "
                                   "ICTCLAS/jieba/THULAC (default: any whitespace)")
ENCODING = typer.Option("utf-8", "--encoding", "-e", help="File encoding, e.g. gb18030")
INPUTS = typer.Argument(..., exists=True, help="Pre-tagged files or folders")


def fail(message: str) -> None:
    """One line on stderr, exit code 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def build_nlp(format: str, tagset: str, separator: str, item_separator: Optional[str],
              on_error: str = "warn") -> "Language":
    """Tokenizer + tag mapper + entities + sentencizer, from command-line settings."""
    import spacy

    try:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
            "@tokenizers": "spacy_pretagged.PretaggedTokenizer.v1", "format": format,
            "tagset": tagset, "separator": separator, "item_separator": item_separator,
            "on_error": on_error, "title_prefix": title_prefix(tagset)}}})
    except Exception as e:  # confection wraps our ValueError; show only its reason
        fail(str(e).strip().splitlines()[-1])
    nlp.add_pipe("pretagged_tag_mapper", config={"tagset": tagset})
    nlp.add_pipe("pretagged_entities", config={"tagset": tagset})
    nlp.add_pipe("sentencizer")
    return nlp


def load_pipeline(pipeline: str) -> "Language":
    """A saved pipeline directory, an installed package name, or a `.cfg` to assemble."""
    import spacy
    from spacy.util import load_config, load_model_from_config

    if pipeline.endswith(".cfg"):
        nlp = load_model_from_config(load_config(pipeline), auto_fill=True)
        nlp.initialize()
        return nlp
    return spacy.load(pipeline)


def title_prefix(tagset: str) -> Optional[str]:
    """`#` title lines are HanLP-output markup (the seed); corpora of other producers may
    start a line with `#` as text."""
    return "#" if tagset == "hanlp" else None


def make_corpus(path: Path, **settings: Any) -> "PretaggedCorpus":
    """The corpus reader every command (and each Dask worker) reads files with: the
    settings as given, the title prefix from the tagset."""
    from .corpus import PretaggedCorpus

    return PretaggedCorpus(path, title_prefix=title_prefix(settings["tagset"]), **settings)


def _corpora(inputs: List[Path], **settings):
    try:
        return [make_corpus(path, **settings) for path in inputs]
    except ValueError as e:
        fail(str(e))


def _file_readings(corpora) -> Iterator:
    from .formats import PretaggedFormatError

    for corpus in corpora:
        files = iter(corpus.file_readings())
        while True:
            try:
                yield corpus, *next(files)
            except StopIteration:
                break
            except PretaggedFormatError as e:
                fail(str(e))
            except UnicodeDecodeError as e:
                fail(f"{corpus.path}: not {corpus.encoding} ({e.reason} at byte {e.start}); "
                     "try --encoding gb18030 (GBK/GB2312 files) or --encoding utf-8-sig")


@app.command()
def convert(
    inputs: List[Path] = INPUTS,
    output: Path = typer.Argument(..., help="Output file"),
    to: str = typer.Option("spacy", "--to", help="spacy (DocBin) | conllu | jsonl | pretagged"),
    format: str = FORMAT,
    tagset: str = TAGSET,
    separator: str = SEPARATOR,
    item_separator: Optional[str] = ITEM_SEPARATOR,
    encoding: str = ENCODING,
    doc_per: str = typer.Option("line", "--doc-per", help="line | file | article (PKU ids)"),
    on_error: str = typer.Option("warn", "--on-error",
                                 help="warn: report problems and go on; raise: stop at the first"),
    n_process: Optional[int] = typer.Option(
        None, "--n-process", "-n", help="Processes for the pipeline (default 1); with "
        "--engine dask and no --scheduler, workers of the LocalCluster (default 2)"),
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
) -> None:
    """Convert pre-tagged files into .spacy (DocBin), CoNLL-U, JSONL or pre-tagged text.

    Example: python -m spacy_pretagged convert 199801.txt pd.spacy --format spaced
    --tagset pku --doc-per article
    """
    from tqdm import tqdm

    from .export import WRITERS

    if to not in WRITERS:
        fail(f"--to must be one of {', '.join(WRITERS)}, not {to!r}")
    if engine not in ("local", "dask"):
        fail(f"--engine must be local or dask, not {engine!r}")
    if engine == "local" and (scheduler or chunk_bytes):
        fail("--scheduler and --chunk-bytes need --engine dask")
    if engine == "dask" and shard_size:
        fail("--shard-size is for --engine local; with --engine dask every chunk of input "
             "(--chunk-bytes) is a shard")
    corpora = _corpora(inputs, format=format, tagset=tagset, separator=separator,
                       item_separator=item_separator, encoding=encoding, doc_per=doc_per,
                       on_error=on_error)
    if engine == "dask":
        from .distributed import cli_convert

        cli_convert(inputs, output, chunk_bytes=chunk_bytes, scheduler=scheduler,
                    n_workers=2 if n_process is None else n_process, to=to, format=format,
                    tagset=tagset, separator=separator, item_separator=item_separator,
                    encoding=encoding, doc_per=doc_per, on_error=on_error,
                    batch_size=batch_size)
        return
    n_process = 1 if n_process is None else n_process
    nlp = build_nlp(format, tagset, separator, item_separator, on_error)
    problems: Counter = Counter()
    tokens = 0

    def docs() -> Iterator:
        for corpus, _path, reading in _file_readings(corpora):
            problems.update(p.kind for p in reading.problems)
            for part in corpus.split(reading):
                part.problems = []  # counted once per file above
                yield nlp.tokenizer.doc_from_reading(part)

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        bar = tqdm(unit=" tokens", unit_scale=True, desc="convert", leave=False)

        def counted(stream: Iterable) -> Iterator:
            nonlocal tokens
            for doc in stream:
                tokens += len(doc)
                bar.update(len(doc))
                yield doc

        stream = nlp.pipe(docs(), n_process=n_process, batch_size=batch_size)
        options = {"shard_size": shard_size} if to == "spacy" and shard_size else {}
        summary = WRITERS[to](counted(stream), output, **options)
        bar.close()
    elapsed = time.perf_counter() - start
    msg.good(f"wrote {output}: {summary.docs:,} docs, {summary.sentences:,} sentences, "
             f"{summary.tokens:,} tokens ({tokens / max(elapsed, 1e-9):,.0f} tokens/s)")
    _print_problems(problems)


def _print_problems(problems: Counter) -> None:
    if problems:
        msg.warn(f"{sum(problems.values())} problem(s): " +
                 ", ".join(f"{kind} {n}" for kind, n in problems.most_common()))
    else:
        msg.info("no problems")


@app.command()
def validate(
    inputs: List[Path] = INPUTS,
    format: str = FORMAT,
    tagset: str = TAGSET,
    separator: str = SEPARATOR,
    item_separator: Optional[str] = ITEM_SEPARATOR,
    encoding: str = ENCODING,
) -> None:
    """Check files without converting: every problem as file:line:col, a summary by kind,
    exit code 1 if there is any.

    Example: python -m spacy_pretagged validate corpus/ --format spaced --tagset pku
    """
    corpora = _corpora(inputs, format=format, tagset=tagset, separator=separator,
                       item_separator=item_separator, encoding=encoding, on_error="warn")
    problems: Counter = Counter()
    files = tokens = 0
    for _corpus, _path, reading in _file_readings(corpora):
        files += 1
        tokens += sum(tag != "_SP" for tag in reading.tags)
        for problem in reading.problems:
            typer.echo(str(problem))
            problems[problem.kind] += 1
    msg.info(f"{files} file(s), {tokens:,} tokens")
    _print_problems(problems)
    if problems:
        raise typer.Exit(1)


@app.command()
def stats(
    inputs: List[Path] = INPUTS,
    format: str = FORMAT,
    tagset: str = TAGSET,
    separator: str = SEPARATOR,
    item_separator: Optional[str] = ITEM_SEPARATOR,
    encoding: str = ENCODING,
    top: int = typer.Option(20, "--top", help="How many tags and POS to list"),
    png: Optional[Path] = typer.Option(None, "--png",
                                       help="Draw the tag distribution here (needs matplotlib)"),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the figures"),
) -> None:
    """Tokens, types, tag and UPOS distributions, unknown tags, compounds, entities.

    Example: python -m spacy_pretagged stats seeds/ --png tags.png
    """
    from . import tagsets

    corpora = _corpora(inputs, format=format, tagset=tagset, separator=separator,
                       item_separator=item_separator, encoding=encoding, doc_per="file",
                       on_error="warn")
    nlp = build_nlp(format, tagset, separator, item_separator)
    known = tagsets.load(tagset).tags
    tags: Counter = Counter()
    pos: Counter = Counter()
    types: set = set()
    compounds: Counter = Counter()
    entities: Counter = Counter()
    problems: Counter = Counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for corpus, _path, reading in _file_readings(corpora):
            problems.update(p.kind for p in reading.problems)
            reading.problems = []
            doc = nlp(nlp.tokenizer.doc_from_reading(reading))
            for t in doc:
                if t.tag_ != "_SP":
                    tags[t.tag_] += 1
                    pos[t.pos_] += 1
                    types.add(t.text)
            compounds.update(s.label_ for s in doc.spans.get("compounds", []))
            entities.update(e.label_ for e in doc.ents)
    figures = {
        "tokens": sum(tags.values()), "types": len(types),
        "tags": dict(tags.most_common()), "pos": dict(pos.most_common()),
        "unknown_tags": {t: n for t, n in tags.most_common() if t not in known},
        "compounds": dict(compounds), "entities": dict(entities), "problems": dict(problems),
    }
    msg.info(f"{figures['tokens']:,} tokens, {figures['types']:,} types, {len(tags)} tags")
    msg.table(tags.most_common(top), header=("tag", "count"), divider=True)
    msg.table(pos.most_common(top), header=("UPOS", "count"), divider=True)
    for name in ("unknown_tags", "compounds", "entities", "problems"):
        msg.text(f"{name}: {figures[name] or 'none'}")
    if json_path is not None:
        json_path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    if png is not None:
        _plot(tags.most_common(top), png)
        msg.good(f"wrote {png}")


def _plot(counts, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("--png needs matplotlib: pip install 'spacy-pretagged[plot]'")
    fig, ax = plt.subplots(figsize=(max(6, len(counts) * 0.4), 4))
    ax.bar([t for t, _ in counts], [n for _, n in counts])
    ax.set_ylabel("tokens")
    ax.set_title("tag distribution")
    ax.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    fig.savefig(path)
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
    from .formats import PretaggedFormatError, to_pretagged

    nlp = load_pipeline(pipeline)
    if not hasattr(nlp.tokenizer, "read_file"):
        fail(f"{pipeline} does not use spacy_pretagged.PretaggedTokenizer.v1")
    try:
        doc = nlp(nlp.tokenizer.read_file(path, encoding=encoding))
    except PretaggedFormatError as e:
        fail(str(e))
    except UnicodeDecodeError as e:
        fail(f"{path}: not {encoding} ({e.reason} at byte {e.start}); try --encoding gb18030")
    with path.open(encoding=encoding, newline="") as f:
        text = f.read()
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
        output.write_text(json.dumps(doc.to_json(), ensure_ascii=False, indent=1),
                          encoding="utf-8")
        msg.good(f"wrote {output}")
