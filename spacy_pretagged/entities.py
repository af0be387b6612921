"""`pretagged_entities`: named entities the annotation already carries, as `doc.ents`.

ICTCLAS/PKU/HanLP tags name entity types (`nr` person, `ns` place, `nt` organisation, …):
the label of each tag is the `ent` column of the tagset's table, so a linguist changes it in
data, and `labels` in the config overrides it per pipeline. Tokens of the same label that
touch join into one entity (PKU splits names: `江/nr 泽民/nr` is one PERSON). PKU bracket
compounds (`[中央/n 人民/n 广播/vn 电台/n]nt`) are entities over the whole bracket and win
over the token-level ones inside.

Entities are built from token indices, so they cannot be misaligned; what can happen is a
token-level run that crosses a compound's edge, nested labelled compounds, or entities already
set by an earlier component: each such conflict is resolved as documented and reported
(`doc.user_data["pretagged_entity_problems"]` and one warning per Doc), never dropped silently.
"""
from __future__ import annotations

import warnings
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab

from . import tagsets
from .serialize import SettingsSerializable

PROBLEMS_KEY = "pretagged_entity_problems"
DEFAULT_COMPOUND_LABELS = {"nt": "ORG", "ns": "GPE", "nr": "PERSON",
                           "NT": "ORG", "NS": "GPE", "NR": "PERSON"}


class PretaggedEntities(SettingsSerializable):
    def __init__(
        self,
        vocab: Vocab,
        name: str = "pretagged_entities",
        *,
        tagset: str = "hanlp",
        labels: Optional[Dict[str, str]] = None,
        compound_labels: Optional[Dict[str, str]] = None,
        overwrite: bool = False,
        scorer: Optional[Callable] = None,
    ):
        self.vocab = vocab
        self.name = name
        self.scorer = scorer
        self._configure({"tagset": tagset, "labels": dict(labels or {}),
                         "compound_labels": dict(DEFAULT_COMPOUND_LABELS if compound_labels
                                                 is None else compound_labels),
                         "overwrite": overwrite})

    def _configure(self, cfg: Dict) -> None:
        table = {tag: row.ent for tag, row in tagsets.load(cfg["tagset"]).rows.items()}
        table.update(cfg["labels"])  # "" switches a tag off
        self.cfg = cfg
        self.labels: Dict[str, str] = {tag: label for tag, label in table.items() if label}
        self._by_hash = {self.vocab.strings.add(tag): self.vocab.strings.add(label)
                         for tag, label in self.labels.items()}

    def __call__(self, doc: Doc) -> Doc:
        problems: List[List] = []
        compounds = self._compound_entities(doc, problems)
        runs = self._token_runs(doc)
        entities = list(compounds)
        taken = numpy.zeros(len(doc), dtype=bool)
        for span in compounds:
            taken[span.start:span.end] = True
        for start, end, label in runs:
            inside = taken[start:end]
            if inside.all():
                continue  # a compound covers it: the compound wins, as designed
            if inside.any():
                keep = numpy.flatnonzero(~inside)
                problems.append(["crosses_compound", start, end, self.vocab.strings[label],
                                 doc[start:end].text])
                # Keep the longest stretch outside the compound.
                start, end = _longest_stretch(keep + start)
            entities.append(Span(doc, start, end, label=label))
        if not self.cfg["overwrite"] and doc.ents:
            entities = self._merge_existing(doc, entities, problems)
        entities.sort(key=lambda s: s.start)
        doc.set_ents(entities, default="outside")
        if problems:
            doc.user_data.setdefault(PROBLEMS_KEY, []).extend(problems)
            warnings.warn(f"[{self.name}] {len(problems)} entity conflict(s) resolved as "
                          f"documented; first: {problems[0]}", UserWarning, stacklevel=2)
        return doc

    def _token_runs(self, doc: Doc) -> List[Tuple[int, int, int]]:
        if not len(doc) or not self._by_hash:
            return []
        tags = doc.to_array([TAG])
        uniq, inverse = numpy.unique(tags, return_inverse=True)
        labels = numpy.array([self._by_hash.get(t, 0) for t in uniq.tolist()],
                             dtype="uint64")[inverse.reshape(-1)]
        runs = []
        # A run starts where the label changes; label 0 (none) makes no entity.
        edges = numpy.flatnonzero(numpy.diff(labels)) + 1
        starts = numpy.concatenate(([0], edges))
        ends = numpy.concatenate((edges, [len(doc)]))
        for start, end in zip(starts.tolist(), ends.tolist()):
            if labels[start]:
                runs.append((start, end, int(labels[start])))
        return runs

    def _compound_entities(self, doc: Doc, problems: List[List]) -> List[Span]:
        if "compounds" not in doc.spans:
            return []
        mapping = self.cfg["compound_labels"]
        spans = [s for s in doc.spans["compounds"] if mapping.get(s.label_)]
        # Outermost first: a labelled compound inside another one is reported and dropped.
        spans.sort(key=lambda s: (s.start, -s.end))
        kept: List[Span] = []
        for span in spans:
            if kept and span.start < kept[-1].end:
                problems.append(["nested_compound", span.start, span.end, span.label_,
                                 span.text])
                continue
            kept.append(Span(doc, span.start, span.end, label=mapping[span.label_]))
        return kept

    def _merge_existing(self, doc: Doc, ours: List[Span], problems: List[List]) -> List[Span]:
        existing = list(doc.ents)
        taken = numpy.zeros(len(doc), dtype=bool)
        for span in existing:
            taken[span.start:span.end] = True
        for span in ours:
            if taken[span.start:span.end].any():
                problems.append(["overlaps_existing", span.start, span.end, span.label_,
                                 span.text])
            else:
                existing.append(span)
        return existing

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> Dict:
        if self.scorer is None:
            raise ValueError(f"[{self.name}] has no scorer configured")
        return self.scorer(examples, **kwargs)


def _longest_stretch(indices: numpy.ndarray) -> Tuple[int, int]:
    breaks = numpy.flatnonzero(numpy.diff(indices) != 1) + 1
    pieces = numpy.split(indices, breaks)
    best = max(pieces, key=len)
    return int(best[0]), int(best[-1]) + 1


@Language.factory(
    "pretagged_entities",
    default_config={"tagset": "hanlp", "labels": {}, "compound_labels": DEFAULT_COMPOUND_LABELS,
                    "overwrite": False, "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    requires=["token.tag"],
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_entities(
    nlp: Language,
    name: str,
    tagset: str,
    labels: Dict[str, str],
    compound_labels: Dict[str, str],
    overwrite: bool,
    scorer: Optional[Callable],
) -> PretaggedEntities:
    return PretaggedEntities(nlp.vocab, name, tagset=tagset, labels=labels,
                             compound_labels=compound_labels, overwrite=overwrite,
                             scorer=scorer)
