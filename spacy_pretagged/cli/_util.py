"""The app and what the commands share: the reading options (declared once), the input
files read unit by unit with one-line errors, outputs written through `export.outputs`,
the problem summary and the `detect` hint."""
from __future__ import annotations

import functools
import inspect
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import (
    Any,
    Callable,
    ContextManager,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

import typer
from wasabi import msg

from .. import tagsets
from ..cli_process import OneLineErrors, fail
from ..formats import PRESETS, SPACE_TAG, PretaggedFormatError, Problem, ReaderSettings, Reading

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
                           help="auto | concatenated (HanLP 1.x glued) | spaced (PKU, "
                                "ICTCLAS, jieba, THULAC, CTB, 863, LAC, UD word/tag) | conllu "
                                "(CoNLL-U, CoNLL-X) | hanlp_json (HanLP 2.x Documents)"),
    "tagset": typer.Option(None, "--tagset", "-t",
                           help=f"{' | '.join(tagsets.available())} (the tag table)"),
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
    from ..pipeline import build_nlp

    try:
        nlp = build_nlp(settings)
    except ValueError as e:
        fail(str(e))
    freeze_heap()
    return nlp


def freeze_heap() -> None:
    """Move everything alive now — spaCy, its registries, the pipeline: hundreds of
    thousands of objects that live as long as the command — out of the cyclic collector's
    sight (`gc.freeze`), so that its full collections while Docs stream through scan only
    what came after. Measured with the collector off altogether, those collections were 8 %
    of converting a CoNLL-U month to DocBin (two pairs of runs)."""
    import gc

    gc.freeze()


def _corpora(inputs: List[Path], settings: ReaderSettings, encoding: str,
             doc_per: str = "line") -> list:
    from ..pipeline import make_corpus

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
    from ..pipeline import decode_error

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
        from .. import tagsets

        self.settings, self.encoding = settings, encoding
        self.known = tagsets.load(settings.tagset).tags
        self.path: Optional[Path] = None
        self.items = self.unknown = 0

    def add(self, path: Path, unit: Reading) -> None:
        from ..tagsets import detect

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
    from ..export.outputs import OutputError, refuse_overlap

    try:
        refuse_overlap(output, inputs, [path for c in corpora for path in _files(c)])
    except OutputError as e:
        fail(str(e))


@contextmanager
def _writing(output: Path, folder: Any = None) -> Iterator[Path]:
    """`export.outputs.replacing_file(output)` (or `replacing_folder(output, folder)`) with
    its refusals and write errors (a full disk) as one-line errors."""
    from ..export.outputs import OutputError, replacing_file, replacing_folder

    target: ContextManager[Path] = (replacing_file(output) if folder is None
                                    else replacing_folder(output, folder))
    try:
        with target as tmp:
            yield tmp
    except OutputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}; nothing was replaced")


def _print_problems(problems: Counter) -> None:
    if problems:
        msg.warn(f"{sum(problems.values())} problem(s): " +
                 ", ".join(f"{kind} {n}" for kind, n in problems.most_common()))
    else:
        msg.info("no problems")


def _suggest_detect(path: Path, items: int, unknown: int, settings: ReaderSettings,
                    encoding: str) -> None:
    """When many items of a file have tags the tagset does not know, say which preset
    reads it best (`detect`), so a wrong --preset is one command away from fixed."""
    from ..tagsets import detect

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
