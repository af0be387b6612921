"""A Doc back to pre-tagged text: what the tokenizer put on the Doc, handed to the pure
writer (`formats.write_columns`). It lives with the exports because it reads Doc spans,
`user_data` and extensions; the writer itself knows nothing of spaCy. The tokens are read
as columns (`doc.to_array`), not as a Token object each."""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy
from spacy.attrs import IDX, ORTH, SPACY, TAG
from spacy.tokens import Doc

from .. import doc_keys
from ..formats.write import write_columns

_WS = ("", " ")


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
    cols = doc.to_array([ORTH, SPACY, TAG])
    strings = doc.vocab.strings.__getitem__
    return write_columns(
        list(map(strings, cols[:, 0].tolist())),
        list(map(_WS.__getitem__, cols[:, 1].tolist())),
        list(map(strings, cols[:, 2].tolist())),
        format=format,
        separator=separator,
        title_starts={span.start for span in titles},
        title_prefix=title_prefix,
        compounds=[(span.start, span.end, span.label_) for span in compounds],
        ids=ids,
        pinyin=_pinyin(doc),
        item_separator=item_separator,
        compound_slash=compound_slash,
    )


def _pinyin(doc: Doc) -> Dict[int, str]:
    """`{i: token._.pinyin}` for the tokens that have one, read where spaCy keeps token
    extension values (`doc.user_data[("._.", name, token.idx, None)]`) rather than by
    asking every token."""
    data: Dict[Any, Any] = doc.user_data  # keys are tuples here, whatever the stubs say
    values: Dict[int, str] = {
        key[2]: value for key, value in data.items()
        if isinstance(key, tuple) and len(key) == 4 and key[0] == "._."
        and key[1] == doc_keys.PINYIN and key[3] is None and value is not None}
    if not values:
        return {}
    idx = doc.to_array(IDX)
    return {int(i): values[int(idx[i])] for i in
            numpy.flatnonzero(numpy.isin(idx, list(values))).tolist()}
