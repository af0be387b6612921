"""Figures 7-9 of bench.py: the `convert` command on People's Daily, each run in its own
subprocess (time and peak RSS of the whole command), with the anchors run in the same
bench run on the same month: `spacy convert` of our CoNLL-U to a DocBin, and
`conllu.parse_incr` over that CoNLL-U (parse only, no Doc).

7. `convert --to conllu | jsonl | spacy` of the month, `--doc-per line` (the default,
   19,484 Docs) and `--doc-per article` (3,148): the whole command's wall time against
   `spacy convert`'s (median of the rounds), peak RSS; `--to conllu` against parse_incr;
7c. `convert --to spacy -n 2` (the process pool joining its workers' DocBins) against
   `-n 1`, `--doc-per line`, in the same rounds;
7b. convert's cost per Doc: files of one-word lines (`a/n`), 10k and 30k lines, the
   difference of their whole-command times over the 20k Docs between them;
8. peak RSS of `--to conllu` on the month x3 (one 32 MB file) over the month x1;
9. the tokenizer on the seed x200 in one Doc vs. bare `Doc(vocab, words, spaces)`; 9b the
   same on the month's lines, one text each;
10. the CoNLL-U of 7 read back (`convert --preset conllu --to spacy`, issue 17), a Doc per
   sentence (`--doc-per line`, the default, the Docs `spacy convert` makes) and a Doc per
   `# newdoc` (`article`): its wall time against `spacy convert` of the same file (both
   whole commands, interleaved in the rounds, target >= 5x; with `--before`, the older
   package too), and its peak RSS on that CoNLL-U x3 over x1 (flat in the size).

words/s: the summary's own figure (the words over the conversion, from the first file
opened to the last byte written: what the command reports) and, beside it, the words over
the wall time of the whole command (interpreter start and pipeline build included), which
is what the anchors' figures are. `--before PATH` runs the convert rows also with the
package from PATH (a checkout of an earlier commit), interleaved, in the same run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

#: Runs a command as the only child of this runner and prints its wall time and peak RSS
#: (RUSAGE_CHILDREN of a process with one child is that child's).
_RUNNER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"wall": wall, "rss_mb": rss, "code": out.returncode,
                  "stdout": out.stdout[-3000:], "stderr": out.stderr[-3000:]}))
"""

_PARSE_INCR = r"""
import sys, conllu
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for sentence in conllu.parse_incr(f):
        n += len(sentence)
print(n)
"""

_SUMMARY = re.compile(r"([\d,]+) words, ([\d,]+) whitespace tokens \(([\d,]+) words/s\)")


#: The checkout this file is in: its package is the one measured ("now").
ROOT = Path(__file__).resolve().parent.parent


def run_measured(cmd: List[str], env: Optional[Dict[str, str]] = None) -> Dict:
    """Wall time and peak RSS of `cmd`, run in a fresh interpreter, in a neutral folder (so
    that `python -m` does not import whatever package the current folder holds)."""
    out = subprocess.run([sys.executable, "-c", _RUNNER, *cmd], capture_output=True,
                         text=True, env=env, cwd=tempfile.gettempdir())
    result = json.loads(out.stdout)
    if result["code"]:
        raise RuntimeError(f"{' '.join(cmd)} failed: {result['stderr'][-1500:]}")
    return result


def best_of(rounds: int, cmd: List[str], env: Optional[Dict[str, str]] = None) -> Dict:
    """The fastest of `rounds` runs (the machine is shared), and the highest peak RSS."""
    runs = [run_measured(cmd, env) for _ in range(rounds)]
    best = min(runs, key=lambda r: r["wall"])
    return {**best, "rss_mb": max(r["rss_mb"] for r in runs), "walls": [r["wall"] for r in runs]}


