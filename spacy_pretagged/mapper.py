"""`pretagged_tag_mapper`: the given fine tag → Universal POS, UD features and lemma.

spaCy's own answer is `attribute_ruler.load_from_tag_map`, which runs a Matcher with one
pattern per tag and sets attributes span by span, and writes an empty MORPH over features
that were there (spacy_anchors.md 4.5, P8). Here the table is turned once into
tag-hash → POS-id / morph-hash lookups, and each Doc is one `to_array` / `from_array` round:
the work per Doc is a lookup per *distinct* tag plus NumPy indexing.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Callable, Dict, Iterable, Optional, Union

import numpy
from spacy.attrs import IS_SPACE, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, MorphAnalysis
from spacy.training import Example
from spacy.vocab import Vocab

from . import tagsets
from .formats import SPACE_TAG
from .serialize import SettingsSerializable

UNKNOWN = ("X", "raise")
Override = Union[str, Dict[str, str]]


class PretaggedTagMapper(SettingsSerializable):
    """Sets `pos`, `morph` (merged, never erased) and `lemma` (= the word, where unset)."""

    def __init__(
        self,
        vocab: Vocab,
        name: str = "pretagged_tag_mapper",
        *,
        tagset: str = "hanlp",
        overrides: Optional[Dict[str, Override]] = None,
        unknown: str = "X",
        word_rules: bool = True,
        scorer: Optional[Callable] = None,
    ):
        self.vocab = vocab
        self.name = name
        self.scorer = scorer
        self._configure({"tagset": tagset, "overrides": dict(overrides or {}),
                         "unknown": unknown, "word_rules": word_rules})

    def _configure(self, cfg: Dict[str, Any]) -> None:
        if cfg["unknown"] not in UNKNOWN:
            raise ValueError(f"unknown must be one of {UNKNOWN}, not {cfg['unknown']!r}")
        table = {tag: {"POS": row.upos, "MORPH": row.feats}
                 for tag, row in tagsets.load(cfg["tagset"]).rows.items()}
        for tag, value in cfg["overrides"].items():
            table[tag] = _check_override(tag, value)
        self.cfg = cfg
        self.tag_map: Dict[str, Dict[str, str]] = table
        strings, morphology = self.vocab.strings, self.vocab.morphology
        self._pos = {strings.add(tag): POS_IDS[e["POS"]] for tag, e in table.items()}
        self._morph = {strings.add(tag): morphology.add(e["MORPH"]) for tag, e in table.items()}
        self._pos[strings.add(SPACE_TAG)] = POS_IDS["SPACE"]
        self._morph[strings.add(SPACE_TAG)] = morphology.add("")
        self._empty_morph = morphology.add("")
        self._merged: Dict[tuple, int] = {}
        self._rules = _CompiledRules(self.vocab, tagsets.word_rules(cfg["tagset"])
                                     if cfg.setdefault("word_rules", True) else ())

    @property
    def tagset(self) -> str:
        return self.cfg["tagset"]

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        arr = doc.to_array([TAG, IS_SPACE, MORPH, LEMMA, ORTH])
        tags, is_space, morph, lemma, orth = arr.T
        uniq, inverse = numpy.unique(tags, return_inverse=True)
        pos_u = numpy.empty(len(uniq), dtype="uint64")
        morph_u = numpy.empty(len(uniq), dtype="uint64")
        for i, tag in enumerate(uniq.tolist()):
            pos_id = self._pos.get(tag)
            if pos_id is None:
                pos_id = self._unknown(doc, tag)
                morph_u[i] = self._empty_morph
            else:
                morph_u[i] = self._morph[tag]
            pos_u[i] = pos_id
        pos = pos_u[inverse]
        table_morph = morph_u[inverse]
        if self._rules:
            self._rules.apply(orth, tags, is_space, pos, table_morph)
        pos[is_space.astype(bool)] = POS_IDS["SPACE"]
        new_morph = numpy.where(morph == 0, table_morph, morph)
        # Features already on the token (from the input, or a component before us) win; the
        # table's are added beside them.
        for i in numpy.flatnonzero((morph != 0) & (table_morph != self._empty_morph)).tolist():
            new_morph[i] = self._merge(int(morph[i]), int(table_morph[i]))
        new_lemma = numpy.where(lemma == 0, orth, lemma)
        doc.from_array([POS, MORPH, LEMMA], numpy.stack([pos, new_morph, new_lemma], axis=1))
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def _unknown(self, doc: Doc, tag_hash: int) -> int:
        if self.cfg["unknown"] == "raise":
            tag = self.vocab.strings[tag_hash] if tag_hash else ""
            where = next(t for t in doc if t.tag == tag_hash)
            raise ValueError(
                f"[{self.name}] tag {tag!r} of token {where.i} ({where.text!r}) is not in the "
                f"{self.tagset!r} table and has no override; add it to `overrides` or set "
                f'unknown = "X"'
            )
        return POS_IDS["X"]

    def _merge(self, existing: int, table: int) -> int:
        key = (existing, table)
        merged = self._merged.get(key)
        if merged is None:
            feats = MorphAnalysis(self.vocab, self.vocab.strings[table]).to_dict()
            feats.update(MorphAnalysis(self.vocab, self.vocab.strings[existing]).to_dict())
            merged = self._merged[key] = self.vocab.morphology.add(feats)
        return merged

    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, Any]:
        if self.scorer is None:
            raise ValueError(f"[{self.name}] has no scorer configured")
        return self.scorer(examples, **kwargs)


class _CompiledRules:
    """The word rules as hash lookups. Only tokens whose word a rule names (found with one
    `numpy.isin`) or whose shape a rule names (cached per word) are looked at in Python."""

    def __init__(self, vocab: Vocab, rules: Iterable[tagsets.WordRule]):
        strings, morphology = vocab.strings, vocab.morphology
        self.strings = strings
        # key: (word or shape, tag hash or 0 for *) → [(next condition or None, (pos, morph))]
        self.by_key: Dict[tuple, list] = {}
        self.shapes = set()
        for r in rules:
            word = r.word if r.word.startswith("@") else strings.add(r.word)
            key = (word, 0 if r.tag == "*" else strings.add(r.tag))
            cond = None if r.next == "*" else r.next
            entry = (POS_IDS[r.upos], morphology.add(r.feats))
            self.by_key.setdefault(key, []).append((cond, entry))
            if r.word.startswith("@"):
                self.shapes.add(r.word)
        self.words = numpy.array(sorted({k[0] for k in self.by_key if isinstance(k[0], int)}),
                                 dtype="uint64")
        self._shape_of: Dict[int, Optional[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def apply(self, orth, tags, is_space, pos, morph) -> None:
        candidates = numpy.isin(orth, self.words)
        shapes: Dict[int, Optional[str]] = {}
        if self.shapes:
            for word in numpy.unique(orth).tolist():
                shape = self._shape(word)
                if shape in self.shapes:
                    shapes[word] = shape
            if shapes:
                candidates |= numpy.isin(orth, numpy.array(list(shapes), dtype="uint64"))
        n = len(orth)
        for i in numpy.flatnonzero(candidates).tolist():
            word, tag = int(orth[i]), int(tags[i])
            keys = [(word, tag), (word, 0)]
            if word in shapes:
                keys += [(shapes[word], tag), (shapes[word], 0)]
            # Most specific first: conditional rules (word+tag, then word), then the plain
            # ones in the same order.
            options = [o for key in keys for o in self.by_key.get(key, ())]
            options.sort(key=lambda o: o[0] is None)
            for cond, entry in options:
                if cond is None or self._next_matches(cond, i, n, tags, is_space):
                    pos[i], morph[i] = entry
                    break

    def _next_matches(self, cond: str, i: int, n: int, tags, is_space) -> bool:
        j = i + 1
        while j < n and is_space[j]:
            j += 1
        if j == n:
            return False
        tag = self.strings[int(tags[j])] if tags[j] else ""
        return tag.startswith(cond[:-1]) if cond.endswith("*") else tag == cond

    def _shape(self, word: int) -> Optional[str]:
        shape = self._shape_of.get(word, False)
        if shape is False:
            text = self.strings[word]
            cats = {unicodedata.category(c)[0] for c in text}
            shape = ("@PUNCT" if cats == {"P"} else "@SYM" if cats == {"S"} else
                     "@DIGITS" if text.isdigit() else None)
            self._shape_of[word] = shape
        return shape


def _check_override(tag: str, value: Override) -> Dict[str, str]:
    entry = {"POS": value, "MORPH": ""} if isinstance(value, str) else dict(value)
    extra = set(entry) - {"POS", "MORPH"}
    if extra or "POS" not in entry:
        raise ValueError(f"override for {tag!r} must be a UPOS string or "
                         f'{{"POS": ..., "MORPH": ...}}, not {value!r}')
    if entry["POS"] not in tagsets.UPOS:
        raise ValueError(f"override for {tag!r}: {entry['POS']!r} is not a UD UPOS tag")
    entry.setdefault("MORPH", "")
    return entry


@Language.factory(
    "pretagged_tag_mapper",
    default_config={
        "tagset": "hanlp",
        "overrides": {},
        "unknown": "X",
        "word_rules": True,
        "scorer": {"@scorers": "spacy.morphologizer_scorer.v1"},
    },
    assigns=["token.pos", "token.morph", "token.lemma"],
    requires=["token.tag"],
    default_score_weights={"pos_acc": 1.0, "morph_acc": None, "morph_per_feat": None},
)
def make_tag_mapper(
    nlp: Language,
    name: str,
    tagset: str,
    overrides: Dict[str, Union[str, Dict[str, str]]],
    unknown: str,
    word_rules: bool,
    scorer: Optional[Callable],
) -> PretaggedTagMapper:
    return PretaggedTagMapper(nlp.vocab, name, tagset=tagset, overrides=overrides,
                              unknown=unknown, word_rules=word_rules, scorer=scorer)
