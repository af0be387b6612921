"""Per-line choice between the concatenated and the spaced reading (`format="auto"`).

Both readings can succeed on the same line, so the choice weighs evidence found by the glued
boundary scan the concatenated reading needs anyway:
- for "concatenated": a tag directly followed by more text (`/vopen`, `/gi公众`);
- for "spaced": a word, in the concatenated reading, that starts with whitespace after a tag
  (`/rr 爱`) or ends with the separator (`http:/` out of `http://www.x.com/xu`).
A tag followed by a space is no evidence either way: the seed has `目前/topen /nz`, where
`open ` is a word with a trailing space. Ties (one-item lines) go to spaced, whose single
split at the last separator is the safer reading of one item.
"""
from __future__ import annotations

from operator import itemgetter
from typing import List, Sequence

from .glued import Boundary

_first = itemgetter(0)


def looks_glued(line: str, begin: int, boundaries: List[Boundary], separator: str) -> bool:
    glued = spaced = 0
    pos = begin
    n = len(line)
    for start, end, _tag in boundaries:
        word = line[pos:start]
        if word:
            if pos != begin and word[0].isspace() and not word.isspace():
                spaced += 1
            if len(word) > 1 and word.endswith(separator):
                spaced += 1
        if end < n and not line[end].isspace():
            glued += 1
        pos = end
    return glued > spaced


def words_look_glued(words: Sequence[str], rest: str, separator: str, text: str) -> bool:
    """`looks_glued` on a line already cut at its boundaries: `words[i]` before boundary i,
    none of them empty, `rest` after the last one, `text` all of it (words, tags, rest).
    The same counts, taken a line at a time. First bounds from C-level counts over `text`:
    at most one word per whitespace character starts with whitespace, at most one per extra
    separator ends with one; a glued line is decided by them alone. Otherwise the counts."""
    n = len(words)
    if not n:
        return False
    whitespace = len(text) - sum(map(len, text.split()))
    most_spaced = whitespace + text.count(separator) - n
    if n - 1 + bool(rest) - whitespace > most_spaced:
        return True
    firsts = "".join(map(_first, words[1:])) + rest[:1]
    glued = sum(1 for char in firsts if not char.isspace())  # a tag directly followed by text
    # A word after a tag that starts with whitespace but is not all of it, or that ends
    # with the separator.
    spaced = sum(1 for word in words[1:] if word[0].isspace() and not word.isspace())
    spaced += sum(1 for word in words if len(word) > 1 and word[-1] == separator)
    return glued > spaced
