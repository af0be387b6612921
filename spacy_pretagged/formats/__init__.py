"""Pure-Python reading and writing of pre-tagged text (no spaCy import here).

The tokenizer, the CLI, the corpus reader and the Dask workers all read through `Reader`,
configured by one `ReaderSettings`; nothing parses pre-tagged text twice. Files are read
as streams of document units (`stream.Units`), one unit in memory at a time.
"""
from .reader import Reader
from .records import SPACE_TAG, PretaggedFormatError, Problem, Reading, Token
from .settings import FORMATS, ON_ERROR, PRESETS, UNTAGGED, ReaderSettings
from .stream import DOC_PER, FileDecodeError, Units, decoded_blocks, unit_ranges
from .write import write_tokens

__all__ = [
    "DOC_PER", "FORMATS", "ON_ERROR", "PRESETS", "UNTAGGED", "FileDecodeError", "Reader",
    "ReaderSettings", "SPACE_TAG", "PretaggedFormatError", "Problem", "Reading", "Token",
    "Units", "decoded_blocks", "unit_ranges", "write_tokens",
]
