"""The records every reader produces and every consumer (tokenizer, writer, CLI) reads.

A `Reading` keeps parallel lists rather than one object per token: the tokenizer hands the
lists straight to `Doc(...)`, so a corpus of millions of tokens never builds millions of
small Python objects it would only take apart again. For the same reason a reader may leave
a line's columns to be computed when `cols` is first read (`extend_late`): a Doc has no
place for them, and making an int per token was a third of the time reading a long
concatenated text took.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import attrgetter
from typing import (
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

#: The tag of whitespace tokens made from line breaks and line-edge whitespace (spaCy's own
#: convention for whitespace tokens; the mapper gives them POS SPACE).
SPACE_TAG = "_SP"


# Event kinds (first field of every event tuple): (kind, text, tag, start, extra)
# TOK   (word, tag, start, pinyin or None)   a token
# WS    (text, "", start, None)              whitespace text for a whitespace token
# GAP   (text, "", start, None)              whitespace text between items: its first space,
#                                            if any, is the previous token's whitespace
# OPEN / CLOSE (label)                       bracket compound around the TOKs between
# ID    (id, tag, start, None)               a paragraph id
# TAKE_BREAK ("", tag, start, None)          an empty word that takes the line break before it
TOK, WS, GAP, OPEN, CLOSE, ID, TAKE_BREAK = range(7)
#: What the item readers hand the line reader: (kind, text, tag, start, extra).
Event = Tuple[int, str, str, int, Optional[str]]


class Token(NamedTuple):
    word: str
    space: bool
    tag: str
    line: int  # 1-based
    col: int  # 1-based, in characters, counted on the raw line (title prefix included)


class Problem(NamedTuple):
    """One thing wrong with the input. `kind` is a stable identifier tests and users can match."""

    kind: str
    message: str
    line: int
    col: int
    text: str
    source: Optional[str] = None

    def __str__(self) -> str:
        """`file:line:col: message: 'text'`, the text (and a message quoting the input) cut
        to a readable length: a 5 MB line of hostile input is not echoed whole."""
        where = f"{self.source or '<text>'}:{self.line}:{self.col}"
        return f"{where}: {excerpt(self.message, 2 * SHOWN)}: {quoted(self.text)}"


#: How many characters of offending text a message shows.
SHOWN = 80


def excerpt(text: str, limit: int = SHOWN) -> str:
    """`text`, or its first `limit` characters and an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(text: str, limit: int = SHOWN) -> str:
    """`repr(text)`, or the repr of its first `limit` characters, an ellipsis and the
    length (outside the quotes, so what is quoted is exactly a prefix of the input)."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


class PretaggedFormatError(ValueError):
    """Raised on the first problem when `on_error="raise"`; carries the `Problem` as `.problem`."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem

    @property
    def line(self) -> int:
        return self.problem.line

    @property
    def col(self) -> int:
        return self.problem.col


