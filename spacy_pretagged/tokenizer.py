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
from collections import deque
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

import numpy
import srsly
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

from . import doc_keys, segmenter, tagsets
from .formats import ReaderSettings, Reading, decoded_blocks
from .serialize import PartsSerializable

_NO_MODEL = ("untagged='segment' needs a spacy-pkuseg model to segment text without tags, and "
             "none is loaded: set `[initialize.tokenizer] pkuseg_model = PATH` (a folder made "
             "by spacy_pkuseg.train) and run nlp.initialize(), or call "
             "nlp.tokenizer.initialize(pkuseg_model=PATH)")


class PretaggedTokenizer(PartsSerializable):
    """Reads `word/tag` text; see docs/formats.md for the format rules."""

    #: The settings, and the pkuseg model's parts as ChineseTokenizer names them.
    PARTS = ("cfg", *segmenter.BYTES_KEYS)

    def __init__(self, vocab: Vocab, settings: Optional[ReaderSettings] = None,
                 **changes: Any):
        """`settings` (default `ReaderSettings()`) with `changes` to single fields on top."""
        self.vocab = vocab
        self.pkuseg: Optional[Any] = None  # a spacy_pkuseg.pkuseg, see initialize()
        base = settings or ReaderSettings()
        self._configure(base.replace(**changes) if changes else base)

    def _configure(self, settings: ReaderSettings) -> None:
        segment = self._segment if settings.untagged == "segment" else None
        self.settings = settings
        self.reader = tagsets.make_reader(settings, segmenter=segment)

    @property
    def tagset(self) -> str:
        return self.settings.tagset

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
        untagged = self.settings.untagged
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
        return self.settings.to_dict()

    def __call__(self, text: str) -> Doc:
        return self.doc_from_reading(self.reader.read(text))

    def read_file(self, path: Union[str, Path], encoding: str = "utf-8") -> Doc:
        """A Doc of a whole file, read as the corpus streams files (`formats.stream`: the
        bytes decoded block by block, `\\r\\n` and lone `\\r` kept as the text they are);
        problems name the file, undecodable bytes raise `FileDecodeError` with their
        position in the file."""
        with open(path, "rb") as f:
            lines = self.reader.stream(decoded_blocks(f, encoding), source=str(path))
            reading = deque(lines, maxlen=1)[0]
        return self.doc_from_reading(reading)

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
        if has_parsed_columns(reading):
            set_parsed_columns(doc, reading)
        if reading.titles:
            doc.spans[doc_keys.TITLES] = [Span(doc, start, end) for start, end in reading.titles]
        if reading.compounds:
            doc.spans[doc_keys.COMPOUNDS] = [Span(doc, start, end, label=label)
                                             for start, end, label in reading.compounds]
        if reading.ids:
            doc.user_data[doc_keys.IDS_KEY] = [list(entry) for entry in reading.ids]
        for i, pinyin in reading.pinyin.items():
            doc[i]._.set(doc_keys.PINYIN, pinyin)
        if reading.entities:
            doc.set_ents([Span(doc, start, end, label=label)
                          for start, end, label in reading.entities])
        if reading.kept_lines:
            doc.user_data[doc_keys.KEPT_LINES_KEY] = [list(entry)
                                                      for entry in reading.kept_lines]
        if reading.problems:
            doc.user_data[doc_keys.PROBLEMS_KEY] = doc_keys.problem_rows(reading.problems)
        if self.settings.untagged != "raise":
            # The empty tag of segmented and character tokens hashes to 0: "not given".
            doc.user_data[doc_keys.GIVEN_TAGS_KEY] = numpy.asarray(
                doc.to_array("TAG"), dtype="uint64").tobytes()
        return doc

    # The settings ("cfg") and the pkuseg model, if any, the way ChineseTokenizer saves it
    # (segmenter.py: on disk a folder `pkuseg_model/` + `pkuseg_processors`). Loading keeps a
    # model already loaded when the saved tokenizer has none, as ChineseTokenizer does.
    def _save_parts(self) -> Dict[str, Callable[[], bytes]]:
        parts: Dict[str, Callable[[], bytes]] = {
            "cfg": lambda: srsly.json_dumps(self.cfg).encode("utf-8")}
        if self.pkuseg is not None:
            model = segmenter.to_parts(self.pkuseg)
            parts.update({key: _constant(value) for key, value in model.items()})
        return parts

    def _load_parts(self, parts: Dict[str, bytes]) -> None:
        if "cfg" in parts:
            self._configure(ReaderSettings.from_dict(srsly.json_loads(parts["cfg"])))
        self.pkuseg = segmenter.from_parts(parts) or self.pkuseg

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if "cfg" not in exclude:
            srsly.write_json(path / "cfg", self.cfg)
        if self.pkuseg is not None and "pkuseg_model" not in exclude:
            segmenter.to_disk(self.pkuseg, path)

    def from_disk(self, path: Union[str, Path], *,
                  exclude: Iterable[str] = tuple()) -> PretaggedTokenizer:
        path = Path(path)
        if "cfg" not in exclude and (path / "cfg").is_file():
            self._configure(ReaderSettings.from_dict(srsly.read_json(path / "cfg")))
        if "pkuseg_model" not in exclude:
            self.pkuseg = segmenter.from_disk(path) or self.pkuseg
        return self

    # Pickle the recipe (vocab + settings + model bytes), not the compiled regex: the same
    # pattern is rebuilt in the worker, and n_process=2 works (and segments) under fork,
    # spawn and forkserver.
    def __reduce__(self):
        parts = segmenter.to_parts(self.pkuseg) if self.pkuseg is not None else None
        return (_rebuild_tokenizer, (self.vocab, self.settings, parts))


