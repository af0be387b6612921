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
from typing import AbstractSet, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from .records import SPACE_TAG

WRITE_FORMATS = ("concatenated", "spaced")


def write_tokens(tokens: Sequence[Tuple[str, str, str]], **options: Any) -> str:
    """`tokens` are (text, whitespace, tag); the options, keyed by token index where they
    name tokens, are `write_columns`'."""
    texts, spaces, tags = (list(column) for column in zip(*tokens)) if tokens else ([], [], [])
    return write_columns(texts, spaces, tags, **options)


def write_columns(
    texts: Sequence[str],
    spaces: Sequence[str],
    tags: Sequence[str],
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
    """`write_tokens` with the tokens as three columns (texts, whitespace, tags), as a Doc's
    arrays give them. Most tokens are `text whitespace / tag` (spaced: `text / tag gap
    whitespace`), made for all of them at once with string joins; the few that carry
    anything else (whitespace tokens, titles, brackets, ids, pinyin, the last token) are
    then written one by one by `_Token`, the one definition of what a token becomes."""
    if format not in WRITE_FORMATS:
        raise ValueError(f"format must be one of {WRITE_FORMATS}, not {format!r}")
    n = len(texts)
    if not n:
        return ""
    spaced = format == "spaced"
    gap = item_separator if spaced else ""
    opens: Counter = Counter()
    closes: Dict[int, List[str]] = {}
    # Inner compounds close first: sort by start descending so nested ones come inside.
    for start, end, label in sorted(compounds, key=lambda c: (-c[0], c[1])):
        opens[start] += 1
        closes.setdefault(end - 1, []).append(label)
    if spaced:
        pieces = [f"{text}{separator}{tag}{gap}{ws}"
                  for text, ws, tag in zip(texts, spaces, tags)]
    else:
        pieces = [f"{text}{ws}{separator}{tag}" for text, ws, tag in zip(texts, spaces, tags)]
    token = _Token(texts, spaces, tags, spaced, separator, gap, title_starts, title_prefix,
                   opens, closes, ids, pinyin, compound_slash)
    special = {n - 1}.union(ids, opens, closes, pinyin, title_starts)
    at = -1
    try:
        while True:  # whitespace tokens, found by a C-level scan
            at = tags.index(SPACE_TAG, at + 1)
            special.add(at)
    except ValueError:
        pass
    for i in sorted(special):
        if 0 <= i < n:
            pieces[i] = token(i)
    return "".join(pieces)


class _Token:
    """What token i becomes in the output (markup around it included)."""

    def __init__(self, texts, spaces, tags, spaced, separator, gap, title_starts,
                 title_prefix, opens, closes, ids, pinyin, compound_slash):
        self.texts, self.spaces, self.tags = texts, spaces, tags
        self.spaced, self.separator, self.gap = spaced, separator, gap
        self.title_starts, self.title_prefix = title_starts, title_prefix
        self.opens, self.closes, self.ids, self.pinyin = opens, closes, ids, pinyin
        self.close_mark = "]" + separator if compound_slash else "]"
        self.n = len(texts)

    def _prefix_in_space(self, i: int) -> Tuple[str, bool]:
        """A whitespace token's text, with the title prefix put in where the title after
        it begins; and whether it was."""
        text = self.texts[i]
        if (self.title_prefix and i + 1 in self.title_starts and i + 1 < self.n
                and self.tags[i + 1] != SPACE_TAG):
            # Whitespace after a title's prefix is in the `_SP` token before the title's
            # first word, behind the line break it follows: the prefix goes between.
            k = max(text.rfind("\n"), text.rfind("\r")) + 1
            if k or i == 0:
                return text[:k] + self.title_prefix + text[k:], True
        return text, False

    def __call__(self, i: int) -> str:
        out: List[str] = []
        sep, text, ws, tag = self.separator, self.texts[i], self.spaces[i], self.tags[i]
        if i in self.ids:
            out.append(f"{self.ids[i][0]}{sep}{self.ids[i][1]}{self.gap}")
        if tag == SPACE_TAG:
            out.append(self._prefix_in_space(i)[0] + ws)
            return "".join(out)
        prefixed = i > 0 and self.tags[i - 1] == SPACE_TAG and self._prefix_in_space(i - 1)[1]
        if i in self.title_starts and self.title_prefix and not prefixed:
            out.append(self.title_prefix)
        out.append("[" * self.opens[i])
        out.append(text if i not in self.pinyin else f"{text}{{{self.pinyin[i]}}}")
        if not self.spaced:
            out.append(ws)
        out.append(sep + tag)
        for label in self.closes.get(i, ()):
            out.append(self.close_mark + label)
        if self.spaced and (ws or i + 1 < self.n):
            out.append(self.gap + ws)
        return "".join(out)
