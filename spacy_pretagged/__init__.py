"""spacy-pretagged: already segmented and POS-tagged Chinese (`word/tag`) as spaCy Docs.

Users never need to import this package: spaCy finds the tokenizer
(`spacy_pretagged.PretaggedTokenizer.v1`) and the `pretagged_tag_mapper` component through
entry points. This module stays import-light: it exposes the writer and the error type.
"""
from .formats import PretaggedFormatError, Problem, to_pretagged

__version__ = "0.1.0"

__all__ = ["PretaggedFormatError", "Problem", "to_pretagged", "__version__"]
