"""`validate`: every problem of the input as file:line:col, without converting."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import List

import typer
from wasabi import msg

from ..formats import Problem
from ..formats.stream import count_whitespace
from ._util import (
    INPUTS,
    ReaderOptions,
    _corpora,
    _files,
    _print_problems,
    _units,
    _UnknownTags,
    app,
    reading_options,
)


@app.command()
@reading_options
def validate(reader: ReaderOptions, inputs: List[Path] = INPUTS) -> None:
    """Check files without converting: every problem as file:line:col, a summary by kind,
    exit code 1 if there is any.

    Example: python -m spacy_pretagged validate corpus/ --preset pku
    """
    settings = reader.settings("warn")
    corpora = _corpora(inputs, settings, reader.encoding)
    problems: Counter = Counter()
    words = 0
    unknown = _UnknownTags(settings, reader.encoding)

    def report(problem: Problem) -> None:
        typer.echo(str(problem))
        problems[problem.kind] += 1

    for path, unit in _units(corpora, report):
        words += len(unit) - count_whitespace(unit)
        unknown.add(path, unit)
    unknown.done()
    files = sum(len(_files(corpus)) for corpus in corpora)
    msg.info(f"{files} file(s), {words:,} words")
    _print_problems(problems)
    if problems:
        raise typer.Exit(1)
