"""Writing a stream of Docs to a file: DocBin (`.spacy`), CoNLL-U, JSONL, pre-tagged text.

Every writer takes an iterable of Docs and writes as it goes, so `nlp.pipe(...)` over a corpus
never needs all Docs in memory; each returns `Counts(docs, sentences, words, whitespace)`,
counted the same way whatever the format (arrays.py). `WRITERS` maps
the format names a CLI offers to the functions. Files are UTF-8 and opened with `newline=""`:
what we write is what lands on disk (CoNLL-U wants LF; pre-tagged text keeps the Docs' own
`\\r\\n`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional, Union

from spacy.tokens import Doc

from .arrays import Counts, Tally
from .conllu import ConlluWriter, DocId
from .docbin import DocBinWriter
from .jsonl import JsonLines
from .pretagged import to_pretagged

PathLike = Union[str, Path]
#: The names `write_docbin(..., shard_size=N)` gives its shards (`000000.spacy`, …): what a
#: shard folder may hold when a new run replaces it.
SHARD_NAME = re.compile(r"\d{6,}\.spacy")


def _open(path: PathLike):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline="")


def write_docbin(
    docs: Iterable[Doc],
    path: PathLike,
    store_user_data: bool = True,
    shard_size: Optional[int] = None,
    compress_level: int = -1,
) -> Counts:
    """spaCy's binary format, what `spacy train` reads. Keeps every token attribute DocBin
    stores by default (ORTH, whitespace, TAG, POS, MORPH, LEMMA, SENT_START, HEAD, DEP,
    entities), span groups (`title`, `compounds`), and with `store_user_data` our user data
    (paragraph ids, lenient-mode problems, `token._.pinyin`).

    The file is what `DocBin(store_user_data=...)` + `to_disk` writes, byte for byte, but
    written by `DocBinWriter` (docbin.py): the token table waits in a compressed temporary
    file beside `path`, not in memory, so a file of any size is written in flat memory.
    `shard_size=N` makes `path` a directory with one `NNNNNN.spacy` per N Docs instead,
    written as they fill; spaCy's `Corpus` (and so `spacy train`) reads such a directory as
    one corpus. `compress_level`: zlib's (`DocBinWriter.write`); the default gives
    `DocBin`'s bytes.
    """
    path = Path(path)
    if shard_size is not None:
        if shard_size < 1:
            raise ValueError("shard_size must be at least 1")
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    spool = path if shard_size is not None else path.parent
    tally = Tally()
    n_shards = 0
    bin_ = DocBinWriter(store_user_data=store_user_data, spool_dir=spool)
    try:
        for doc in docs:
            bin_.add(doc)
            tally.add(doc)
            if shard_size is not None and len(bin_) == shard_size:
                bin_.write(path / f"{n_shards:06d}.spacy", compress_level)
                n_shards += 1
                bin_ = DocBinWriter(store_user_data=store_user_data, spool_dir=spool)
        if shard_size is None:
            bin_.write(path, compress_level)
        elif len(bin_) or not n_shards:
            bin_.write(path / f"{n_shards:06d}.spacy", compress_level)
    finally:
        bin_.close()
    return tally.counts


def write_jsonl(docs: Iterable[Doc], path: PathLike) -> Counts:
    """One `doc.to_json()` per line, `ensure_ascii=False` (Chinese stays readable). JSON
    escapes line breaks inside strings, so a line is a Doc (split on `\\n`, not with
    `str.splitlines()`, which also breaks at a raw U+2028). Written from the Doc's columns
    (`JsonLines`): the same text as `json.dumps(doc.to_json(), ensure_ascii=False)`."""
    lines = JsonLines()
    with _open(path) as f:
        for doc in docs:
            f.write(lines(doc))
    return lines.counts


def write_conllu(
    docs: Iterable[Doc],
    path: PathLike,
    *,
    doc_id_prefix: str = "doc",
    doc_id: Optional[DocId] = None,
    newdoc: bool = True,
    nfc: bool = True,
    misc_upos_source: bool = False,
) -> Counts:
    """CoNLL-U; see `spacy_pretagged.export.conllu` for columns, the whitespace policy and
    `misc_upos_source` (what decided each UPOS, in MISC)."""
    with _open(path) as f:
        writer = ConlluWriter(f, doc_id_prefix=doc_id_prefix, doc_id=doc_id, newdoc=newdoc,
                              nfc=nfc, misc_upos_source=misc_upos_source)
        for doc in docs:
            writer.write(doc)
    return writer.counts


def write_pretagged(
    docs: Iterable[Doc],
    path: PathLike,
    format: str = "concatenated",
    separator: str = "/",
    item_separator: str = " ",
) -> Counts:
    """`word/tag` text via `to_pretagged`, Docs one after another. Between two Docs a `\\n`
    is added only if the first does not end with a line break, so a single Doc is written
    exactly as `to_pretagged` gives it (the seed comes back byte for byte)."""
    tally = Tally()
    last = "\n"  # last character written; nothing written counts as a line end
    with _open(path) as f:
        for doc in docs:
            text = to_pretagged(doc, format=format, separator=separator,
                                item_separator=item_separator)
            if text:
                if last not in "\r\n":
                    f.write("\n")
                f.write(text)
                last = text[-1]
            tally.add(doc)
    return tally.counts


Writer = Callable[..., Counts]

#: Format name → writer, for the CLI.
WRITERS: Dict[str, Writer] = {
    "spacy": write_docbin,
    "conllu": write_conllu,
    "jsonl": write_jsonl,
    "pretagged": write_pretagged,
}
