"""spacy-pretagged: already segmented and POS-tagged Chinese (`word/tag`) as spaCy Docs.

Users never need to import this package: spaCy finds the tokenizer
(`spacy_pretagged.PretaggedTokenizer.v1`) and the components through entry points. This
module stays import-light: the reader's settings and error type come from the pure `formats`
package, and `to_pretagged` (which reads Docs) is imported from `export` only when used.
"""
from typing import Any

from .about import __version__
from .formats import PRESETS, PretaggedFormatError, Problem, ReaderSettings

__all__ = ["PRESETS", "PretaggedFormatError", "Problem", "ReaderSettings", "to_pretagged",
           "__version__"]


def __getattr__(name: str) -> Any:
    # PEP 562: `spacy_pretagged.to_pretagged` without importing spaCy for `formats` users.
    if name == "to_pretagged":
        from .export.pretagged import to_pretagged

        return to_pretagged
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
