"""`json.dumps(doc.to_json(), ensure_ascii=False)` from the Doc's columns.

spaCy's `Doc.to_json` makes a Token object and a dict per token and reads five string
properties of each; here the token part is made from one `doc.to_array` with string
joins, each distinct (tag, POS, features, lemma) becoming its JSON text once per output.
The rest of the dict (text, entities, sentences, cats, span groups: a few objects per
Doc) is spaCy's own, and the keys come in `to_json`'s order with `json.dumps`' default
separators, so the line is the same text (tests/export/test_same_output.py compares).
Custom `underscore` attributes are not written, as `write_jsonl` never asked for them.
"""
from __future__ import annotations

import json
from operator import add
from typing import Any, Dict, List, Optional, Tuple

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, MORPH, ORTH, POS, SPACY, TAG
from spacy.tokens import Doc, MorphAnalysis

from .arrays import StringCache, sentence_starts

_ANNOTATIONS = ("TAG", "MORPH", "POS", "LEMMA", "DEP")
_WS = ("", " ")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class JsonLines:
    """Doc → its JSON line (with the `\\n`); keeps the string caches of one output."""

    def __init__(self) -> None:
        self._vocab: Any = None
        self._text: Optional[StringCache] = None
        self._fields: Optional[_Fields] = None

    def __call__(self, doc: Doc) -> str:
        if doc.vocab is not self._vocab or self._text is None or self._fields is None:
            self._vocab = doc.vocab
            self._text = StringCache(doc.vocab.strings.__getitem__, str)
            self._fields = _Fields(doc.vocab)
        n = len(doc)
        cols = doc.to_array([ORTH, SPACY, IDX, TAG, MORPH, POS, LEMMA, DEP])
        texts = list(map(self._text.__getitem__, cols[:, 0].tolist()))
        text = "".join(map(add, texts, map(_WS.__getitem__, cols[:, 1].tolist())))
        parts = ['"text": ' + _dumps(text)]  # doc.text, without a Token per token
        if doc.has_annotation("ENT_IOB"):
            parts.append('"ents": ' + _dumps([{"start": e.start_char, "end": e.end_char,
                                               "label": e.label_} for e in doc.ents]))
        if doc.has_annotation("SENT_START"):
            # Span.start_char / end_char of each sentence, from the columns.
            starts = sentence_starts(doc)
            ends = starts[1:] + [n]
            idx = cols[:, 2].tolist()
            parts.append('"sents": ' + _dumps([
                {"start": idx[a], "end": idx[b - 1] + len(texts[b - 1])}
                for a, b in zip(starts, ends)]))
        if doc.cats:
            parts.append('"cats": ' + _dumps(doc.cats))
        tokens = self._tokens(doc, cols, texts) if n else []
        parts.append('"tokens": [' + ", ".join(tokens) + "]")
        if doc.spans:
            parts.append('"spans": ' + _dumps({
                name: [{"start": s.start_char, "end": s.end_char, "label": s.label_,
                        "kb_id": s.kb_id_} for s in group]
                for name, group in doc.spans.items()}))
        return "{" + ", ".join(parts) + "}\n"

    def _tokens(self, doc: Doc, cols: numpy.ndarray, texts: List[str]) -> List[str]:
        n = len(doc)
        include = [attr for attr in _ANNOTATIONS if doc.has_annotation(attr)]
        starts = cols[:, 2].tolist()
        ends = list(map(add, starts, map(len, texts)))
        fields = self._fields
        assert fields is not None
        fields.include = include
        if include:
            keys = list(zip(*(cols[:, _COLUMN[attr]].tolist() for attr in include)))
            suffixes = list(map(fields.__getitem__, keys))
        else:
            suffixes = [""] * n
        if "DEP" not in include:
            return [f'{{"id": {i}, "start": {s}, "end": {e}{x}}}'
                    for i, s, e, x in zip(range(n), starts, ends, suffixes)]
        heads = (doc.to_array(HEAD).astype("int64") + numpy.arange(n)).tolist()
        return [f'{{"id": {i}, "start": {s}, "end": {e}{x}, "head": {h}}}'
                for i, s, e, x, h in zip(range(n), starts, ends, suffixes, heads)]



class _Fields(Dict[Tuple[int, ...], str]):
    """(hashes of the annotations a Doc has) → their JSON fields: `, "tag": …, "pos": …,
    "morph": …, "lemma": …, "dep": …` in `to_json`'s order (head follows dep), made on
    first use from the JSON of each string, itself made once per string. `include` (the
    annotations of the Doc being written) is set by `JsonLines` before each Doc."""

    def __init__(self, vocab: Any):
        super().__init__()
        strings = vocab.strings.__getitem__
        self.include: List[str] = []
        self.json = {attr: StringCache(strings, _dumps) for attr in _ANNOTATIONS}
        self.json["MORPH"] = StringCache(lambda key: str(MorphAnalysis.from_id(vocab, key)),
                                         _dumps)

    def __missing__(self, key: Tuple[int, ...]) -> str:
        values = dict(zip(self.include, key))
        value = self[key] = "".join(
            f', "{attr.lower()}": {self.json[attr][values[attr]]}'
            for attr in ("TAG", "POS", "MORPH", "LEMMA", "DEP") if attr in values)
        return value


#: Each annotation's column in the array `JsonLines` reads.
_COLUMN = {"TAG": 3, "MORPH": 4, "POS": 5, "LEMMA": 6, "DEP": 7}

