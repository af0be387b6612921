"""Whitespace-separated `word/tag` items: PKU, ICTCLAS/NLPIR, jieba, THULAC.

Each item is split at its *last* separator, so `//n` is the word `/` and `1/2/m` the word
`1/2`. Taggers that write a space *word* print it as an item with an empty word
(jieba: `open/eng  /x 平台/n`, THULAC: `open_x  _j 平台_n`): the word is the whitespace in
front of the item, less the one character the tool put between items.
"""
from __future__ import annotations

import re
from typing import Collection, List, Tuple

from .records import Problem

#: Runs that are not item separators: everything but ASCII space, tab and U+3000.
ITEM = re.compile(r"[^ \t\u3000]+")


def split_spaced(
    line: str,
    begin: int,
    separator: str,
    tags: Collection[str],
    line_no: int,
    items: List[Tuple[str, str, int]],
    problems: List[Problem],
) -> None:
    """Append (word, tag, start) to `items`, and what is wrong to `problems`."""
    prev_end = -1
    for m in ITEM.finditer(line, begin):
        chunk, start = m.group(), m.start()
        i = chunk.rfind(separator)
        if i < 0:
            problems.append(Problem("no_separator", f"no {separator!r} separator and no tag",
                                    line_no, start + 1, chunk))
            items.append((chunk, "", start))
            prev_end = m.end()
            continue
        word, tag = chunk[:i], chunk[i + 1:]
        if not word:
            # A space word: the whitespace in front, less the one separator character the
            # tool wrote between items (none at the start of a line).
            run = line[begin:start] if prev_end < 0 else line[prev_end + 1:start]
            if not run:
                problems.append(Problem("empty_word", f"tag {tag!r} has no word before it",
                                        line_no, start + 1, chunk))
                prev_end = m.end()
                continue
            word, start = run, start - len(run)
        if not tag:
            problems.append(Problem("empty_tag", "word has no tag after the separator",
                                    line_no, start + 1, chunk))
        elif tag not in tags:
            problems.append(Problem("unknown_tag", f"unknown tag {tag!r}",
                                    line_no, m.start() + i + 2, chunk))
        items.append((word, tag, start))
        prev_end = m.end()
