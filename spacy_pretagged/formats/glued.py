"""HanLP's concatenated output: `也/d即/vopen/nz平台/gi`, tags glued to the next word.

Nothing marks where a tag ends and the next word begins, so the tagset decides: at each
separator the tag is the longest tag of the tagset that starts there. One compiled regex
(`SEP(longest|...|shortest)`, Python's alternation takes the first alternative that matches)
finds every such boundary in a single left-to-right pass; the words are the gaps between.
A separator followed by no tag is part of a word (`1/2/m` is the word `1/2`).
"""
from __future__ import annotations

import re
from typing import Collection, Iterable, Iterator, List, Tuple

from .records import TOK, Event, Problem

#: (start, end, tag) of one `SEP tag` boundary in a line.
Boundary = Tuple[int, int, str]

#: The shape of something that is plausibly a tag nobody listed, at the end of a line.
_TRAILING_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def compile_boundaries(tags: Collection[str], separator: str) -> "re.Pattern[str]":
    alternatives = sorted((t for t in tags if t), key=lambda t: (-len(t), t))
    body = "|".join(map(re.escape, alternatives)) or "(?!)"
    return re.compile(re.escape(separator) + "(" + body + ")")


def find_boundaries(pattern: "re.Pattern[str]", line: str, begin: int) -> List[Boundary]:
    return list(iter_boundaries(pattern, line, begin))


def iter_boundaries(pattern: "re.Pattern[str]", line: str, begin: int) -> Iterator[Boundary]:
    """Lazily: a concatenated line needs no second look, and a 10 MB line should not hold a
    million boundary tuples at once."""
    return ((m.start(), m.end(), m.group(1)) for m in pattern.finditer(line, begin))


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
