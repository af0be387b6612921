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
from itertools import compress, repeat
from typing import Any, Callable, Collection, Dict, List, Optional, Tuple

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from . import tagsets
from .component import RuleComponent, is_str_map, json_bytes
from .doc_keys import COMPOUNDS, ENTITY_PROBLEMS_KEY
from .serialize import Parts

DEFAULT_COMPOUND_LABELS = {"nt": "ORG", "ns": "GPE", "nr": "PERSON",
                           "NT": "ORG", "NS": "GPE", "NR": "PERSON"}
#: How many tokens of a conflict's text its problem report quotes (then "…").
EXCERPT_TOKENS = 20


class PretaggedEntities(RuleComponent):
    """Entities from the tags' labels (the tag table's `ent` column, then `labels`) and from
    labelled bracket compounds. The table's labels are saved with the pipeline
    (`labels.json`), so a loaded pipeline labels as it did when it was saved."""

    PARTS = ("cfg", "labels.json")
    CFG_CHECKS = {
        "tagset": (lambda v: isinstance(v, str), "a tagset's name"),
        "labels": (is_str_map, "tag → label strings"),
        "compound_labels": (is_str_map, "tag → label strings"),
        "overwrite": (lambda v: isinstance(v, bool), "true or false"),
    }

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
        super().__init__(vocab, name, scorer)
        cfg = {"tagset": tagset, "labels": dict(labels or {}),
               "compound_labels": dict(DEFAULT_COMPOUND_LABELS if compound_labels is None
                                       else compound_labels),
               "overwrite": overwrite}
        self._configure(cfg, _table_labels(tagset))

    def _configure(self, cfg: Dict[str, Any], table_labels: Dict[str, str]) -> None:
        #: The tag table's labels (`ent` column), before the config's `labels`.
        self.table_labels = dict(table_labels)
        labels = {**table_labels, **cfg["labels"]}  # "" switches a tag off
        self.cfg = cfg
        #: Tag → entity label, as applied.
        self.tag_labels: Dict[str, str] = {tag: label for tag, label in labels.items()
                                           if label}
        self._by_hash = {self.vocab.strings.add(tag): self.vocab.strings.add(label)
                         for tag, label in self.tag_labels.items()}

    @property
    def labels(self) -> Tuple[str, ...]:
        """The entity labels this component can assign (spaCy's `Pipe.labels`)."""
        return tuple(sorted({*self.tag_labels.values(),
                             *filter(None, self.cfg["compound_labels"].values())}))

    def _save_parts(self) -> Dict[str, Callable[[], bytes]]:
        return {"cfg": self._cfg_bytes, "labels.json": lambda: json_bytes(self.table_labels)}

    def _load_parts(self, parts: Parts) -> None:
        cfg, made_by = self._saved_cfg(parts)
        if "labels.json" in parts:
            table_labels = parts.json("labels.json")
            if not is_str_map(table_labels):
                raise ValueError(f"{parts.where('labels.json')}: not a JSON object of tag → "
                                 f"label strings")
        elif cfg["tagset"] == self.cfg["tagset"]:  # excluded
            table_labels = self.table_labels
        else:  # saved by 0.1.0: the installed table, as when it was made
            with self._naming(parts):
                table_labels = _table_labels(cfg["tagset"])
        self._configure(cfg, table_labels)
        self.made_by = made_by

    def __call__(self, doc: Doc) -> Doc:
        problems: List[List] = []
        compounds = self._compound_entities(doc, problems)
        runs = self._token_runs(doc)
        entities = list(compounds)
        # Runs touching a compound: only those need the checks below (most Docs have none,
        # and no compound: then no array is made at all).
        touching: Collection[int] = ()
        if compounds and runs:
            taken = numpy.zeros(len(doc), dtype=bool)
            for span in compounds:
                taken[span.start:span.end] = True
            touching = set(numpy.flatnonzero(numpy.add.reduceat(
                taken, [start for start, _, _ in runs])).tolist())
        for k, (start, end, label) in enumerate(runs):
            if k not in touching:
                entities.append(Span(doc, start, end, label=label))
                continue
            inside = taken[start:end]
            if inside.all():
                continue  # a compound covers it: the compound wins, as designed
            if inside.any():
                keep = numpy.flatnonzero(~inside)
                problems.append(["crosses_compound", start, end, self.vocab.strings[label],
                                 _excerpt(doc, start, end)])
                # Keep the longest stretch outside the compound.
                start, end = _longest_stretch(keep + start)
            entities.append(Span(doc, start, end, label=label))
        if not self.cfg["overwrite"] and doc.ents:
            entities = self._merge_existing(doc, entities, problems)
        entities.sort(key=lambda s: s.start)
        doc.set_ents(entities, default="outside")
        if problems:
            doc.user_data.setdefault(ENTITY_PROBLEMS_KEY, []).extend(problems)
            warnings.warn(f"[{self.name}] {len(problems)} entity conflict(s) resolved as "
                          f"documented; first: {problems[0]}", UserWarning, stacklevel=2)
        return doc

    def _token_runs(self, doc: Doc) -> List[Tuple[int, int, int]]:
        """(start, end, label hash) of each run of touching tokens with the same label. The
        labels are one C-level `map` over the TAG column; Python steps only at labelled
        tokens (a few per Doc), not a NumPy call per step, which cost more than the rest on
        the short Docs of `--doc-per line`."""
        if not len(doc) or not self._by_hash:
            return []
        labels = list(map(self._by_hash.get, doc.to_array(TAG).tolist(), repeat(0)))
        runs: List[Tuple[int, int, int]] = []
        for i in compress(range(len(labels)), labels):
            label = labels[i]
            if runs and runs[-1][1] == i and runs[-1][2] == label:
                runs[-1] = (runs[-1][0], i + 1, label)
            else:
                runs.append((i, i + 1, label))
        return runs

    def _compound_entities(self, doc: Doc, problems: List[List]) -> List[Span]:
        if COMPOUNDS not in doc.spans:
            return []
        mapping = self.cfg["compound_labels"]
        spans = [s for s in doc.spans[COMPOUNDS] if mapping.get(s.label_)]
        # Outermost first: a labelled compound inside another one is reported and dropped.
        spans.sort(key=lambda s: (s.start, -s.end))
        kept: List[Span] = []
        for span in spans:
            if kept and span.start < kept[-1].end:
                problems.append(["nested_compound", span.start, span.end, span.label_,
                                 _excerpt(doc, span.start, span.end)])
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
                                 _excerpt(doc, span.start, span.end)])
            else:
                existing.append(span)
        return existing


def _table_labels(tagset: str) -> Dict[str, str]:
    return {tag: row.ent for tag, row in tagsets.load(tagset).rows.items() if row.ent}


def _excerpt(doc: Doc, start: int, end: int) -> str:
    """A problem's text, at most EXCERPT_TOKENS tokens: nested compounds overlap, so their
    whole texts would cost the square of the bracket count (k nested brackets, k texts of up
    to k tokens); the token indices beside it say exactly where it is."""
    if end - start <= EXCERPT_TOKENS:
        return doc[start:end].text
    return doc[start:start + EXCERPT_TOKENS].text + "…"


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
