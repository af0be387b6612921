"""HanLP's concatenated output: `也/d即/vopen/nz平台/gi`, tags glued to the next word.

Nothing marks where a tag ends and the next word begins, so the tagset decides: at each
separator the tag is the longest tag of the tagset that starts there. One compiled regex
finds every such boundary in a single left-to-right pass; the words are the gaps between.
Its tags form a trie (`/(?:n(?:r(?:f|j)?|s)?|v...)`, every optional part greedy), so the
first match the regex engine finds at a separator is the longest tag, and it looks at each
character of the tag once instead of trying every tag of the set in turn.
A separator followed by no tag is part of a word (`1/2/m` is the word `1/2`).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add
from typing import Collection, Iterable, Iterator, List, Optional, Sequence, Tuple

from .records import TOK, Event, Problem

#: (start, end, tag) of one `SEP tag` boundary in a line.
Boundary = Tuple[int, int, str]

#: The shape of something that is plausibly a tag nobody listed, at the end of a line.
_TRAILING_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def compile_boundaries(tags: Collection[str], separator: str) -> "re.Pattern[str]":
    trie: dict = {}
    for tag in tags:
        if tag:
            node = trie
            for char in tag:
                node = node.setdefault(char, {})
            node[""] = {}  # a tag ends here
    return re.compile(re.escape(separator) + "(" + (_trie_regex(trie) or "(?!)") + ")")


def _trie_regex(node: dict) -> str:
    branches = [re.escape(char) + _trie_regex(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


def find_boundaries(pattern: "re.Pattern[str]", line: str, begin: int) -> List[Boundary]:
    return list(iter_boundaries(pattern, line, begin))


def iter_boundaries(pattern: "re.Pattern[str]", line: str, begin: int) -> Iterator[Boundary]:
    """Lazily: a concatenated line needs no second look, and a 10 MB line should not hold a
    million boundary tuples at once."""
    return ((m.start(), m.end(), m.group(1)) for m in pattern.finditer(line, begin))


class GluedSplitter:
    """The boundary regex of a tagset and what `columns` needs besides it, built once per
    reader."""

    __slots__ = ("pattern", "separator", "tags", "widths")

    def __init__(self, tags: Collection[str], separator: str):
        self.pattern = compile_boundaries(tags, separator)
        self.separator = separator
        self.tags = {tag: tag for tag in tags}
        #: A tag and its separator: how far a tag moves the next word's column.
        self.widths = {tag: len(tag) + len(separator) for tag in tags}

    def split(self, text: str) -> Tuple[List[str], List[str], str]:
        """`text` cut at every boundary in one C call: (words, tags, rest), where `words[i]`
        comes before the tag `tags[i]` and `rest` after the last tag. The pattern has the
        tag as its only group, so `split` alternates word, tag, word, ... The tags are the
        tagset's own strings (`self.tags`), not a new string per token: a long text is
        held with a pointer per tag, freed at once, and each tag's hash is cached."""
        parts = self.pattern.split(text)
        return parts[:-1:2], list(map(self.tags.__getitem__, parts[1::2])), parts[-1]

    def columns(self, words: Sequence[str], spaces: Iterable[bool], tags: Sequence[str],
                offset: int) -> List[int]:
        """Where each of `split`'s words starts in the line (1-based), the text having
        started at `offset`; `spaces[i]`: a trailing space was taken off `words[i]`. Word
        i+1 starts after word i, its space, the separator and tag i: one C-level running
        sum whose steps are small (cached) ints, so the only ints made are the columns."""
        steps = map(add, map(add, map(len, words), spaces), map(self.widths.__getitem__, tags))
        columns = list(accumulate(steps, initial=offset + 1))
        columns.pop()  # where the rest starts
        return columns

    def take_trailing_spaces(self, words: List[str], text: str) -> Optional[List[bool]]:
        """A word's trailing single space is the token's whitespace (`open /nz`): take it off
        the words in place and return the tokens' spaces; None (the words untouched) if a
        separator of `text` is inside a word (`1/2/m`), where only `columns` tell which
        word a space is in (`take_trailing_spaces` below). Otherwise the word before the
        k-th separator is `words[k]`: the few places with a space before a separator are
        found by `find`, their words by counting separators, not by looking at each word."""
        sep = self.separator
        mark = " " + sep
        at = text.find(mark)
        spaces = [False] * len(words)
        if at < 0:
            return spaces
        if text.count(sep) != len(words):
            return None
        i = -1
        counted = 0  # separators before `counted` are counted in `i`
        while at >= 0:
            i += text.count(sep, counted, at + 2)
            counted = at + 2
            word = words[i]
            if len(word) > 1 and not word.isspace():
                spaces[i], words[i] = True, word[:-1]
            at = text.find(mark, at + 1)
        return spaces


def take_trailing_spaces(words: List[str], columns: Sequence[int], line: str,
                         separator: str) -> List[bool]:
    """`GluedSplitter.take_trailing_spaces` by the words' columns: the word a space before a
    separator is in is found by bisection. Found where the line has a space before a
    separator (few places), not by looking at every word."""
    spaces = [False] * len(words)
    mark = " " + separator
    at = line.find(mark, columns[0] - 1 if columns else len(line))
    while at >= 0:
        i = bisect_right(columns, at + 1) - 1  # the word the space is in, if any
        word = words[i]
        if columns[i] + len(word) == at + 2 and len(word) > 1 and not word.isspace():
            spaces[i], words[i] = True, word[:-1]
        at = line.find(mark, at + 1)
    return spaces


def split_glued(line: str, begin: int, boundaries: Iterable[Boundary], line_no: int,
                events: List[Event], problems: List[Problem]) -> int:
    """Append a TOK event per word to `events`; return where the untagged rest of the line
    starts (the caller decides what the rest is, see `untagged_rest`)."""
    pos = begin
    for start, end, tag in boundaries:
        if start == pos:
            problems.append(
                Problem("empty_word", f"tag {tag!r} has no word before it", line_no, start + 1,
                        line[max(0, start - 10):end + 10])
            )
        else:
            events.append((TOK, line[pos:start], tag, pos, None))
        pos = end
    return pos


def untagged_rest(rest: str, separator: str, tags: Collection[str]) -> Tuple[str, str, str]:
    """Explain text left after the last glued tag: (problem kind, word, tag) to keep."""
    i = rest.rfind(separator)
    if i < 0:
        return "no_separator", rest, ""
    word, tag = rest[:i], rest[i + 1:]
    if not tag:
        return "empty_tag", word, ""
    if _TRAILING_TAG.fullmatch(tag) and tag not in tags:
        return "unknown_tag", word, tag
    return "no_separator", rest, ""
