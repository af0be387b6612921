"""Split a pre-tagged corpus into train/dev/test by document, deterministically.

Why by document: paragraphs of one People's Daily article share names and topics, so a split
by line would leak them from train into test and flatter every score. `--by article` groups
the lines of a PKU article (same `date-page-article` id prefix, the first three fields of the
paragraph id); `--by line` treats every non-blank line as a document; `--by sentence` reads
the text (our reader, with the corpus' format and tagset) and cuts it at `。！？` with spaCy's
sentencizer: the way to split a single long document such as the bundled seed.

Why deterministic: the units are shuffled with `random.Random(seed)` and cut by the ratios, so
the same corpus and settings always give the same files (weasel reruns nothing).

`line` and `article` units are copied byte for byte (the line endings too), so the split files
are the corpus' own text; `sentence` units are written back with `to_pretagged` in the same
format, one sentence a line. All outputs are UTF-8 (`--encoding` is the input's).
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import List

import reading  # scripts/reading.py: python puts the script's folder on sys.path

ARTICLE_ID = re.compile(r"^\ufeff?(\d{8}-\d{2}-\d{3})-\d{3}/")


def files(path: Path) -> List[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))


def read(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as f:
        return f.read()


def line_units(text: str, by: str) -> List[str]:
    """Lines (keeping their endings, stray `\\r` included); blank lines are dropped, and with
    `article` consecutive lines of one article id form one unit (a line without an id joins
    the article before it)."""
    units: List[str] = []
    current = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        line = line.rstrip("\r") + "\n"
        if by == "article":
            m = ARTICLE_ID.match(line)
            key = m.group(1) if m else current
            if units and key == current:
                units[-1] += line
                continue
            current = key
        units.append(line)
    return units


def sentence_units(nlp, text: str, source: str, args) -> List[str]:
    from spacy.tokens import Doc

    from spacy_pretagged import to_pretagged

    # Only sentence boundaries are needed: the tokenizer's line starts + the sentencizer.
    doc = nlp.tokenizer.doc_from_reading(nlp.tokenizer.reader.read(text, source=source))
    doc = nlp.get_pipe("sentencizer")(doc)
    settings = args.settings
    out_format = ("concatenated" if settings.format == "auto" and settings.tagset == "hanlp"
                  else settings.format)
    if out_format == "auto":
        out_format = "spaced"
    units = []
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        sub = Doc(nlp.vocab, words=[t.text for t in tokens],
                  spaces=[bool(t.whitespace_) for t in tokens[:-1]] + [False],
                  tags=[t.tag_ for t in tokens])
        units.append(to_pretagged(sub, format=out_format, separator=settings.separator,
                                  title_prefix=None,
                                  item_separator=settings.item_separator or "  ") + "\n")
    return units


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path, help="pre-tagged file or folder")
    p.add_argument("output", type=Path, help="folder for train.txt, dev.txt, test.txt")
    p.add_argument("--by", choices=("line", "article", "sentence"), default="line")
    p.add_argument("--ratios", default="0.8,0.1,0.1", help="train,dev,test (normalised)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=0,
                   help="keep only this many units (after shuffling), 0 = all")
    p.add_argument("--encoding", default="utf-8")
    reading.add_format_options(p)
    args = reading.parse(p)

    units: List[str] = []
    nlp = reading.pipeline(args) if args.by == "sentence" else None
    for path in files(args.corpus):
        if nlp is not None:
            units.extend(sentence_units(nlp, read(path, args.encoding), str(path), args))
        else:
            units.extend(line_units(read(path, args.encoding), args.by))
    random.Random(args.seed).shuffle(units)
    if args.limit:
        units = units[:args.limit]
    ratios = [float(x) for x in args.ratios.split(",")]
    if len(ratios) != 3 or min(ratios) <= 0:
        p.error("--ratios needs three positive numbers: train,dev,test")
    total = sum(ratios)
    n_dev = max(1, round(len(units) * ratios[1] / total))
    n_test = max(1, round(len(units) * ratios[2] / total))
    if len(units) < n_dev + n_test + 1:
        p.error(f"only {len(units)} units: too few to split")
    parts = {"test": units[:n_test], "dev": units[n_test:n_test + n_dev],
             "train": units[n_test + n_dev:]}
    args.output.mkdir(parents=True, exist_ok=True)
    summary = {}
    for name, part in parts.items():
        with (args.output / f"{name}.txt").open("w", encoding="utf-8", newline="") as f:
            f.write("".join(part))
        summary[name] = {"units": len(part), "chars": sum(map(len, part))}
    (args.output / "split.json").write_text(json.dumps(
        {"corpus": str(args.corpus), "by": args.by, "seed": args.seed, "ratios": ratios,
         **summary}, indent=2) + "\n", encoding="utf-8")
    for name, s in summary.items():
        print(f"{name}: {s['units']:,} units, {s['chars']:,} characters")


if __name__ == "__main__":
    main()