def doc_from_lists(vocab: Vocab, reading: Reading) -> Doc:
    """`Doc(vocab, words, spaces, tags=, sent_starts=)` of the reading, built the cheap way:
    that call sets tags and sentence starts token by token in Python (3-4x the cost of the
    bare Doc); here the bare Doc, then both columns in one `from_array` (each distinct tag
    hashed once)."""
    doc = Doc(vocab, words=reading.words, spaces=reading.spaces)
    n = len(reading.words)
    if n:
        add = vocab.strings.add
        columns = numpy.zeros((n, 2), dtype="uint64")
        columns[:, 0] = _hashes(add, reading.tags)
        if has_parse(reading):
            # A parse decides the sentences (spaCy refuses SENT_START beside HEAD).
            doc.from_array(_TAG, columns[:, :1])  # type: ignore[arg-type]
            return doc
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
        doc.from_array(_TAG_SENT_START, columns)  # type: ignore[arg-type]  # thinc's Ints2d
    return doc


_TAG_SENT_START = [TAG, SENT_START]
_TAG = [TAG]


def _hashes(add: Callable[[str], int], values: List[str]) -> numpy.ndarray:
    """The string ids of `values` as uint64, each distinct value hashed once; "" is 0
    (spaCy's "not set")."""
    ids = {value: add(value) if value else 0 for value in set(values)}
    return numpy.fromiter(map(ids.__getitem__, values), dtype="uint64", count=len(values))


def has_parsed_columns(reading: Reading) -> bool:
    return _parsed_columns(reading).count(None) < len(Reading.COLUMNS)


_parsed_columns = attrgetter(*Reading.COLUMNS)  # one C call per Doc, not a generator


def has_parse(reading: Reading) -> bool:
    """Whether any token has a dependency label: CoNLL-U without HEAD/DEPREL (all `_`)
    gives heads but no parse, and keeps its sentences as SENT_START."""
    return reading.heads is not None and reading.deps is not None and any(reading.deps)


