"""configs/train_parser.cfg: `spacy train` a parser over given words and tags, save, load in
a fresh interpreter, parse the seed; the words and tags stay the seed's and the heads form
trees. UAS/LAS are printed (a few steps: no threshold).

The parsed corpus is HanLP 2.x JSON (`format = "hanlp_json"`) written from UD
Chinese-GSDSimp (real trees, relations and words): the tag of each word is the first tag
of the `hanlp` table whose UPOS is the word's UPOS, so the corpus has the seed's tagset.
That makes the tags a function of UPOS (a stand-in: no HanLP 2.x output can be made
here); the trees are the treebank's. The variant on the treebank's own CoNLL-U needs
`format = "conllu"` and is skipped until that reader is there.
"""
import json
import os
import sys
from pathlib import Path

import pytest

from spacy_pretagged import tagsets
from spacy_pretagged.formats import FORMATS
from tests.helpers import CONFIGS, SEED, call

CORPORA = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))
GSDSIMP = CORPORA / "ud_chinese_gsdsimp"

needs_corpora = [pytest.mark.slow,
                 pytest.mark.skipif(not GSDSIMP.is_dir(), reason="SPACY_PRETAGGED_CORPORA is not set")]


def test_predicted_docs_carry_the_given_tags_and_pos_but_not_the_parse(tmp_path):
    """What spaCy's training loop hands the parser: the pipeline's tokenizer + mapper Doc."""
    from spacy.util import load_config, load_model_from_config

    from spacy_pretagged.corpus import PretaggedCorpus
    from spacy_pretagged.formats import ReaderSettings

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"tok/fine": ["我", "爱", "北京"], "pos": ["r", "v", "ns"],
                                "dep": [[2, "nsubj"], [0, "root"], [2, "dobj"]]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    config = load_config(CONFIGS / "train_parser.cfg",
                         overrides={"paths.train": str(path), "paths.dev": str(path)})
    nlp = load_model_from_config(config, auto_fill=True)
    settings = ReaderSettings(format="hanlp_json", tagset="hanlp", title_prefix=None)
    for given, tags in ((True, ["r", "v", "ns"]), (False, ["", "", ""])):
        [example] = PretaggedCorpus(path, settings, given_tags=given)(nlp)
        assert [t.tag_ for t in example.predicted] == tags
        assert bool(example.predicted[0].pos_) is given
        assert not example.predicted.has_annotation("DEP")
        assert [t.head.i for t in example.reference] == [1, 1, 1]
        # The mapper's POS, the same on both sides when the tags are given.
        assert ([t.pos_ for t in example.predicted] == [t.pos_ for t in example.reference]
                ) is given


def conllu_sentences(path: Path):
    """(words, upos, heads, deprels) of each sentence (multiword ranges and empty nodes left
    out: GSDSimp has none)."""
    sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            if sentence:
                yield tuple(map(list, zip(*sentence)))
            sentence = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                sentence.append((cols[1], cols[3], int(cols[6]), cols[7]))
    if sentence:
        yield tuple(map(list, zip(*sentence)))


def write_hanlp_json(conllu: Path, out: Path, limit: int) -> int:
    """GSDSimp as HanLP 2.x Documents, one per line, two sentences each (nested lists)."""
    table = tagsets.load("hanlp")
    tag_of = {}
    for tag, row in table.rows.items():
        tag_of.setdefault(row.upos, tag)
    sentences = list(conllu_sentences(conllu))[:limit]
    with out.open("w", encoding="utf-8") as f:
        for i in range(0, len(sentences), 2):
            pair = sentences[i:i + 2]
            doc = {"tok/fine": [s[0] for s in pair],
                   "pos": [[tag_of[u] for u in s[1]] for s in pair],
                   "dep": [[[h, rel] for h, rel in zip(s[2], s[3])] for s in pair]}
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return len(sentences)


PARSE_SEED = r"""
import json, sys
import spacy
from spacy_pretagged.formats import ReaderSettings
from spacy_pretagged import tagsets
nlp = spacy.load(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8", newline="").read()
doc = nlp(text)
given = tagsets.make_reader(ReaderSettings.preset("hanlp")).read(text)
heads = [t.head.i for t in doc]
def is_tree(sent):
    # every token reaches the sentence root by following heads, inside the sentence
    for t in sent:
        seen, x = 0, t
        while x.head.i != x.i:
            x = x.head
            seen += 1
            if seen > len(sent) or not (sent.start <= x.i < sent.end):
                return False
    return True
print(json.dumps({
    "words": [t.text for t in doc] == given.words,
    "tags": [t.tag_ for t in doc] == given.tags,
    "parsed": doc.has_annotation("DEP"),
    "trees": all(is_tree(s) for s in doc.sents),
    "pos": sum(1 for t in doc if t.pos_ and t.pos_ != "X") / len(doc),
}))
"""


def train_and_parse_seed(tmp_path: Path, overrides: list) -> dict:
    out = tmp_path / "out"
    done = call([sys.executable, "-m", "spacy", "train", str(CONFIGS / "train_parser.cfg"),
                 "--output", str(out), "--training.max_steps", "40",
                 "--training.eval_frequency", "20", *overrides], timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    scores = json.loads((out / "model-last" / "meta.json").read_text())["performance"]
    print(f"UAS {scores['dep_uas']:.3f} LAS {scores['dep_las']:.3f} (40 steps)")
    parsed = call([sys.executable, "-c", PARSE_SEED, str(out / "model-last"), str(SEED)])
    assert parsed.returncode == 0, parsed.stderr[-3000:]
    return json.loads(parsed.stdout.strip().splitlines()[-1])


@needs_corpora[0]
@needs_corpora[1]
def test_a_parser_trained_on_hanlp_json_parses_the_seed_keeping_its_words_and_tags(tmp_path):
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    assert write_hanlp_json(GSDSIMP / "zh_gsdsimp-ud-dev.conllu", train, 400) == 400
    write_hanlp_json(GSDSIMP / "zh_gsdsimp-ud-test.conllu", dev, 100)
    result = train_and_parse_seed(tmp_path, ["--paths.train", str(train),
                                             "--paths.dev", str(dev)])
    assert result == {**result, "words": True, "tags": True, "parsed": True, "trees": True}
    assert result["pos"] > 0.9  # the mapper's POS, as the tok2vec saw in training


@needs_corpora[0]
@needs_corpora[1]
@pytest.mark.skipif("conllu" not in FORMATS, reason="format = 'conllu' is not there yet")
def test_gsdsimp_dev_to_test_from_conllu(tmp_path):
    result = train_and_parse_seed(tmp_path, [
        "--paths.train", str(GSDSIMP / "zh_gsdsimp-ud-dev.conllu"),
        "--paths.dev", str(GSDSIMP / "zh_gsdsimp-ud-test.conllu"),
        "--corpora.train.format", "conllu", "--corpora.train.tagset", "gsd",
        "--corpora.dev.tagset", "gsd"])
    assert result == {**result, "words": True, "tags": True, "parsed": True, "trees": True}
