"""What the writers read off a Doc, as columns: one `doc.to_array` per Doc and string joins,
instead of a spaCy `Token` object per token (making one costs about as much as everything
a writer then does with it), and the one way every writer counts what it wrote.

Strings come from hashes through `StringCache`s: a dict per column kept for the whole
output, so each distinct tag, word or feature string is looked up (and escaped or
normalised) once per file, not once per token.
"""
from __future__ import annotations

from itertools import repeat
from operator import eq, or_
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Union

import numpy
from spacy.attrs import IS_SPACE, POS, SENT_START, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..doc_keys import POS_IDS
from ..formats import SPACE_TAG

_SPACE_POS = POS_IDS["SPACE"]
_SPACE_TAG_ID = get_string_id(SPACE_TAG)  # a hash, the same in every vocab


class Counts(NamedTuple):
    """What a writer wrote, counted the same way for every format: the Docs; their
    sentences that have a word (a whitespace-only sentence is no sentence, and CoNLL-U does
    not write one); their words; their whitespace tokens (`is_whitespace`: line breaks and
    the other `_SP` tokens, whitespace-only words), which are not words and are counted
    apart. Every token is one or the other: `tokens` is their sum."""

    docs: int
    sentences: int
    words: int
    whitespace: int

    @property
    def tokens(self) -> int:
        return self.words + self.whitespace


class Tally:
    """Adds up `Counts` over the Docs a writer writes."""

    def __init__(self) -> None:
        self.docs = self.sentences = self.words = self.whitespace = 0

    def add(self, doc: Doc, space: Union[numpy.ndarray, List[bool], None] = None,
            starts: Optional[List[int]] = None) -> None:
        """Count `doc`; `space` (its `whitespace_mask`, or `whitespace_list`) and `starts`
        (its `sentence_starts`) if the writer has them already."""
        self.docs += 1
        n = len(doc)
        if not n:
            return
        if space is None:
            space = whitespace_mask(doc)
        spaces = space.count(True) if isinstance(space, list) else \
            int(numpy.count_nonzero(space))
        self.whitespace += spaces
        self.words += n - spaces
        if spaces < n:
            if starts is None:
                starts = sentence_starts(doc)
            if not spaces:  # the common case: every sentence has its words
                self.sentences += len(starts)
                return
            if isinstance(space, list):
                bounds = starts + [n]
                self.sentences += sum(1 for a, b in zip(bounds, bounds[1:])
                                      if False in space[a:b])
                return
            words = numpy.add.reduceat((~space).astype(numpy.int32), starts)
            self.sentences += int(numpy.count_nonzero(words))

    @property
    def counts(self) -> Counts:
        return Counts(self.docs, self.sentences, self.words, self.whitespace)


def whitespace_mask(doc: Doc, columns: Optional[numpy.ndarray] = None) -> numpy.ndarray:
    """True for the whitespace tokens: text all whitespace, POS `SPACE` or tag `_SP` (the
    CoNLL-U writer gives them no line). `columns`: `doc.to_array([IS_SPACE, POS, TAG])`
    if the caller has it."""
    if columns is None:
        columns = doc.to_array([IS_SPACE, POS, TAG])
    return ((columns[:, 0] != 0) | (columns[:, 1] == _SPACE_POS)
            | (columns[:, 2] == _SPACE_TAG_ID))


def whitespace_list(is_space: Sequence[int], pos: Sequence[int], tag: Sequence[int]
                    ) -> List[bool]:
    """`whitespace_mask` of the IS_SPACE, POS and TAG columns as lists (what a writer that
    works on lists has): no NumPy call, which on a short Doc costs more than the tokens.
    Most Docs have no whitespace token: three scans at C speed say so first."""
    if not any(is_space) and _SPACE_POS not in pos and _SPACE_TAG_ID not in tag:
        return [False] * len(is_space)
    # s != 0 or p == _SPACE_POS or t == _SPACE_TAG_ID, by `map` (no Python code per token)
    return list(map(or_, map(or_, map(bool, is_space), map(eq, pos, repeat(_SPACE_POS))),
                    map(eq, tag, repeat(_SPACE_TAG_ID))))


def sentence_starts(doc: Doc, column: Union[numpy.ndarray, List[int], None] = None
                    ) -> List[int]:
    """Where `doc.sents` starts its sentences, from the SENT_START column (`column`, an
    array or a list, if the caller has it): token 0 and every later token whose sentence
    start is 1. That is `doc.sents` exactly, and the whole Doc as one sentence when nothing
    is set (what `conllu.sentences` does). A `sents` user hook is asked instead."""
    if not len(doc):
        return []
    if "sents" in doc.user_hooks:
        return [sent.start for sent in doc.sents]
    if column is None:
        column = doc.to_array(SENT_START)
    if isinstance(column, list):
        starts = _ones(column)
    else:
        starts = numpy.flatnonzero(column == 1).tolist()
    if not starts or starts[0]:
        starts.insert(0, 0)
    return starts


def _ones(column: List[int]) -> List[int]:
    """Where `column` is 1: `list.index` scans at C speed, Python runs once per 1 found
    (once per sentence, not once per token)."""
    out: List[int] = []
    i = -1
    try:
        while True:
            i = column.index(1, i + 1)
            out.append(i)
    except ValueError:
        return out


class StringCache(Dict[int, str]):
    """hash → `make(string)`, filled on first use: `list(map(cache.__getitem__, hashes))`
    runs at C speed for every hash seen before."""

    def __init__(self, doc_strings: Callable[[int], str], make: Callable[[str], str]):
        super().__init__()
        self.lookup = doc_strings
        self.make = make

    def __missing__(self, key: int) -> str:
        value = self[key] = self.make(self.lookup(key))
        return value
