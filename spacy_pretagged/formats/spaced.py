"""Whitespace-separated `word/tag` items: PKU, ICTCLAS/NLPIR, jieba, THULAC.

Each item is split at its *last* separator, so `//n` is the word `/` and `1/2/m` the word
`1/2`. On top of that, what real corpora put around and inside items:
- PKU bracket compounds `[中央/n  人民/n  电台/n]nt` (also the 2014 style `…时报/n]/nz` and
  nesting): the brackets are markup around the tokens, turned into OPEN/CLOSE events. A
  bracket that is the whole word (`[/wkz`, `]/wky` in ICTCLAS output) is a word.
- PKU paragraph ids (`19980101-01-001-001/m` first in a line): metadata, an ID event.
- pinyin in braces (`看{kan4}/v`, `为{ wei4 }/p`): the word is `看`, the pinyin rides along.
- Space words: taggers print a space word as an item with an empty word (jieba
  `open/eng  /x 平台/n`, THULAC `open_x  _w 平台_n`): its word is the whitespace in front.

Whitespace between items is markup, with two policies (`item_separator`):
- None: any run of whitespace — every character `str.isspace()` is true of, which is what
  `\\s` matches — separates items and is not text (PKU, whose runs vary);
- a string such as " ": exactly that separates items and whatever whitespace is beyond it is
  text (ICTCLAS writes `Jan/x  Wong/x` for "Jan Wong" and keeps U+3000 indents).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add
from typing import FrozenSet, List, NamedTuple, Optional, Tuple

from .records import CLOSE, GAP, ID, OPEN, TAKE_BREAK, TOK, Event, Problem
from .settings import ReaderSettings

#: One item: anything but whitespace (`\s`: all of Unicode's, as `str.split()`), except that a
#: pinyin annotation in braces may contain spaces (`为{ wei4 }/p`).
ITEM = re.compile(r"(?:[^\s{]|\{[ A-Za-z0-9üÜ:]*\}|\{)+")


def item_pattern(item_separator: Optional[str]) -> "re.Pattern[str]":
    """Items under an exact `item_separator`: only its characters split items; an item starts
    with a non-whitespace character (tabs and U+3000 in front of it are text between items)
    and may contain other whitespace (THULAC writes the word `a\tb` as `a\tb_n`)."""
    if item_separator is None:
        return ITEM
    split = re.escape("".join(sorted(set(item_separator))))
    return re.compile(rf"(?:[^\s{{]|{_BRACES}|\{{)(?:[^{split}{{]|{_BRACES}|\{{)*")


_BRACES = r"\{[ A-Za-z0-9üÜ:]*\}"
#: What may stand between the braces of a pinyin annotation (spaces around it are trimmed).
_PINYIN_BODY = re.compile(r"[A-Za-z0-9üÜ: ]*")
#: What may follow a compound's `]`: its label, 2014 style after a `/`.
_LABEL = re.compile(r"/?([A-Za-z][A-Za-z0-9_\-]*)")
PARAGRAPH_ID = re.compile(r"\d{8}-\d{2}-\d{3}-\d{3}")


class SpacedOptions:
    """The settings the spaced reading uses, with what is compiled from them once."""

    __slots__ = ("separator", "tags", "item_separator", "brackets", "pinyin", "paragraph_ids",
                 "item", "two_separators")

    def __init__(self, settings: ReaderSettings, tags: FrozenSet[str]):
        self.tags = tags
        # Copied out of `settings`: read for every item.
        self.separator = settings.separator
        self.item_separator = settings.item_separator
        self.brackets = settings.brackets
        self.pinyin = settings.pinyin
        self.paragraph_ids = settings.paragraph_ids
        self.item = item_pattern(settings.item_separator)
        #: An item with two separators (`1/2/m`), in a line without braces.
        sep = re.escape(settings.separator)
        self.two_separators = re.compile(rf"{sep}[^\s{sep}]*{sep}")


def split_spaced(line: str, begin: int, opts: SpacedOptions, line_no: int,
                 events: List[Event], problems: List[Problem]) -> None:
    """Append the line's events to `events` and what is wrong with it to `problems`."""
    sep, exact = opts.separator, opts.item_separator
    prev_end = -1  # end of the previous item; -1 at line start
    opened: List[Tuple[int, int]] = []  # (event index, column) of brackets not yet closed
    tagged = untagged = 0
    for m in opts.item.finditer(line, begin):
        chunk = item = m.group()
        start = m.start()
        at_line_start = prev_end < 0
        run = line[begin:start] if at_line_start else line[prev_end:start]
        prev_end = m.end()
        # `extra`: whitespace beyond the item separator, which is text (exact policy only);
        # `space_word`: what an item with an empty word takes as its word.
        if exact is None:
            extra, space_word = "", (run if at_line_start else run[1:])
        else:
            extra = run if at_line_start or not run.startswith(exact) else run[len(exact):]
            space_word = extra

        opens = 0
        if opts.brackets and chunk[0] == "[":
            k = len(chunk) - len(chunk.lstrip("["))
            if k < len(chunk) and chunk[k] != sep:
                opens, chunk, start = k, chunk[k:], start + k
        closes: List[str] = []
        if opts.brackets and "]" in chunk:
            chunk, closes = _peel_closes(chunk, sep)

        i = chunk.rfind(sep)
        if i < 0:
            untagged += 1
            if extra:
                events.append((GAP, extra, "", start - len(extra), None))
            problems.append(Problem("no_separator", f"no {sep!r} separator and no tag",
                                    line_no, start + 1, chunk))
            events.append((TOK, chunk, "", start, None))
            continue
        tagged += 1
        word, tag = chunk[:i], chunk[i + 1:]
        if not word:
            if space_word:
                word, start, extra = space_word, start - len(space_word), ""
            elif at_line_start:
                # First in its line with nothing before it: the word is the line break
                # (jieba writes a newline word as `\n/x`); the reader checks there is one.
                events.append((TAKE_BREAK, "", tag, start, None))
                continue
            else:
                problems.append(Problem("empty_word", f"tag {tag!r} has no word before it",
                                        line_no, start + 1, chunk))
                continue
        if extra:
            events.append((GAP, extra, "", start - len(extra), None))
        if (at_line_start and opts.paragraph_ids and tag == "m" and not opens
                and PARAGRAPH_ID.fullmatch(word)):
            events.append((ID, word, tag, start, None))
            continue
        missing_label = False
        if not tag:
            problems.append(Problem("empty_tag", "word has no tag after the separator",
                                    line_no, start + 1, chunk))
        elif opts.brackets and tag.endswith("]") and tag.rstrip("]"):
            problems.append(Problem("compound_tag_missing", "no compound tag after ']'",
                                    line_no, start + len(chunk), chunk))
            tag, missing_label = tag.rstrip("]"), True
        elif tag not in opts.tags:
            problems.append(Problem("unknown_tag", f"unknown tag {tag!r}",
                                    line_no, start + i + 2, chunk))
        pinyin = None
        if opts.pinyin and word[-1] == "}":
            word, pinyin = _split_pinyin(word)
        for _ in range(opens):
            opened.append((len(events), start + 1))
            events.append((OPEN, "", "", start, None))
        events.append((TOK, word, tag, start, pinyin))
        if missing_label and opened:
            del events[opened.pop()[0]]  # the compound has no label: drop it, keep tokens
        for label in closes:
            if opened:
                opened.pop()
                events.append((CLOSE, label, "", start, None))
            else:
                problems.append(Problem("unbalanced_bracket", f"']{label}' closes no '['",
                                        line_no, start + 1, item))
    if prev_end >= 0 and exact is not None:
        run = line[prev_end:]
        extra = run[len(exact):] if run.startswith(exact) else run
        if extra:
            events.append((GAP, extra, "", len(line) - len(extra), None))
    for index, col in reversed(opened):
        problems.append(Problem("unbalanced_bracket", "'[' is never closed", line_no, col,
                                line[col - 2:col + 10]))
        del events[index]  # the tokens stay; the compound that never closed does not
    if untagged and not tagged:
        problems[:] = [p for p in problems if p.kind != "no_separator"]
        problems.append(Problem("untagged_line", "line has no tags at all", line_no,
                                begin + 1, line[begin:begin + 30]))


