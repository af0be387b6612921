"""Score the trained pipeline end to end on RAW text of the test split.

Why not `spacy evaluate`: its Examples come from our corpus reader, whose predicted Docs carry
the gold words, so it scores tagging on gold segmentation. Here every gold test Doc (from the
`.spacy` file `convert` wrote: words, tags, UPOS, entities from the gold tags) is turned back
into its raw text (`doc.text`: the words joined, no tags), the pipeline runs on that text (our
tokenizer cuts it with the trained pkuseg model, the tagger tags, the mapper and
`pretagged_entities` follow), and the prediction is aligned to the gold by CHARACTER OFFSETS:

- segmentation: precision / recall / F1 over word spans (whitespace tokens ignored);
- tag and UPOS accuracy: over all gold words, a word counts as right only if the pipeline
  produced a token with exactly its span and the right tag (a mis-segmented word is wrong);
  `*_acc_exact` is the same over the exactly segmented words only (the tagger alone);
  `pos_acc_where_tags_right` over the words whose span, tag and neighbouring words' spans
  and tags are right (the mapper's word rules look at the neighbours' tags, so a wrong tag
  can change a right-tagged neighbour's UPOS: UPOS accuracy may be below tag accuracy);
- entities: exact (start, end, label) character spans, P/R/F1, also per label;
- speed: words/s and characters/s of `nlp.pipe` over the raw texts (one process).

spaCy's own `Scorer` on `Example(nlp(raw), gold)` is reported beside them (`spacy_scorer`):
it aligns the two tokenizations and scores tags over one-to-one aligned tokens as an F-score,
and entities over spans that align; the headline figures are the character-offset ones above.

Baselines, computed on the same test text so that a broken pipeline shows: one character per
word (segmentation), and with `--train` the most frequent training tag given to every token
of the pipeline's own segmentation (what a tagger that learned nothing would score).
"""
from __future__ import annotations

import argparse
import json
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Dict, Set, Tuple


def words(doc) -> Dict[Tuple[int, int], object]:
    return {(t.idx, t.idx + len(t.text)): t for t in doc if not t.is_space}


def contexts(doc) -> Dict[Tuple[int, int], tuple]:
    """Each word's previous and next word (span and tag; None at an edge), whitespace
    skipped: what the mapper's word rules may look at besides the word and its tag."""
    ws = [t for t in doc if not t.is_space]
    key = lambda t: (t.idx, t.idx + len(t.text), t.tag_)  # noqa: E731
    return {(t.idx, t.idx + len(t.text)): (key(ws[i - 1]) if i else None,
                                             key(ws[i + 1]) if i + 1 < len(ws) else None)
            for i, t in enumerate(ws)}


def prf(tp: int, n_pred: int, n_gold: int) -> Dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


