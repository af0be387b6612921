"""Files as streams of document units: decoded block by block, read a line at a time, cut
into units (`doc_per`) as soon as each is complete, so memory holds one unit, not a file.

What a unit is, is defined on a whole file's Reading by `unit_ranges` (what the corpus
reader and the Dask workers use on a text they read whole): its lines (`line`), the file
(`file`), or the lines of one PKU article (`article`): ids are date-page-article-paragraph,
and lines are gathered until the article part changes; lines without an id belong to the
article before them. Line-break tokens (and the whitespace around them, which is in the
same `_SP` token) between two units belong to neither. Units without words are skipped.

`Units` gives the same units while the file is read. What the reader makes of a line can
depend on the lines before it (a line break and the whitespace around it are one `_SP`
token; a jieba `\\n/x` first in a line takes the break before it as its word), so a unit is
not cut where a line ends but where the whole-file reading would cut it: at a line-break
`_SP` token, once the reader has made it — i.e. once the next line with a token has been
read, exactly the context line a Dask worker reads before its cut (distributed/plan.py).
Tokens the reader has made are final, so every unit is exactly a slice of the whole-file
Reading, with the file's line numbers and the problems of its lines.
"""
from __future__ import annotations

import codecs
from itertools import compress
from typing import BinaryIO, Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from .records import SPACE_TAG, Problem, Reading

DOC_PER = ("line", "file", "article")
#: Bytes decoded at a time: big enough that per-block costs vanish, small next to a corpus.
BLOCK_BYTES = 1 << 20

Range = Tuple[int, int]


def unit_ranges(reading: Reading, doc_per: str) -> List[Range]:
    """[start, end) of each document unit of a whole file's Reading (blank ones included;
    `Units` and the corpus reader skip units without words)."""
    if doc_per == "file":
        return [(0, len(reading))]
    if reading.sentence_units:
        return sentence_units(reading, doc_per)
    lines = reading.line_ranges()
    if doc_per == "line":
        return lines
    article = {i: article_of(pid) for i, pid, _ in reading.ids}
    units: List[Range] = []
    current = None
    for start, end in lines:
        key = article.get(start, current)
        if units and key == current:
            units[-1] = (units[-1][0], end)
        else:
            units.append((start, end))
        current = key
    return units


def sentence_units(reading: Reading, doc_per: str, begin: int = 0) -> List[Range]:
    """The units of a Reading cut at sentences (CoNLL-U): each sentence (`line`), or the
    sentences from one `# newdoc` to the next (`article`), of tokens [begin, len)."""
    sentences = sentence_ranges(reading, begin)
    if doc_per == "line":
        return sentences
    starts = document_starts(reading)
    units: List[Range] = []
    for start, end in sentences:
        if units and start not in starts:
            units[-1] = (units[-1][0], end)
        else:
            units.append((start, end))
    return units


def sentence_ranges(reading: Reading, begin: int = 0) -> List[Range]:
    """[start, end) of the sentences (`sent_starts`) of tokens [begin, len)."""
    stop = len(reading)
    starts = list(compress(range(begin, stop), reading.sent_starts[begin:stop]))
    if not starts or starts[0] != begin:
        starts.insert(0, begin)
    return list(zip(starts, starts[1:] + [stop]))


#: The comment that starts a document in CoNLL-U.
NEWDOC = "# newdoc"


def document_starts(reading: Reading) -> Set[int]:
    """The tokens a `# newdoc` comment stands before."""
    return {i for i, line in reading.kept_lines if line.startswith(NEWDOC)}


def article_of(paragraph_id: str) -> str:
    """`19980101-01-001-002` → `19980101-01-001`: date, page, article."""
    return paragraph_id.rsplit("-", 1)[0]


def has_words(reading: Reading, start: int = 0, end: Optional[int] = None) -> bool:
    """Whether tokens [start, end) include one that is not whitespace."""
    tags = reading.tags[start:end]
    return tags.count(SPACE_TAG) < len(tags)


def count_whitespace(reading: Reading) -> int:
    """The whitespace tokens of a Reading: `_SP` tokens and whitespace-only words (those
    `export.arrays.whitespace_mask` finds in its Doc). The other tokens are words."""
    return sum(1 for word, tag in zip(reading.words, reading.tags)
               if tag == SPACE_TAG or word.isspace())


