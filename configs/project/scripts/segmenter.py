"""Train a pkuseg word segmenter on the corpus' own words and score it on dev.

Why: the tagger is trained on the corpus' segmentation (the predicted Docs of
`PretaggedCorpus` carry the gold words), so raw text must be cut the same way before it can be
tagged. pkuseg's shipped models follow other standards (spaCy's `spacy_ontonotes` is
OntoNotes/CTB-like); a model trained on the same corpus cuts words the way the tags expect.

Steps: read train and dev with our reader (format, tagset as in the corpus), write one
sentence per line as space-separated words (pkuseg's training format; whitespace tokens are
dropped, a word with inner whitespace is cut there since pkuseg cannot hold it), run
`spacy_pkuseg.train(train, dev, model_dir, train_iter=N)`, then segment dev's raw sentences
(the words joined) with the trained model and report precision, recall and F1 over word
spans, for the user dictionary the pipeline will use (`--user-dict`, spaCy's default
`"default"`) and without one, next to a one-character-per-word baseline.
"""
from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path
from typing import Iterable, Iterator, List, Sequence, Tuple

import reading  # scripts/reading.py: python puts the script's folder on sys.path


def sentences(path: Path, args) -> Iterator[List[str]]:
    """Gold words of every sentence (whitespace tokens dropped)."""
    from spacy_pretagged.pipeline import make_corpus

    nlp = reading.pipeline(args)
    corpus = make_corpus(path, args.settings.replace(on_error="warn"), doc_per="line")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for example in corpus(nlp):
            for sent in example.reference.sents:
                words = [w for t in sent if not t.is_space for w in t.text.split()]
                if words:
                    yield words


def write_words(sents: Iterable[List[str]], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for words in sents:
            f.write(" ".join(words) + "\n")
            n += len(words)
    return n


def spans(words: Sequence[str]) -> List[Tuple[int, int]]:
    out, start = [], 0
    for w in words:
        out.append((start, start + len(w)))
        start += len(w)
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


def score(gold: List[List[str]], cut) -> dict:
    tp = n_pred = n_gold = 0
    chars = 0
    start = time.perf_counter()
    for words in gold:
        raw = "".join(words)
        chars += len(raw)
        pred = cut(raw)
        assert "".join(pred) == raw, (pred, raw)
        g, p = set(spans(words)), set(spans(pred))
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    elapsed = time.perf_counter() - start
    return {**prf(tp, n_pred, n_gold), "words": n_gold, "chars_per_s": chars / elapsed}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("train", type=Path)
    p.add_argument("dev", type=Path)
    p.add_argument("model_dir", type=Path, help="pkuseg model folder to write")
    p.add_argument("--metrics", type=Path, required=True, help="JSON to write")
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--user-dict", default="default",
                   help="user dictionary the pipeline loads with the model: 'default' "
                        "(pkuseg's, as spaCy's zh), 'null' (none) or a file")
    reading.add_format_options(p)
    args = reading.parse(p)

    import spacy_pkuseg

    work = args.model_dir.parent / f"{args.model_dir.name}_data"
    work.mkdir(parents=True, exist_ok=True)
    train_txt, dev_txt = work / "train.txt", work / "dev.txt"
    n_train = write_words(sentences(args.train, args), train_txt)
    dev = list(sentences(args.dev, args))
    n_dev = write_words(dev, dev_txt)
    print(f"pkuseg data: {n_train:,} train words, {n_dev:,} dev words in {work}")

    start = time.perf_counter()
    spacy_pkuseg.train(str(train_txt), str(dev_txt), str(args.model_dir),
                       train_iter=args.iterations)
    train_s = time.perf_counter() - start

    results = {"iterations": args.iterations, "train_words": n_train, "dev_words": n_dev,
               "train_seconds": round(train_s, 1)}
    chosen = None if args.user_dict in ("null", "none", "None") else args.user_dict
    settings = {args.user_dict: chosen}
    if chosen is not None:
        settings["none"] = None
    for name, user_dict in settings.items():
        seg = spacy_pkuseg.pkuseg(str(args.model_dir), user_dict=user_dict)
        results[f"dev_user_dict_{name}"] = score(dev, seg.cut)
    results["dev"] = results[f"dev_user_dict_{args.user_dict}"]
    results["user_dict"] = args.user_dict
    results["dev_char_baseline"] = score(dev, list)
    args.metrics.parent.mkdir(parents=True, exist_ok=True)
    args.metrics.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"{'dev segmentation':<32} {'P':>7} {'R':>7} {'F1':>7}")
    for key in [f"dev_user_dict_{n}" for n in settings] + ["dev_char_baseline"]:
        s = results[key]
        print(f"{key:<32} {s['p']:7.4f} {s['r']:7.4f} {s['f']:7.4f}")


if __name__ == "__main__":
    main()
