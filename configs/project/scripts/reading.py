"""The corpus-format options every script of the project takes, read the way our CLI reads
(`--preset`, or the tagset's preset, with single settings changed on top: see
`spacy_pretagged.ReaderSettings.for_tagset`)."""
from __future__ import annotations

import argparse


def add_format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", default=None, help="producer preset (default: the tagset's)")
    parser.add_argument("--format", default=None)
    parser.add_argument("--tagset", default=None)
    parser.add_argument("--separator", default=None)
    parser.add_argument("--item-separator", default=None,
                        help="exact item separator (ICTCLAS/jieba/THULAC); '', null: none")


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments, with `args.settings`: the `ReaderSettings` they name."""
    from spacy_pretagged import ReaderSettings

    args = parser.parse_args()
    # Weasel variables cannot be None: '', null or None asks for "any whitespace".
    no_item_separator = args.item_separator in ("", "null", "None")
    settings = ReaderSettings.for_tagset(
        args.tagset, args.preset, format=args.format, separator=args.separator,
        item_separator=None if no_item_separator else args.item_separator)
    args.settings = settings.replace(item_separator=None) if no_item_separator else settings
    return args


def pipeline(args: argparse.Namespace):
    """Tokenizer + mapper + entities + sentencizer for the corpus' format, lenient."""
    from spacy_pretagged.pipeline import build_nlp

    return build_nlp(args.settings.replace(on_error="warn"))