@dataclass
class Reading:
    """The tokens of one text, plus what the Doc needs besides them."""

    words: List[str] = field(default_factory=list)
    spaces: List[bool] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)
    lines: List[int] = field(default_factory=list)
    #: 1-based, in characters, counted on the raw line (a property: see `_get_cols`).
    cols: List[int] = field(default_factory=list)
    #: True: starts a sentence, False: does not, None: let later components decide.
    sent_starts: List[Optional[bool]] = field(default_factory=list)
    #: Token ranges [start, end) of title lines.
    titles: List[Tuple[int, int]] = field(default_factory=list)
    #: Bracket compounds (PKU `[中央/n  人民/n]nt`): [start, end) and the compound tag.
    compounds: List[Tuple[int, int, str]] = field(default_factory=list)
    #: Paragraph ids (PKU `19980101-01-001-001/m`): index of the line's first token, id, tag.
    ids: List[Tuple[int, str, str]] = field(default_factory=list)
    #: Pinyin annotations (`看{kan4}/v`) by token index.
    pinyin: Dict[int, str] = field(default_factory=dict)
    problems: List[Problem] = field(default_factory=list)
    # What parsed formats give besides word and tag (CoNLL-U, HanLP 2.x / LTP JSON) and
    # `word/tag` text does not: None, or one value per token, "" where a token has none
    # (CoNLL-U `_`). `tags` stays the producer's own tag (CoNLL-U XPOS).
    #: Universal POS as given.
    upos: Optional[List[str]] = None
    lemmas: Optional[List[str]] = None
    #: UD FEATS as written (`Aspect=Perf|Number=Plur`).
    feats: Optional[List[str]] = None
    #: The head's token index in this Reading; a root (and a token without a head, whose
    #: dep is "") is its own head. Units are cut between trees, so a slice re-indexes them.
    heads: Optional[List[int]] = None
    deps: Optional[List[str]] = None
    #: CoNLL-U MISC as written.
    misc: Optional[List[str]] = None
    #: CoNLL-U DEPS (enhanced dependencies) as written.
    enhanced: Optional[List[str]] = None
    #: Entities the producer gave (HanLP `ner/*`, LAC's PER/LOC/ORG/TIME): [start, end), label.
    entities: List[Tuple[int, int, str]] = field(default_factory=list)
    #: Lines of the file that are no tokens but are written back where they stood (CoNLL-U
    #: comments, multiword-token ranges, empty nodes): (index of the token they stand
    #: before, line). Lines after the last token carry its index + 1.
    kept_lines: List[Tuple[int, str]] = field(default_factory=list)
    #: Document units are its sentences (`sent_starts`) and `# newdoc` documents, not its
    #: lines: a parsed format without line-break tokens (CoNLL-U; `stream.Units`).
    sentence_units: bool = False
    #: Columns not computed yet (`extend_late`): (index of the first token, what computes
    #: them). Their places in `cols` hold 0 until `cols` is read.
    _late_cols: List[Tuple[int, Callable[[], List[int]]]] = field(
        default_factory=list, init=False, repr=False, compare=False)

    #: The per-token columns above, in the order `split` and readers handle them.
    COLUMNS = ("upos", "lemmas", "feats", "heads", "deps", "misc", "enhanced")

    def __len__(self) -> int:
        return len(self.words)

    def tokens(self) -> Iterator[Token]:
        return map(Token, self.words, self.spaces, self.tags, self.lines, self.cols)

    def slice(self, start: int, end: int) -> "Reading":
        """Tokens [start, end) with the spans, ids and pinyin that fall inside, re-indexed."""
        return next(self.split([(start, end)]))

    def split(self, ranges: Iterable[Tuple[int, int]]) -> Iterator["Reading"]:
        """`slice` for many ranges: the spans are indexed once (bisect), so splitting a
        corpus file into thousands of documents stays linear. A Reading with tokens only
        (no spans, ids, pinyin, problems or parsed columns: most `word/tag` text) is cut
        without that indexing: a stream splits one such Reading per line, and the index
        would cost more than the slicing."""
        if not (self.titles or self.compounds or self.ids or self.pinyin or self.problems
                or self.entities or self.kept_lines
                or _columns_of(self).count(None) < len(self.COLUMNS)):
            for start, end in ranges:
                yield self._tokens(start, end)
            return
        ranges = list(ranges)
        if ranges == [(0, len(self.words))] and not (
                self.titles or self.compounds or self.ids or self.pinyin or self.problems
                or self.entities):
            # The whole Reading, with parsed columns and kept lines only: what a stream of
            # CoNLL-U hands over once a sentence is read (each a unit). Copies, without the
            # indexing below, which costs more than the sentence's tokens.
            part = self._tokens(0, len(self.words))
            for name, values in zip(self.COLUMNS, _columns_of(self)):
                if values is not None:
                    setattr(part, name, list(values))
            part.kept_lines = list(self.kept_lines)
            yield part
            return
        titles = sorted(self.titles)
        compounds = sorted(self.compounds)
        ids = sorted(self.ids)
        pinyin = sorted(self.pinyin.items())
        problems = sorted(self.problems, key=lambda p: p.line)
        entities = sorted(self.entities)
        kept = self.kept_lines  # in file order, which is token order
        entity_at = [e[0] for e in entities]
        kept_at = [k[0] for k in kept]
        columns = [(name, getattr(self, name)) for name in self.COLUMNS
                   if getattr(self, name) is not None]
        title_at = [t[0] for t in titles]
        compound_at = [c[0] for c in compounds]
        id_at = [i[0] for i in ids]
        pinyin_at = [i for i, _ in pinyin]
        problem_at = [p.line for p in problems]
        for start, end in ranges:
            part = self._tokens(start, end)
            part.titles = [(a - start, b - start) for a, b in
                           titles[bisect_left(title_at, start):bisect_left(title_at, end)]
                           if b <= end]
            part.compounds = [(a - start, b - start, label) for a, b, label in
                              compounds[bisect_left(compound_at, start):
                                        bisect_left(compound_at, end)] if b <= end]
            part.ids = [(i - start, pid, tag) for i, pid, tag in
                        ids[bisect_left(id_at, start):bisect_left(id_at, end)]]
            part.pinyin = dict((i - start, p) for i, p in
                               pinyin[bisect_left(pinyin_at, start):bisect_left(pinyin_at, end)])
            for name, values in columns:
                setattr(part, name, values[start:end])
            if part.heads is not None:
                part.heads = [head - start for head in part.heads]
            part.entities = [(a - start, b - start, label) for a, b, label in
                             entities[bisect_left(entity_at, start):
                                      bisect_left(entity_at, end)] if b <= end]
            # Lines after the last token go with the unit that ends the reading.
            last_kept = bisect_right(kept_at, end) if end == len(self.words) \
                else bisect_left(kept_at, end)
            part.kept_lines = [(i - start, line) for i, line in
                               kept[bisect_left(kept_at, start):last_kept]]
            if part.lines:
                first, last = part.lines[0], part.lines[-1]
                part.problems = problems[bisect_left(problem_at, first):
                                         bisect_right(problem_at, last)]
            yield part

    def _tokens(self, start: int, end: int) -> "Reading":
        """Tokens [start, end) without the spans; a unit's first token starts a sentence."""
        part = Reading(self.words[start:end], self.spaces[start:end], self.tags[start:end],
                       self.lines[start:end], self.cols[start:end], self.sent_starts[start:end])
        if part.sent_starts:
            part.sent_starts[0] = True
        return part

    def line_ranges(self) -> List[Tuple[int, int]]:
        """[start, end) of each line's tokens; the line-break tokens fall outside."""
        ranges = []
        start = 0
        for i, (word, tag) in enumerate(zip(self.words, self.tags)):
            if tag == SPACE_TAG and ("\n" in word or "\r" in word):
                if start < i:
                    ranges.append((start, i))
                start = i + 1
        if start < len(self.words):
            ranges.append((start, len(self.words)))
        return ranges

    def extend(self, words: Sequence[str], spaces: Sequence[bool], tags: Sequence[str],
               line: int, cols: Iterable[int]) -> int:
        """Append the tokens of one line at once; return the index of the first."""
        first = len(self.words)
        self.words += words
        self.spaces += spaces
        self.tags += tags
        self.lines += [line] * len(words)
        self.__dict__["cols"] += cols  # the list itself: reading `cols` computes late ones
        self.sent_starts += [None] * len(words)
        return first

    def extend_late(self, words: Sequence[str], spaces: Sequence[bool], tags: Sequence[str],
                    line: int, cols: Callable[[], List[int]]) -> int:
        """`extend`, the tokens' columns computed by `cols()` when `cols` is first read."""
        first = self.extend(words, spaces, tags, line, [0] * len(words))
        self._late_cols.append((first, cols))
        return first

    def append(self, word: str, space: bool, tag: str, line: int, col: int) -> None:
        self.words.append(word)
        self.spaces.append(space)
        self.tags.append(tag)
        self.lines.append(line)
        self.__dict__["cols"].append(col)
        self.sent_starts.append(None)

    def __getstate__(self) -> Dict[str, object]:
        """A pickle carries the columns, not what computes them."""
        _get_cols(self)
        return self.__dict__


def _get_cols(reading: Reading) -> List[int]:
    """`Reading.cols`: the list, with the columns left to `extend_late` computed first. The
    list lives in the instance's `__dict__` under its own name (the property, a data
    descriptor, comes first on lookup)."""
    cols: List[int] = reading.__dict__["cols"]
    if reading._late_cols:
        for first, late in reading._late_cols:
            values = late()
            cols[first:first + len(values)] = values
        reading._late_cols.clear()
    return cols


def _set_cols(reading: Reading, cols: List[int]) -> None:
    reading.__dict__["cols"] = cols
    reading._late_cols = []


# After `@dataclass` has made `cols` a field (an `__init__` argument, compared, shown):
# reading and setting it go through the two functions above.
Reading.cols = property(_get_cols, _set_cols)  # type: ignore[assignment]


_columns_of = attrgetter(*Reading.COLUMNS)  # the parsed columns, in one C call
