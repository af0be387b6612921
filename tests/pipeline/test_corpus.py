"""`spacy_pretagged.PretaggedCorpus.v1` and `spacy train` / `spacy debug data` on it."""
import random
import subprocess
import sys

import pytest
import spacy
from spacy.tokens import Doc
from spacy.util import registry

from spacy_pretagged.corpus import PretaggedCorpus
from spacy_pretagged.formats import ReaderSettings
from tests.helpers import CONFIGS

WORDS = [("中国/ns", "江/nr  泽民/nr", "中共中央/nt", "[北京/ns  大学/n]nt", "他/r", "记者/n"),
         ("发表/v", "访问/v", "会见/v", "是/v", "了/u"),
         ("讲话/n", "经济/n", "合作/vn", "新/a  世纪/n", "１２月/t  ３１日/t")]


def pku_lines(n, seed, date="19980101"):
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        article = i // 4 + 1
        words = "  ".join(rng.choice(group) for group in WORDS * 2)
        lines.append(f"{date}-01-{article:03d}-{i % 4 + 1:03d}/m  {words}  。/w  ")
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    (tmp / "train").mkdir()
    (tmp / "train" / "a.txt").write_bytes(pku_lines(60, 1).encode("utf-8"))
    (tmp / "train" / "b.txt").write_bytes(pku_lines(40, 2, "19980102").encode("utf-8"))
    (tmp / "dev.txt").write_bytes(pku_lines(12, 3, "19980103").encode("utf-8"))
    return tmp


def corpus(path, **kw):
    return PretaggedCorpus(path, ReaderSettings(format="spaced", tagset="pku"), **kw)


def test_registered_reader():
    assert registry.readers.get("spacy_pretagged.PretaggedCorpus.v1").__name__ == \
        "create_pretagged_corpus"


@pytest.mark.parametrize("doc_per,count", [("line", 100), ("file", 2), ("article", 25)])
def test_doc_per(data, doc_per, count):
    nlp = spacy.blank("zh")
    examples = list(corpus(data / "train", doc_per=doc_per)(nlp))
    assert len(examples) == count


def test_examples_carry_annotation_and_share_words(data):
    nlp = spacy.blank("zh")
    examples = list(corpus(data / "dev.txt", limit=5)(nlp))
    assert len(examples) == 5
    for eg in examples:
        ref, pred = eg.reference, eg.predicted
        assert [t.text for t in pred] == [t.text for t in ref]
        assert [t.whitespace_ for t in pred] == [t.whitespace_ for t in ref]
        assert not pred.has_annotation("TAG")
        assert ref.has_annotation("TAG") and ref.has_annotation("POS")
        assert ref.has_annotation("SENT_START") and ref.has_annotation("ENT_IOB")
        assert "19980103" not in ref.text  # the id is metadata, not text
        assert ref[-1].text == "。" and ref[-1].pos_ == "PUNCT"


def test_article_docs_keep_their_line_breaks(data):
    nlp = spacy.blank("zh")
    doc = next(iter(corpus(data / "dev.txt", doc_per="article")(nlp))).reference
    assert doc.text.count("\r\n") == 3  # four paragraphs per article
    assert sum(1 for s in doc.sents) >= 4


def test_bad_settings_fail_early(tmp_path):
    with pytest.raises(ValueError, match="doc_per"):
        corpus(tmp_path, doc_per="sentence")
    with pytest.raises(ValueError, match="no such file"):
        corpus(tmp_path / "missing")


def run_spacy(*args, cwd):
    return subprocess.run([sys.executable, "-m", "spacy", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_spacy_train_without_code_then_load_and_tag(data, tmp_path):
    out = run_spacy("train", CONFIGS / "train_tagger.cfg", "--output", tmp_path / "out",
                    "--paths.train", data / "train", "--paths.dev", data / "dev.txt",
                    "--training.max_steps", 20, "--training.eval_frequency", 10, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    nlp = spacy.load(tmp_path / "out" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "tagger", "pretagged_tag_mapper",
                              "pretagged_entities", "sentencizer"]
    dev = next(iter(corpus(data / "dev.txt")(nlp))).reference
    doc = nlp(Doc(nlp.vocab, words=[t.text for t in dev], spaces=[bool(t.whitespace_)
                                                                 for t in dev]))
    labels = set(nlp.get_pipe("tagger").labels)
    assert all(t.tag_ in labels for t in doc)
    assert all(t.pos_ for t in doc)
    # Plain text (what spaCy's evaluate times with make_doc) does not crash.
    assert len(nlp.make_doc("我爱北京。")) == 5


@pytest.mark.slow
def test_spacy_debug_data_passes(data, tmp_path):
    out = run_spacy("debug", "data", CONFIGS / "train_tagger.cfg", "--paths.train",
                    data / "train", "--paths.dev", data / "dev.txt", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "Corpus is loadable" in out.stdout


def test_reference_docs_use_the_pipelines_own_components(data):
    """What the training config says of the rule components holds for the reference Docs:
    a mapper override, an entity label, word_rules off. No training: the corpus the config
    names, called with the nlp the config builds."""
    from spacy.util import load_config, load_model_from_config, resolve_dot_names

    config = load_config(CONFIGS / "train_tagger.cfg", overrides={
        "paths.train": str(data / "dev.txt"), "paths.dev": str(data / "dev.txt"),
        "components.pretagged_tag_mapper.overrides": {"ns": "NOUN"},
        "components.pretagged_tag_mapper.word_rules": False,
        "components.pretagged_entities.labels": {"nr": "PER"}})
    nlp = load_model_from_config(config, auto_fill=True)
    (train,) = resolve_dot_names(nlp.config.interpolate(), ["corpora.train"])
    tokens = [t for eg in train(nlp) for t in eg.reference]
    assert {t.pos_ for t in tokens if t.tag_ == "ns"} == {"NOUN"}
    assert {t.pos_ for t in tokens if t.text == "是"} == {"VERB"}  # the table's v, no rule
    labels = {e.label_ for eg in train(nlp) for e in eg.reference.ents}
    assert "PER" in labels and "PERSON" not in labels

    # A pipeline without the components: the defaults for the corpus' tagset.
    defaults = [t for eg in train(spacy.blank("zh")) for t in eg.reference]
    assert {t.pos_ for t in defaults if t.tag_ == "ns"} == {"PROPN"}
    assert {t.pos_ for t in defaults if t.text == "是"} == {"AUX"}  # the word rule
    assert [t.text for t in defaults] == [t.text for t in tokens]
