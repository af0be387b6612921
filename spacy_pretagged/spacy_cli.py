"""Attach our commands to spaCy's own CLI: `python -m spacy pretagged convert …`.

spaCy imports every module of the `spacy_cli` entry-point group before it builds its
command line (spacy/cli/_util.py `setup_cli`), the way spacy-curated-transformers adds
`spacy debug pieces`. Kept apart from cli/ so `python -m spacy_pretagged` does not import
spaCy's CLI machinery.
"""
from spacy.cli._util import app as spacy_app

from .cli import app

spacy_app.add_typer(app, name="pretagged", help="Pre-tagged Chinese (word/tag) corpora: "
                    "convert, validate, stats, show.")
