"""`show`: one file through a pipeline, token by token."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from wasabi import msg

from ..cli_process import fail
from ..formats import PretaggedFormatError
from ._util import ENCODING, _refuse_overlap, _writing, app


@app.command()
def show(
    pipeline: str = typer.Argument(..., help="Pipeline directory or package, or a configs/*.cfg"),
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Pre-tagged text file"),
    encoding: str = ENCODING,
    limit: int = typer.Option(40, help="How many tokens to print (0: all)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Also write the Doc as spaCy JSON here"),
) -> None:
    """Tokenize and map one file with a pipeline; print tokens, tags, POS and a summary.

    Example: python -m spacy_pretagged show configs/hanlp.cfg seeds/000_a2cd9d74a44ebc07.txt
    """
    from ..export.pretagged import to_pretagged
    from ..pipeline import decode_error, load_pipeline

    if output is not None:
        _refuse_overlap(output, [path] + ([Path(pipeline)] if Path(pipeline).exists() else []))
    nlp = load_pipeline(pipeline)
    if not hasattr(nlp.tokenizer, "read_file"):
        fail(f"{pipeline} does not use spacy_pretagged.PretaggedTokenizer.v1")
    try:
        doc = nlp(nlp.tokenizer.read_file(path, encoding=encoding))
        with path.open(encoding=encoding, newline="") as f:
            text = f.read()
    except PretaggedFormatError as e:
        fail(str(e))
    except UnicodeDecodeError as e:
        fail(decode_error(path, encoding, e))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror or e}")
    rows = [(t.i, repr(t.text) if t.is_space else t.text, t.tag_, t.pos_, str(t.morph) or "_",
             t.ent_type_ or "", "" if t.is_sent_start is False else "S")
            for t in (doc if limit <= 0 else doc[:limit])]
    msg.table(rows, header=("i", "text", "tag", "pos", "morph", "ent", "sent"), divider=True)
    titles = [span.text for span in doc.spans["title"]] if "title" in doc.spans else []
    msg.info(f"{len(doc)} tokens, {len(list(doc.sents))} sentences, "
             f"{sum(not t.is_space for t in doc)} words, {len(doc.ents)} entities; "
             f"titles: {titles}")
    same = to_pretagged(doc) == text
    (msg.good if same else msg.warn)(
        "to_pretagged(doc) reproduces the file byte for byte" if same
        else "to_pretagged(doc) differs from the file (expected for spaced input)")
    if output is not None:
        with _writing(output) as tmp:
            tmp.write_text(json.dumps(doc.to_json(), ensure_ascii=False, indent=1),
                           encoding="utf-8")
        msg.good(f"wrote {output}")
