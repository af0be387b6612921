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

from typing import Callable, Iterable, List, Optional

import numpy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

_NOT_START = numpy.uint64(2 ** 64 - 1)  # -1 in Doc arrays: not a sentence start


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
                cols = doc.to_array([ORTH, IS_PUNCT, SENT_START])
                self._set(doc, self._starts(doc, cols), cols[:, 2])
            return doc
        except Exception as e:
            error_handler(self.name, self, [doc], e)
            return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128):
        for doc in stream:
            yield self(doc)

    def _starts(self, doc: Doc, cols: Optional[numpy.ndarray] = None) -> numpy.ndarray:
        """True where the sentencizer's loop starts a sentence (`cols`: ORTH and IS_PUNCT
        first, if the caller has them)."""
        n = len(doc)
        starts = numpy.zeros(n, dtype=bool)
        if not n:
            return starts
        if cols is None:
            cols = doc.to_array([ORTH, IS_PUNCT])
        hashes = self._punct_hashes(doc)
        orth = cols[:, 0]
        at = numpy.minimum(numpy.searchsorted(hashes, orth), len(hashes) - 1)
        in_chars = hashes[at] == orth if len(hashes) else numpy.zeros(n, dtype=bool)
        no_start = numpy.flatnonzero(~(in_chars | (cols[:, 1] != 0)))  # may start one
        after = numpy.searchsorted(no_start, numpy.flatnonzero(in_chars), side="right")
        starts[no_start[after[after < len(no_start)]]] = True
        starts[0] = True
        return starts

    def _punct_hashes(self, doc: Doc) -> numpy.ndarray:
        """The hashes of `punct_chars` (hashes are the same in every vocab), kept until the
        characters change (from_disk, from_bytes, a user)."""
        chars = frozenset(self.punct_chars)
        if getattr(self, "_hashed", None) != chars:
            strings = doc.vocab.strings
            self._hashes = numpy.array(sorted({strings[c] for c in chars}), dtype="uint64")
            self._hashed = chars
        return self._hashes

    def _set(self, doc: Doc, starts: numpy.ndarray,
             old: Optional[numpy.ndarray] = None) -> None:
        if not len(doc):
            return
        new = numpy.where(starts, numpy.uint64(1), _NOT_START)
        if not self.overwrite:
            if old is None:
                old = doc.to_array(SENT_START)
            new = numpy.where(old == 0, new, old)
        doc.from_array([SENT_START], new.reshape(-1, 1))  # type: ignore[arg-type]


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
