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
from typing import Any, Callable, Dict, List, Optional, Tuple

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
        include = tuple(attr for attr in _ANNOTATIONS if doc.has_annotation(attr))
        starts = cols[:, 2].tolist()
        ends = list(map(add, starts, map(len, texts)))
        fields = self._fields
        assert fields is not None
        grouped = fields.grouped(include)
        if grouped.include:  # tag, pos, morph: few distinct combinations
            keys = zip(*(cols[:, _COLUMN[attr]].tolist() for attr in grouped.include))
            suffixes = list(map(grouped.__getitem__, keys))
        else:
            suffixes = [""] * n
        for attr in _SINGLE:  # lemma, dep: each string's field made once, then joined
            if attr in include:
                single = fields.single[attr].__getitem__
                suffixes = list(map(add, suffixes, map(single, cols[:, _COLUMN[attr]].tolist())))
        if "DEP" not in include:
            return [f'{{"id": {i}, "start": {s}, "end": {e}{x}}}'
                    for i, s, e, x in zip(range(n), starts, ends, suffixes)]
        heads = (doc.to_array(HEAD).astype("int64") + numpy.arange(n)).tolist()
        return [f'{{"id": {i}, "start": {s}, "end": {e}{x}, "head": {h}}}'
                for i, s, e, x, h in zip(range(n), starts, ends, suffixes, heads)]


#: `to_json`'s order of the token fields: the first three are made per distinct
#: combination (a few hundred per corpus), lemma and dep per distinct string: a key of all
#: five would be new for nearly every new word.
_GROUPED = ("TAG", "POS", "MORPH")
_SINGLE = ("LEMMA", "DEP")


class _Fields:
    """The JSON fields of the token annotations, each string's JSON made once per output:
    `grouped(include)` gives (hashes of the tag, POS and features a Doc has) → `, "tag":
    …, "pos": …, "morph": …` (one cache per combination of annotations present, so keys of
    different Docs never mix), `single[attr]` a lemma's or dep's hash → `, "lemma": …`."""

    def __init__(self, vocab: Any):
        strings = vocab.strings.__getitem__
        self.json = {attr: StringCache(strings, _dumps) for attr in _GROUPED}
        self.json["MORPH"] = StringCache(lambda key: str(MorphAnalysis.from_id(vocab, key)),
                                         _dumps)
        self.single = {attr: StringCache(strings, _field(attr)) for attr in _SINGLE}
        self._grouped: Dict[Tuple[str, ...], _Grouped] = {}

    def grouped(self, include: Tuple[str, ...]) -> "_Grouped":
        table = self._grouped.get(include)
        if table is None:
            names = tuple(attr for attr in _GROUPED if attr in include)
            table = self._grouped[include] = _Grouped(names, self.json)
        return table


class _Grouped(Dict[Tuple[int, ...], str]):
    """(hashes of `include`, in `_GROUPED`'s order) → their JSON fields, made on first use."""

    def __init__(self, include: Tuple[str, ...], json_of: Dict[str, StringCache]):
        super().__init__()
        self.include = include
        self.json_of = json_of

    def __missing__(self, key: Tuple[int, ...]) -> str:
        value = self[key] = "".join(f', "{attr.lower()}": {self.json_of[attr][h]}'
                                    for attr, h in zip(self.include, key))
        return value


def _field(attr: str) -> Callable[[str], str]:
    prefix = f', "{attr.lower()}": '
    return lambda text: prefix + _dumps(text)


#: Each annotation's column in the array `JsonLines` reads.
_COLUMN = {"TAG": 3, "MORPH": 4, "POS": 5, "LEMMA": 6, "DEP": 7}

