"""Pipelines and Docs survive saving and loading unchanged."""
import pytest
import spacy
from spacy.tokens import DocBin
from spacy.util import load_model_from_config


def test_to_disk_then_spacy_load_gives_identical_docs(nlp, seed_doc, seed_text, tmp_path):
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded(seed_text).to_json() == seed_doc.to_json()
    assert loaded.tokenizer.cfg == nlp.tokenizer.cfg


def test_to_bytes_from_bytes(nlp, seed_doc, seed_text):
    other = load_model_from_config(nlp.config, auto_fill=True)
    other.from_bytes(nlp.to_bytes())
    assert other(seed_text).to_json() == seed_doc.to_json()


def test_saved_without_tokenizer_still_loads(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p", exclude=["tokenizer"])
    assert not (tmp_path / "p" / "tokenizer").exists()
    assert spacy.load(tmp_path / "p")("是/vshi")[0].pos_ == "AUX"


def test_docbin_round_trip(nlp, seed_doc):
    docs = list(DocBin(docs=[seed_doc]).get_docs(nlp.vocab))
    doc = docs[0]
    for attr in ("text", "tag_", "pos_", "lemma_", "whitespace_", "is_sent_start"):
        assert [getattr(t, attr) for t in doc] == [getattr(t, attr) for t in seed_doc], attr
    assert [str(t.morph) for t in doc] == [str(t.morph) for t in seed_doc]
    assert [s.text for s in doc.spans["title"]] == [s.text for s in seed_doc.spans["title"]]


@pytest.mark.slow
def test_spacy_package_requires_spacy_pretagged(nlp, tmp_path):
    import json
    import subprocess
    import sys

    nlp.to_disk(tmp_path / "p")
    (tmp_path / "pkg").mkdir()
    out = subprocess.run([sys.executable, "-m", "spacy", "package", tmp_path / "p",
                          tmp_path / "pkg", "--name", "pretagged_test", "--version", "0.0.1",
                          "--build", "none"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    meta = json.loads(next((tmp_path / "pkg").rglob("meta.json")).read_text())
    assert any(r.startswith("spacy-pretagged>=") for r in meta["requirements"])
