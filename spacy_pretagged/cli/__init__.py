"""The command line: `python -m spacy_pretagged …`, and the same as `python -m spacy pretagged …`.

typer, wasabi and tqdm are already in spaCy's dependency tree, so the CLI adds nothing to
install. Every error is one line on stderr (`error: …`) and exit code 1, never a traceback:
bad input is the normal case for a corpus tool; typer's own usage errors and Ctrl-C /
SIGTERM too (`cli_process`). Every output is written through `export.outputs`, so a
failed, refused or interrupted run leaves the inputs and any earlier output as they were.

Laid out like spaCy's `spacy/cli/`: the app and the shared options in `_util`, one module
per command. Importing a command's module registers it on `app`; the order here is the
order of `--help`.
"""
# Registration order is the order of --help, not the alphabet.
# isort: off
from ._util import app
from .convert import convert
from .validate import validate
from .stats import stats
from .detect import detect
from .show import show
# isort: on

__all__ = ["app", "convert", "validate", "stats", "detect", "show"]
