"""Fail (exit 1) when the evaluated pipeline is no better than what a broken one would score.

Why: the `demo` workflow runs in CI on a tiny corpus, so its figures are low and noisy; exact
targets would be flaky, but a pipeline whose segmenter, tagger, mapper or entity step is
broken falls to the baselines `evaluate.py` computes on the same test text. The bounds:

- segmentation F1 at least `--seg-margin` above one character per word;
- tag accuracy (all gold words, raw text) above giving every token the most frequent
  training tag, by `--tag-margin`;
- UPOS right on every word whose tag and neighbours' tags are right (the mapper is
  deterministic from a word, its tag and its neighbours' tags: lower means the mapper did
  not run, or ran differently on the gold and the predicted Docs);
- every predicted token has a tag (the tagger tags what the segmenter cut);
- with `--min-ents-f` above 0: the test split has gold entities and entity F1 reaches it;
- dev segmentation F1 of the pkuseg step above its own one-character baseline.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("test_metrics", type=Path)
    p.add_argument("segmenter_metrics", type=Path)
    p.add_argument("--seg-margin", type=float, default=0.25)
    p.add_argument("--tag-margin", type=float, default=0.05)
    p.add_argument("--min-ents-f", type=float, default=0.0)
    args = p.parse_args()
    m = json.loads(args.test_metrics.read_text(encoding="utf-8"))
    s = json.loads(args.segmenter_metrics.read_text(encoding="utf-8"))
    checks = [
        ("test seg F1 > char baseline + margin", m["seg_f"],
         m["baseline_char_seg_f"] + args.seg_margin),
        ("test tag acc > majority-tag baseline + margin", m["tag_acc"],
         m["baseline_majority_tag_acc"] + args.tag_margin),
        ("test UPOS acc where tag and neighbours' tags are right == 1",
         m["pos_acc_where_tags_right"] + 1e-9, 1.0 - 1e-6),
        ("dev seg F1 (pkuseg) > char baseline + margin", s["dev"]["f"],
         s["dev_char_baseline"]["f"] + args.seg_margin),
    ]
    if args.min_ents_f > 0:
        checks.append(("test gold entities > 0", m["gold_ents"], 0))
        checks.append(("test entity F1 >= bound", m["ents_f"] + 1e-9, args.min_ents_f))
    failed = 0
    for name, value, bound in checks:
        ok = value > bound
        failed += not ok
        print(f"{'ok ' if ok else 'FAIL'} {name}: {value:.4f} vs {bound:.4f}")
    ok = m["pred_tokens_without_tag"] == 0
    failed += not ok
    print(f"{'ok ' if ok else 'FAIL'} predicted tokens without a tag: "
          f"{m['pred_tokens_without_tag']}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