class Units:
    """Cuts the Readings `Reader.stream` yields into document units as they complete.

    Indices here are token numbers in the whole file; `out` (the reader's Reading) holds the
    tokens from `base` on. After each line, `feed` looks at the tokens the line added: a
    line-break `_SP` token closes the line range before it. A closed range is a unit
    (`line`), or joins the open article, or opens the next (`article`); the open article
    is complete as soon as a range of another article has its first token. A finished
    unit is sliced off (`Reading.split`, as for a whole file) and the tokens up to
    its end dropped, so `out` never holds more than the open unit and one range."""

    def __init__(self, doc_per: str, on_problem: Optional[Callable[[Problem], None]] = None):
        if doc_per not in DOC_PER:
            raise ValueError(f"doc_per must be one of {DOC_PER}, not {doc_per!r}")
        self.doc_per = doc_per
        self.on_problem = on_problem
        self.base = 0  # file token number of out's first token
        self.scan = 0  # tokens before this one have been looked at for line breaks
        self.range_start = 0  # where the line range being read starts
        self.open: Optional[Range] = None  # the article being gathered
        self.current: Optional[str] = None  # its article (None: no id seen yet)
        self.articles: Dict[int, str] = {}  # token number → article, from out.ids
        self.ids_seen = 0
        self.problems_seen = 0

    def __call__(self, stream: Iterable[Reading]) -> Iterator[Reading]:
        out: Optional[Reading] = None
        for out in stream:
            yield from self.feed(out)
        if out is not None:
            yield from self.finish(out)

    def feed(self, out: Reading) -> List[Reading]:
        """The units that the tokens read since the last call complete."""
        self._report(out)
        if self.doc_per == "file":
            return []
        if out.sentence_units:
            return self._feed_sentences(out)
        ready: List[Range] = []
        tags, words = out.tags, out.words
        i, n = self.scan - self.base, len(tags)
        while True:
            try:
                i = tags.index(SPACE_TAG, i, n)
            except ValueError:
                break
            word = words[i]
            if "\n" in word or "\r" in word:
                at = self.base + i
                if self.range_start < at:
                    self._close(out, (self.range_start, at), ready)
                self.range_start = at + 1
            i += 1
        self.scan = self.base + n
        if self.doc_per == "article" and self.open is not None and self.range_start < self.scan:
            # The range being read has its first token, so its article is known: if it is
            # another one, the open article is complete now, not when this range ends.
            self._learn_ids(out)
            if self.articles.get(self.range_start, self.current) != self.current:
                ready.append(self.open)
                self.open = None
        return self._cut(out, ready)

    def _feed_sentences(self, out: Reading) -> List[Reading]:
        """A Reading cut at sentences is yielded with whole sentences only: all of them
        are units (`line`); for `article`, all documents but the last, which a later
        `# newdoc` (or the end) completes."""
        units = sentence_units(out, self.doc_per)
        if self.doc_per == "article" and units:
            units.pop()  # the open document
        self.scan = self.base + len(out)
        return self._cut(out, [(self.base + a, self.base + b) for a, b in units])

    def finish(self, out: Reading) -> List[Reading]:
        """The last units, when the stream has ended (its last yield was read)."""
        units = self.feed(out)
        end = self.base + len(out)
        ready: List[Range] = []
        if self.doc_per == "file":
            ready.append((0, end))
        elif out.sentence_units:
            ready += [(self.base + a, self.base + b) for a, b in sentence_units(out, self.doc_per)]
        else:
            if self.range_start < end:
                self._close(out, (self.range_start, end), ready)
            if self.open is not None:
                ready.append(self.open)
                self.open = None
        return units + self._cut(out, ready)

    def _report(self, out: Reading) -> None:
        if self.on_problem is not None:
            for problem in out.problems[self.problems_seen:]:
                self.on_problem(problem)
        self.problems_seen = len(out.problems)

    def _close(self, out: Reading, line: Range, ready: List[Range]) -> None:
        if self.doc_per == "line":
            ready.append(line)
            return
        self._learn_ids(out)
        key = self.articles.get(line[0], self.current)
        if self.open is not None and key == self.current:
            self.open = (self.open[0], line[1])
        else:
            if self.open is not None:
                ready.append(self.open)
            self.open = line
        self.current = key

    def _learn_ids(self, out: Reading) -> None:
        """Ids are added before the token they point at, so once a range's first token is
        made, the id on it (if any) is known; the last one wins, as in `unit_ranges`."""
        for i, pid, _ in out.ids[self.ids_seen:]:
            self.articles[self.base + i] = article_of(pid)
        self.ids_seen = len(out.ids)

    def _cut(self, out: Reading, ready: List[Range]) -> List[Reading]:
        """Slice the finished units off `out` and drop its tokens up to the last one's end."""
        ready = [(a, b) for a, b in ready if a < b]
        if not ready:
            return []
        base = self.base
        units = [unit for unit in out.split([(a - base, b - base) for a, b in ready])
                 if has_words(unit)]
        cut = ready[-1][1] - base
        _drop_front(out, cut, out.lines[cut - 1])
        self.base += cut
        self.articles = {i: a for i, a in self.articles.items() if i >= self.base}
        self.ids_seen = len(out.ids)
        self.problems_seen = len(out.problems)
        return units


