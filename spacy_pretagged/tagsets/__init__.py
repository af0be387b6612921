"""Tag tables: one TSV per tagset, one row per tag, the data a linguist reviews in a diff.

Columns: `tag zh en upos feats ent reason` (lines starting with `#` before the header are
comments). Loading checks every row, so a broken edit fails loudly with file and line
instead of mapping a tag to nothing. Pure Python: no spaCy import, the reader uses it too.

A saved pipeline keeps its own copy of the table and word rules it was made with
(`table_text` / `rules_text` write them in the same TSV format, `parse_table` /
`parse_rules` read them back with the same checks), so it tags the same after an upgrade
that edits the package's tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Callable, FrozenSet, Iterable, List, Mapping, Optional, Union

from ..formats import Reader, ReaderSettings
from ..formats.conllu import ConlluReader
from ..formats.hanlp_json import HanLPJsonReader

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

    def __post_init__(self) -> None:
        # Read-only, whatever mapping it was given (and after unpickling).
        object.__setattr__(self, "rows", MappingProxyType(dict(self.rows)))

    def __reduce__(self) -> tuple:
        # A mappingproxy does not pickle; the components that hold a Tagset must
        # (nlp.pipe(n_process=...) under spawn).
        return (Tagset, (self.name, dict(self.rows)))

    @property
    def tags(self) -> FrozenSet[str]:
        return frozenset(self.rows)

    def __contains__(self, tag: object) -> bool:
        return tag in self.rows

    def __len__(self) -> int:
        return len(self.rows)


RULE_COLUMNS = ("tagset", "word", "tag", "prev", "next", "upos", "feats", "conventions",
                "reason")
#: The columns of word_rules.tsv before the `prev` and `conventions` columns (0.1.x): a
#: pipeline saved then still loads, its rules with no previous-word condition, in every
#: profile.
OLD_RULE_COLUMNS = ("tagset", "word", "tag", "next", "upos", "feats", "reason")
SHAPES = ("@PUNCT", "@SYM", "@DIGITS", "@LATIN")
#: The annotation conventions a rule can belong to (the mapper's `conventions` setting):
#: "gsd", UD_Chinese-GSD/GSDSimp as annotated since UD 2.13, and "ud_guidelines", the UD
#: Chinese guidelines (universaldependencies.org/zh), which PUD follows. A rule's
#: `conventions` is `*` (both) or a comma-separated list of them.
CONVENTIONS = ("gsd", "ud_guidelines")


@dataclass(frozen=True)
class WordRule:
    tagset: str
    word: str
    tag: str
    prev: str
    next: str
    upos: str
    feats: str
    conventions: str
    reason: str

    @property
    def key(self) -> str:
        """What identifies the rule in `token._.upos_source`, `stats` and CoNLL-U MISC: its
        tagset, word, tag and conditions (`*:的:*:v*:*`). Two rules with one key belong
        to different conventions, so within one mapper the key names one rule."""
        return ":".join((self.tagset, self.word, self.tag, self.prev, self.next))

    def applies_to(self, conventions: str) -> bool:
        """Whether the rule belongs to the profile `conventions` ("gsd", "ud_guidelines")."""
        return self.conventions == "*" or conventions in self.conventions.split(",")


def available() -> List[str]:
    """Names of the tagsets shipped with the package."""
    files = resources.files(__name__)
    return sorted(p.name[:-4] for p in files.iterdir()
                  if p.name.endswith(".tsv") and p.name != "word_rules.tsv")


@lru_cache(maxsize=None)
def all_word_rules() -> tuple:
    """Every rule of the shipped word_rules.tsv, all tagsets and profiles, in file order."""
    text = resources.files(__name__).joinpath("word_rules.tsv").read_text(encoding="utf-8")
    return tuple(parse_rules(text, "word_rules.tsv"))


@lru_cache(maxsize=None)
def word_rules(tagset: str) -> tuple:
    """The word rules that apply to `tagset` (its own and the `*` ones), in file order, of
    every convention profile (the mapper picks its profile's)."""
    return tuple(r for r in all_word_rules() if r.tagset in ("*", tagset))


def parse_rules(text: str, path: str, check_tagsets: bool = True) -> List[WordRule]:
    """Rules from TSV text; `check_tagsets=False` for a saved pipeline's own rules, whose
    tagset need not be shipped any more. The header of 0.1.x (no `prev`, no
    `conventions`) is read too: those rules have no previous-word condition and belong to
    every profile."""
    old = _header(text) == OLD_RULE_COLUMNS
    rules = []
    for line_no, fields in _rows(text, path, OLD_RULE_COLUMNS if old else RULE_COLUMNS):
        if old:
            tagset, word, tag, next_, upos, feats, reason = fields
            fields = [tagset, word, tag, "*", next_, upos, feats, "*", reason]
        rule = WordRule(*fields)
        if check_tagsets and rule.tagset != "*" and rule.tagset not in available():
            raise ValueError(f"{path}:{line_no}: unknown tagset {rule.tagset!r}")
        if not rule.word or (rule.word.startswith("@") and rule.word not in SHAPES):
            raise ValueError(f"{path}:{line_no}: word must be a word or one of {SHAPES}")
        if not rule.tag or not rule.prev or not rule.next:
            raise ValueError(f"{path}:{line_no}: tag, prev and next must be a value or *")
        if rule.conventions != "*" and (
                not rule.conventions
                or not set(rule.conventions.split(",")) <= set(CONVENTIONS)):
            raise ValueError(f"{path}:{line_no}: conventions must be * or a comma-separated "
                             f"list of {', '.join(CONVENTIONS)}, not {rule.conventions!r}")
        _check_upos_feats(rule.upos, rule.feats, path, line_no)
        rules.append(rule)
    return rules


def _header(text: str) -> Optional[tuple]:
    """The first line that is not a comment or blank, split at tabs."""
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return tuple(line.split("\t"))
    return None


@lru_cache(maxsize=None)
def load(name: str) -> Tagset:
    """The tagset `name` (e.g. "hanlp"); raises ValueError naming the available ones."""
    if name not in available():
        raise ValueError(f"unknown tagset {name!r}; available: {', '.join(available())}")
    path = f"{name}.tsv"
    text = resources.files(__name__).joinpath(path).read_text(encoding="utf-8")
    return from_text(name, text, path)


def from_text(name: str, text: str, path: str) -> Tagset:
    """A tagset from TSV text (a saved pipeline's copy), checked as the shipped ones are."""
    return Tagset(name, parse_table(text, path))


def table_text(tagset: Tagset) -> str:
    """The table as TSV, the format `parse_table` reads."""
    return _tsv(COLUMNS, ([getattr(row, c) for c in COLUMNS] for row in tagset.rows.values()),
                f"Tag table {tagset.name!r} as saved with a pipeline")


def rules_text(rules: Iterable[WordRule]) -> str:
    """Word rules as TSV, the format `parse_rules` reads."""
    return _tsv(RULE_COLUMNS, ([getattr(r, c) for c in RULE_COLUMNS] for r in rules),
                "Word rules as saved with a pipeline (see word_rules.tsv in spacy-pretagged)")


def _tsv(columns: tuple, rows: Iterable[List[str]], comment: str) -> str:
    lines = [f"# {comment}", "\t".join(columns)] + ["\t".join(fields) for fields in rows]
    return "\n".join(lines) + "\n"


def make_reader(settings: ReaderSettings,
                segmenter: Optional[Callable[[str], List[str]]] = None
                ) -> Union[Reader, ConlluReader, HanLPJsonReader]:
    """A `formats.Reader` for `settings`, with the tags of the table `settings.tagset`
    names: the reader is pure and takes the tags; this is where the two meet. CoNLL-U
    (`format = "conllu"`) has its tags in a column: its reader needs no table (and no
    segmenter: its words are given). HanLP 2.x JSON (`format = "hanlp_json"`) has its own
    reader (its words are given: no segmenter)."""
    if settings.format == "conllu":
        load(settings.tagset)  # a bad name fails here, as for the other formats
        return ConlluReader(settings)
    if settings.format == "hanlp_json":
        return HanLPJsonReader(load(settings.tagset).tags, settings)
    return Reader(load(settings.tagset).tags, settings, segmenter=segmenter)


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
