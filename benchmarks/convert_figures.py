"""Figures 7-9 of bench.py: the `convert` command on People's Daily, each run in its own
subprocess (time and peak RSS of the whole command), with the anchors run in the same
bench run on the same month: `spacy convert` of our CoNLL-U to a DocBin, and
`conllu.parse_incr` over that CoNLL-U (parse only, no Doc).

7. `convert --to conllu` and `--to spacy` of the month: words/s, peak RSS; ratios to the
   anchors (spacy convert words/s, parse_incr words/s);
8. peak RSS of `--to conllu` on the month x3 (one 32 MB file) over the month x1;
10. the CoNLL-U of 7 read back (`convert --preset conllu --to spacy`, issue 17): words/s
   over `spacy convert` of the same file (both whole commands, target >= 5x), and its peak
   RSS on that CoNLL-U x3 over x1 (streaming: flat in the file's size);
9. the tokenizer on the seed x200 in one Doc vs. bare `Doc(vocab, words, spaces)`.

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


def convert_cmd(source: Path, out: Path, to: str) -> List[str]:
    return [sys.executable, "-m", "spacy_pretagged", "convert", str(source), str(out),
            "--preset", "pku", "--doc-per", "article", "--to", to]


def conllu_cmd(source: Path, out: Path) -> List[str]:
    """A CoNLL-U file (ours, of 7) read back into a DocBin: one Doc per `# newdoc`."""
    return [sys.executable, "-m", "spacy_pretagged", "convert", str(source), str(out),
            "--preset", "conllu", "--doc-per", "article", "--to", "spacy"]


def figures(corpora: Path, rounds: int, before: Optional[Path], quick: bool,
            tokenizer_ratio) -> List[Dict]:
    """The rows, as dicts bench.py turns into `Row`s."""
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
        rows: List[Dict] = []
        results: Dict = {}
        # Interleaved: each round runs every tree and format once.
        for _ in range(rounds):
            for name in trees:
                for to, ext in (("conllu", "conllu"), ("spacy", "spacy")):
                    r = run_measured(convert_cmd(source, tmp / f"{name}.{ext}", to), envs[name])
                    key = (name, to)
                    if key not in results or r["wall"] < results[key]["wall"]:
                        results[key] = {**r, "rss_max": max(r["rss_mb"],
                                                            results.get(key, r)["rss_mb"])}
        anchors_in = tmp / "now.conllu"
        spacy_out = tmp / "spacy-convert"
        spacy_out.mkdir()
        anchor_spacy = best_of(max(1, rounds - 1), [sys.executable, "-m", "spacy", "convert",
                                                    str(anchors_in), str(spacy_out),
                                                    "--converter", "conllu"], envs["now"])
        parse = best_of(rounds, [sys.executable, "-c", _PARSE_INCR, str(anchors_in)])
        read_back = best_of(rounds, conllu_cmd(anchors_in, tmp / "read-back.spacy"),
                            envs["now"])
        conllu_x3 = tmp / "now-x3-in.conllu"
        with conllu_x3.open("wb") as f:
            for _ in range(3):
                f.write(anchors_in.read_bytes())
        read_back_x3 = best_of(1, conllu_cmd(conllu_x3, tmp / "read-back-x3.spacy"),
                               envs["now"])
        parsed_tokens = int(parse["stdout"].strip())
        x3 = month_x3(source, tmp)
        big = {name: best_of(1, convert_cmd(x3, tmp / f"{name}-x3.conllu", "conllu"),
                             envs[name]) for name in trees}

        now = {to: results[("now", to)] for to in ("conllu", "spacy")}
        words = {to: summary_words(now[to]["stdout"]) for to in now}
        n = words["conllu"]["words"]
        assert words["spacy"]["words"] == n == parsed_tokens, (words, parsed_tokens)
        spacy_rate = n / anchor_spacy["wall"]
        parse_rate = n / parse["wall"]
        for to, target_rate, target_rss in (("conllu", 200_000, None), ("spacy", 120_000, 400)):
            r = now[to]
            reported = words[to]["reported_words_per_s"]
            wall_rate = n / r["wall"]
            note = (f"{n:,} words + {words[to]['whitespace']:,} whitespace tokens; the whole "
                    f"command {r['wall']:.1f} s = {wall_rate:,.0f} words/s (the ratio: to "
                    f"spacy convert, both whole commands); best of {rounds}")
            rows.append({"figure": f"7 convert --to {to}", "input": source.name,
                         "ours": f"{reported:,} words/s", "baseline":
                         f"{spacy_rate:,.0f} words/s", "ratio": wall_rate / spacy_rate,
                         "target": f">= {target_rate // 1000}k words/s",
                         "met": reported >= target_rate,
                         "note": note,
                         "data": {"wall": r["wall"], "rss_mb": r["rss_max"],
                                  "reported_words_per_s": reported, **words[to]}})
            rows.append({"figure": f"7 convert --to {to} RSS", "input": source.name,
                         "ours": f"{r['rss_max']:.0f} MB", "baseline": "-", "ratio": None,
                         "target": f"<= {target_rss} MB" if target_rss else "-",
                         "met": r["rss_max"] <= target_rss if target_rss else None,
                         "note": "", "data": {"rss_mb": r["rss_max"]}})
            rows.append({"figure": f"7 --to {to} vs parse_incr", "input": source.name,
                         "ours": f"{wall_rate:,.0f} words/s", "baseline":
                         f"{parse_rate:,.0f} words/s", "ratio": wall_rate / parse_rate,
                         "target": "-", "met": None, "note": "", "data": {}})
            if "before" in trees:
                b = results[("before", to)]
                rows.append({"figure": f"7 --to {to}: now / before", "input": source.name,
                             "ours": f"{r['wall']:.2f} s, {r['rss_max']:.0f} MB",
                             "baseline": f"{b['wall']:.2f} s, {b['rss_max']:.0f} MB",
                             "ratio": b["wall"] / r["wall"], "target": "-", "met": None,
                             "note": f"before: {before}", "data": {"before": b["wall"],
                                                                   "now": r["wall"]}})
        rows.append({"figure": "7 anchor: spacy convert", "input": "the CoNLL-U of 7",
                     "ours": f"{spacy_rate:,.0f} words/s", "baseline": "-", "ratio": None,
                     "target": "-", "met": None,
                     "note": f"wall {anchor_spacy['wall']:.1f} s, peak "
                             f"{anchor_spacy['rss_mb']:.0f} MB (CoNLL-U -> DocBin, "
                             "--converter conllu)",
                     "data": {"wall": anchor_spacy["wall"], "rss_mb": anchor_spacy["rss_mb"]}})
        rows.append({"figure": "7 anchor: conllu.parse_incr", "input": "the CoNLL-U of 7",
                     "ours": f"{parse_rate:,.0f} words/s", "baseline": "-", "ratio": None,
                     "target": "-", "met": None,
                     "note": f"wall {parse['wall']:.1f} s (parse only, no Doc)",
                     "data": {"wall": parse["wall"]}})
        back_rate = n / read_back["wall"]
        rows.append({"figure": "10 CoNLL-U -> spacy / spacy convert", "input":
                     "the CoNLL-U of 7", "ours": f"{back_rate:,.0f} words/s",
                     "baseline": f"{spacy_rate:,.0f} words/s", "ratio": back_rate / spacy_rate,
                     "target": ">= 5x", "met": back_rate >= 5 * spacy_rate,
                     "note": f"convert --preset conllu --doc-per article --to spacy, wall "
                             f"{read_back['wall']:.1f} s, peak {read_back['rss_mb']:.0f} MB; "
                             f"best of {rounds}",
                     "data": {"wall": read_back["wall"], "rss_mb": read_back["rss_mb"],
                              "spacy_convert_wall": anchor_spacy["wall"]}})
        rows.append({"figure": "10 CoNLL-U -> spacy RSS, x3 vs x1", "input":
                     "the CoNLL-U of 7, x3", "ours": f"{read_back_x3['rss_mb']:.0f} MB",
                     "baseline": f"{read_back['rss_mb']:.0f} MB",
                     "ratio": read_back_x3["rss_mb"] / read_back["rss_mb"],
                     "target": "<= x1 + 50 MB",
                     "met": read_back_x3["rss_mb"] <= read_back["rss_mb"] + 50,
                     "note": f"wall {read_back_x3['wall']:.1f} s",
                     "data": {"rss_mb": read_back_x3["rss_mb"]}})
        one = now["conllu"]["rss_max"]
        for name, r in big.items():
            base = results[(name, "conllu")]["rss_max"]
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
                             "once", "data": data})
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