def _drop_front(out: Reading, n: int, last_line: int) -> None:
    """Take tokens [0, n) off `out` in place (the reader goes on appending to it), with the
    spans, ids and pinyin that start there and the problems up to `last_line`."""
    for column in (out.words, out.spaces, out.tags, out.lines, out.cols, out.sent_starts):
        del column[:n]
    for name in Reading.COLUMNS:
        values = getattr(out, name)
        if values is not None:
            del values[:n]
    if out.heads is not None:
        out.heads[:] = [head - n for head in out.heads]
    # Most Readings have none of these: the guards save a list per kind per unit.
    if out.entities:
        out.entities = [(a - n, b - n, label) for a, b, label in out.entities if a >= n]
    if out.kept_lines:
        out.kept_lines = [(i - n, line) for i, line in out.kept_lines if i >= n]
    if out.titles:
        out.titles = [(a - n, b - n) for a, b in out.titles if a >= n]
    if out.compounds:
        out.compounds = [(a - n, b - n, label) for a, b, label in out.compounds if a >= n]
    if out.ids:
        out.ids = [(i - n, pid, tag) for i, pid, tag in out.ids if i >= n]
    if out.pinyin:
        out.pinyin = {i - n: p for i, p in out.pinyin.items() if i >= n}
    if out.problems:
        out.problems = [p for p in out.problems if p.line > last_line]


class FileDecodeError(UnicodeDecodeError):
    """A `UnicodeDecodeError` that knows where in the file the bytes it was decoding began
    (`offset`): `offset + start` is the bad byte's position in the file."""

    def __init__(self, error: UnicodeDecodeError, offset: int):
        super().__init__(error.encoding, error.object, error.start, error.end, error.reason)
        self.offset = offset

    def __reduce__(self):  # picklable (Dask sends exceptions back)
        return (_decode_error, (self.encoding, self.object, self.start, self.end, self.reason,
                                self.offset))


def _decode_error(encoding: str, data: bytes, start: int, end: int, reason: str,
                  offset: int) -> FileDecodeError:
    return FileDecodeError(UnicodeDecodeError(encoding, data, start, end, reason), offset)


def decoded_blocks(f: BinaryIO, encoding: str, size: int = BLOCK_BYTES) -> Iterator[str]:
    """The text of a binary file, `size` bytes decoded at a time by the codec's incremental
    decoder (any encoding, also those with state across lines). A decoding error is raised
    as `FileDecodeError` with its position in the file. A UTF-8 byte-order mark is left in
    the text (the reader skips it); with `utf-8-sig` it is taken off here, as `open()`
    would, and the rest is decoded as UTF-8 so that positions stay exact."""
    offset = 0
    if codecs.lookup(encoding).name == "utf-8-sig":
        encoding = "utf-8"
        if f.read(3) == codecs.BOM_UTF8:
            offset = 3
        else:
            f.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    while True:
        data = f.read(size)
        held = len(decoder.getstate()[0])  # bytes of a character begun in the last block
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:
            raise FileDecodeError(e, offset - held) from None
        if text:
            yield text
        if not data:
            return
        offset += len(data)
