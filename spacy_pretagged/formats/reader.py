"""Text in, tokens out: lines, whitespace, titles and errors around the two item readers.

`doc.text` must be the raw text the tagger saw, so nothing that is text is thrown away:
- line breaks (`\\n`, `\\r\\n`, a lone `\\r`) and the whitespace at the edges of concatenated
  lines become whitespace tokens tagged `_SP` (consecutive ones merge into one token, as
  spaCy's own tokenizer does);
- a word's trailing single space becomes the token's whitespace (`open /nz`);
- in spaced lines the whitespace between items is markup; with an `item_separator`, only
  that much of it is, and the rest is text (see spaced.py).
A leading byte-order mark is not text and is skipped.
"""
from __future__ import annotations

import gc
import re
from collections import deque
from functools import partial
from itertools import repeat
from typing import Any, Callable, Collection, Iterable, Iterator, List, Optional, Tuple

from .detect import looks_glued, words_look_glued
from .glued import (
    GluedSplitter,
    find_boundaries,
    iter_boundaries,
    split_glued,
    take_trailing_spaces,
    untagged_rest,
)
from .records import (
    CLOSE,
    GAP,
    ID,
    OPEN,
    SPACE_TAG,
    TAKE_BREAK,
    TOK,
    WS,
    Event,
    PretaggedFormatError,
    Problem,
    Reading,
)
from .settings import ReaderSettings
from .spaced import SpacedOptions, split_clean_line, split_spaced

#: Splits a run of non-whitespace text into words that join back to exactly that run.
Segmenter = Callable[[str], List[str]]

#: A line split into whitespace runs and the text between them.
_RUNS = re.compile(r"\s+|\S+")

#: C0 controls other than tab and line breaks, and DEL: never text a tagger meant to write.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def split_lines(pieces: Iterable[str]) -> Iterator[Tuple[str, str]]:
    """(line, line break) for each line of the text the pieces make when joined; the break
    is `\\r\\n`, `\\r` or `\\n` (never split between pieces: a `\\r` ending a piece waits
    for the next), "" for the last line, which is yielded even when empty. A line spread
    over many pieces is joined once, so time stays linear in the text."""
    head: List[str] = []  # the start of a line that goes on in the next piece
    held = ""  # a CR that ended the previous piece
    for piece in pieces:
        if held:
            piece, held = held + piece, ""
        if piece.endswith("\r"):
            piece, held = piece[:-1], "\r"
        pos = 0
        for start, brk in _line_breaks(piece):
            line = piece[pos:start]
            if head:
                head.append(line)
                line = "".join(head)
                head = []
            yield line, brk
            pos = start + len(brk)
        if pos < len(piece):
            head.append(piece[pos:])
    if held:
        yield "".join(head), held
        head = []
    yield "".join(head), ""


def _line_breaks(text: str) -> Iterator[Tuple[int, str]]:
    """(start, break) of each line break of `text`, in order: the next `\\n` and the next
    `\\r` found by `str.find`, C-level scans that skip a line at once (a regex for the three
    breaks tries each character: 5x the time). A `\\r` before a `\\n` is `\\r\\n`."""
    find = text.find
    lf, cr = find("\n"), find("\r")
    while lf >= 0 or cr >= 0:
        if cr < 0 or 0 <= lf < cr:
            start, brk = lf, "\n"
        else:
            start, brk = cr, "\r\n" if lf == cr + 1 else "\r"
        yield start, brk
        end = start + len(brk)
        if 0 <= lf < end:
            lf = find("\n", end)
        if 0 <= cr < end:
            cr = find("\r", end)


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

    def flush(self, out: Reading, tag: str = SPACE_TAG) -> bool:
        if not self.parts:
            return False
        out.append("".join(self.parts), False, tag, self.line, self.col)
        out.sent_starts[-1] = False
        self.parts.clear()
        return True

    def take(self, out: Reading, tag: str) -> bool:
        """Make the pending text a token with `tag` if it ends in a line break (jieba `\\n/x`)."""
        return bool(self.parts) and self.parts[-1][-1] in "\r\n" and self.flush(out, tag)


