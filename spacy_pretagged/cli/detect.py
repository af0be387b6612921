"""`detect`: which producer (preset) wrote the files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer
from wasabi import msg

from ..cli_process import fail
from ._util import ENCODING, INPUTS, app


@app.command()
def detect(
    inputs: List[Path] = INPUTS,
    encoding: str = ENCODING,
    lines: int = typer.Option(1000, "--lines", help="Lines read from the start of each file"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead"),
) -> None:
    """Which producer wrote these files? Reads the first lines of each, tries every preset
    and reports the best fit (format, separator, tagset) with the share of items each
    tagset accepts and the tags the best one does not know.

    Example: python -m spacy_pretagged detect 199801.txt --json
    """
    from ..pipeline import decode_error
    from ..tagsets import detect as detection

    try:
        paths = detection.files(inputs)
    except ValueError as e:
        fail(str(e))
    if not paths:
        fail(f"no files in {', '.join(map(str, inputs))}")
    samples: List[str] = []
    per_file: List[dict] = []
    for path in paths:
        try:
            text = detection.sample(path, encoding, lines)
        except UnicodeDecodeError as e:
            fail(decode_error(path, encoding, e))
        samples.append(text)
    result = detection.detect_samples(samples)
    if len(paths) > 1:
        for path, text in zip(paths, samples):
            own = detection.detect_text(text).best
            per_file.append({"path": str(path), "preset": own.preset,
                             "share": round(own.share, 6)})
    report = {**result.to_dict(), "files": per_file or [
        {"path": str(paths[0]), "preset": result.best.preset,
         "share": round(result.best.share, 6)}]}
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    best = result.best
    msg.good(f"--preset {best.preset}: format {best.settings.format}, separator "
             f"{best.settings.separator!r}, item separator "
             f"{best.settings.item_separator or 'any whitespace'!r}, tagset "
             f"{best.settings.tagset} ({100 * best.share:.1f} % of {best.items:,} items in "
             f"{result.lines:,} lines known)")
    msg.table([(fit.settings.tagset, fit.preset, f"{100 * fit.share:.1f} %", f"{fit.items:,}")
               for fit in result.fits],
              header=("tagset", "preset", "items accepted", "items read"), divider=True)
    unknown = ", ".join(f"{tag} {n}" for tag, n in list(best.unknown.items())[:20])
    msg.text(f"unknown tags ({best.settings.tagset}): {unknown or 'none'}")
    mixed = sorted({f["preset"] for f in per_file})
    if len(mixed) > 1:
        msg.warn(f"the files do not agree: {', '.join(mixed)} fit best in some of them "
                 "(--json lists each file)")
