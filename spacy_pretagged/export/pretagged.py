"""A Doc back to pre-tagged text: what the tokenizer put on the Doc, handed to the pure
writer (`formats.write_tokens`). It lives with the exports because it reads Doc spans,
`user_data` and extensions; the writer itself knows nothing of spaCy."""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc

from .. import doc_keys
from ..formats import write_tokens


def to_pretagged(
    doc: Doc,
    format: str = "concatenated",
    separator: str = "/",
    *,
    title_prefix: Optional[str] = "#",
    item_separator: str = " ",
    compound_slash: bool = False,
) -> str:
    """Write a spaCy `Doc` as pre-tagged text: titles from `doc.spans["title"]`, compounds
    from `doc.spans["compounds"]`, paragraph ids from `doc.user_data`, pinyin from
    `token._.pinyin`."""
    titles = doc.spans[doc_keys.TITLES] if doc_keys.TITLES in doc.spans else ()
    compounds = doc.spans[doc_keys.COMPOUNDS] if doc_keys.COMPOUNDS in doc.spans else ()
    ids = {i: (pid, tag) for i, pid, tag in doc.user_data.get(doc_keys.IDS_KEY, ())}
    pinyin = {t.i: t._.pinyin for t in doc if t._.pinyin is not None}
    return write_tokens(
        [(t.text, t.whitespace_, t.tag_) for t in doc],
        format=format,
        separator=separator,
        title_starts={span.start for span in titles},
        title_prefix=title_prefix,
        compounds=[(span.start, span.end, span.label_) for span in compounds],
        ids=ids,
        pinyin=pinyin,
        item_separator=item_separator,
        compound_slash=compound_slash,
    )