def ents(doc) -> Set[Tuple[int, int, str]]:
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="pipeline folder or package name")
    p.add_argument("test", type=Path, help="gold .spacy file (or folder) of the test split")
    p.add_argument("--train", type=Path, default=None, help="gold .spacy of train (baseline)")
    p.add_argument("--metrics", type=Path, required=True, help="JSON to write")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--gpu-id", type=int, default=-1)
    args = p.parse_args()

    import spacy
    from spacy.scorer import Scorer
    from spacy.tokens import DocBin
    from spacy.training import Example
    from wasabi import msg

    if args.gpu_id >= 0:
        spacy.require_gpu(args.gpu_id)
    nlp = spacy.load(args.model)

    def load(path: Path):
        paths = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
        for path in paths:
            yield from DocBin().from_disk(path).get_docs(nlp.vocab)

    gold_docs = list(load(args.test))
    texts = [doc.text for doc in gold_docs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        nlp("预热")  # first-call costs (lazy tables) out of the timing
        start = time.perf_counter()
        pred_docs = list(nlp.pipe(texts, batch_size=args.batch_size))
        seconds = time.perf_counter() - start

    seg_tp = n_pred = n_gold = 0
    tag_ok = pos_ok = 0
    ctx_n = ctx_ok = 0  # words whose tag and neighbours are right; of them, UPOS right
    ent_tp = ent_pred = ent_gold = 0
    per_label: Dict[str, Counter] = {}
    char_tp = char_pred = 0
    untagged_pred = 0
    for gold, pred in zip(gold_docs, pred_docs):
        assert pred.text == gold.text, "the pipeline changed the text"
        g, q = words(gold), words(pred)
        n_gold += len(g)
        n_pred += len(q)
        exact = g.keys() & q.keys()
        seg_tp += len(exact)
        tag_ok += sum(g[s].tag_ == q[s].tag_ for s in exact)
        pos_ok += sum(g[s].pos_ == q[s].pos_ for s in exact)
        gc, qc = contexts(gold), contexts(pred)
        right = [s for s in exact if g[s].tag_ == q[s].tag_ and gc[s] == qc[s]]
        ctx_n += len(right)
        ctx_ok += sum(g[s].pos_ == q[s].pos_ for s in right)
        untagged_pred += sum(not t.tag_ for t in q.values())
        chars = {(i, i + 1) for s in g for i in range(s[0], s[1])}
        char_tp += len(chars & g.keys())
        char_pred += len(chars)
        ge, pe = ents(gold), ents(pred)
        ent_tp += len(ge & pe)
        ent_pred += len(pe)
        ent_gold += len(ge)
        for label in {e[2] for e in ge | pe}:
            c = per_label.setdefault(label, Counter())
            c["tp"] += len({e for e in ge & pe if e[2] == label})
            c["pred"] += len({e for e in pe if e[2] == label})
            c["gold"] += len({e for e in ge if e[2] == label})

    seg = prf(seg_tp, n_pred, n_gold)
    examples = [Example(pred, gold) for pred, gold in zip(pred_docs, gold_docs)]
    spacy_scores = {}
    for attr in ("tag", "pos"):
        spacy_scores.update(Scorer.score_token_attr(examples, attr))
    spacy_scores.update({k: v for k, v in Scorer.score_spans(examples, "ents").items()
                         if k != "ents_per_type"})
    n_chars = sum(len(t) for t in texts)
    metrics = {
        "model": str(args.model),
        "test_docs": len(gold_docs),
        "gold_words": n_gold,
        "pred_tokens": n_pred,
        "seg_p": seg["p"], "seg_r": seg["r"], "seg_f": seg["f"],
        "tag_acc": tag_ok / n_gold if n_gold else 0.0,
        "pos_acc": pos_ok / n_gold if n_gold else 0.0,
        "tag_acc_exact": tag_ok / seg_tp if seg_tp else 0.0,
        "pos_acc_exact": pos_ok / seg_tp if seg_tp else 0.0,
        # The mapper is deterministic from a word, its tag and its neighbours' tags: where
        # those are right, UPOS must be (1.0; lower means the mapper did not run or differs).
        "pos_acc_where_tags_right": ctx_ok / ctx_n if ctx_n else 0.0,
        "pred_tokens_without_tag": untagged_pred,
        **{f"ents_{k}": v for k, v in prf(ent_tp, ent_pred, ent_gold).items()},
        "gold_ents": ent_gold,
        "ents_per_type": {label: {**prf(c["tp"], c["pred"], c["gold"]), "gold": c["gold"]}
                          for label, c in sorted(per_label.items())},
        "words_per_s": n_gold / seconds,
        "tokens_per_s": n_pred / seconds,
        "chars_per_s": n_chars / seconds,
        "seconds": seconds,
        "baseline_char_seg_f": prf(char_tp, char_pred, n_gold)["f"],
        "spacy_scorer": spacy_scores,
    }
    if args.train:
        counts = Counter(t.tag_ for doc in load(args.train) for t in doc if not t.is_space)
        top = counts.most_common(1)[0][0]
        ok = sum(g[s].tag_ == top for gold, pred in zip(gold_docs, pred_docs)
                 for g, q in [(words(gold), words(pred))] for s in g.keys() & q.keys())
        metrics["baseline_majority_tag"] = top
        metrics["baseline_majority_tag_acc"] = ok / n_gold if n_gold else 0.0

    args.metrics.parent.mkdir(parents=True, exist_ok=True)
    args.metrics.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    rows = [
        ("segmentation P / R / F1", f"{seg['p']:.4f} / {seg['r']:.4f} / {seg['f']:.4f}"),
        ("tag accuracy (all gold words)", f"{metrics['tag_acc']:.4f}"),
        ("UPOS accuracy (all gold words)", f"{metrics['pos_acc']:.4f}"),
        ("tag / UPOS acc., exact words", f"{metrics['tag_acc_exact']:.4f} / "
                                         f"{metrics['pos_acc_exact']:.4f}"),
        ("entities P / R / F1", f"{metrics['ents_p']:.4f} / {metrics['ents_r']:.4f} / "
                                f"{metrics['ents_f']:.4f} ({ent_gold} gold)"),
        ("speed", f"{metrics['words_per_s']:,.0f} words/s, {metrics['chars_per_s']:,.0f} chars/s"),
        ("spaCy Scorer tag / pos / ents_f",
         " / ".join("n/a" if spacy_scores.get(k) is None else f"{spacy_scores[k]:.4f}"
                    for k in ("tag_acc", "pos_acc", "ents_f"))),
        ("baseline: one char per word, seg F1", f"{metrics['baseline_char_seg_f']:.4f}"),
    ]
    if args.train:
        rows.append((f"baseline: every token '{metrics['baseline_majority_tag']}'",
                     f"{metrics['baseline_majority_tag_acc']:.4f}"))
    msg.table(rows, header=("test, from raw text", f"{len(gold_docs)} docs, {n_gold:,} words"),
              divider=True)
    print(f"metrics: {args.metrics}")


if __name__ == "__main__":
    main()
