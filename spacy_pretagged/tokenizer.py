"""spaCy glue for the reader: pre-tagged text → `Doc` with the given words, spaces and tags.

Registered as `spacy_pretagged.PretaggedTokenizer.v1` (and exposed under the same name as a
`spacy_tokenizers` entry point, so `spacy.load` finds it without importing us). The shape
follows spacy-stanza's tokenizer: external annotation in, one `Doc(...)` call out.

With `untagged = "segment"`, text that carries no tags is segmented by a spacy-pkuseg model.
The model is the tokenizer's only state besides its settings, and is handled the way spaCy's
`ChineseTokenizer` handles it: `initialize()` loads it from `pkuseg_model` / `pkuseg_user_dict`
— exactly the names and defaults spaCy injects into `[initialize.tokenizer]` for `lang = "zh"`
and validates strictly, so every config of ours initializes (spacy_anchors.md P13) — and
`to_disk` / `to_bytes` / pickling carry it, so a saved or packaged pipeline needs nothing
else. Only paths are accepted: a pkuseg model *name* downloads (P14).
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

import numpy
import srsly
from spacy.attrs import SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.training import Example
from spacy.util import from_bytes, registry, to_bytes
from spacy.vocab import Vocab

from . import segmenter, tagsets
from .formats import Reader, Reading
from .serialize import SettingsSerializable

#: `doc.user_data` key of the problems found in lenient mode, as [kind, line, col, text] lists
#: (plain lists so `doc.to_bytes()` and `nlp.pipe(n_process=2)` carry them).
PROBLEMS_KEY = "pretagged_problems"
#: `doc.user_data` key of PKU paragraph ids, as [index of the line's first token, id, tag].
IDS_KEY = "pretagged_ids"
#: `doc.user_data` key, set when `untagged != "raise"`, of the tags the input gave: the TAG
#: hash per token as uint64 bytes, 0 where the tag did not come from the input (segmented or
#: character tokens). A tagger later fills TAG on exactly those; the mapper reads this to
#: tell given tags from predicted ones.
GIVEN_TAGS_KEY = "pretagged_given_tags"

_NO_MODEL = ("untagged='segment' needs a spacy-pkuseg model to segment text without tags, and "
             "none is loaded: set `[initialize.tokenizer] pkuseg_model = PATH` (a folder made "
             "by spacy_pkuseg.train) and run nlp.initialize(), or call "
             "nlp.tokenizer.initialize(pkuseg_model=PATH)")

# Pinyin from `看{kan4}/v` lives in `token._.pinyin` (None where the input has none). An
# extension rather than part of the word: the word stays `看`, so matching, lemmas and
# exports see the word the corpus tagged. Values are in doc.user_data: DocBin needs
# store_user_data=True to keep them.
if not Token.has_extension("pinyin"):
    Token.set_extension("pinyin", default=None)


class PretaggedTokenizer(SettingsSerializable):
    """Reads `word/tag` text; see the README for the format rules."""

    def __init__(
        self,
        vocab: Vocab,
        *,
        format: str = "auto",
        separator: str = "/",
        tagset: str = "hanlp",
        title_prefix: Optional[str] = "#",
        on_error: str = "raise",
        item_separator: Optional[str] = None,
        brackets: bool = True,
        pinyin: bool = True,
        paragraph_ids: bool = True,
        untagged: str = "raise",
    ):
        self.vocab = vocab
        self.pkuseg: Optional[Any] = None  # a spacy_pkuseg.pkuseg, see initialize()
        self._configure(dict(format=format, separator=separator, tagset=tagset,
                             title_prefix=title_prefix, on_error=on_error,
                             item_separator=item_separator, brackets=brackets, pinyin=pinyin,
                             paragraph_ids=paragraph_ids, untagged=untagged))

    def _configure(self, cfg: Dict[str, Any]) -> None:
        settings = dict(cfg)
        self.tagset = settings.pop("tagset")
        segment = self._segment if settings.get("untagged") == "segment" else None
        self.reader = Reader(tagsets.load(self.tagset).tags, segmenter=segment, **settings)

    def initialize(
        self,
        get_examples: Optional[Callable[[], Iterable[Example]]] = None,
        *,
        nlp: Optional[Language] = None,
        pkuseg_model: Optional[str] = None,
        pkuseg_user_dict: Optional[str] = "default",
    ) -> None:
        """Load the pkuseg model `untagged="segment"` uses. (The hints stay `Optional[str]`:
        spaCy validates these settings with pydantic, which resolves our postponed
        annotations in spacy.schemas' namespace, where `Path` is unknown. Paths work too.)

        pkuseg_model: a folder made by `spacy_pkuseg.train` (features.msgpack, weights.npz).
            None keeps the model already loaded, if any: `initialize()` on a loaded pipeline
            must not drop the model it was saved with.
        pkuseg_user_dict: "default" (pkuseg's built-in dictionary), None (no dictionary) or
            the path of a user dictionary file (one word per line, optionally TAB tag).
        """
        untagged = self.reader.untagged
        if pkuseg_model is None:
            if untagged == "segment" and self.pkuseg is None:
                warnings.warn(f"{_NO_MODEL}. Text with tags is read; text without raises.",
                              UserWarning, stacklevel=2)
            return
        if untagged != "segment":
            warnings.warn(f"pkuseg_model is ignored: the tokenizer's untagged setting is "
                          f"{untagged!r}, not 'segment'", UserWarning, stacklevel=2)
            return
        if self.pkuseg is not None and not Path(pkuseg_model).is_dir():
            # A loaded pipeline's config still names the training-time folder, which may be
            # gone or relative to another directory (spaCy #13868); its model is saved in it.
            warnings.warn(f"pkuseg_model {str(pkuseg_model)!r} is no folder: keeping the "
                          "model already loaded", UserWarning, stacklevel=2)
            return
        self.pkuseg = segmenter.load(pkuseg_model, pkuseg_user_dict)

    def _segment(self, text: str) -> List[str]:
        if self.pkuseg is None:
            raise ValueError(_NO_MODEL)
        return self.pkuseg.cut(text)

    @property
    def cfg(self) -> Dict[str, Any]:
        return {"tagset": self.tagset, **self.reader.settings}

    def __call__(self, text: str) -> Doc:
        return self.doc_from_reading(self.reader.read(text))

    def read_file(self, path: Union[str, Path], encoding: str = "utf-8") -> Doc:
        """A Doc from a file; problems name the file. `newline=""` keeps `\\r\\n` and lone
        `\\r` as they are: they are text, and line numbers count them as the reader does."""
        with open(path, encoding=encoding, newline="") as f:
            text = f.read()
        return self.doc_from_reading(self.reader.read(text, source=str(path)))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def doc_from_reading(self, reading: Reading) -> Doc:
        """A Doc from an already-read text (the corpus reader and CLI read files themselves)."""
        if reading.problems:
            first = reading.problems[0]
            warnings.warn(
                f"{len(reading.problems)} problem(s) in pre-tagged input, kept or skipped as "
                f"documented; first: {first}",
                UserWarning,
                stacklevel=3,
            )
        doc = doc_from_lists(self.vocab, reading)
        if reading.titles:
            doc.spans["title"] = [Span(doc, start, end) for start, end in reading.titles]
        if reading.compounds:
            doc.spans["compounds"] = [Span(doc, start, end, label=label)
                                      for start, end, label in reading.compounds]
        if reading.ids:
            doc.user_data[IDS_KEY] = [list(entry) for entry in reading.ids]
        for i, pinyin in reading.pinyin.items():
            doc[i]._.pinyin = pinyin
        if reading.problems:
            doc.user_data[PROBLEMS_KEY] = [[p.kind, p.line, p.col, p.text]
                                           for p in reading.problems]
        if self.reader.untagged != "raise":
            # The empty tag of segmented and character tokens hashes to 0: "not given".
            doc.user_data[GIVEN_TAGS_KEY] = numpy.asarray(doc.to_array("TAG"),
                                                          dtype="uint64").tobytes()
        return doc

    # Settings as SettingsSerializable saves them ("cfg"), plus the pkuseg model, if any, the
    # way ChineseTokenizer saves it (segmenter.py). Loading keeps a model already loaded when
    # the saved tokenizer has none, as ChineseTokenizer does.
    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        parts = segmenter.to_parts(self.pkuseg) if self.pkuseg is not None else {}
        serializers: Dict[str, Callable[[], bytes]] = {
            "cfg": lambda: srsly.json_dumps(self.cfg)}
        serializers.update({key: (lambda value=value: value) for key, value in parts.items()})
        return to_bytes(serializers, exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> PretaggedTokenizer:
        super().from_bytes(data, exclude=exclude)
        parts: Dict[str, bytes] = {}
        from_bytes(data, {key: (lambda value, key=key: parts.__setitem__(key, value))
                          for key in segmenter.BYTES_KEYS}, exclude)
        self.pkuseg = segmenter.from_parts(parts) or self.pkuseg
        return self

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        super().to_disk(path, exclude=exclude)
        if self.pkuseg is not None:
            segmenter.to_disk(self.pkuseg, Path(path))

    def from_disk(self, path: Union[str, Path], *,
                  exclude: Iterable[str] = tuple()) -> PretaggedTokenizer:
        super().from_disk(path, exclude=exclude)
        self.pkuseg = segmenter.from_disk(Path(path)) or self.pkuseg
        return self

    # Pickle the recipe (vocab + settings + model bytes), not the compiled regex: the same
    # pattern is rebuilt in the worker, and n_process=2 works (and segments) under fork,
    # spawn and forkserver.
    def __reduce__(self):
        parts = segmenter.to_parts(self.pkuseg) if self.pkuseg is not None else None
        return (_rebuild_tokenizer, (self.vocab, self.cfg, parts))


def doc_from_lists(vocab: Vocab, reading: Reading) -> Doc:
    """`Doc(vocab, words, spaces, tags=, sent_starts=)` of the reading, built the cheap way:
    that call sets tags and sentence starts token by token in Python (3-4x the cost of the
    bare Doc); here the bare Doc, then both columns in one `from_array` (each distinct tag
    hashed once)."""
    doc = Doc(vocab, words=reading.words, spaces=reading.spaces)
    n = len(reading.words)
    if n:
        add = vocab.strings.add
        tag_ids = {tag: add(tag) for tag in set(reading.tags)}
        columns = numpy.zeros((n, 2), dtype="uint64")
        columns[:, 0] = numpy.fromiter(map(tag_ids.__getitem__, reading.tags), dtype="uint64",
                                       count=n)
        # Sentence starts are few (a line's first token, a break after a title): found by
        # `list.index`, a C-level scan, not a Python step per token. Doc.__init__'s
        # encoding: 1 starts, -1 does not, 0 undecided (the None of the list).
        starts = reading.sent_starts
        for value, code in ((True, 1), (False, 2 ** 64 - 1)):
            i = -1
            try:
                while True:
                    i = starts.index(value, i + 1)
                    columns[i, 1] = code
            except ValueError:
                pass
        doc.from_array(_TAG_SENT_START, columns)
    return doc


_TAG_SENT_START = [TAG, SENT_START]


def _rebuild_tokenizer(vocab: Vocab, cfg: Dict[str, Any],
                       pkuseg_parts: Optional[Dict[str, bytes]] = None) -> PretaggedTokenizer:
    tokenizer = PretaggedTokenizer(vocab, **cfg)
    if pkuseg_parts:
        tokenizer.pkuseg = segmenter.from_parts(pkuseg_parts)
    return tokenizer


@registry.tokenizers("spacy_pretagged.PretaggedTokenizer.v1")
def create_pretagged_tokenizer(
    format: str = "auto",
    separator: str = "/",
    tagset: str = "hanlp",
    title_prefix: Optional[str] = "#",
    on_error: str = "raise",
    item_separator: Optional[str] = None,
    brackets: bool = True,
    pinyin: bool = True,
    paragraph_ids: bool = True,
    untagged: str = "raise",
) -> Callable[[Language], PretaggedTokenizer]:
    settings = dict(format=format, separator=separator, title_prefix=title_prefix,
                    on_error=on_error, item_separator=item_separator, brackets=brackets,
                    pinyin=pinyin, paragraph_ids=paragraph_ids, untagged=untagged)
    Reader(tagsets.load(tagset).tags, **settings)  # fail at config time, not on the first text

    def make(nlp: Language) -> PretaggedTokenizer:
        return PretaggedTokenizer(nlp.vocab, tagset=tagset, **settings)

    return make