#: What separates items when `item_separator` is None: the characters ITEM excludes.
_ITEM_GAPS = re.compile(r"(\s+)")
_BRACKET = re.compile(r"[\[\]]")


class CleanLine(NamedTuple):
    words: List[str]
    tags: List[str]
    cols: List[int]
    #: (word, tag) of the paragraph id the line starts with, if any.
    paragraph_id: Optional[Tuple[str, str]]
    #: Bracket compounds: [start, end) in `words`, label, in the order they close.
    compounds: List[Tuple[int, int, str]]


def split_clean_line(line: str, begin: int, opts: SpacedOptions) -> Optional[CleanLine]:
    """`split_spaced` for the lines real corpora are made of, a line at a time instead of an
    item at a time: words and tags are cut out by C-level `split`s and checked all at once
    (`in` and set tests). Anything `split_spaced` would report or treat specially — an item
    without separator, an empty word (space words, `\n/x`), an unknown or empty tag, pinyin
    braces, brackets that do not balance — returns None, and the line goes through
    `split_spaced`, which says what is wrong. Only for `item_separator=None`, where the
    whitespace between items is markup."""
    if opts.item_separator is not None or "{" in line:
        return None
    sep = opts.separator
    split = _split_uniform(line, begin, sep, opts.two_separators) or _split_items(line, begin,
                                                                                  sep)
    if split is None:
        return None  # an item without separator
    words, tags, cols = split
    marks: List[Tuple[int, int, List[str]]] = []
    if opts.brackets and ("[" in line or "]" in line):
        peeled = _peel_brackets(line, begin, words, tags, cols, sep)
        if peeled is None:
            return None
        marks = peeled
    if "" in words or not opts.tags.issuperset(tags):
        return None
    paragraph_id = None
    opens_first = bool(marks) and marks[0][0] == 0 and marks[0][1] > 0
    if (opts.paragraph_ids and tags[0] == "m" and not opens_first
            and PARAGRAPH_ID.fullmatch(words[0])):
        paragraph_id = (words[0], tags[0])
        del words[0], tags[0], cols[0]
    compounds: List[Tuple[int, int, str]] = []
    if marks:
        shift = 1 if paragraph_id else 0
        opened: List[int] = []
        for k, opens, closes in marks:
            opened += [k - shift] * opens
            for label in closes:
                if not opened:
                    return None  # `]nt` closing no `[`
                compounds.append((opened.pop(), k - shift + 1, label))
        if opened:
            return None  # a `[` never closed
    return CleanLine(words, tags, cols, paragraph_id, compounds)


