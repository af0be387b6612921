"""Pure-Python reading and writing of pre-tagged text (no spaCy import here).

The tokenizer, the CLI, the corpus reader and the Dask workers all read through `Reader`,
configured by one `ReaderSettings`; nothing parses pre-tagged text twice.
"""
from .reader import Reader
from .records import SPACE_TAG, PretaggedFormatError, Problem, Reading, Token
from .settings import FORMATS, ON_ERROR, PRESETS, UNTAGGED, ReaderSettings
from .write import write_tokens

__all__ = [
    "FORMATS", "ON_ERROR", "PRESETS", "UNTAGGED", "Reader", "ReaderSettings", "SPACE_TAG",
    "PretaggedFormatError", "Problem", "Reading", "Token", "write_tokens",
]
