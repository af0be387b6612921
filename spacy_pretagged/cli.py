"""`python -m spacy_pretagged show`: read a pre-tagged file with a pipeline and print it.

typer and wasabi are already in spaCy's dependency tree, so the CLI adds nothing to install.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from wasabi import msg

app = typer.Typer(help="spacy-pretagged: pre-tagged Chinese text as spaCy Docs.",
                  no_args_is_help=True)


def load_pipeline(pipeline: str):
    """A saved pipeline directory, an installed package name, or a `.cfg` to assemble."""
    import spacy
    from spacy.util import load_config, load_model_from_config

    if pipeline.endswith(".cfg"):
        nlp = load_model_from_config(load_config(pipeline), auto_fill=True)
        nlp.initialize()
        return nlp
    return spacy.load(pipeline)


def fail(message: str) -> None:
    """One line on stderr, exit code 1: errors are for reading, not tracebacks."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.callback()
def main() -> None:
    """Commands of spacy-pretagged."""


@app.command()
def show(
    pipeline: str = typer.Argument(..., help="Pipeline directory or package, or a configs/*.cfg"),
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Pre-tagged text file"),
    encoding: str = typer.Option("utf-8", help="Encoding of the file (e.g. gb18030)"),
    limit: int = typer.Option(40, help="How many tokens to print (0: all)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Also write the Doc as spaCy JSON here"),
) -> None:
    """Tokenize and map one file; print tokens, tags, POS and a summary."""
    from .formats import PretaggedFormatError, to_pretagged

    nlp = load_pipeline(pipeline)
    if not hasattr(nlp.tokenizer, "read_file"):
        fail(f"{pipeline} does not use spacy_pretagged.PretaggedTokenizer.v1")
    try:
        doc = nlp(nlp.tokenizer.read_file(path, encoding=encoding))
    except PretaggedFormatError as e:
        fail(str(e))
    with path.open(encoding=encoding, newline="") as f:
        text = f.read()
    rows = [(t.i, repr(t.text) if t.is_space else t.text, t.tag_, t.pos_, str(t.morph) or "_",
             "" if t.is_sent_start is False else "S")
            for t in (doc if limit <= 0 else doc[:limit])]
    msg.table(rows, header=("i", "text", "tag", "pos", "morph", "sent"), divider=True)
    titles = [span.text for span in doc.spans["title"]] if "title" in doc.spans else []
    msg.info(f"{len(doc)} tokens, {len(list(doc.sents))} sentences, "
             f"{sum(not t.is_space for t in doc)} words; titles: {titles}")
    same = to_pretagged(doc) == text
    (msg.good if same else msg.warn)(
        "to_pretagged(doc) reproduces the file byte for byte" if same
        else "to_pretagged(doc) differs from the file (expected for spaced input)")
    if output is not None:
        output.write_text(json.dumps(doc.to_json(), ensure_ascii=False, indent=1),
                          encoding="utf-8")
        msg.good(f"wrote {output}")
