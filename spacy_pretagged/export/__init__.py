"""Exports of our Docs: CoNLL-U (UD-valid), spaCy DocBin, JSONL and pre-tagged text.

`WRITERS` maps a format name (`spacy`, `conllu`, `jsonl`, `pretagged`) to a streaming
writer `(docs, path, **options) -> Counts` (words and whitespace tokens counted apart, the
same way for every format). The writers read each Doc as columns (`doc.to_array`), not a
Token object per token (arrays.py).
"""
from .arrays import Counts, whitespace_mask
from .conllu import (
                     ConlluWriter,
                     doc_to_conllu,
                     escape_spaces,
                     is_whitespace_token,
                     sentences,
                     unescape_spaces,
)
from .docbin import DocBinWriter
from .files import WRITERS, write_conllu, write_docbin, write_jsonl, write_pretagged
from .jsonl import JsonLines
from .pretagged import to_pretagged

__all__ = [
    "ConlluWriter", "Counts", "DocBinWriter", "JsonLines", "WRITERS", "doc_to_conllu",
    "escape_spaces", "is_whitespace_token", "sentences", "unescape_spaces", "whitespace_mask",
    "write_conllu", "write_docbin", "to_pretagged", "write_jsonl", "write_pretagged",
]