def read_whole(stream: Callable[..., Iterable[Reading]], text: str,
               source: Optional[str] = None) -> Reading:
    """The whole of `text` as one Reading: a reader's `stream` over one piece, its last
    yield. One read allocates a few tuples per token and no reference cycles; with the
    cyclic collector on, its full collections re-scan all of them again and again while a
    big text is read, which makes time grow faster than the input. Off for the read only.
    Every reader's `read` (word/tag text, CoNLL-U, HanLP JSON) is this."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return deque(stream((text,), source), maxlen=1)[0]
    finally:
        if enabled:
            gc.enable()


class Reader:
    """A configured reader. Build it once (it compiles the tagset's boundary regex), then
    `read()` any number of texts."""

    def __init__(self, tags: Collection[str], settings: Optional[ReaderSettings] = None, *,
                 segmenter: Optional[Segmenter] = None, **changes: Any):
        """`settings` (default: `ReaderSettings()`), with `changes` to single fields on top
        (`Reader(tags, format="spaced")`). `tags` are the tagset's tags: the reader is pure
        and does not load tables (`tagsets.make_reader` does both)."""
        settings = (settings or ReaderSettings()).replace(**changes) if changes else \
            (settings or ReaderSettings())
        if segmenter is not None and settings.untagged != "segment":
            raise ValueError(f"a segmenter is only used with untagged='segment', not "
                             f"{settings.untagged!r}")
        self.settings = settings
        self.tags = frozenset(tags)
        # Read per line: kept as attributes, not looked up through `settings` every time.
        self.format = settings.format
        self.separator = settings.separator
        self.title_prefix = settings.title_prefix
        self.on_error = settings.on_error
        self.untagged = settings.untagged
        # Not a setting: the tokenizer passes its pkuseg model's `cut`, which is state.
        self.segmenter = segmenter
        self._glued = GluedSplitter(self.tags, settings.separator)
        self._boundaries = self._glued.pattern
        self._spaced = SpacedOptions(settings, self.tags)

    def __reduce__(self):
        return (_rebuild_reader, (sorted(self.tags), self.settings, self.segmenter))

    def read(self, text: str, source: Optional[str] = None) -> Reading:
        """The whole of `text` as one Reading (`stream` over one piece)."""
        return read_whole(self.stream, text, source)

    def stream(self, pieces: Iterable[str], source: Optional[str] = None) -> Iterator[Reading]:
        """Read a text that arrives in pieces (a file, block by block), a line at a time.

        Yields the Reading being built (always the same object) after each line, and once
        more at the end, when the whitespace the text ends with has become its token. Every
        token in it when it is yielded is final — what the reader still holds is whitespace
        text that is not a token yet — so between two lines a consumer may take tokens off
        its front (`formats.stream` cuts document units so). The tokens are those of
        `read("".join(pieces))`, with the same line numbers."""
        out = Reading()
        pending = _Whitespace()
        line_no = 0
        for line, brk in split_lines(pieces):
            line_no += 1
            if line_no == 1 and line.startswith("\ufeff"):
                line = line[1:]
            self._read_line(line, line_no, source, out, pending)
            if brk:
                pending.add(brk, line_no, len(line) + 1)
            yield out
        pending.flush(out)
        yield out

    def _read_line(self, line: str, line_no: int, source: Optional[str], out: Reading,
                   pending: _Whitespace) -> None:
        begin = 0
        prefix = self.title_prefix
        title = prefix is not None and line.startswith(prefix)
        if title and prefix is not None:
            begin = len(prefix)
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

        events: List[Event] = []
        problems: List[Problem] = []
        control = _CONTROL.search(line)
        if control:
            problems.append(Problem("control_character",
                                    f"control character U+{ord(control.group()):04X}",
                                    line_no, control.start() + 1,
                                    line[max(0, control.start() - 10):control.end() + 10]))
        elif self._read_clean_line(line, begin, content_start, line_no, out, pending, title):
            return
        glued = self.format == "concatenated"
        boundaries: Iterable = ()
        if self.format == "auto" or self.untagged != "raise":
            boundaries = find_boundaries(self._boundaries, line, content_start)
            if self.format == "auto":
                glued = looks_glued(line, content_start, boundaries, self.separator)
        elif glued:
            boundaries = iter_boundaries(self._boundaries, line, content_start)
        if self.untagged != "raise" and not boundaries:
            # No `SEP tag` anywhere: plain text (e.g. what `nlp.evaluate` and spaCy's own
            # corpus reader pass to make_doc). Segmented, no tag.
            glued = False
            _split_untagged(line, begin, self._segment_run, events)
        elif glued:
            self._split_glued(line, begin, content_start, boundaries, line_no, events,
                              problems)
        else:
            split_spaced(line, begin, self._spaced, line_no, events, problems)
        for problem in problems:
            self._problem(out, problem, source)

        first = -1  # index of the line's first word token
        opened: List[int] = []
        for kind, text, tag, start, extra in events:
            if kind == TOK:
                space = False
                if glued and len(text) > 1 and text[-1] == " " and not text.isspace():
                    text, space = text[:-1], True
                pending.flush(out)
                if first < 0:
                    first = len(out)
                if extra is not None:
                    out.pinyin[len(out)] = extra
                out.append(text, space, tag, line_no, start + 1)
            elif kind == WS or kind == GAP:
                if kind == GAP and text[0] == " " and first >= 0 and not out.spaces[-1] \
                        and out.tags[-1] != SPACE_TAG:
                    out.spaces[-1] = True
                    text, start = text[1:], start + 1
                if text:
                    pending.add(text, line_no, start + 1)
            elif kind == OPEN:
                pending.flush(out)
                opened.append(len(out))
            elif kind == CLOSE:
                out.compounds.append((opened.pop(), len(out), text))
            elif kind == ID:
                pending.flush(out)
                out.ids.append((len(out), text, tag))
            elif kind == TAKE_BREAK:
                if not pending.take(out, tag):
                    self._problem(out, Problem("empty_word", f"tag {tag!r} has no word before "
                                               "it", line_no, start + 1, line[:start + 10]),
                                  source)
        if first >= 0:
            out.sent_starts[first] = True
            if title:
                out.titles.append((first, len(out)))

    def _read_clean_line(self, line: str, begin: int, content_start: int, line_no: int,
                         out: Reading, pending: _Whitespace, title: bool) -> bool:
        """Read a line without problems in bulk: one regex split, the Reading's lists
        extended a line at a time, no event per token. The same tokens as the event path
        below; a line it would report or treat specially is left to it (False, nothing
        written), so that path stays the one definition of the format."""
        if self.format != "spaced":
            body = line[content_start:]
            words, tags, rest = self._glued.split(body)
            if "" in words:
                return False  # two tags in a row: `empty_word`
            if self.format == "concatenated" or words_look_glued(words, rest, self.separator,
                                                                 body):
                if not tags or (rest and not rest.isspace()):
                    return False  # untagged text after the last tag
                if content_start > begin:
                    pending.add(line[begin:content_start], line_no, begin + 1)
                pending.flush(out)
                self._mark_line(out, self._extend_glued(out, words, tags, line, body,
                                                        line_no), title)
                if rest:
                    pending.add(rest, line_no, len(line) - len(rest) + 1)
                return True
        clean = split_clean_line(line, begin, self._spaced)
        if clean is None:
            return False
        pending.flush(out)
        if clean.paragraph_id:
            out.ids.append((len(out), *clean.paragraph_id))
        if clean.words:
            first = out.extend(clean.words, [False] * len(clean.words), clean.tags, line_no,
                               clean.cols)
            out.compounds += [(first + a, first + b, label) for a, b, label in clean.compounds]
            self._mark_line(out, first, title)
        return True

    def _extend_glued(self, out: Reading, words: List[str], tags: List[str], line: str,
                      body: str, line_no: int) -> int:
        """Append a clean concatenated line's tokens; return the index of the first. Their
        columns are left to be computed if `out.cols` is ever read (a Doc has no place for
        them), unless a separator inside a word makes them needed now."""
        glued = self._glued
        content_start = len(line) - len(body)
        spaces = glued.take_trailing_spaces(words, body)
        if spaces is None:
            cols = glued.columns(words, repeat(False), tags, content_start)
            spaces = take_trailing_spaces(words, cols, line, self.separator)
            return out.extend(words, spaces, tags, line_no, cols)
        return out.extend_late(words, spaces, tags, line_no,
                               partial(glued.columns, words, spaces, tags, content_start))

    @staticmethod
    def _mark_line(out: Reading, first: int, title: bool) -> None:
        out.sent_starts[first] = True
        if title:
            out.titles.append((first, len(out)))

    def _split_glued(self, line, begin, content_start, boundaries, line_no, events, problems):
        # Leading whitespace of a concatenated line is text: it joins the _SP token.
        if content_start > begin:
            events.append((WS, line[begin:content_start], "", begin, None))
        before = len(events)
        rest_start = split_glued(line, content_start, boundaries, line_no, events, problems)
        rest = line[rest_start:]
        body_end = rest_start + len(rest.rstrip())
        if body_end > rest_start:
            kind, word, tag = untagged_rest(line[rest_start:body_end], self.separator, self.tags)
            if kind == "no_separator" and len(events) == before:
                kind = "untagged_line"
            # The text kept is the start of the rest (all of it on a sane line): a
            # problem of a 5 MB untagged line does not carry the 5 MB.
            problems.append(Problem(kind, _MESSAGES[kind], line_no, rest_start + 1,
                                    rest[:_KEPT]))
            if word:
                events.append((TOK, word, tag, rest_start, None))
        if body_end < len(line):
            # Whitespace after the last tag; never a token's own whitespace (that would
            # move it before the tag on writing).
            events.append((WS, line[body_end:], "", body_end, None))

    def _segment_run(self, run: str) -> List[str]:
        if self.untagged == "characters":
            return list(run)
        if self.segmenter is None:
            raise ValueError("untagged='segment' needs a segmenter to read text without tags "
                             "(the spaCy tokenizer passes its pkuseg model's `cut`)")
        return self.segmenter(run)

    def _problem(self, out: Reading, problem: Problem, source: Optional[str]) -> None:
        if source is not None:
            problem = problem._replace(source=source)
        if self.on_error == "raise":
            raise PretaggedFormatError(problem)
        out.problems.append(problem)


def _split_untagged(line: str, begin: int, segment: Segmenter, events: List[Event]) -> None:
    """Untagged text: each whitespace run is one GAP (as between spaced items: a first space
    is the previous word's whitespace, the rest a whitespace token; one event per run, so
    `我\\t 爱` keeps its order), the text between is split by `segment`, tag empty."""
    for m in _RUNS.finditer(line, begin):
        run, start = m.group(), m.start()
        if run[0].isspace():
            events.append((GAP, run, "", start, None))
            continue
        words = segment(run)
        if "".join(words) != run:
            raise ValueError(f"the segmenter changed the text {run!r} into the words {words!r}")
        for word in words:
            if word:
                events.append((TOK, word, "", start, None))
                start += len(word)


#: At most this many characters of a line's untagged rest are kept as a problem's text.
_KEPT = 200

_MESSAGES = {
    "no_separator": "text with no tag at the end of the line",
    "untagged_line": "line has no tags at all",
    "empty_tag": "word has no tag after the separator",
    "unknown_tag": "unknown tag at the end of the line",
}


def _rebuild_reader(tags: List[str], settings: ReaderSettings,
                    segmenter: Optional[Segmenter] = None) -> Reader:
    return Reader(tags, settings, segmenter=segmenter)