#: Whitespace other than the space.
_OTHER_SPACE = re.compile(r"[^\S ]")


def _split_uniform(line: str, begin: int, sep: str, two_separators: "re.Pattern[str]"
                   ) -> Optional[Tuple[List[str], List[str], List[int]]]:
    """Words, tags and columns of a line whose items are all separated by the same run of
    spaces (People's Daily: two) and each have one separator: then the line with its gaps
    replaced by separators splits into word, tag, word, tag... in one C call. None for any
    other line."""
    text = line[begin:].lstrip()  # any whitespace at the ends, as `split()` does
    start = len(line) - len(text)
    text = text.rstrip()
    gap = "  " if "  " in text else " "
    gaps = text.count(gap)
    # Spaces only in the gaps, no other whitespace (all of it is unprintable, as are few
    # other characters), as many separators as items and no item with two: each item has
    # exactly one.
    if (text.count(sep) != gaps + 1 or text.count(" ") != len(gap) * gaps
            or (not text.isprintable() and _OTHER_SPACE.search(text))
            or two_separators.search(text)):
        return None
    parts = text.replace(gap, sep).split(sep)
    words, tags = parts[::2], parts[1::2]
    # Word i+1 starts after word i, the separator, tag i and the gap: one running sum over
    # small (cached) ints, so the only ints made are the columns.
    steps = map(add, map(add, map(len, words), map(len, tags)), repeat(1 + len(gap)))
    cols = list(accumulate(steps, initial=start + 1))
    cols.pop()  # after the last item
    return words, tags, cols