def summary_words(stdout: str) -> Dict[str, int]:
    m = _SUMMARY.search(stdout.replace("\n", " "))
    if not m:
        raise RuntimeError(f"no summary in: {stdout[-500:]}")
    words, spaces, rate = (int(g.replace(",", "")) for g in m.groups())
    return {"words": words, "whitespace": spaces, "reported_words_per_s": rate}


def month_x3(month: Path, folder: Path) -> Path:
    """The month three times in one file, the copies' paragraph ids moved to February and
    March so that articles stay distinct (32 MB)."""
    data = month.read_bytes()
    parts = [data] + [re.sub(rb"(^|[\r\n])199801", lambda m, d=d: m.group(1) + d, data)
                      for d in (b"199802", b"199803")]
    path = folder / "199801x3.txt"
    path.write_bytes(b"".join(parts))
    return path


def convert_cmd(source: Path, out: Path, to: str, doc_per: str = "article") -> List[str]:
    return [sys.executable, "-m", "spacy_pretagged", "convert", str(source), str(out),
            "--preset", "pku", "--doc-per", doc_per, "--to", to]


#: The output formats measured, with the whole-command target against `spacy convert`
#: (its wall time over ours, at least) and a peak-RSS target (MB) where there is one.
FORMATS = (("conllu", 6.0, None), ("jsonl", 6.0, None), ("spacy", 5.0, 400))
#: Both ways of cutting the month into Docs: `line` is the default (19,484 Docs of ~57
#: words), `article` what the earlier tables measured (3,148 Docs of ~360).
DOC_PER = ("line", "article")
#: The one-word-lines files (`a/n` per line) whose difference gives convert's cost per Doc.
ONE_WORD_LINES = (10_000, 30_000)


def median(values: List[float]) -> float:
    return statistics.median(values)


def one_word_lines(folder: Path, lines: int) -> Path:
    path = folder / f"one-word-{lines}.txt"
    path.write_text("a/n\n" * lines, encoding="utf-8")
    return path


def conllu_cmd(source: Path, out: Path, doc_per: str = "article") -> List[str]:
    """A CoNLL-U file (ours, of 7) read back into a DocBin: one Doc per sentence (`line`,
    the default; what `spacy convert` makes, `--n-sents 1`) or per `# newdoc` (`article`)."""
    return [sys.executable, "-m", "spacy_pretagged", "convert", str(source), str(out),
            "--preset", "conllu", "--doc-per", doc_per, "--to", "spacy"]


