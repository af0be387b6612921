"""Which producer wrote this text? The preset (format, separators, tagset) that reads a
sample best.

Each producer's output is read with its own preset (`formats.PRESETS`) — the same reader the
tokenizer uses, in lenient mode — and scored by the share of its items whose tag the
preset's tag table knows. That one measure separates what matters:
- the separator: THULAC's `词_n` has no `/` tag for the other presets (0 % accepted), and
  `/`-text has no `_` tag for THULAC's;
- the format: HanLP's glued `也/d即/v` read as spaced items is a few long "words" with
  tags such as `v即`, which no table knows, while the glued reading (`auto`) finds them all;
- the tagset: People's Daily has `Ng Vg Tg` (PKU only), jieba `uj ul zg eng` (not ICTCLAS),
  ICTCLAS and HanLP `ude1 vshi wj` (neither PKU nor jieba), THULAC `np ni id uw`.
Today's tagsets stand apart the same way: CTB (`NN VV DEC PU`) and UPOS (`NOUN VERB PUNCT`)
are upper-case sets that share only `X`; LAC's entity tags `PER LOC ORG TIME` are in no
other table; 863 text has `nd nh ni nl wp` (LTP) or `vl vu nhf w` (jiagu), which the PKU
family lacks or means otherwise. CoreNLP's `word_TAG` / `word#TAG` are told from spaCy's
`word/TAG` by the separator, as THULAC's are.
Ties — a sample whose every tag several tables know, such as ICTCLAS output, which HanLP's
larger table (a superset of ICTPOS 3.0) accepts too — go to the smaller table: the most
specific tagset that explains the sample (ictclas' 104 tags before hanlp's 148, pku's 46
before pku_fine's 108). Presets with the same settings (jiagu and ltp: 863, spaced) tie on
everything and go by name: LTP output is reported as `jiagu`, whose settings read it.

Pure Python over the tables and the reader, below spaCy: `detect_text` takes text,
`sample` reads the first lines of files.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..formats import PRESETS, SPACE_TAG, ReaderSettings, Reading
from . import load, make_reader

#: Lines read from the start of each file.
SAMPLE_LINES = 1000
#: At most this many characters in all, whatever the number of files.
SAMPLE_CHARS = 2_000_000
#: A file whose share of items with unknown tags is above this reads better with another
#: preset, or has tags no table knows (what `validate` and `stats` point out).
UNKNOWN_SHARE = 0.05
#: The key `unknown_tags` uses for items read with no tag at all.
NO_TAG = "(no tag)"


@dataclass(frozen=True)
class Fit:
    """How well one preset reads the sample."""

    preset: str
    settings: ReaderSettings
    items: int  # words read (whitespace tokens not counted)
    accepted: int  # of them with a tag of the preset's table
    unknown: Mapping[str, int] = field(default_factory=dict)  # tag → items, most first
    table_size: int = 0

    @property
    def share(self) -> float:
        return self.accepted / self.items if self.items else 0.0

    def rank(self) -> Tuple[float, int, int, str]:
        """Sort key, best first: the share accepted, then more items (a reading that
        finds more words explains more of the text), then the smaller table, then the
        name (a total order: the result never depends on dict order)."""
        return (-self.share, -self.items, self.table_size, self.preset)


@dataclass(frozen=True)
class Detection:
    """The presets ranked on one sample (`fits[0]` is the best)."""

    fits: Tuple[Fit, ...]
    lines: int
    chars: int

    @property
    def best(self) -> Fit:
        return self.fits[0]

    @property
    def coverage(self) -> Dict[str, float]:
        """Tagset → share of the sample's items it accepts, read with its best preset
        (several presets share a tagset: ctb is read with `/`, `_` and `#`)."""
        coverage: Dict[str, float] = {}
        for fit in self.fits:  # best first
            coverage.setdefault(fit.settings.tagset, fit.share)
        return coverage

    def to_dict(self) -> Dict[str, object]:
        best = self.best
        return {
            "preset": best.preset,
            "tagset": best.settings.tagset,
            "format": best.settings.format,
            "separator": best.settings.separator,
            "item_separator": best.settings.item_separator,
            "share": round(best.share, 6),
            "coverage": {tagset: round(share, 6) for tagset, share in self.coverage.items()},
            "unknown_tags": dict(best.unknown),
            "items": best.items,
            "lines": self.lines,
            "chars": self.chars,
        }


def unknown_tags(reading: Reading, known: Iterable[str]) -> Counter:
    """Tag → number of items of `reading` whose tag is not in `known` (no tag: NO_TAG)."""
    known = frozenset(known)
    return Counter(tag or NO_TAG for tag in reading.tags
                   if tag != SPACE_TAG and tag not in known)


def fit(text: str, preset: str, settings: Optional[ReaderSettings] = None) -> Fit:
    """Read `text` with `preset` (or `settings`) leniently and count what its table knows."""
    settings = settings or PRESETS[preset]
    table = load(settings.tagset)
    reading = make_reader(settings.replace(on_error="warn")).read(text)
    items = sum(tag != SPACE_TAG for tag in reading.tags)
    unknown = unknown_tags(reading, table.tags)
    return Fit(preset, settings, items, items - sum(unknown.values()),
               dict(unknown.most_common()), len(table))


def detect_text(text: str, presets: Optional[Mapping[str, ReaderSettings]] = None) -> Detection:
    """Every preset's fit on `text`, best first."""
    presets = PRESETS if presets is None else presets
    if not presets:
        raise ValueError("no presets to try")
    fits = sorted((fit(text, name, settings) for name, settings in presets.items()),
                  key=Fit.rank)
    return Detection(tuple(fits), text.count("\n") + bool(text and not text.endswith("\n")),
                     len(text))


PathLike = Union[str, Path]


def files(paths: Iterable[PathLike]) -> List[Path]:
    """The files named, and those under the folders named (sorted, no hidden files): the
    inputs a command reads."""
    out: List[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*")
                          if p.is_file() and not any(part.startswith(".")
                                                     for part in p.relative_to(path).parts))
        elif path.exists():
            out.append(path)
        else:
            raise ValueError(f"no such file or folder: {path}")
    return out


def sample(path: PathLike, encoding: str = "utf-8", lines: int = SAMPLE_LINES,
           chars: int = SAMPLE_CHARS) -> str:
    """The first `lines` lines of a file (line breaks as they are), at most about `chars`
    characters; a file is never read whole for this. Raises UnicodeDecodeError as `open`
    does (the caller names the file and the encodings to try)."""
    taken: List[str] = []
    size = 0
    with open(path, encoding=encoding, newline="") as f:
        for line in islice(f, lines):
            taken.append(line)
            size += len(line)
            if size >= chars:
                break
    return "".join(taken)


def detect_samples(samples: Sequence[str]) -> Detection:
    """One detection over the samples of several files (joined as separate lines)."""
    joined = "".join(s if s.endswith(("\n", "\r")) or not s else s + "\n" for s in samples)
    return detect_text(joined)
