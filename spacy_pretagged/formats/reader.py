"""Text in, tokens out: lines, whitespace, titles and errors around the two item readers.

`doc.text` must be the raw text the tagger saw, so nothing that is text is thrown away:
- line breaks (`\\n`, `\\r\\n`, a lone `\\r`) and the whitespace at the edges of concatenated
  lines become whitespace tokens tagged `_SP` (consecutive ones merge into one token, as
  spaCy's own tokenizer does);
- a word's trailing single space becomes the token's whitespace (`open /nz`);
- in spaced lines the whitespace between items is markup, not text, and is dropped.
"""
from __future__ import annotations

import re
from typing import Collection, List, Optional, Tuple

from .detect import looks_glued
from .glued import compile_boundaries, find_boundaries, split_glued, untagged_rest
from .records import SPACE_TAG, PretaggedFormatError, Problem, Reading
from .spaced import split_spaced

FORMATS = ("auto", "concatenated", "spaced")
ON_ERROR = ("raise", "warn")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Whitespace:
    """Whitespace text (line breaks, line-edge whitespace) waiting to become one _SP token."""

    __slots__ = ("parts", "line", "col")

    def __init__(self) -> None:
        self.parts: List[str] = []
        self.line = self.col = 1

    def add(self, text: str, line: int, col: int) -> None:
        if not self.parts:
            self.line, self.col = line, col
        self.parts.append(text)

    def flush(self, out: Reading) -> bool:
        if not self.parts:
            return False
        out.append("".join(self.parts), False, SPACE_TAG, self.line, self.col)
        out.sent_starts[-1] = False
        self.parts.clear()
        return True


def _check_choice(name: str, value: str, allowed: Tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


class Reader:
    """A configured reader. Build it once (it compiles the tagset's boundary regex), then
    `read()` any number of texts."""

    def __init__(
        self,
        tags: Collection[str],
        *,
        format: str = "auto",
        separator: str = "/",
        title_prefix: Optional[str] = "#",
        on_error: str = "raise",
    ):
        _check_choice("format", format, FORMATS)
        _check_choice("on_error", on_error, ON_ERROR)
        if len(separator) != 1 or separator.isspace():
            raise ValueError(f"separator must be one non-whitespace character, not {separator!r}")
        if title_prefix == "":
            raise ValueError("title_prefix must be a non-empty string or None")
        self.tags = frozenset(tags)
        self.format = format
        self.separator = separator
        self.title_prefix = title_prefix
        self.on_error = on_error
        self._boundaries = compile_boundaries(self.tags, separator)

    def __reduce__(self):
        return (_rebuild_reader, (sorted(self.tags), self.format, self.separator,
                                  self.title_prefix, self.on_error))

    def read(self, text: str, source: Optional[str] = None) -> Reading:
        out = Reading()
        pending = _Whitespace()
        pos = 0
        line_no = 1
        for m in _LINE_BREAK.finditer(text):
            self._read_line(text[pos:m.start()], line_no, source, out, pending)
            pending.add(m.group(), line_no, m.start() - pos + 1)
            pos = m.end()
            line_no += 1
        self._read_line(text[pos:], line_no, source, out, pending)
        pending.flush(out)
        return out

    def _read_line(self, line: str, line_no: int, source: Optional[str], out: Reading,
                   pending: _Whitespace) -> None:
        begin = 0
        title = self.title_prefix is not None and line.startswith(self.title_prefix)
        if title:
            begin = len(self.title_prefix)
        content_start = begin
        while content_start < len(line) and line[content_start].isspace():
            content_start += 1
        if content_start == len(line):
            # Blank line (or a title marker alone): all of it is whitespace text.
            if line[begin:]:
                pending.add(line[begin:], line_no, begin + 1)
            if title:
                self._problem(out, Problem("empty_title", "title line has no tokens", line_no,
                                           1, line), source)
            return

        items: List[Tuple[str, str, int]] = []
        problems: List[Problem] = []
        rest_start = len(line)
        glued = self.format == "concatenated"
        if self.format != "spaced":
            boundaries = find_boundaries(self._boundaries, line, content_start)
            if self.format == "auto":
                glued = looks_glued(line, content_start, boundaries, self.separator)
            if glued:
                rest_start = split_glued(line, content_start, boundaries, line_no, items, problems)
        if glued:
            # Leading whitespace of a concatenated line is text: it joins the _SP token.
            if content_start > begin:
                pending.add(line[begin:content_start], line_no, begin + 1)
            rest = line[rest_start:]
            body_end = rest_start + len(rest.rstrip())
            if body_end > rest_start:
                kind, word, tag = untagged_rest(line[rest_start:body_end], self.separator,
                                                self.tags)
                problems.append(Problem(kind, _MESSAGES[kind], line_no, rest_start + 1, rest))
                if word:
                    items.append((word, tag, rest_start))
        else:
            split_spaced(line, begin, self.separator, self.tags, line_no, items, problems)

        for problem in problems:
            self._problem(out, problem, source)

        first = len(out)
        for word, tag, start in items:
            space = False
            if glued and len(word) > 1 and word[-1] == " " and not word.isspace():
                word, space = word[:-1], True
            if pending.flush(out):
                first += 1
            out.append(word, space, tag, line_no, start + 1)
        if len(out) > first:
            out.sent_starts[first] = True
            if title:
                out.titles.append((first, len(out)))
        if glued:
            if body_end < len(line):
                pending.add(line[body_end:], line_no, body_end + 1)

    def _problem(self, out: Reading, problem: Problem, source: Optional[str]) -> None:
        if source is not None:
            problem = problem._replace(source=source)
        if self.on_error == "raise":
            raise PretaggedFormatError(problem)
        out.problems.append(problem)


_MESSAGES = {
    "no_separator": "text with no tag at the end of the line",
    "empty_tag": "word has no tag after the separator",
    "unknown_tag": "unknown tag at the end of the line",
}


def _rebuild_reader(tags, format, separator, title_prefix, on_error) -> Reader:
    return Reader(tags, format=format, separator=separator, title_prefix=title_prefix,
                  on_error=on_error)
