"""`json.dumps(doc.to_json(), ensure_ascii=False)` from the Doc's columns.

spaCy's `Doc.to_json` makes a Token object and a dict per token and reads five string
properties of each, and `json.dumps` then walks those dicts in Python; here the line is
made as text, from one `doc.to_array`:
- each distinct tag, POS, features, lemma and dep string becomes its JSON text once per
  output (`_Fields`), and (tag, POS, features) together once per combination;
- the tokens array is one `%` template (`_tokens`), filled with the columns (id, start,
  end, the ready-made fields, head) by `str.__mod__` in C, not by Python code per token;
- the few objects per Doc (entities, sentences, span groups) are written with f-strings.
Every JSON string goes through `json.encoder.encode_basestring`, which is what
`json.dumps(str, ensure_ascii=False)` calls, so the escaping is json's own; the keys come
in `to_json`'s order with `json.dumps`' default separators (", " and ": "), so the line
is the same text (tests/export/test_same_output.py compares). Only `cats` (floats) still
goes through `json.dumps`. Custom `underscore` attributes are not written, as
`write_jsonl` never asked for them.
"""
from __future__ import annotations

import json
from itertools import chain
from json.encoder import encode_basestring
from operator import add
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import numpy
from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LEMMA, MORPH, ORTH, POS, SENT_START, SPACY, TAG
from spacy.tokens import Doc, MorphAnalysis, Span

from .arrays import Counts, StringCache, Tally, sentence_starts, whitespace_list

_ANNOTATIONS = ("TAG", "MORPH", "POS", "LEMMA", "DEP")
_WS = ("", " ")
#: The columns read, in one `to_array` per Doc; `_COLUMN` says where each annotation is.
_COLUMNS = [ORTH, SPACY, IDX, TAG, MORPH, POS, LEMMA, DEP, SENT_START, IS_SPACE]
_COLUMN = {"TAG": 3, "MORPH": 4, "POS": 5, "LEMMA": 6, "DEP": 7}

#: A str as JSON: what `json.dumps(text, ensure_ascii=False)` returns, without building
#: an encoder per call.
_string: Callable[[str], str] = encode_basestring


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class JsonLines:
    """Doc → its JSON line (with the `\\n`); keeps the string caches of one output, and
    `counts` of what went through (`arrays.Counts`, from the same columns)."""

    def __init__(self) -> None:
        self._vocab: Any = None
        self._text: Optional[StringCache] = None
        self._fields: Optional[_Fields] = None
        self._tally = Tally()

    @property
    def counts(self) -> Counts:
        return self._tally.counts

    def __call__(self, doc: Doc) -> str:
        if doc.vocab is not self._vocab or self._text is None or self._fields is None:
            self._vocab = doc.vocab
            self._text = StringCache(doc.vocab.strings.__getitem__, str)
            self._fields = _Fields(doc.vocab)
        n = len(doc)
        if not n:
            self._tally.add(doc)
        # Python lists, not NumPy: a NumPy call costs ~1 µs however short the column.
        columns = doc.to_array(_COLUMNS).T.tolist()
        orth, spacy, idx, tag, morph, pos, lemma, dep, sent_start, is_space = columns
        texts = list(map(self._text.__getitem__, orth))
        ends = list(map(add, idx, map(len, texts)))
        # doc.text, without a Token per token
        parts = ['"text": ' + _string("".join(map(add, texts, map(_WS.__getitem__, spacy))))]
        if doc.has_annotation("ENT_IOB"):
            parts.append('"ents": ' + _spans(doc.ents, self._fields.label))
        starts = sentence_starts(doc, sent_start)
        if n:
            self._tally.add(doc, whitespace_list(is_space, pos, tag), starts)
        if doc.has_annotation("SENT_START"):
            # Span.start_char / end_char of each sentence, from the columns.
            parts.append('"sents": [' + ", ".join([
                f'{{"start": {idx[a]}, "end": {ends[b - 1]}}}'
                for a, b in zip(starts, starts[1:] + [n])]) + "]")
        if doc.cats:
            parts.append('"cats": ' + _dumps(doc.cats))
        if n:
            # has_annotation(attr) is "any token has it": the column says so, no second walk.
            include = tuple(attr for attr in _ANNOTATIONS if any(columns[_COLUMN[attr]]))
            parts.append('"tokens": [' + _tokens(doc, columns, ends, include, self._fields)
                         + "]")
        else:
            parts.append('"tokens": []')
        if doc.spans:
            parts.append('"spans": {' + ", ".join([
                f"{_string(name)}: {_spans(group, self._fields.label, kb_id=True)}"
                for name, group in doc.spans.items()]) + "}")
        return "{" + ", ".join(parts) + "}\n"


