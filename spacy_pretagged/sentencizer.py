"""`pretagged_sentencizer`: spaCy's rule-based `sentencizer`, decided on arrays.

spaCy's `Sentencizer.predict` walks the Doc a Token object at a time (`token.text in
punct_chars`, `token.is_punct`), which costs more than our tokenizer's own Doc building.
This is the same class with the same settings, scorer and serialization, whose `predict`
reads two columns (ORTH, IS_PUNCT) and finds the same sentence starts with NumPy, and whose
`set_annotations` writes them with one `from_array`. The rule (the sentencizer's loop): a
sentence starts at token 0 and at the first token after a `punct_chars` token that is
neither punctuation nor in `punct_chars`; tokens whose start is already set keep it unless
`overwrite`. tests/pipeline/test_sentencizer.py checks it against spaCy's own on every Doc.
"""
from __future__ import annotations

from itertools import compress
from typing import Callable, Iterable, List, Optional

import numpy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

_START, _NOT_START = 1, 2 ** 64 - 1  # 1 and -1 in Doc arrays: starts, does not


class PretaggedSentencizer(Sentencizer):
    """`spacy.pipeline.Sentencizer` with `predict` and `set_annotations` on arrays."""

    def predict(self, docs: Iterable[Doc]) -> List[List[bool]]:
        return [self._starts(doc).tolist() for doc in docs]

    def set_annotations(self, docs, batch_tag_ids) -> None:
        if isinstance(docs, Doc):
            docs = [docs]
        for doc, guesses in zip(docs, batch_tag_ids):
            self._set(doc, numpy.asarray(guesses, dtype=bool))

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            if len(doc):
                orth, punct, old = doc.to_array([ORTH, IS_PUNCT, SENT_START]).T.tolist()
                if self.overwrite or 0 in old:  # else every start is decided (a parse,
                    starts = self._start_list(orth, punct, self._punct_hashes(doc))
                    self._write(doc, starts, old)  # a CoNLL-U file): nothing would change
            return doc
        except Exception as e:
            error_handler(self.name, self, [doc], e)
            return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128):
        for doc in stream:
            yield self(doc)

    def _starts(self, doc: Doc, cols: Optional[numpy.ndarray] = None) -> numpy.ndarray:
        """True where the sentencizer's loop starts a sentence (`cols`: ORTH and IS_PUNCT
        first, if the caller has it)."""
        if not len(doc):
            return numpy.zeros(0, dtype=bool)
        if cols is None:
            cols = doc.to_array([ORTH, IS_PUNCT])
        orth, punct = cols[:, 0].tolist(), cols[:, 1].tolist()
        return numpy.array(self._start_list(orth, punct, self._punct_hashes(doc)), dtype=bool)

    @staticmethod
    def _start_list(orth: List[int], punct: List[int], hashes: frozenset) -> List[bool]:
        """The loop's starts, with Python work only at `punct_chars` tokens and the
        punctuation right after them: which tokens are in `punct_chars` is one C-level
        `map`, so a Doc's cost is mostly spaCy's `to_array`, not a NumPy call per step
        (those dominate on the short Docs of `--doc-per line`)."""
        n = len(orth)
        starts = [False] * n
        starts[0] = True
        if hashes.isdisjoint(orth):
            return starts
        marks = list(map(hashes.__contains__, orth))
        j = 0  # tokens before j are decided
        for i in compress(range(n), marks):
            if i < j:
                continue  # inside the run of punctuation after an earlier one
            j = i + 1
            while j < n and (marks[j] or punct[j]):
                j += 1
            if j < n:
                starts[j] = True
        return starts

    def _punct_hashes(self, doc: Doc) -> frozenset:
        """The hashes of `punct_chars` (hashes are the same in every vocab), kept until the
        characters change (from_disk, from_bytes, a user)."""
        chars = self.punct_chars
        if chars != getattr(self, "_hashed", None):  # compared, not copied, per Doc: half
            strings = doc.vocab.strings            # the cost, on one-word Docs ~1 µs
            self._hashed = frozenset(chars)
            self._hashes = frozenset(strings[c] for c in self._hashed)
        return self._hashes

    def _set(self, doc: Doc, starts: numpy.ndarray,
             old: Optional[numpy.ndarray] = None) -> None:
        if not len(doc):
            return
        if old is None:
            old = doc.to_array(SENT_START)
        self._write(doc, starts.tolist(), old.tolist())

    def _write(self, doc: Doc, starts: List[bool], old: List[int]) -> None:
        """SENT_START from `starts` (1 starts, -1 does not), keeping the starts already set
        unless `overwrite`; one `from_array`, none when nothing changes (a one-word Doc
        whose start the tokenizer set)."""
        new = [_START if start else _NOT_START for start in starts]
        if not self.overwrite:
            new = [value if was == 0 else was for value, was in zip(new, old)]
        if new != old:
            column = numpy.array(new, dtype="uint64").reshape(-1, 1)
            doc.from_array([SENT_START], column)  # type: ignore[arg-type]


@Language.factory(
    "pretagged_sentencizer",
    assigns=["token.is_sent_start", "doc.sents"],
    default_config={"punct_chars": None, "overwrite": False,
                    "scorer": {"@scorers": "spacy.senter_scorer.v1"}},
    default_score_weights={"sents_f": 1.0, "sents_p": 0.0, "sents_r": 0.0},
)
def make_sentencizer(nlp: Language, name: str, punct_chars: Optional[List[str]],
                     overwrite: bool, scorer: Optional[Callable]) -> PretaggedSentencizer:
    return PretaggedSentencizer(name, punct_chars=punct_chars, overwrite=overwrite,
                                scorer=scorer)
