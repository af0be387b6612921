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

from typing import List

from .glued import Boundary


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