def _spans(spans: Iterable[Span], label: Dict[str, str], kb_id: bool = False) -> str:
    """`[{"start": …, "end": …, "label": …(, "kb_id": …)}, …]` of entities or a span group."""
    if kb_id:
        return "[" + ", ".join([
            f'{{"start": {s.start_char}, "end": {s.end_char}, "label": {label[s.label_]}, '
            f'"kb_id": {label[s.kb_id_]}}}' for s in spans]) + "]"
    return "[" + ", ".join([
        f'{{"start": {s.start_char}, "end": {s.end_char}, "label": {label[s.label_]}}}'
        for s in spans]) + "]"


def _tokens(doc: Doc, columns: List[List[int]], ends: List[int], include: Tuple[str, ...],
            fields: "_Fields") -> str:
    """The tokens array's text: a `%` template of `{"id": %d, "start": %d, "end": %d%s…}`
    per token, filled with the id, start, end, field and head columns at once: Python runs
    per column, not per token. `%d` of an int is its `repr`, as in `json.dumps`."""
    n = len(ends)
    grouped = fields.grouped(include)
    values: List[Iterable[Any]] = [range(n), columns[2], ends]
    if grouped.include:  # tag, pos, morph: few distinct combinations
        keys = zip(*(columns[_COLUMN[attr]] for attr in grouped.include))
        values.append(list(map(grouped.__getitem__, keys)))
    for attr in _SINGLE:  # lemma, dep: each string's field made once
        if attr in include:
            values.append(list(map(fields.single[attr].__getitem__, columns[_COLUMN[attr]])))
    if "DEP" in include:
        values.append((doc.to_array(HEAD).astype("int64") + numpy.arange(n)).tolist())
        token = '{"id": %d, "start": %d, "end": %d' + "%s" * (len(values) - 4) + ', "head": %d}'
    else:
        token = '{"id": %d, "start": %d, "end": %d' + "%s" * (len(values) - 3) + "}"
    return ", ".join([token] * n) % tuple(chain.from_iterable(zip(*values)))


#: `to_json`'s order of the token fields: the first three are made per distinct
#: combination (a few hundred per corpus), lemma and dep per distinct string: a key of all
#: five would be new for nearly every new word.
_GROUPED = ("TAG", "POS", "MORPH")
_SINGLE = ("LEMMA", "DEP")


class _Fields:
    """The JSON fields of the token annotations, each string's JSON made once per output:
    `grouped(include)` gives (hashes of the tag, POS and features a Doc has) → `, "tag":
    …, "pos": …, "morph": …` (one cache per combination of annotations present, so keys of
    different Docs never mix), `single[attr]` a lemma's or dep's hash → `, "lemma": …`;
    `label` an entity or span label (or kb_id) → its JSON string."""

    def __init__(self, vocab: Any):
        strings = vocab.strings.__getitem__
        self.json = {attr: StringCache(strings, _string) for attr in _GROUPED}
        self.json["MORPH"] = StringCache(lambda key: str(MorphAnalysis.from_id(vocab, key)),
                                         _string)
        self.single = {attr: StringCache(strings, _field(attr)) for attr in _SINGLE}
        self.label: Dict[str, str] = _Json()
        self._grouped: Dict[Tuple[str, ...], _Grouped] = {}

    def grouped(self, include: Tuple[str, ...]) -> "_Grouped":
        table = self._grouped.get(include)
        if table is None:
            names = tuple(attr for attr in _GROUPED if attr in include)
            table = self._grouped[include] = _Grouped(names, self.json)
        return table


class _Json(Dict[str, str]):
    """str → its JSON, made on first use."""

    def __missing__(self, key: str) -> str:
        value = self[key] = _string(key)
        return value


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
    return lambda text: prefix + _string(text)
