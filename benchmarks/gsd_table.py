"""Writes spacy_pretagged/tagsets/gsd.tsv: the UPOS that UD Chinese GSD gives each of its XPOS
most often, counted on the **dev** files only (GSD and GSDSimp: the same trees in traditional
and simplified script), so the UD test files stay unseen for the final evaluation.

The table matters only for words whose UPOS column is `_` (the `conllu` preset keeps a given
UPOS). The zh/en names are kept from the current file; a tag the dev files never show keeps
its row, its reason saying there is no dev evidence for it.

    python benchmarks/gsd_table.py [CORPORA]   # default: $SPACY_PRETAGGED_CORPORA
"""
from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "spacy_pretagged" / "tagsets" / "gsd.tsv"
DEV = ("ud_chinese_gsd/zh_gsd-ud-dev.conllu", "ud_chinese_gsdsimp/zh_gsdsimp-ud-dev.conllu")
HEADER = """\
# XPOS of UD_Chinese-GSD and GSDSimp (GSD's own tags, CTB-like): the CoNLL-U preset's table.
# Used only for words whose UPOS column is `_`; a given UPOS is kept. Each row: the UPOS the
# treebank gives the tag most often, counted on the dev files only (benchmarks/gsd_table.py).
tag\tzh\ten\tupos\tfeats\tent\treason
"""


def counts(corpora: Path) -> dict:
    found: dict = defaultdict(Counter)
    for name in DEV:
        with open(corpora / name, encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) == 10 and cols[0].isdigit():
                    found[cols[4]][cols[3]] += 1
    return found


def main(corpora: Path) -> None:
    rows = [line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#") and not line.startswith("tag\t")]
    names = {row[0]: row[1:3] for row in rows}
    old_upos = {row[0]: row[3] for row in rows}
    found = counts(corpora)
    out = [HEADER]
    for tag in sorted(set(names) | set(found)):
        zh, en = names.get(tag, ["", ""])
        by_upos = found.get(tag)
        if by_upos:
            (upos, n), *others = by_upos.most_common()
            total = sum(by_upos.values())
            also = ", ".join(f"{u} {k}" for u, k in others)
            reason = (f"Majority UPOS of this XPOS in UD_Chinese GSD+GSDSimp dev: {upos} {n} "
                      f"of {total}" + (f" (also {also})." if also else "."))
        else:
            upos = old_upos[tag]
            reason = (f"Not in the GSD/GSDSimp dev files; {upos} as the tag's name says "
                      f"({en}), no dev evidence.")
        out.append("\t".join([tag, zh, en, upos, "", "", reason]) + "\n")
    TABLE.write_text("".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else os.environ["SPACY_PRETAGGED_CORPORA"]))
