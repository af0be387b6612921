"""Exports of our Docs: CoNLL-U (UD-valid), spaCy DocBin, JSONL and pre-tagged text.

`WRITERS` maps a format name (`spacy`, `conllu`, `jsonl`, `pretagged`) to a streaming
writer `(docs, path, **options) -> Counts`.
"""
from .conllu import (
                     ConlluWriter,
                     doc_to_conllu,
                     escape_spaces,
                     is_whitespace_token,
                     sentences,
                     unescape_spaces,
)
from .files import WRITERS, Counts, write_conllu, write_docbin, write_jsonl, write_pretagged
from .pretagged import to_pretagged

__all__ = [
    "ConlluWriter", "Counts", "WRITERS", "doc_to_conllu", "escape_spaces",
    "is_whitespace_token", "sentences", "unescape_spaces", "write_conllu", "write_docbin",
    "to_pretagged", "write_jsonl", "write_pretagged",
]
