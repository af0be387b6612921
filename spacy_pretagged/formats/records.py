"""The records every reader produces and every consumer (tokenizer, writer, CLI) reads.

A `Reading` keeps parallel lists rather than one object per token: the tokenizer hands the
lists straight to `Doc(...)`, so a corpus of millions of tokens never builds millions of
small Python objects it would only take apart again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

#: The tag of whitespace tokens made from line breaks and line-edge whitespace (spaCy's own
#: convention for whitespace tokens; the mapper gives them POS SPACE).
SPACE_TAG = "_SP"


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
        where = f"{self.source or '<text>'}:{self.line}:{self.col}"
        return f"{where}: {self.message}: {self.text!r}"


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

    def __len__(self) -> int:
        return len(self.words)

    def tokens(self) -> Iterator[Token]:
        return map(Token, self.words, self.spaces, self.tags, self.lines, self.cols)

    def append(self, word: str, space: bool, tag: str, line: int, col: int) -> None:
        self.words.append(word)
        self.spaces.append(space)
        self.tags.append(tag)
        self.lines.append(line)
        self.cols.append(col)
        self.sent_starts.append(None)
