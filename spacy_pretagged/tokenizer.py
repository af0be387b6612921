"""spaCy glue for the reader: pre-tagged text → `Doc` with the given words, spaces and tags.

Registered as `spacy_pretagged.PretaggedTokenizer.v1` (and exposed under the same name as a
`spacy_tokenizers` entry point, so `spacy.load` finds it without importing us). The shape
follows spacy-stanza's tokenizer: external annotation in, one `Doc(...)` call out.

It has no `initialize()` on purpose: for `lang = "zh"` spaCy injects `pkuseg_model` and
`pkuseg_user_dict` into `[initialize.tokenizer]`, and an `initialize()` must then accept
exactly those names (spacy_anchors.md P13). Nothing here needs initializing.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import registry
from spacy.vocab import Vocab

from . import tagsets
from .formats import Reader, Reading
from .serialize import SettingsSerializable

#: `doc.user_data` key of the problems found in lenient mode, as [kind, line, col, text] lists
#: (plain lists so `doc.to_bytes()` and `nlp.pipe(n_process=2)` carry them).
PROBLEMS_KEY = "pretagged_problems"
#: `doc.user_data` key of PKU paragraph ids, as [index of the line's first token, id, tag].
IDS_KEY = "pretagged_ids"

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
        self._configure(dict(format=format, separator=separator, tagset=tagset,
                             title_prefix=title_prefix, on_error=on_error,
                             item_separator=item_separator, brackets=brackets, pinyin=pinyin,
                             paragraph_ids=paragraph_ids, untagged=untagged))

    def _configure(self, cfg: Dict[str, Any]) -> None:
        settings = dict(cfg)
        self.tagset = settings.pop("tagset")
        self.reader = Reader(tagsets.load(self.tagset).tags, **settings)

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
        doc = Doc(
            self.vocab,
            words=reading.words,
            spaces=reading.spaces,
            tags=reading.tags,
            sent_starts=reading.sent_starts,
        )
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
        return doc

    # Pickle the recipe (vocab + settings), not the compiled regex: the same pattern is
    # rebuilt in the worker, and n_process=2 works under fork, spawn and forkserver.
    def __reduce__(self):
        return (_rebuild_tokenizer, (self.vocab, self.cfg))


def _rebuild_tokenizer(vocab: Vocab, cfg: Dict[str, Any]) -> PretaggedTokenizer:
    return PretaggedTokenizer(vocab, **cfg)


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
