"""Performance figures of spacy-pretagged, each a ratio measured in one process, in one run.

    python benchmarks/bench.py [--quick] [--json OUT] [--pd-unit article|line]

Why ratios: absolute tokens/s depend on the machine and on its load at the moment; a ratio of
two things timed in the same process, interleaved, on the same input, mostly does not. Each
figure compares our code with the thing a user would otherwise have (README.md here):

1. tokenizer vs. the floor: `nlp.tokenizer(text)` vs. bare `Doc(vocab, words, spaces)` of the
   same tokens, already split (nothing spaCy-native can build these Docs faster);
2. `pretagged_tag_mapper` vs. spaCy's `attribute_ruler` doing the same job;
3. the whole pipeline vs. `jieba.posseg` on the raw text of the same tokens;
4. RSS growth while `nlp.pipe` streams a corpus (must stay flat);
5. `nlp.pipe(n_process=2)` vs. 1, and the ceiling Doc serialization puts on it;
6. People's Daily month through tokenizer + mapper, tokens/s;
7-9. the `convert` command on the month (words/s, peak RSS, each run in its own
   subprocess) beside the anchors `spacy convert` and `conllu.parse_incr` on the same
   month, the month x3's peak RSS, the tokenizer on the seed x200 in one Doc
   (convert_figures.py).

Not a test: timings belong in a benchmark that reports, never in a unit test that fails.
The People's Daily month is used when `SPACY_PRETAGGED_CORPORA` points at the corpora folder.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional

import numpy
import spacy
from spacy.attrs import MORPH, POS
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_config, load_model_from_config
from wasabi import msg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert_figures  # noqa: E402
from ruler import tag_map_ruler  # noqa: E402

from spacy_pretagged.formats import Reading  # noqa: E402
from spacy_pretagged.tokenizer import doc_from_lists  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a2cd9d74a44ebc07.txt"
PD_FILE = Path("pku_peoples_daily_1998") / "199801.txt"
#: First 15 characters of a PKU paragraph id (`19980101-01-001-002/m`): the article.
_ARTICLE = re.compile(r"\d{8}-\d{2}-\d{3}")

TARGETS = {
    "tokenizer": 3.0,     # ours / floor time, at most (aim 2)
    "mapper": 30.0,       # ruler / mapper time, at least
    "memory_mb": 100.0,   # RSS growth while streaming, below
    "processes": 1.6,     # n_process=1 / n_process=2 time, at least
    "pd_tok_s": 1e6,      # People's Daily tokenizer + mapper, tokens/s, at least
}

#: What each figure's ratio is, printed under the table.
LEGEND = {
    "1": "tokenizer time / bare Doc(vocab, words, spaces) time, same tokens (lower is better)",
    "1b": "tokenizer time / Doc(words, spaces, tags, sent_starts) time (the one-call way)",
    "1c": "tokenizer time / Doc(words, spaces) + from_array([TAG, SENT_START]) time",
    "2": "attribute_ruler time / mapper time, copies of the same Docs (a subset: ruler is slow); "
         "'+ upos_source': the mapper also records what decided each POS",
    "3": "jieba.posseg time / whole pipeline time on the same raw text (a subset: jieba is slow)",
    "4": "peak RSS over RSS after loading, while nlp.pipe streams the corpus from disk twice",
    "5": "n_process=1 time / n_process=2 time, texts as strings (tokenizer in the workers)",
    "5b": "best n_process=2 can do here given the measured Doc.to_bytes/from_bytes costs",
    "6": "tokenizer + mapper, one process",
    "7": "convert of the month, whole command in a subprocess, --doc-per line and article: "
         "words/s over the median wall time; ratio = spacy convert's wall / ours",
    "7b": "convert's cost per Doc: one-word lines, (wall of 30k lines - of 10k) / 20k",
    "8": "peak RSS of convert --to conllu of the month x3 over the month x1",
    "9": "tokenizer time / Doc(vocab, words, spaces) time, the seed x200 as one text",
    "9b": "the same, People's Daily one line per text",
}


@dataclass
class Sizes:
    """How much input each figure gets: full figures for the README, quick for a smoke run."""

    seed_tokens: int      # the seed's body line is repeated until at least this many tokens
    pd_lines: Optional[int]  # People's Daily lines read (None: the whole month)
    jieba_tokens: int     # jieba.posseg gets a subset (it runs ~10k tokens/s)
    ruler_tokens: int     # so does the attribute_ruler (~20-80k tokens/s)
    memory_docs: int      # RSS is sampled every this many docs
    rounds: int           # best of this many interleaved rounds
    process_rounds: int   # the same for n_process, whose runs are long


FULL = Sizes(seed_tokens=1_000_000, pd_lines=None, jieba_tokens=50_000, ruler_tokens=200_000,
             memory_docs=100, rounds=3, process_rounds=2)
QUICK = Sizes(seed_tokens=30_000, pd_lines=1_000, jieba_tokens=5_000, ruler_tokens=10_000,
              memory_docs=20, rounds=2, process_rounds=1)


@dataclass
class Corpus:
    """One input: its texts and the pipeline made for its format."""

    name: str
    nlp: Language
    texts: List[str]
    stream: Callable[[], Iterator[str]]  # the same texts, lazily from disk (memory figure)


@dataclass
class Row:
    figure: str
    input: str
    ours: str
    baseline: str
    ratio: Optional[float]
    target: str
    met: Optional[bool]
    note: str = ""
    data: Dict = field(default_factory=dict)


# ---------------------------------------------------------------- inputs


def load_pipeline(name: str, **tokenizer) -> Language:
    """The shipped `configs/<name>.cfg`, as the tests build it (tests/helpers.py)."""
    config = load_config(ROOT / "configs" / f"{name}.cfg")
    config["nlp"]["tokenizer"].update(tokenizer)
    nlp = load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    return nlp


def seed_corpus(min_tokens: int) -> Corpus:
    """The seed's body line (its second line; the first is the title) repeated to at least
    `min_tokens` tokens, one text per repetition: 7 kB texts, far below `nlp.max_length`."""
    nlp = load_pipeline("hanlp")
    with SEED.open(encoding="utf-8", newline="") as f:
        body = f.read().split("\n")[1]
    count = -(-min_tokens // len(nlp.tokenizer(body)))
    return Corpus(f"seed x{count}", nlp, [body] * count, lambda: (body for _ in range(count)))


def pd_corpus(corpora: Path, unit: str, max_lines: Optional[int]) -> Corpus:
    """People's Daily, January 1998, with the pku1998 config. `on_error="warn"`: the month
    has two tags of its own that no table lists (面试/vvn, 镇国寺/na); strict mode stops."""
    path = corpora / PD_FILE
    nlp = load_pipeline("pku1998", on_error="warn")

    def stream() -> Iterator[str]:
        lines = islice(_pd_lines(path), max_lines)
        return _articles(lines) if unit == "article" else lines

    part = "" if max_lines is None else f" {max_lines} lines"
    return Corpus(f"PD 199801{part} /{unit}", nlp, list(stream()), stream)


def _pd_lines(path: Path) -> Iterator[str]:
    """Non-blank lines without their line break (`newline=""`: the file mixes CRLF and CR)."""
    with path.open(encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.strip():
                yield line


def _articles(lines: Iterable[str]) -> Iterator[str]:
    """Consecutive lines of one article (same id prefix) joined by `\\n`, as `--doc-per
    article` does; a line without an id stays in the current article."""
    key, group = None, []
    for line in lines:
        m = _ARTICLE.match(line)
        if m and m.group() != key and group:
            yield "\n".join(group)
            group = []
        if m:
            key = m.group()
        group.append(line)
    if group:
        yield "\n".join(group)


# ---------------------------------------------------------------- measuring


def interleaved(runs: Dict[str, Callable[[], object]], rounds: int) -> Dict[str, float]:
    """Best wall time of each run over `rounds` rounds, the runs alternating within a round
    so that a slow moment of the machine hits all of them, not just one. The cyclic GC is
    collected before each run so that one run does not pay for another's garbage."""
    best = {name: float("inf") for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def consume(docs: Iterable[Doc]) -> int:
    """Tokens in a stream of Docs, keeping none of them (as a converter would)."""
    return sum(len(doc) for doc in docs)


def cpu_seconds() -> Dict[str, float]:
    """CPU time of this process and of its finished children (the n_process workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"parent": own.ru_utime + own.ru_stime, "workers": kids.ru_utime + kids.ru_stime}


def rss_mb(field_name: str = "VmRSS") -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so the peak is that of the stream,
    not of whatever ran before it in this process."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def rate(tokens: int, seconds: float) -> str:
    return f"{tokens / seconds:,.0f} tok/s"


# ---------------------------------------------------------------- figures


def fig_tokenizer(c: Corpus, rounds: int) -> List[Row]:
    """Our tokenizer vs. `Doc(vocab, words, spaces)` of its own tokens, and two more floors
    that carry what the tokenizer also sets (tags, sentence starts): `Doc(..., tags,
    sent_starts)` in one call, and `Doc(words, spaces)` + `from_array([TAG,
    SENT_START])`, the tokenizer's own `doc_from_lists`: the same Doc, built the way the
    tokenizer builds it. The gaps between floors are spaCy's; above them, the reader's."""
    tokenizer, vocab = c.nlp.tokenizer, c.nlp.vocab
    docs = [tokenizer(text) for text in c.texts]
    tokens = sum(map(len, docs))
    plain = [([t.text for t in d], [bool(t.whitespace_) for t in d]) for d in docs]
    tagged = [(w, s, [t.tag_ for t in d], [t.is_sent_start for t in d])
              for (w, s), d in zip(plain, docs)]
    assert all(Doc(vocab, words=w, spaces=s).text == d.text for (w, s), d in zip(plain, docs))
    del docs
    readings = [Reading(words=w, spaces=s, tags=tags, sent_starts=starts)
                for w, s, tags, starts in tagged]

    def ours():
        for text in c.texts:
            tokenizer(text)

    def floor():
        for words, spaces in plain:
            Doc(vocab, words=words, spaces=spaces)

    def floor_tagged():
        for words, spaces, tags, starts in tagged:
            Doc(vocab, words=words, spaces=spaces, tags=tags, sent_starts=starts)

    def floor_from_array():  # the tokenizer's own Doc building, on lists already split
        for reading in readings:
            doc_from_lists(vocab, reading)

    t = interleaved({"ours": ours, "floor": floor, "floor_tagged": floor_tagged,
                     "floor_from_array": floor_from_array}, rounds)
    ratio = t["ours"] / t["floor"]
    data = {"tokens": tokens, "texts": len(c.texts), "seconds": t}
    return [
        Row("1 tokenizer / floor", c.name, rate(tokens, t["ours"]), rate(tokens, t["floor"]),
            ratio, f"<= {TARGETS['tokenizer']:g}x", ratio <= TARGETS["tokenizer"],
            f"the floors themselves: Doc(+tags) {t['floor_tagged'] / t['floor']:.2f}x, "
            f"Doc+from_array {t['floor_from_array'] / t['floor']:.2f}x the bare Doc", data),
        Row("1b tokenizer / Doc(+tags)", c.name, rate(tokens, t["ours"]),
            rate(tokens, t["floor_tagged"]), t["ours"] / t["floor_tagged"], "-", None),
        Row("1c tokenizer / Doc+from_array", c.name, rate(tokens, t["ours"]),
            rate(tokens, t["floor_from_array"]), t["ours"] / t["floor_from_array"], "-",
            None),
    ]


def check_same_annotation(mapper, ruler, templates: List[Doc]) -> Dict[str, int]:
    """Both components on fresh copies: POS must agree on every token, MORPH wherever the
    ruler can express it (compared as strings: two hashes may name the same empty analysis).
    Raises on any difference: a speed ratio between two different results means nothing."""
    tokens = pos_diff = morph_diff = 0
    for template in templates:
        a, b = mapper(template.copy()), ruler(template.copy())
        tokens += len(a)
        pos_diff += int((a.to_array([POS]) != b.to_array([POS])).sum())
        ma, mb = a.to_array([MORPH]), b.to_array([MORPH])
        for i in numpy.flatnonzero(ma != mb).tolist():
            morph_diff += str(a[i].morph) != str(b[i].morph)
    if pos_diff or morph_diff:
        raise AssertionError(f"mapper and attribute_ruler disagree: {pos_diff} POS, "
                             f"{morph_diff} MORPH of {tokens} tokens")
    return {"tokens_checked": tokens}


def time_component(component, templates: List[Doc], rounds: int) -> float:
    """Best time of `component` over fresh copies of `templates` (copied off the clock)."""
    best = float("inf")
    for _ in range(rounds):
        docs = [d.copy() for d in templates]
        gc.collect()
        start = time.perf_counter()
        for doc in docs:
            component(doc)
        best = min(best, time.perf_counter() - start)
    return best


def fig_mapper(c: Corpus, max_tokens: int, rounds: int) -> List[Row]:
    """Mapper vs. attribute_ruler on the same tagged Docs (the first texts up to
    `max_tokens`: the ruler is slow). Three times: the tag map alone (`load_from_tag_map`
    vs. the mapper with `word_rules = false` and `upos_source = false`), the same with
    `upos_source` on (the cost of provenance: the two mapper rows are timed in the same
    rounds), and the mapper as the config has it (word rules and `upos_source` on) vs. a
    ruler that also carries the word rules as Matcher patterns."""
    configured = c.nlp.get_pipe("pretagged_tag_mapper")

    def variant(**changes):
        return c.nlp.create_pipe("pretagged_tag_mapper", config={
            "tagset": configured.tagset, "overrides": configured.cfg["overrides"],
            "conventions": configured.cfg["conventions"], **changes})

    table_only = variant(word_rules=False, upos_source=False)
    table_sourced = variant(word_rules=False, upos_source=True)
    rules = configured.active_rules if configured.cfg.get("word_rules") else ()
    templates, tokens = [], 0
    for text in c.texts:
        if tokens >= max_tokens:
            break
        templates.append(c.nlp.tokenizer(text))
        tokens += len(templates[-1])
    variants = (("tag map", table_only, ()),
                ("tag map + upos_source", table_sourced, ()),
                (f"+{len(rules)} rules + upos_source", configured, rules))
    rulers = [tag_map_ruler(c.nlp, mapper.tag_map, word_rules)
              for _, mapper, word_rules in variants]
    checked = [check_same_annotation(mapper, ruler, templates)
               for (_, mapper, _), ruler in zip(variants, rulers)]
    mapper_t = [float("inf")] * len(variants)
    ruler_t = [float("inf")] * len(variants)
    for _ in range(rounds):  # all six interleaved, one round at a time
        for k, ((_, mapper, _), ruler) in enumerate(zip(variants, rulers)):
            mapper_t[k] = min(mapper_t[k], time_component(mapper, templates, 1))
            ruler_t[k] = min(ruler_t[k], time_component(ruler, templates, 1))
    rows = []
    for k, (label, _, _) in enumerate(variants):
        ratio = ruler_t[k] / mapper_t[k]
        note = f"{len(templates)} docs, {tokens:,} tokens, equal POS and MORPH"
        if k == 1:
            note += (f"; upos_source costs {mapper_t[1] / mapper_t[0]:.2f}x the mapper's "
                     f"time on the tag map alone (same rounds)")
        rows.append(Row(f"2 mapper vs ruler, {label}", c.name, rate(tokens, mapper_t[k]),
                        rate(tokens, ruler_t[k]), ratio, f">= {TARGETS['mapper']:g}x",
                        ratio >= TARGETS["mapper"], note,
                        {"tokens": tokens, "seconds": {"mapper": mapper_t[k],
                                                       "ruler": ruler_t[k]},
                         **checked[k]}))
    return rows


def fig_jieba(c: Corpus, max_tokens: int, rounds: int) -> List[Row]:
    """The whole pipeline (tokenizer, mapper, entities, sentencizer) vs. `jieba.posseg.cut`
    on the raw text of the same tokens: what a user without tagged text would run. Both on
    the same subset (jieba runs ~10k tokens/s), so the ratio is of times on the same text."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    list(jieba.posseg.cut("加载词典"))  # the dictionary loads on first use, not on the clock
    subset, tokens = [], 0
    for text in c.texts:
        if tokens >= max_tokens:
            break
        subset.append(text)
        tokens += len(c.nlp.tokenizer(text))
    raw = [c.nlp.tokenizer(text).text for text in subset]
    counts = {}

    def ours():
        counts["ours"] = consume(c.nlp.pipe(subset))

    def jieba_run():
        counts["jieba"] = sum(1 for text in raw for _ in jieba.posseg.cut(text))

    t = interleaved({"ours": ours, "jieba": jieba_run}, rounds)
    chars = sum(map(len, raw))
    return [Row("3 pipeline vs jieba.posseg", c.name, rate(counts["ours"], t["ours"]),
                rate(counts["jieba"], t["jieba"]), t["jieba"] / t["ours"], "-", None,
                f"subset: {len(subset)} texts, {tokens:,} tokens, {chars:,} characters",
                {"texts": len(subset), "tokens_ours": counts["ours"],
                 "tokens_jieba": counts["jieba"], "characters": chars, "seconds": t})]


def fig_memory(c: Corpus, every: int) -> List[Row]:
    """RSS while `nlp.pipe` streams the corpus from disk, Docs dropped as they come: growth
    over the RSS after loading must stay small, whatever the corpus size. Sampled every
    `every` docs, so a slow leak shows as a trend, not just as a peak. The corpus is
    streamed twice: the first pass also fills the vocabulary (every new word is a lexeme
    and a string, kept for the life of the pipeline, as in any spaCy pipeline); in the
    second the vocabulary is full, so what still grows there is a leak."""
    vocab = c.nlp.vocab
    gc.collect()
    base = rss_mb()
    reset = reset_peak_rss()
    lexemes, strings = len(vocab), len(vocab.strings)
    passes = []
    for _ in range(2):
        start_mb, samples, docs, tokens = rss_mb() - base, [], 0, 0
        start = time.perf_counter()
        for doc in c.nlp.pipe(c.stream()):
            docs += 1
            tokens += len(doc)
            if docs % every == 0:
                samples.append(round(rss_mb() - base, 1))
        samples.append(round(rss_mb() - base, 1))
        passes.append({"seconds": time.perf_counter() - start, "start_mb": round(start_mb, 1),
                       "end_mb": samples[-1], "peak_mb": max(samples),
                       "lexemes_added": len(vocab) - lexemes,
                       "strings_added": len(vocab.strings) - strings, "samples_mb": samples})
        lexemes, strings = len(vocab), len(vocab.strings)
    growth = max([rss_mb("VmHWM") - base if reset else 0.0] + [p["peak_mb"] for p in passes])
    first, second = passes
    second_growth = second["peak_mb"] - first["end_mb"]
    return [Row("4 streaming RSS growth", c.name, f"+{growth:.1f} MB",
                f"{base:.0f} MB loaded", None, f"< {TARGETS['memory_mb']:g} MB",
                growth < TARGETS["memory_mb"],
                f"{docs} docs, {tokens:,} tokens at {rate(tokens, first['seconds'])}; pass 1 "
                f"+{first['end_mb']:.1f} MB with {first['lexemes_added']:,} new lexemes, "
                f"pass 2 {second_growth:+.1f} MB with {second['lexemes_added']:,}",
                {"base_mb": base, "peak_growth_mb": growth, "second_pass_growth_mb":
                 second_growth, "docs": docs, "tokens": tokens, "every_docs": every,
                 "peak_reset": reset, "passes": passes})]


def serialization_ceiling(c: Corpus, pipe_s_per_token: float) -> Dict[str, float]:
    """What n_process=2 can gain at best. spaCy's workers send each Doc back as
    `doc.to_bytes()` and the parent rebuilds it with `Doc.from_bytes()`, on top of the
    pipeline's own work. Spread perfectly over the machine's CPUs (the parent is a third
    process), and bounded by the parent alone and by the two workers alone."""
    docs = list(c.nlp.pipe(c.texts[:max(1, len(c.texts) // 8)]))
    tokens = sum(map(len, docs))
    start = time.perf_counter()
    blobs = [doc.to_bytes() for doc in docs]
    to_s = (time.perf_counter() - start) / tokens
    start = time.perf_counter()
    for blob in blobs:
        Doc(c.nlp.vocab).from_bytes(blob)
    from_s = (time.perf_counter() - start) / tokens
    cpus = len(os.sched_getaffinity(0))
    p = pipe_s_per_token
    ceiling = min(cpus * p / (p + to_s + from_s), 2 * p / (p + to_s), p / from_s)
    return {"ceiling": ceiling, "cpus": cpus, "pipeline_us_per_token": p * 1e6,
            "to_bytes_us_per_token": to_s * 1e6, "from_bytes_us_per_token": from_s * 1e6,
            "bytes_per_token": sum(map(len, blobs)) / tokens}


def fig_processes(c: Corpus, rounds: int) -> List[Row]:
    """`nlp.pipe(texts, n_process=2)` vs. 1, texts as strings so the tokenizer runs in the
    workers. Twice: at the pipeline's own batch_size (what a user gets) and at one that
    gives each worker 4 batches (spaCy deals whole batches round-robin: with fewer texts
    than batch_size, one worker gets everything and the other idles)."""
    default = c.nlp.batch_size
    rows, one_s_per_token = [], None
    for batch_size in dict.fromkeys((default, max(1, len(c.texts) // 8))):
        counts, cpu = {}, {}

        def run(n, counts=counts, cpu=cpu, batch_size=batch_size):
            def go():
                before = cpu_seconds()
                counts[n] = consume(c.nlp.pipe(c.texts, n_process=n, batch_size=batch_size))
                after = cpu_seconds()
                cpu[n] = {k: round(after[k] - before[k], 2) for k in after}
            return go

        t = interleaved({1: run(1), 2: run(2)}, rounds)
        assert counts[1] == counts[2]
        one_s_per_token = min(one_s_per_token or 1.0, t[1] / counts[1])
        ratio = t[1] / t[2]
        batches = -(-len(c.texts) // batch_size)
        rows.append(Row(f"5 n_process=2 vs 1, batch {batch_size}", c.name,
                        rate(counts[2], t[2]), rate(counts[1], t[1]), ratio,
                        f">= {TARGETS['processes']:g}x", ratio >= TARGETS["processes"],
                        f"batch {batch_size}: {batches} batches; CPU s with 2 processes: "
                        f"parent {cpu[2]['parent']}, workers {cpu[2]['workers']} (1 process: "
                        f"{cpu[1]['parent']})",
                        {"tokens": counts[1], "batch_size": batch_size, "batches": batches,
                         "seconds": {str(k): v for k, v in t.items()},
                         "cpu_seconds_last_round": {str(k): v for k, v in cpu.items()}}))
    bound = serialization_ceiling(c, one_s_per_token)
    rows.append(Row("5b n_process=2 ceiling", c.name, "-", "-", bound["ceiling"], "-", None,
                    f"per token: pipeline {bound['pipeline_us_per_token']:.2f} us, to_bytes "
                    f"{bound['to_bytes_us_per_token']:.2f} us, from_bytes "
                    f"{bound['from_bytes_us_per_token']:.2f} us, "
                    f"{bound['bytes_per_token']:.0f} bytes; {bound['cpus']} CPUs", bound))
    return rows


def median_interleaved(runs: Dict[str, Callable[[], object]], rounds: int) -> Dict[str, float]:
    """`interleaved`, but the median of the rounds: on a shared machine the best round of
    one run and of the other may come from different moments; medians are what the
    convert figures report too."""
    times: Dict[str, List[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def tokenizer_one_doc(copies: int = 200, rounds: int = 7, pd_lines: Optional[List[str]] = None):
    """Figure 9: the seed `copies` times in one text (a long Doc: per-Doc costs vanish,
    the reader's per-token work is what is left) vs. bare `Doc(vocab, words, spaces)`;
    9b, with `pd_lines`: the same on People's Daily one line at a time (19,484 short
    texts: the per-Doc costs), so a change for one shape is not paid for by the other."""
    nlp = load_pipeline("hanlp")
    with SEED.open(encoding="utf-8", newline="") as f:
        text = "\n".join([f.read().rstrip("\n")] * copies)
    doc = nlp.tokenizer(text)
    words, spaces = [t.text for t in doc], [bool(t.whitespace_) for t in doc]
    t = median_interleaved({"ours": lambda: nlp.tokenizer(text),
                            "floor": lambda: Doc(nlp.vocab, words=words, spaces=spaces)},
                           rounds)
    data = {"tokens": len(doc), "copies": copies, "ours": t["ours"], "floor": t["floor"]}
    if pd_lines:
        pd = load_pipeline("pku1998", on_error="warn")
        tokenizer, vocab = pd.tokenizer, pd.vocab
        plain = [([t.text for t in d], [bool(t.whitespace_) for t in d])
                 for d in map(tokenizer, pd_lines)]

        def ours():
            for line in pd_lines:
                tokenizer(line)

        def floor():
            for w, s in plain:
                Doc(vocab, words=w, spaces=s)

        p = median_interleaved({"ours": ours, "floor": floor}, max(3, rounds // 2))
        data.update({"pd_texts": len(pd_lines), "pd_tokens": sum(len(w) for w, _ in plain),
                     "pd_ours": p["ours"], "pd_floor": p["floor"]})
    return t["ours"] / t["floor"], data


def fig_pd_read_map(c: Corpus, rounds: int) -> List[Row]:
    """People's Daily through tokenizer + mapper only, in one process (texts in memory):
    the cost of getting a tagged corpus into spaCy with UPOS, before any analysis."""
    tokenizer = c.nlp.tokenizer
    mapper = c.nlp.get_pipe("pretagged_tag_mapper")
    counts = {}

    def run():
        counts["n"] = sum(len(mapper(tokenizer(text))) for text in c.texts)

    seconds = interleaved({"run": run}, rounds)["run"]
    speed = counts["n"] / seconds
    return [Row("6 PD read + mapped", c.name, rate(counts["n"], seconds), "-", None,
                f">= {TARGETS['pd_tok_s'] / 1e6:g}M tok/s", speed >= TARGETS["pd_tok_s"], "",
                {"tokens": counts["n"], "seconds": seconds, "tok_s": speed})]


# ---------------------------------------------------------------- report


def machine() -> Dict[str, object]:
    """What the figures were measured on: the ratios travel, the tokens/s do not."""
    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    import jieba

    cpu = next((line.split(":", 1)[1].strip() for line in run("lscpu").splitlines()
                if line.startswith("Model name")), platform.processor())
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu,
            "python": platform.python_version(), "spacy": spacy.__version__,
            "numpy": numpy.__version__, "jieba": jieba.__version__,
            "platform": platform.platform(),
            "commit": run("git", "rev-parse", "--short", "HEAD"),
            "dirty": bool(run("git", "status", "--porcelain", "--", "spacy_pretagged"))}


def print_table(rows: List[Row], info: Dict[str, object]) -> None:
    def met(value):
        return "-" if value is None else ("yes" if value else "NO")

    data = [(r.figure, r.input, r.ours, r.baseline,
             "-" if r.ratio is None else f"{r.ratio:.2f}x", r.target, met(r.met))
            for r in rows]
    msg.table(data, header=("figure", "input", "ours", "baseline", "ratio", "target", "met"),
              divider=True, aligns=("l", "l", "r", "r", "r", "l", "l"))
    for key, text in LEGEND.items():
        print(f"  {key:>2}: {text}")
    for r in rows:
        if r.note:
            print(f"  {r.figure} [{r.input}]: {r.note}")
    print(f"\n{info['nproc']} CPU(s) {info['cpu']}, Python {info['python']}, spaCy "
          f"{info['spacy']}, commit {info['commit']}{' (dirty)' if info['dirty'] else ''}; "
          f"load average {info['load_start']:.2f} at start, {info['load_end']:.2f} at end; "
          f"{info['seconds']:.0f} s")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke run")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--pd-unit", choices=("article", "line"), default="article",
                        help="People's Daily: one text per article (default) or per line")
    parser.add_argument("--only", choices=("library", "convert"),
                        help="only figures 1-6 (the library in this process) or 7-9 "
                             "(convert in subprocesses, the tokenizer on one long Doc)")
    parser.add_argument("--before", type=Path,
                        help="a checkout of an earlier commit: figure 7 also runs convert "
                             "with its package, interleaved, in the same run")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    # Expected warnings (the month's two unknown tags, entity conflicts) are not news here.
    warnings.simplefilter("ignore", UserWarning)
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    if load_start > 0.5:
        msg.warn(f"load average {load_start:.2f}: other processes share the CPUs; "
                 "the n_process figure in particular will be off")

    corpora = os.environ.get("SPACY_PRETAGGED_CORPORA")
    library = args.only != "convert"
    seed = seed_corpus(sizes.seed_tokens) if library else None
    pd = pd_corpus(Path(corpora), args.pd_unit, sizes.pd_lines) if corpora and library \
        else None
    if not corpora:
        msg.warn("SPACY_PRETAGGED_CORPORA not set: seed figures only")
    inputs = [c for c in (seed, pd) if c is not None]

    rows: List[Row] = []
    if args.only != "convert":
        # Memory first: the stream's growth is measured before other figures fill the heap.
        rows += fig_memory(pd or seed, sizes.memory_docs)
        for c in inputs:
            rows += fig_tokenizer(c, sizes.rounds)
        for c in inputs:
            rows += fig_mapper(c, sizes.ruler_tokens, sizes.rounds)
        for c in inputs:
            rows += fig_jieba(c, sizes.jieba_tokens, sizes.rounds)
        for c in inputs:
            rows += fig_processes(c, sizes.process_rounds)
        if pd:
            rows += fig_pd_read_map(pd, sizes.rounds)
    if args.only != "library" and corpora:
        rows += [Row(**row) for row in convert_figures.figures(
            Path(corpora), sizes.rounds, args.before, args.quick,
            lambda: tokenizer_one_doc(20 if args.quick else 200, sizes.rounds + 4,
                                      list(islice(_pd_lines(Path(corpora) / PD_FILE),
                                                  sizes.pd_lines))))]
    rows.sort(key=lambda r: int(re.match(r"\d+", r.figure).group()))  # stable sort

    info = {**machine(), "load_start": load_start, "load_end": os.getloadavg()[0],
            "seconds": time.perf_counter() - started}
    print_table(rows, info)
    if args.json:
        report = {"machine": info, "quick": args.quick, "pd_unit": args.pd_unit,
                  "before": str(args.before) if args.before else None,
                  "sizes": sizes.__dict__, "targets": TARGETS, "legend": LEGEND,
                  "rows": [r.__dict__ for r in rows]}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
