"""The corpus-format options every script of the project takes, read the way our CLI reads
(`spacy_pretagged.cli`: the same tokenizer settings, the title prefix from the tagset)."""
from __future__ import annotations

import argparse


def add_format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", default="auto")
    parser.add_argument("--tagset", default="hanlp")
    parser.add_argument("--separator", default="/")
    parser.add_argument("--item-separator", default=None,
                        help="exact item separator (ICTCLAS/jieba/THULAC); '', null: none")


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if args.item_separator in ("", "null", "None"):
        args.item_separator = None  # weasel variables cannot be None
    return args


def pipeline(args: argparse.Namespace):
    """Tokenizer + mapper + entities + sentencizer for the corpus' format, lenient."""
    from spacy_pretagged.cli import build_nlp

    return build_nlp(args.format, args.tagset, args.separator, args.item_separator, "warn")