def figures(corpora: Path, rounds: int, before: Optional[Path], quick: bool,
            tokenizer_ratio) -> List[Dict]:
    """The rows, as dicts bench.py turns into `Row`s. Every command runs `rounds` times,
    the rounds interleaving all trees, formats, `--doc-per` modes and the `spacy convert`
    anchor, so that a loaded moment of the machine hits all of them; the ratios use the
    median wall times."""
    month = corpora / "pku_peoples_daily_1998" / "199801.txt"
    tmp = Path(tempfile.mkdtemp(prefix="bench-convert-"))
    trees = {"now": None}
    if before is not None:
        trees["before"] = before
    envs = {}
    for name, tree in trees.items():
        env = dict(os.environ)
        env["PYTHONPATH"] = str(Path(tree).resolve() if tree is not None else ROOT)
        envs[name] = env
    try:
        source = month
        if quick:
            source = tmp / "first-2000-lines.txt"
            with month.open("rb") as f:
                source.write_bytes(b"".join(line for _, line in zip(range(2000), f)))
        small = [one_word_lines(tmp, n // (10 if quick else 1)) for n in ONE_WORD_LINES]
        # The anchors' input: our CoNLL-U of the month (made once, off the clock).
        anchors_in = tmp / "anchor.conllu"
        run_measured(convert_cmd(source, anchors_in, "conllu"), envs["now"])
        spacy_out = tmp / "spacy-convert"
        spacy_out.mkdir()
        anchor_cmd = [sys.executable, "-m", "spacy", "convert", str(anchors_in), str(spacy_out),
                      "--converter", "conllu"]
        runs: Dict = {}
        # The trees that have a CoNLL-U reader (issue 17): figure 10 runs with those only.
        reads_conllu = [name for name, tree in trees.items()
                        if (Path(tree or ROOT) / "spacy_pretagged/formats/conllu.py").exists()]

        def run(key, cmd, env):
            runs.setdefault(key, []).append(run_measured(cmd, env))

        for _ in range(rounds):
            run("anchor", anchor_cmd, envs["now"])
            for name in trees:
                for doc_per in ("line", "article") if name in reads_conllu else ():
                    run((name, "read_back", doc_per), conllu_cmd(
                        anchors_in, tmp / f"{name}-read-back.spacy", doc_per), envs[name])
                for doc_per in DOC_PER:
                    for to, _, _ in FORMATS:
                        run((name, doc_per, to), convert_cmd(
                            source, tmp / f"{name}-{doc_per}.{to}", to, doc_per), envs[name])
                if name == "now":  # the pool (`-n`) for .spacy is this work's (issue 18)
                    run((name, "n2", "spacy"), convert_cmd(
                        source, tmp / f"{name}-n2.spacy", "spacy", "line") + ["-n", "2"],
                        envs[name])
                for path in small:
                    run((name, "one-word", path.name), convert_cmd(
                        path, tmp / f"{name}-{path.name}.conllu", "conllu", "line"),
                        envs[name])
        parse = best_of(rounds, [sys.executable, "-c", _PARSE_INCR, str(anchors_in)])
        conllu_x3 = tmp / "anchor-x3.conllu"
        with conllu_x3.open("wb") as f:
            for _ in range(3):
                f.write(anchors_in.read_bytes())
        read_back_x3 = best_of(1, conllu_cmd(conllu_x3, tmp / "read-back-x3.spacy"),
                               envs["now"])
        parsed_tokens = int(parse["stdout"].strip())
        x3 = month_x3(source, tmp)
        big = {name: best_of(1, convert_cmd(x3, tmp / f"{name}-x3.conllu", "conllu"),
                             envs[name]) for name in trees}

        def wall(key) -> float:
            return median([r["wall"] for r in runs[key]])

        def rss(key) -> float:
            return max(r["rss_mb"] for r in runs[key])

        anchor_wall = wall("anchor")
        rows: List[Dict] = []
        n = None
        for doc_per in DOC_PER:
            for to, target, target_rss in FORMATS:
                key = ("now", doc_per, to)
                words = summary_words(runs[key][-1]["stdout"])
                n = n or words["words"]
                assert words["words"] == n == parsed_tokens, (words, n, parsed_tokens)
                ours = wall(key)
                ratio = anchor_wall / ours
                walls = ", ".join(f"{r['wall']:.1f}" for r in runs[key])
                rows.append({
                    "figure": f"7 convert --to {to}, --doc-per {doc_per}",
                    "input": source.name, "ours": f"{n / ours:,.0f} words/s",
                    "baseline": f"spacy convert {n / anchor_wall:,.0f} words/s",
                    "ratio": ratio, "target": f">= {target:g}x", "met": ratio >= target,
                    "note": f"whole command, median of {walls} s; peak {rss(key):.0f} MB; "
                            f"the summary's own rate {words['reported_words_per_s']:,} "
                            "words/s (the conversion alone)",
                    "data": {"walls": [r["wall"] for r in runs[key]], "median": ours,
                             "rss_mb": rss(key), **words}})
                if target_rss:
                    rows.append({"figure": f"7 --to {to} RSS, --doc-per {doc_per}",
                                 "input": source.name, "ours": f"{rss(key):.0f} MB",
                                 "baseline": "-", "ratio": None,
                                 "target": f"<= {target_rss} MB",
                                 "met": rss(key) <= target_rss, "note": "",
                                 "data": {"rss_mb": rss(key)}})
                if "before" in trees:
                    old = ("before", doc_per, to)
                    rows.append({"figure": f"7 --to {to}, --doc-per {doc_per}: now / before",
                                 "input": source.name,
                                 "ours": f"{ours:.2f} s, {rss(key):.0f} MB",
                                 "baseline": f"{wall(old):.2f} s, {rss(old):.0f} MB",
                                 "ratio": wall(old) / ours, "target": "-", "met": None,
                                 "note": f"before: {before}; medians",
                                 "data": {"before": [r["wall"] for r in runs[old]],
                                          "now": [r["wall"] for r in runs[key]]}})
        conllu_wall = wall(("now", "article", "conllu"))
        rows.append({"figure": "7 --to conllu vs parse_incr", "input": source.name,
                     "ours": f"{n / conllu_wall:,.0f} words/s",
                     "baseline": f"{n / parse['wall']:,.0f} words/s",
                     "ratio": parse["wall"] / conllu_wall, "target": "-", "met": None,
                     "note": "--doc-per article", "data": {}})
        anchor_walls = ", ".join(f"{r['wall']:.1f}" for r in runs["anchor"])
        rows.append({"figure": "7 anchor: spacy convert", "input": "the CoNLL-U of 7",
                     "ours": f"{n / anchor_wall:,.0f} words/s", "baseline": "-",
                     "ratio": None, "target": "-", "met": None,
                     "note": f"median of {anchor_walls} s, peak {rss('anchor'):.0f} MB "
                             "(CoNLL-U -> DocBin, --converter conllu)",
                     "data": {"walls": [r["wall"] for r in runs["anchor"]],
                              "rss_mb": rss("anchor")}})
        rows.append({"figure": "7 anchor: conllu.parse_incr", "input": "the CoNLL-U of 7",
                     "ours": f"{n / parse['wall']:,.0f} words/s", "baseline": "-",
                     "ratio": None, "target": "-", "met": None,
                     "note": f"wall {parse['wall']:.1f} s (parse only, no Doc)",
                     "data": {"wall": parse["wall"]}})
        few, many = small
        extra = int(many.stem.rsplit("-", 1)[1]) - int(few.stem.rsplit("-", 1)[1])
        per_doc = {name: (wall((name, "one-word", many.name)) -
                          wall((name, "one-word", few.name))) / extra for name in trees}
        one_process, two = wall(("now", "line", "spacy")), wall(("now", "n2", "spacy"))
        rows.append({"figure": "7c --to spacy -n 2 / -n 1, --doc-per line", "input":
                     source.name, "ours": f"{n / two:,.0f} words/s",
                     "baseline": f"-n 1 {n / one_process:,.0f} words/s",
                     "ratio": one_process / two, "target": ">= 1.6x",
                     "met": one_process / two >= 1.6,
                     "note": f"whole commands, medians: -n 2 {two:.1f} s (peak "
                             f"{rss(('now', 'n2', 'spacy')):.0f} MB), -n 1 "
                             f"{one_process:.1f} s; spacy convert / -n 2 "
                             f"{anchor_wall / two:.1f}x",
                     "data": {"wall": two, "one_process_wall": one_process}})
        rows.append({"figure": "7b convert cost per Doc, one-word lines", "input":
                     f"{few.name}, {many.name}", "ours": f"{per_doc['now'] * 1e3:.3f} ms",
                     "baseline": (f"before {per_doc['before'] * 1e3:.3f} ms"
                                  if "before" in per_doc else "-"),
                     "ratio": (per_doc["before"] / per_doc["now"]
                               if "before" in per_doc else None),
                     "target": "<= 0.1 ms", "met": per_doc["now"] <= 1e-4,
                     "note": f"(median wall of {many.name} - of {few.name}) / {extra:,} "
                             "Docs: convert --to conllu --doc-per line, `a/n` per line",
                     "data": {"per_doc_s": per_doc, "walls": {
                         f"{name} {path.name}": [r["wall"] for r in runs[(name, "one-word",
                                                                          path.name)]]
                         for name in trees for path in small}}})
        one = rss(("now", "article", "conllu"))
        for name, r in big.items():
            base = rss((name, "article", "conllu"))
            label = "" if name == "now" else f" ({name})"
            rows.append({"figure": f"8 --to conllu RSS, x3 vs x1{label}", "input": x3.name,
                         "ours": f"{r['rss_mb']:.0f} MB", "baseline": f"{base:.0f} MB",
                         "ratio": r["rss_mb"] / base,
                         "target": "<= x1 + 50 MB" if name == "now" else "-",
                         "met": r["rss_mb"] <= one + 50 if name == "now" else None,
                         "note": f"wall {r['wall']:.1f} s", "data": {"rss_mb": r["rss_mb"],
                                                                     "x1_rss_mb": base}})
        ratio, data = tokenizer_ratio()
        rows.append({"figure": "9 tokenizer / floor, one Doc",
                     "input": f"seed x{data['copies']} in one Doc",
                     "ours": f"{data['tokens'] / data['ours']:,.0f} tok/s",
                     "baseline": f"{data['tokens'] / data['floor']:,.0f} tok/s",
                     "ratio": ratio, "target": "<= 2.5x", "met": ratio <= 2.5,
                     "note": f"one text of {data['copies']} copies of the seed, tokenized at "
                             "once; median of the rounds", "data": data})
        if "pd_ours" in data:
            ratio = data["pd_ours"] / data["pd_floor"]
            rows.append({"figure": "9b tokenizer / floor, line by line",
                         "input": f"PD 199801, {data['pd_texts']:,} lines",
                         "ours": f"{data['pd_tokens'] / data['pd_ours']:,.0f} tok/s",
                         "baseline": f"{data['pd_tokens'] / data['pd_floor']:,.0f} tok/s",
                         "ratio": ratio, "target": "-", "met": None,
                         "note": "each line a text (the per-Doc costs); median of the rounds",
                         "data": {}})
        for name in reads_conllu:
            label = "" if name == "now" else f" ({name})"
            for doc_per in ("line", "article"):
                back_wall = wall((name, "read_back", doc_per))
                docs = "a Doc a sentence, as spacy convert's" if doc_per == "line" else \
                    "a Doc a # newdoc"
                rows.append({
                    "figure": f"10 CoNLL-U -> spacy / spacy convert, {doc_per}{label}",
                    "input": "the CoNLL-U of 7", "ours": f"{n / back_wall:,.0f} words/s",
                    "baseline": f"spacy convert {n / anchor_wall:,.0f} words/s",
                    "ratio": anchor_wall / back_wall, "target": ">= 5x",
                    "met": anchor_wall / back_wall >= 5,
                    "note": f"convert --preset conllu --doc-per {doc_per} --to spacy ({docs}), "
                            f"median wall {back_wall:.1f} s, peak "
                            f"{rss((name, 'read_back', doc_per)):.0f} MB",
                    "data": {"wall": back_wall, "rss_mb": rss((name, "read_back", doc_per)),
                             "spacy_convert_wall": anchor_wall}})
        rows.append({"figure": "10 CoNLL-U -> spacy RSS, x3 vs x1", "input":
                     "the CoNLL-U of 7, x3", "ours": f"{read_back_x3['rss_mb']:.0f} MB",
                     "baseline": f"{rss(('now', 'read_back', 'article')):.0f} MB",
                     "ratio": read_back_x3["rss_mb"] / rss(("now", "read_back", "article")),
                     "target": "<= x1 + 50 MB",
                     "met": read_back_x3["rss_mb"] <= rss(("now", "read_back", "article")) + 50,
                     "note": f"wall {read_back_x3['wall']:.1f} s",
                     "data": {"rss_mb": read_back_x3["rss_mb"]}})
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
