"""The mapping decisions as Markdown, generated from the data files (never edited by hand).

    python benchmarks/decision_table.py                  # every tag table, then the word rules
    python benchmarks/decision_table.py --tagset hanlp jieba
    python benchmarks/decision_table.py --matrix         # tag × tagset → UPOS, one compact table
    python benchmarks/decision_table.py --rules          # the word rules only
    python benchmarks/decision_table.py --out docs/mapping-decisions.md   # the page in docs/

Reads `spacy_pretagged/tagsets/<tagset>.tsv` and `word_rules.tsv` through the package's own
loaders, so what is printed is exactly what the mapper uses.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # a sibling module must not shadow the standard library

from spacy_pretagged import tagsets  # noqa: E402

# Where the full output lives, linked from docs/mapping.md; tests/acceptance/test_decision_table.py
# checks that it is current.
OUT = "docs/mapping-decisions.md"


def cell(text: str) -> str:
    """A Markdown table cell: `|` (FEATS use it) escaped, never empty-looking."""
    return text.replace("|", "\\|").replace("\n", " ") if text else ""


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def tag_table(name: str) -> List[str]:
    rows = tagsets.load(name).rows.values()
    out = [f"### `{name}` ({len(rows)} tags)", ""]
    out += table(("tag", "zh", "en", "UPOS", "FEATS", "reason"),
                 ((f"`{r.tag}`", r.zh, r.en, r.upos, r.feats, r.reason) for r in rows))
    return out + [""]


def rules_table() -> List[str]:
    rules = tagsets.all_word_rules()  # all of them, every tagset and profile, in file order
    counts = {c: sum(r.conventions == c for r in rules) for c in ("*", *tagsets.CONVENTIONS)}
    out = [f"### Word rules ({len(rules)})", "",
           "prev / next: a condition on the previous / next word's tag (`*`: none). "
           "conventions: the profile the rule belongs to (the mapper's `conventions` "
           f"setting): `*` both ({counts['*']}), `gsd` ({counts['gsd']}), `ud_guidelines` "
           f"({counts['ud_guidelines']}).", ""]
    out += table(("tagset", "word", "tag", "prev", "next", "UPOS", "FEATS", "conventions",
                  "reason"),
                 ((r.tagset, r.word, r.tag, r.prev, r.next, r.upos, r.feats, r.conventions,
                   r.reason) for r in rules))
    return out + [""]


def matrix(names: Sequence[str]) -> List[str]:
    tables = {n: tagsets.load(n).rows for n in names}
    tags: List[str] = []
    for n in names:
        tags += [t for t in tables[n] if t not in tags]
    out = ["### Tag → UPOS by tagset (FEATS in brackets; blank: not in the tagset)", ""]
    rows = []
    for t in tags:
        row = [f"`{t}`"]
        for n in names:
            r = tables[n].get(t)
            row.append("" if r is None else r.upos + (f" [{r.feats}]" if r.feats else ""))
        rows.append(row)
    return out + table(["tag", *names], rows) + [""]


def header() -> List[str]:
    """The title of the full page (every table and rule), which lives at `OUT`."""
    intro = ("Every tag of every table and every word rule with its UPOS, FEATS and reason, "
             "generated from `spacy_pretagged/tagsets/*.tsv` (never edited by hand: "
             f"`python benchmarks/decision_table.py --out {OUT}`). How the mapper uses them: "
             "[mapping](mapping.md).")
    return ["# Mapping decisions", "", intro, ""]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tagset", nargs="+", choices=tagsets.available(),
                        help="only these tag tables (default: all)")
    parser.add_argument("--matrix", action="store_true", help="one tag × tagset UPOS table")
    parser.add_argument("--rules", action="store_true", help="the word rules only")
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    names = args.tagset or tagsets.available()
    lines: List[str] = []
    if not (args.matrix or args.rules or args.tagset):
        lines += header()
    if args.matrix:
        lines += matrix(names)
    elif not args.rules:
        for name in names:
            lines += tag_table(name)
    if args.rules or not (args.matrix or args.tagset):
        lines += rules_table()
    text = "\n".join(lines)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