def set_parsed_columns(doc: Doc, reading: Reading) -> None:
    """Given UPOS, lemmas, features and the dependency tree onto `doc`, in one `from_array`.
    MISC has no place on a spaCy token: it goes to `user_data` (`doc_keys.MISC_KEY`), as
    do the features as written (`doc_keys.FEATS_KEY`) where spaCy's normalised MORPH
    string would write them back differently."""
    n = len(doc)
    attrs: List[int] = []
    arrays: List[numpy.ndarray] = []
    if reading.upos is not None:
        pos_ids = doc_keys.POS_IDS
        unknown = sorted({u for u in reading.upos if u and u not in pos_ids})
        if unknown:
            raise ValueError(f"not a Universal POS tag: {', '.join(map(repr, unknown[:5]))}")
        attrs.append(POS)
        arrays.append(numpy.fromiter((pos_ids[u] if u else 0 for u in reading.upos),
                                     dtype="uint64", count=n))
        if arrays[-1].any():
            doc.user_data[doc_keys.GIVEN_UPOS_KEY] = arrays[-1].astype("uint8").tobytes()
    if reading.lemmas is not None:
        attrs.append(LEMMA)
        arrays.append(_hashes(doc.vocab.strings.add, reading.lemmas))
    if reading.feats is not None:
        add_morph = doc.vocab.morphology.add
        attrs.append(MORPH)
        arrays.append(_hashes(add_morph, reading.feats))
        written = [doc.vocab.morphology.get(h) if h else "" for h in arrays[-1].tolist()]
        if written != reading.feats:
            doc.user_data[doc_keys.FEATS_KEY] = list(reading.feats)
    parsed = has_parse(reading)
    if parsed:
        heads = numpy.asarray(reading.heads, dtype="int64")
        if n and (heads.min() < 0 or heads.max() >= n):
            raise ValueError("a head outside the text: heads must index its own tokens")
        attrs += [HEAD, DEP]
        offsets = heads - numpy.arange(n, dtype="int64")
        arrays.append(offsets.astype("uint64"))
        add = doc.vocab.strings.add
        deps = _hashes(add, reading.deps or [""] * n)
        # UD's `root` is spaCy's `ROOT` (as spaCy's CoNLL-U reader has it; the writer
        # writes it back as `root`): the parser, the Scorer and displaCy expect it.
        deps[(offsets == 0) & (deps == add("root"))] = add("ROOT")
        arrays.append(deps)
    if reading.misc is not None and any(reading.misc):
        doc.user_data[doc_keys.MISC_KEY] = list(reading.misc)
    if reading.enhanced is not None and any(reading.enhanced):
        doc.user_data[doc_keys.ENHANCED_KEY] = list(reading.enhanced)
    if attrs and n:
        doc.from_array(attrs, numpy.stack(arrays, axis=1))  # type: ignore[arg-type]
    if parsed and n:
        _keep_unparsed_sentences(doc, reading, deps)


def _keep_unparsed_sentences(doc: Doc, reading: Reading, deps: numpy.ndarray) -> None:
    """Sentences of a parsed Doc whose words have no head (CoNLL-U `_`, or a tree the reader
    refused) would join the sentence before them: their starts are set as the reading
    gives them. (A DocBin or pickle derives sentences from the heads again and loses them:
    a Doc is best parsed whole or not at all.)"""
    unparsed = deps == 0
    if not unparsed.any():
        return
    starts = doc.to_array(SENT_START).astype("int64")
    given = numpy.array([1 if s else -1 for s in reading.sent_starts], dtype="int64")
    starts[unparsed] = given[unparsed]
    doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]


def _constant(value: bytes) -> Callable[[], bytes]:
    return lambda: value


def _rebuild_tokenizer(vocab: Vocab, settings: ReaderSettings,
                       pkuseg_parts: Optional[Dict[str, bytes]] = None) -> PretaggedTokenizer:
    tokenizer = PretaggedTokenizer(vocab, settings)
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
    tokens_key: str = "tok/fine",
    text_key: Optional[str] = None,
) -> Callable[[Language], PretaggedTokenizer]:
    """The tokenizer for `[nlp.tokenizer]`; the parameters are `ReaderSettings`' fields
    (docs/configuration.md). Bad values and unknown tagsets fail here, at config time."""
    settings = ReaderSettings.pick(locals())  # the parameters, by name
    tagsets.load(tagset)

    def make(nlp: Language) -> PretaggedTokenizer:
        return PretaggedTokenizer(nlp.vocab, settings)

    return make
