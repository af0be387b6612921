"""Tokens back to pre-tagged text: the inverse of the readers.

Concatenated: exact. Whatever the concatenated reader accepts comes back byte for byte,
because every character of the input is in a token, in a token's whitespace, in an `_SP`
token (written as it is) or is markup the writer restores (separators and tags, the title
prefix).

Spaced, the normal form: every item is followed by `item_separator` (at line ends too, as
ICTCLAS and PKU write it; not after the last token of the text); a token's whitespace is
written after that separator (so a reader with the same
`item_separator` reads it back as text, ICTCLAS style); PKU paragraph ids come first in their
line; compounds are written PKU-1998 style `[w/t  w/t]nt` (`compound_slash=True`: 2014 style
`]/nt`); pinyin as `word{pinyin}/tag`. A PKU file therefore comes back with its items, tags,
compounds and ids, with two-space separators, also at line ends.
"""
from __future__ import annotations

from collections import Counter
from typing import AbstractSet, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from .records import SPACE_TAG

WRITE_FORMATS = ("concatenated", "spaced")


def write_tokens(
    tokens: Sequence[Tuple[str, str, str]],
    *,
    format: str = "concatenated",
    separator: str = "/",
    title_starts: AbstractSet[int] = frozenset(),
    title_prefix: Optional[str] = "#",
    compounds: Iterable[Tuple[int, int, str]] = (),
    ids: Mapping[int, Tuple[str, str]] = {},
    pinyin: Mapping[int, str] = {},
    item_separator: str = " ",
    compound_slash: bool = False,
) -> str:
    """`tokens` are (text, whitespace, tag); the other arguments are keyed by token index."""
    if format not in WRITE_FORMATS:
        raise ValueError(f"format must be one of {WRITE_FORMATS}, not {format!r}")
    spaced = format == "spaced"
    gap = item_separator if spaced else ""
    opens: Counter = Counter()
    closes: Dict[int, List[str]] = {}
    # Inner compounds close first: sort by start descending so nested ones come inside.
    for start, end, label in sorted(compounds, key=lambda c: (-c[0], c[1])):
        opens[start] += 1
        closes.setdefault(end - 1, []).append(label)
    close_mark = "]" + separator if compound_slash else "]"
    out: List[str] = []
    n = len(tokens)
    prefixed = -1  # the title start whose prefix is already written
    for i, (text, ws, tag) in enumerate(tokens):
        if i in ids:
            out.append(f"{ids[i][0]}{separator}{ids[i][1]}{gap}")
        if tag == SPACE_TAG:
            if title_prefix and i + 1 in title_starts and tokens[i + 1][2] != SPACE_TAG:
                # Whitespace after a title's prefix is in the `_SP` token before the title's
                # first word, behind the line break it follows: the prefix goes between.
                k = max(text.rfind("\n"), text.rfind("\r")) + 1
                if k or i == 0:
                    text, prefixed = text[:k] + title_prefix + text[k:], i + 1
            out.append(text + ws)
            continue
        if i in title_starts and title_prefix and i != prefixed:
            out.append(title_prefix)
        out.append("[" * opens[i])
        out.append(text if i not in pinyin else f"{text}{{{pinyin[i]}}}")
        if not spaced:
            out.append(ws)
        out.append(separator + tag)
        for label in closes.get(i, ()):
            out.append(close_mark + label)
        if spaced and (ws or i + 1 < n):
            out.append(gap + ws)
    return "".join(out)
