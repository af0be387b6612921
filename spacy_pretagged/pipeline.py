"""Building pipelines and corpora from a `ReaderSettings`: one place for the command line,
the Dask workers and the project's scripts, so that they all read a corpus the same way.

Library code: errors are `ValueError`s with a one-line reason, never a command-line flag or
an exit; the CLI turns them into `error: …` lines.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Union

import spacy
from spacy.language import Language
from spacy.util import load_config, load_model_from_config

from .corpus import DOC_PER, PretaggedCorpus
from .export import WRITERS
from .formats import FileDecodeError, ReaderSettings
from .sentencizer import PretaggedSentencizer  # noqa: F401  (registers its factory)

#: The rule components a built pipeline runs after the tokenizer, in order (the last is
#: `pretagged_sentencizer`, spaCy's sentencizer on arrays, under the name "sentencizer").
COMPONENTS = ("pretagged_tag_mapper", "pretagged_entities", "sentencizer")


def tokenizer_config(settings: ReaderSettings) -> Dict[str, Any]:
    """`[nlp.tokenizer]` for `settings`, as the configs/*.cfg files write it."""
    return {"@tokenizers": "spacy_pretagged.PretaggedTokenizer.v1", **settings.to_dict()}


def build_nlp(settings: ReaderSettings) -> Language:
    """Tokenizer + tag mapper + entities + sentencizer for text read with `settings`."""
    try:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer_config(settings)}})
    except Exception as e:  # confection wraps our ValueError; keep only its reason
        raise ValueError(str(e).strip().splitlines()[-1]) from None
    nlp.add_pipe("pretagged_tag_mapper", config={"tagset": settings.tagset})
    nlp.add_pipe("pretagged_entities", config={"tagset": settings.tagset})
    # spaCy's sentencizer rule, on arrays (sentencizer.py); under the usual name.
    nlp.add_pipe("pretagged_sentencizer", name="sentencizer")
    return nlp


def load_pipeline(pipeline: Union[str, Path]) -> Language:
    """A saved pipeline directory, an installed package name, or a `.cfg` to assemble."""
    if str(pipeline).endswith(".cfg"):
        nlp = load_model_from_config(load_config(pipeline), auto_fill=True)
        nlp.initialize()
        return nlp
    return spacy.load(pipeline)


def make_corpus(path: Union[str, Path], settings: ReaderSettings, *, encoding: str = "utf-8",
                doc_per: str = "line") -> PretaggedCorpus:
    """The corpus every command (and each Dask worker) reads files with."""
    return PretaggedCorpus(path, settings, encoding=encoding, doc_per=doc_per)


@dataclass(frozen=True)
class Conversion:
    """What a conversion does, whoever runs it (this process, a process pool, a Dask
    worker): read files with `settings` in `encoding`, cut them into `doc_per` units, run the
    pipeline `build_nlp(settings)` in batches of `batch_size`, write format `to`
    (`export.WRITERS`), with `misc_upos_source` (CoNLL-U: what decided each UPOS, in
    MISC). Frozen and picklable: it is what workers are sent."""

    settings: ReaderSettings
    to: str = "spacy"
    encoding: str = "utf-8"
    doc_per: str = "line"
    batch_size: int = 256
    misc_upos_source: bool = False

    def __post_init__(self) -> None:
        if self.to not in WRITERS:
            raise ValueError(f"output format must be one of {', '.join(WRITERS)}, not "
                             f"{self.to!r}")
        if self.doc_per not in DOC_PER:
            raise ValueError(f"doc_per must be one of {DOC_PER}, not {self.doc_per!r}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ValueError(f"unknown encoding: {self.encoding}") from None
        if self.misc_upos_source and self.to != "conllu":
            raise ValueError(f"the UPOS source goes into CoNLL-U's MISC column: it needs the "
                             f"conllu output format, not {self.to!r} (DocBin keeps it in "
                             f"user_data anyway)")

    def writer_options(self) -> Dict[str, Any]:
        """The options of this conversion for its writer (`export.WRITERS[to]`)."""
        return {"misc_upos_source": True} if self.misc_upos_source else {}

    def corpus(self, path: Union[str, Path]) -> PretaggedCorpus:
        return make_corpus(path, self.settings, encoding=self.encoding, doc_per=self.doc_per)

    def nlp(self) -> Language:
        return build_nlp(self.settings)


def decode_error(source: object, encoding: str, error: UnicodeDecodeError,
                 offset: int = 0) -> str:
    """The one-line reason a file does not decode, with the encodings to try. `offset`:
    where the decoded bytes began in the file (a `FileDecodeError` knows it itself)."""
    if isinstance(error, FileDecodeError):
        offset += error.offset
    return (f"{source}: not {encoding} ({error.reason} at byte {offset + error.start}); try "
            "the encoding gb18030 (GBK/GB2312 files) or utf-8-sig")
