"""Tag tables: one TSV per tagset, one row per tag, the data a linguist reviews in a diff.

Columns: `tag zh en upos feats ent reason` (lines starting with `#` before the header are
comments). Loading checks every row, so a broken edit fails loudly with file and line
instead of mapping a tag to nothing. Pure Python: no spaCy import, the reader uses it too.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import FrozenSet, List, Mapping

COLUMNS = ("tag", "zh", "en", "upos", "feats", "ent", "reason")

#: The 17 Universal POS tags of UD v2 (spaCy also knows SPACE, EOL and the old CONJ; a table
#: must not use them).
UPOS = frozenset(
    "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
)


@dataclass(frozen=True)
class TagInfo:
    tag: str
    zh: str
    en: str
    upos: str
    feats: str
    ent: str
    reason: str


@dataclass(frozen=True)
class Tagset:
    name: str
    rows: Mapping[str, TagInfo]

    @property
    def tags(self) -> FrozenSet[str]:
        return frozenset(self.rows)

    def __contains__(self, tag: object) -> bool:
        return tag in self.rows

    def __len__(self) -> int:
        return len(self.rows)


RULE_COLUMNS = ("tagset", "word", "tag", "next", "upos", "feats", "reason")
SHAPES = ("@PUNCT", "@SYM", "@DIGITS")


@dataclass(frozen=True)
class WordRule:
    tagset: str
    word: str
    tag: str
    next: str
    upos: str
    feats: str
    reason: str


def available() -> List[str]:
    """Names of the tagsets shipped with the package."""
    files = resources.files(__name__)
    return sorted(p.name[:-4] for p in files.iterdir()
                  if p.name.endswith(".tsv") and p.name != "word_rules.tsv")


@lru_cache(maxsize=None)
def word_rules(tagset: str) -> tuple:
    """The word rules that apply to `tagset` (its own and the `*` ones), in file order."""
    text = resources.files(__name__).joinpath("word_rules.tsv").read_text(encoding="utf-8")
    return tuple(r for r in parse_rules(text, "word_rules.tsv") if r.tagset in ("*", tagset))


def parse_rules(text: str, path: str) -> List[WordRule]:
    rules = []
    for line_no, fields in _rows(text, path, RULE_COLUMNS):
        rule = WordRule(*fields)
        if rule.tagset != "*" and rule.tagset not in available():
            raise ValueError(f"{path}:{line_no}: unknown tagset {rule.tagset!r}")
        if not rule.word or (rule.word.startswith("@") and rule.word not in SHAPES):
            raise ValueError(f"{path}:{line_no}: word must be a word or one of {SHAPES}")
        if not rule.tag or not rule.next:
            raise ValueError(f"{path}:{line_no}: tag and next must be a value or *")
        _check_upos_feats(rule.upos, rule.feats, path, line_no)
        rules.append(rule)
    return rules


@lru_cache(maxsize=None)
def load(name: str) -> Tagset:
    """The tagset `name` (e.g. "hanlp"); raises ValueError naming the available ones."""
    if name not in available():
        raise ValueError(f"unknown tagset {name!r}; available: {', '.join(available())}")
    path = f"{name}.tsv"
    text = resources.files(__name__).joinpath(path).read_text(encoding="utf-8")
    return Tagset(name, MappingProxyType(parse_table(text, path)))


def _rows(text: str, path: str, columns: tuple):
    """(line number, fields) of a TSV with `#` comments before its header."""
    header_seen = False
    for line_no, line in enumerate(text.splitlines(), 1):
        if not header_seen:
            if line.startswith("#") or not line.strip():
                continue
            if tuple(line.split("\t")) != columns:
                raise ValueError(f"{path}:{line_no}: header must be {' '.join(columns)!r}")
            header_seen = True
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            raise ValueError(f"{path}:{line_no}: {len(fields)} fields, expected {len(columns)}")
        yield line_no, [f.strip() for f in fields]


def _check_upos_feats(upos: str, feats: str, path: str, line_no: int) -> None:
    if upos not in UPOS:
        raise ValueError(f"{path}:{line_no}: {upos!r} is not a UD UPOS tag")
    if feats and not all(
        "=" in f and f.split("=", 1)[0] and f.split("=", 1)[1] for f in feats.split("|")
    ):
        raise ValueError(f"{path}:{line_no}: features {feats!r} are not UD FEATS")


def parse_table(text: str, path: str) -> dict:
    rows: dict = {}
    for line_no, fields in _rows(text, path, COLUMNS):
        info = TagInfo(*fields)
        if not info.tag:
            raise ValueError(f"{path}:{line_no}: empty tag")
        if info.tag in rows:
            raise ValueError(f"{path}:{line_no}: tag {info.tag!r} listed twice")
        _check_upos_feats(info.upos, info.feats, path, line_no)
        rows[info.tag] = info
    if not rows:
        raise ValueError(f"{path}: no rows")
    return rows
