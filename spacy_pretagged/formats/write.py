"""Tokens back to pre-tagged text: the inverse of the readers.

For concatenated text the round trip is exact: whatever the reader accepts comes back byte
for byte, because every character of the input is either in a token, in a token's
whitespace, in an `_SP` token (written as it is) or is markup the writer restores (the
separators and tags, the title prefix). Spaced output is lossy in one documented way: a
token's trailing whitespace is written as a separate space word tagged `space_tag` (jieba's
convention), which reads back as its own token.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Set, Tuple

from .records import SPACE_TAG

WRITE_FORMATS = ("concatenated", "spaced")


def write_tokens(
    tokens: Iterable[Tuple[str, str, str]],
    *,
    format: str = "concatenated",
    separator: str = "/",
    title_starts: Set[int] = frozenset(),
    title_prefix: Optional[str] = "#",
    space_tag: str = "x",
) -> str:
    """`tokens` are (text, whitespace, tag) triples; `title_starts` the indices that open a title."""
    if format not in WRITE_FORMATS:
        raise ValueError(f"format must be one of {WRITE_FORMATS}, not {format!r}")
    spaced = format == "spaced"
    out = []
    at_line_start = True
    for i, (text, ws, tag) in enumerate(tokens):
        if tag == SPACE_TAG:
            out.append(text + ws)
            at_line_start = True
            continue
        if i in title_starts and title_prefix:
            out.append(title_prefix)
            at_line_start = True
        if not spaced:
            out.append(f"{text}{ws}{separator}{tag}")
            continue
        if not at_line_start:
            out.append(" ")
        out.append(f"{text}{separator}{tag}")
        if ws:
            out.append(f" {ws}{separator}{space_tag}")
        at_line_start = False
    return "".join(out)


def to_pretagged(
    doc: Any,
    format: str = "concatenated",
    separator: str = "/",
    *,
    title_prefix: Optional[str] = "#",
    space_tag: str = "x",
) -> str:
    """Write a spaCy `Doc` as pre-tagged text; titles come from `doc.spans["title"]`."""
    titles = doc.spans["title"] if "title" in doc.spans else ()
    return write_tokens(
        ((t.text, t.whitespace_, t.tag_) for t in doc),
        format=format,
        separator=separator,
        title_starts={span.start for span in titles},
        title_prefix=title_prefix,
        space_tag=space_tag,
    )