def _split_items(line: str, begin: int, sep: str
                 ) -> Optional[Tuple[List[str], List[str], List[int]]]:
    """Any line: items cut by the ITEM_GAPS regex, each split at its last separator. None if
    an item has no separator."""
    # Items and gaps apart, each gap's string freed before the words are cut (a 10 MB line
    # is 2M of them), the columns summed per item and gap, not over both and halved.
    parts = _ITEM_GAPS.split(line[begin:])
    items, gaps = parts[::2], parts[1::2]
    del parts
    cols = list(accumulate(map(add, map(len, items), map(len, gaps)), initial=begin + 1))
    del gaps
    if "" in items:  # whitespace at the ends
        cols = [col for col, item in zip(cols, items) if item]
        items = [item for item in items if item]
    words, seps, tags = map(list, zip(*[item.rpartition(sep) for item in items]))
    return None if "" in seps else (words, tags, cols)


def _peel_brackets(line: str, begin: int, words: List[str], tags: List[str], cols: List[int],
                   sep: str) -> Optional[List[Tuple[int, int, List[str]]]]:
    """Take compound brackets off the items that have them (found by where `[` and `]` are
    in the line, not by looking at every item), as `split_spaced` does; return (item index,
    number of `[`, labels closed) per such item, or None if a compound has no label."""
    marks = []
    for k in dict.fromkeys(bisect_right(cols, m.start() + 1) - 1
                           for m in _BRACKET.finditer(line, begin)):
        chunk, start = words[k] + sep + tags[k], cols[k] - 1
        opens = 0
        if chunk[0] == "[":
            j = len(chunk) - len(chunk.lstrip("["))
            if j < len(chunk) and chunk[j] != sep:
                opens, chunk, start = j, chunk[j:], start + j
        closes: List[str] = []
        if "]" in chunk:
            chunk, closes = _peel_closes(chunk, sep)
        words[k], _, tags[k] = chunk.rpartition(sep)
        if "]" in tags[k]:
            return None  # `compound_tag_missing`, or an unknown tag
        cols[k] = start + 1
        marks.append((k, opens, closes))
    return marks


def _peel_closes(chunk: str, sep: str) -> Tuple[str, List[str]]:
    """`电台/n]nt` → (`电台/n`, ["nt"]); `c/n]NP]S` → (`c/n`, ["NP", "S"]) innermost first.

    One pass from the end, `]` by `]` (each label is looked at once): labels are peeled
    while the text before the `]` still has a separator after its first character."""
    labels: List[str] = []
    first_sep = chunk.find(sep, 1)  # a separator in body[1:] exists iff it is before the `]`
    end = len(chunk)
    while True:
        j = chunk.rfind("]", 0, end)
        if j < 0 or not 0 < first_sep < j:
            break
        m = _LABEL.fullmatch(chunk, j + 1, end)
        if not m:
            break
        labels.append(m.group(1))
        end = j
    if not labels or chunk.find("]", chunk.rfind(sep, 0, end) + 1, end) >= 0:
        return chunk, []
    labels.reverse()
    return chunk[:end], labels


def _split_pinyin(word: str) -> Tuple[str, Optional[str]]:
    """`看{kan4}` → (`看`, `kan4`), `为{ wei4 }` → (`为`, `wei4`); a word without a pinyin
    annotation at its end → (word, None). Found from the last `{`, in one pass."""
    i = word.rfind("{")
    if i > 0 and word[-1] == "}" and _PINYIN_BODY.fullmatch(word, i + 1, len(word) - 1):
        pinyin = word[i + 1:-1].strip(" ")
        if pinyin:
            return word[:i], pinyin
    return word, None
