"""Where the time goes in the figures that miss their targets: top functions by own time.

    python benchmarks/profiles.py tokenizer|mapper|pipeline [--input seed|pd] [--quick] [--top N]
    python benchmarks/profiles.py processes [--input seed|pd] [--quick] [--top N]

`tokenizer`, `mapper` and `pipeline` (n_process=1) run under cProfile in this process.
`processes` (n_process=2) needs a sampling profiler that follows the workers: it runs itself
under `py-spy record --subprocesses` (`pip install py-spy`) and sums own-time samples per
process (parent, worker 1, worker 2). Same inputs as bench.py; percentages are of the total
own time (cProfile) or of the process's samples (py-spy).
"""
from __future__ import annotations

import argparse
import cProfile
import inspect
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def corpus(name: str, quick: bool) -> bench.Corpus:
    sizes = bench.QUICK if quick else bench.FULL
    if name == "seed":
        return bench.seed_corpus(sizes.seed_tokens)
    corpora = os.environ.get("SPACY_PRETAGGED_CORPORA")
    if not corpora:
        sys.exit("--input pd needs SPACY_PRETAGGED_CORPORA")
    return bench.pd_corpus(Path(corpora), "article", sizes.pd_lines)


def workload(what: str, c: bench.Corpus, batch_size: int = 1000):
    """The code a figure times, as a factory of zero-argument jobs: the mapper's job needs
    fresh Doc copies, made before the profiler starts."""
    if what == "tokenizer":
        return lambda: lambda: [c.nlp.tokenizer(text) for text in c.texts]
    if what == "mapper":
        mapper = c.nlp.get_pipe("pretagged_tag_mapper")
        templates = [c.nlp.tokenizer(text) for text in c.texts]

        def make():
            docs = [d.copy() for d in templates]
            return lambda: [mapper(doc) for doc in docs]
        return make
    if what == "pipeline":
        return lambda: lambda: bench.consume(c.nlp.pipe(c.texts))
    if what == "pipe2":
        return lambda: lambda: bench.consume(c.nlp.pipe(c.texts, n_process=2,
                                                        batch_size=batch_size))
    raise ValueError(what)


def print_cprofile(stats: pstats.Stats, top: int) -> None:
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])
    total = sum(v[2] for v in stats.stats.values())
    print(f"total own time {total:.2f} s")
    print(f"{'own %':>6} {'own s':>7} {'cum s':>7} {'calls':>9}  function")
    for (path, line, func), (_, calls, own, cum, _) in rows[:top]:
        where = f"{_short(path)}:{line}" if line else path
        print(f"{100 * own / total:6.1f} {own:7.2f} {cum:7.2f} {calls:9d}  {func} ({where})")


def _short(path: str) -> str:
    for marker in ("site-packages/", "spacy_pretagged/", "lib/python3"):
        if marker in path:
            return path[path.index(marker):]
    return path


def run_cprofile(what: str, c: bench.Corpus, top: int) -> None:
    make = workload(what, c)
    make()()  # warm-up: caches, string store, lazy imports
    job = make()
    profiler = cProfile.Profile()
    profiler.runcall(job)
    print(f"== {what} on {c.name} (cProfile)")
    print_cprofile(pstats.Stats(profiler), top)


def run_pyspy(args) -> None:
    """n_process=2 under py-spy: cProfile would see only the parent waiting on a pipe."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("processes needs py-spy: pip install py-spy")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "raw.txt"
        cmd = [spy, "record", "--subprocesses", "--rate", "250", "--format", "raw",
               "--output", str(out), "--", sys.executable, __file__, "pipe2",
               "--input", args.input, "--batch-size", str(args.batch_size)]
        cmd += ["--quick"] if args.quick else []
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        print(f"== nlp.pipe(n_process=2, batch_size={args.batch_size}) on {args.input} "
              "(py-spy, own-time samples; the parent's include loading the input)")
        print_pyspy(out.read_text(encoding="utf-8"), args.top)


def print_pyspy(raw: str, top: int) -> None:
    """py-spy raw lines are `frame;frame;...;leaf count`; with --subprocesses a child's
    stack hangs under its parent's `process PID:"cmd"` frame. Own time is the leaf, line
    numbers dropped so that a function's lines add up. Cython code (Doc.to_bytes/from_bytes,
    the sentencizer) has no frame of its own: its time is the calling line's, which is why
    those two lines are looked up in spaCy's source and shown beside the components."""
    leaves, stacks = defaultdict(Counter), defaultdict(list)
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        frames = stack.split(";")
        owner = [f for f in frames if f.startswith("process ")][-1:] or [""]
        pid = re.match(r"process (\d+)", owner[0])
        pid = int(pid.group(1)) if pid else 0
        leaf = re.sub(r":\d+\)$", ")", frames[-1])
        if leaf.startswith("process "):
            leaf = "(no Python frame: native code or idle)"
        leaves[pid][leaf] += int(count)
        stacks[pid].append((frames, int(count)))
    # Forked workers have the parent's command line: tell them apart by pid (parent first).
    for rank, pid in enumerate(sorted(leaves)):
        total = sum(leaves[pid].values())
        print(f"-- {'parent' if rank == 0 else f'worker {rank}'} (pid {pid}): {total} samples")
        for leaf, n in leaves[pid].most_common(top):
            print(f"{100 * n / total:6.1f}  {leaf}")
        shares = _breakdown(stacks[pid])
        print("   inclusive: " + ", ".join(f"{name} {100 * n / total:.1f}%"
                                           for name, n in shares.items() if n))


def _breakdown(stacks) -> Dict[str, int]:
    """Samples under each component (inclusive), and in the two Cython serialization calls
    (own time at their line)."""
    import spacy.language

    def line_of(func, needle: str) -> str:
        lines, first = inspect.getsourcelines(func)
        return f":{first + next(i for i, text in enumerate(lines) if needle in text)})"

    from_bytes = line_of(spacy.language.Language._multiprocessing_pipe, ".from_bytes(byte_doc)")
    to_bytes = line_of(spacy.language._apply_pipes, "doc.to_bytes()")
    inclusive = {"tokenizer": "PretaggedTokenizer.__call__",
                 "mapper": "PretaggedTagMapper.__call__",
                 "entities": "PretaggedEntities.__call__",
                 "srsly msgpack (catalogue entry points)": "srsly/msgpack/__init__.py"}
    shares = Counter()
    for frames, count in stacks:
        for name, marker in inclusive.items():
            if any(marker in f for f in frames):
                shares[name] += count
        if "_multiprocessing_pipe" in frames[-1] and frames[-1].endswith(from_bytes):
            shares["Doc.from_bytes own"] += count
        if "_apply_pipes" in frames[-1] and frames[-1].endswith(to_bytes):
            shares["Doc.to_bytes own"] += count
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("tokenizer", "mapper", "pipeline", "processes",
                                         "pipe2"))
    parser.add_argument("--input", choices=("seed", "pd"), default="seed")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=1000, help="processes: nlp.pipe's")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    if args.what == "processes":
        run_pyspy(args)
    elif args.what == "pipe2":  # the py-spy child
        workload("pipe2", corpus(args.input, args.quick), args.batch_size)()()
    else:
        run_cprofile(args.what, corpus(args.input, args.quick), args.top)


if __name__ == "__main__":
    main()
