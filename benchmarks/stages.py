"""Where a `convert` Doc's time goes, stage by stage, in one process (issue 18).

What `convert` does per document unit, timed one stage at a time over prepared inputs:
streaming the units off the file (`PretaggedCorpus.stream`), `doc_from_reading`, each
pipeline component, the CoNLL-U and JSONL writers (output discarded: the writer's own
work), and all of it chained as `convert --to conllu` chains it. Each
stage is reported per Doc and as a ratio to bare `Doc(vocab, words, spaces)` on the same
tokens, timed in the same rounds (medians of interleaved rounds): on a machine shared with
other work the ratios move much less than the times.

    python benchmarks/stages.py FILE[:PRESET] ...          # default: hanlp
    python benchmarks/stages.py --before /tmp/old/ FILE    # the package under /tmp/old/
    python benchmarks/stages.py --doc-per article --only write FILE:pku  # the writers only

`--before DIR` imports `spacy_pretagged` from DIR (e.g. `git archive <commit>
spacy_pretagged | tar -x -C DIR`) instead of the installed one; run it and the current
package alternately for a before/after comparison. Nothing is committed to a figure: the
whole-command benchmark is bench.py's figure 7.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import warnings
from typing import Callable, Dict, List


def main(argv: List[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", help="FILE or FILE:PRESET")
    parser.add_argument("--before", help="import spacy_pretagged from this folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--doc-per", default="line", help="line | file | article")
    parser.add_argument("--only", default="",
                        help="time only the stages whose names contain this (and bare Doc())")
    args = parser.parse_args(argv)
    if args.before:
        # An editable install answers imports through a finder ahead of sys.path.
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
        sys.path.insert(0, args.before)
    warnings.simplefilter("ignore", UserWarning)
    for spec in args.inputs:
        path, _, preset = spec.partition(":")
        stages(path, preset or "hanlp", args.rounds, args.doc_per, args.only)


class _Discard:
    """An output stream that keeps nothing: a writer's time without the copying."""

    def write(self, text: str) -> int:
        return len(text)


def stages(path: str, preset: str, rounds: int, doc_per: str = "line", only: str = "") -> None:
    from spacy.tokens import Doc

    import spacy_pretagged
    from spacy_pretagged import PRESETS
    from spacy_pretagged.corpus import PretaggedCorpus
    from spacy_pretagged.export.conllu import ConlluWriter
    from spacy_pretagged.export.jsonl import JsonLines
    from spacy_pretagged.pipeline import build_nlp

    settings = PRESETS[preset].replace(on_error="warn")
    nlp = build_nlp(settings)
    corpus = PretaggedCorpus(path, settings, doc_per=doc_per)
    units = list(corpus.stream(path))
    docs = [nlp.tokenizer.doc_from_reading(unit) for unit in units]
    plain = [([t.text for t in doc], [bool(t.whitespace_) for t in doc]) for doc in docs]
    for doc in docs:
        for _, component in nlp.pipeline:
            component(doc)
    vocab = nlp.vocab

    def write() -> None:
        writer = ConlluWriter(_Discard())  # type: ignore[arg-type]
        for doc in docs:
            writer.write(doc)

    def jsonl() -> None:
        lines = JsonLines()
        for doc in docs:
            lines(doc)

    def whole() -> None:
        writer = ConlluWriter(io.StringIO())
        for doc in nlp.pipe(nlp.tokenizer.doc_from_reading(unit)
                            for unit in corpus.stream(path)):
            writer.write(doc)

    runs: Dict[str, Callable[[], object]] = {
        "bare Doc()": lambda: [Doc(vocab, words=w, spaces=s) for w, s in plain],
        "stream units": lambda: sum(1 for _ in corpus.stream(path)),
        "doc_from_reading": lambda: [nlp.tokenizer.doc_from_reading(u) for u in units],
    }
    for name, component in nlp.pipeline:
        runs[name] = lambda component=component: [component(doc) for doc in docs]
    runs["conllu write"] = write
    runs["jsonl write"] = jsonl
    runs["whole, in process"] = whole
    runs = {name: run for name, run in runs.items() if name == "bare Doc()" or only in name}
    times: Dict[str, List[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    median = {name: statistics.median(t) for name, t in times.items()}
    floor = median["bare Doc()"]
    print(f"== {path} ({preset}, {doc_per}): {len(docs)} Docs, "
          f"{sum(len(d) for d in docs)} tokens; "
          f"{spacy_pretagged.__file__}")
    for name, seconds in median.items():
        print(f"  {name:20s} {seconds * 1e6 / len(docs):8.1f} µs/Doc  {seconds / floor:6.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
