"""Pure-Python reading and writing of pre-tagged text (no spaCy import here).

The tokenizer, the CLI and the corpus reader all read through `Reader`; nothing parses
pre-tagged text twice.
"""
from .reader import FORMATS, ON_ERROR, Reader
from .records import SPACE_TAG, PretaggedFormatError, Problem, Reading, Token
from .write import to_pretagged, write_tokens

__all__ = [
    "FORMATS", "ON_ERROR", "Reader", "SPACE_TAG", "PretaggedFormatError", "Problem",
    "Reading", "Token", "to_pretagged", "write_tokens",
]
