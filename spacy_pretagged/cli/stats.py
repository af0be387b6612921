"""`stats`: the figures of a corpus as the pipeline sees it (tags, UPOS and what decided
them, entities), and their plot."""
from __future__ import annotations

import json
import warnings
from collections import Counter
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

from ..cli_process import fail
from ..formats import Problem
from ._util import (
    INPUTS,
    ReaderOptions,
    _build_nlp,
    _corpora,
    _refuse_overlap,
    _units,
    _UnknownTags,
    _writing,
    app,
    reading_options,
)


@app.command()
@reading_options
def stats(
    reader: ReaderOptions,
    inputs: List[Path] = INPUTS,
    top: int = typer.Option(20, "--top", help="How many tags and POS to list"),
    png: Optional[Path] = typer.Option(None, "--png",
                                       help="Draw the tag distribution here (needs matplotlib)"),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the figures"),
    doc_per: str = typer.Option(
        "line", "--doc-per", help="line | file | article: the Docs counted in, as convert "
        "makes them (a word rule may look at the next word, across lines only within a "
        "Doc); line and article stream, file holds each file"),
) -> None:
    """Words, whitespace tokens, types, tag and UPOS distributions (of the words), unknown
    tags, what decided the UPOS, compounds, entities.

    Example: python -m spacy_pretagged stats seeds/ --png tags.png
    """
    from .. import tagsets
    from ..doc_keys import upos_sources
    from ..export.arrays import whitespace_mask

    settings = reader.settings("warn")
    corpora = _corpora(inputs, settings, reader.encoding, doc_per=doc_per)
    for output in (json_path, png):
        if output is not None:
            _refuse_overlap(output, inputs, corpora)
    nlp = _build_nlp(settings)
    known = tagsets.load(settings.tagset).tags
    tags: Counter = Counter()
    pos: Counter = Counter()
    types: set = set()
    compounds: Counter = Counter()
    entities: Counter = Counter()
    problems: Counter = Counter()
    sources: Counter = Counter()  # what decided the POS, by kind (table, rule, ...)
    fired: Counter = Counter()  # rule key → words it decided
    whitespace = 0
    unknown = _UnknownTags(settings, reader.encoding)

    def count(problem: Problem) -> None:
        problems[problem.kind] += 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for path, unit in _units(corpora, count):
            unit.problems = []
            unknown.add(path, unit)
            doc = nlp(nlp.tokenizer.doc_from_reading(unit))
            word = ~whitespace_mask(doc)
            whitespace += len(doc) - int(word.sum())
            for t, source in zip(doc, upos_sources(doc)):
                if word[t.i]:
                    tags[t.tag_] += 1
                    pos[t.pos_] += 1
                    types.add(t.text)
                    kind, _, key = (source or "none").partition(":")
                    sources[kind] += 1
                    if kind == "rule":
                        fired[key] += 1
            compounds.update(s.label_ for s in doc.spans.get("compounds", []))
            entities.update(e.label_ for e in doc.ents)
    unknown.done()
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    rules = []
    for key, n in fired.most_common():
        rule = mapper.rule(key)
        rules.append({"rule": key, "words": n, "upos": rule.upos if rule else "",
                      "reason": rule.reason if rule else ""})
    figures: dict = {
        "words": sum(tags.values()), "whitespace": whitespace, "types": len(types),
        "tags": dict(tags.most_common()), "pos": dict(pos.most_common()),
        "unknown_tags": {t: n for t, n in tags.most_common() if t not in known},
        "upos_sources": dict(sources.most_common()), "rules_fired": rules,
        "compounds": dict(compounds), "entities": dict(entities), "problems": dict(problems),
    }
    msg.info(f"{figures['words']:,} words, {whitespace:,} whitespace tokens, "
             f"{figures['types']:,} types, {len(tags)} tags")
    msg.table(tags.most_common(top), header=("tag", "count"), divider=True)
    msg.table(pos.most_common(top), header=("UPOS", "count"), divider=True)
    msg.text("what decided the UPOS: " + (", ".join(
        f"{kind} {n:,} ({100 * n / max(1, figures['words']):.1f} %)"
        for kind, n in sources.most_common()) or "none"))
    if rules:
        msg.table([(r["rule"], r["words"], r["upos"], r["reason"]) for r in rules[:top]],
                  header=("word rule (tagset:word:tag:prev:next)", "words", "UPOS", "reason"),
                  divider=True, max_col=70)
    for name in ("unknown_tags", "compounds", "entities", "problems"):
        msg.text(f"{name}: {_most_common(figures[name], top)}")
    if json_path is not None:
        with _writing(json_path) as tmp:
            tmp.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    if png is not None:
        _plot(tags.most_common(top), png)
        msg.good(f"wrote {png}")


def _plot(counts, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        fail("--png needs matplotlib: pip install 'spacy-pretagged[plot]'")
    # The format from the name the user gave (the temporary name ends in .tmp).
    kind = path.suffix[1:].lower() or matplotlib.rcParams["savefig.format"]
    if kind not in FigureCanvasBase.get_supported_filetypes():
        fail(f"--png: matplotlib cannot write {kind!r} files ({path})")
    fig, ax = plt.subplots(figsize=(max(6, len(counts) * 0.4), 4))
    ax.bar([t for t, _ in counts], [n for _, n in counts])
    ax.set_ylabel("words")
    ax.set_title("tag distribution")
    ax.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    try:
        with _writing(path) as tmp:
            fig.savefig(tmp, format=kind)
    finally:
        plt.close(fig)


def _most_common(counts: dict, top: int) -> str:
    """At most `top` of the counts, most common first, and how many more: a corpus can have
    a million distinct unknown tags (`--json` writes them all)."""
    if not counts:
        return "none"
    shown = dict(Counter(counts).most_common(max(top, 0)))
    more = len(counts) - len(shown)
    return f"{shown}" + (f" … and {more:,} more" if more else "")
