"""File writers: DocBin keeps every annotation, JSONL is `doc.to_json()`, pre-tagged text reads
back to the same tokens, and all of them stream."""
import gc
import json
import weakref

import pytest
import spacy
from spacy.tokens import DocBin, Span
from spacy.training import Corpus

from spacy_pretagged.export import (
    WRITERS,
    Counts,
    write_conllu,
    write_docbin,
    write_jsonl,
    write_pretagged,
)
from tests.helpers import pipeline

PKU = "19980101-01-001-001/m  [中央/n  人民/n  广播/vn  电台/n]nt  江/nr  泽民/nr  。/w  "


@pytest.fixture(scope="module")
def pku():
    return pipeline("pku1998")


@pytest.fixture(scope="module")
def pku_doc(pku):
    doc = pku(PKU)
    doc.ents = [Span(doc, 4, 6, label="PERSON")]  # 江泽民
    return doc


@pytest.fixture(scope="module")
def docs(nlp, pku_doc, seed_doc):
    pinyin = pipeline("pku_fine")("人/n  看{kan4}/v")
    title = nlp("#微信/gi的/ude1区别/gi\n微信/gi是/vshi工具/gi。/w\n")
    return [pku_doc, title, pinyin, nlp(""), seed_doc]


def spans(doc):
    return {key: [(s.start, s.end, s.label_) for s in group] for key, group in doc.spans.items()}


def plain(value):
    """msgpack (DocBin) gives lists back as tuples."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def same_docs(read, docs):
    for a, b in zip(read, docs, strict=True):
        for attr in ("text", "whitespace_", "tag_", "pos_", "lemma_", "is_sent_start"):
            assert [getattr(t, attr) for t in a] == [getattr(t, attr) for t in b], attr
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
        assert [t._.pinyin for t in a] == [t._.pinyin for t in b]
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents]
        assert spans(a) == spans(b)
        assert plain(a.user_data) == plain(b.user_data)
        assert a.text == b.text


def test_docbin_round_trip(docs, nlp, tmp_path):
    path = tmp_path / "corpus.spacy"
    counts = write_docbin(iter(docs), path)
    spaces = sum(t.is_space for d in docs for t in d)
    assert counts == (5, sum(len(list(d.sents)) for d in docs if len(d)),
                      sum(map(len, docs)) - spaces, spaces)
    read = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    same_docs(read, docs)
    assert spans(read[0]) == {"compounds": [(0, 4, "nt")]}
    assert spans(read[1])["title"] == [(0, 3, "")]
    assert [e.text for e in read[0].ents] == ["江泽民"]
    assert plain(read[0].user_data["pretagged_ids"]) == [[0, "19980101-01-001-001", "m"]]
    assert read[2][1]._.pinyin == "kan4"


def test_docbin_without_user_data(docs, nlp, tmp_path):
    write_docbin(docs, tmp_path / "c.spacy", store_user_data=False)
    read = list(DocBin().from_disk(tmp_path / "c.spacy").get_docs(nlp.vocab))
    assert read[0].user_data == {} and read[2][1]._.pinyin is None
    assert spans(read[0]) == spans(docs[0])  # span groups are not user data


def test_docbin_shards_read_as_one_corpus(docs, tmp_path):
    out = tmp_path / "shards"
    assert write_docbin(docs, out, shard_size=2).docs == 5
    assert sorted(p.name for p in out.iterdir()) == ["000000.spacy", "000001.spacy",
                                                      "000002.spacy"]
    # Corpus re-tokenizes each reference's text with nlp.make_doc: a plain zh pipeline.
    read = [eg.reference for eg in Corpus(out)(spacy.blank("zh"))]
    assert sorted(d.text for d in read) == sorted(d.text for d in docs if len(d))
    with pytest.raises(ValueError):
        write_docbin(docs, tmp_path / "x", shard_size=0)


def test_jsonl(docs, tmp_path):
    path = tmp_path / "docs.jsonl"
    assert write_jsonl(docs, path).docs == 5
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 6
    assert [json.loads(line) for line in lines[:-1]] == [d.to_json() for d in docs]
    assert "中央" in lines[0]  # ensure_ascii=False


def test_pretagged_seed_byte_for_byte(seed_doc, seed_text, tmp_path):
    path = tmp_path / "seed.txt"
    spaces = sum(t.is_space for t in seed_doc)
    assert write_pretagged([seed_doc], path) == (1, len(list(seed_doc.sents)),
                                                 len(seed_doc) - spaces, spaces)
    assert path.read_bytes() == seed_text.encode("utf-8")


def test_pretagged_reads_back(nlp, tmp_path):
    a, b = nlp("也/d即/vopen/nz平台/gi"), nlp("微信/gi是/vshi工具/gi。/w\n")
    path = tmp_path / "two.txt"
    write_pretagged([a, nlp(""), b, a], path)  # "\n" only where a Doc does not end a line
    text = path.read_text(encoding="utf-8")
    assert text == "也/d即/vopen/nz平台/gi\n微信/gi是/vshi工具/gi。/w\n也/d即/vopen/nz平台/gi"
    back = nlp(text)
    words = lambda *ds: [(t.text, t.tag_) for d in ds for t in d if not t.is_space]  # noqa: E731
    assert words(back) == words(a, b, a)


def test_pretagged_spaced_pku(pku, pku_doc, tmp_path):
    path = tmp_path / "pku.txt"
    write_pretagged([pku_doc], path, format="spaced", item_separator="  ")
    back = pku(path.read_text(encoding="utf-8"))
    assert [(t.text, t.tag_) for t in back] == [(t.text, t.tag_) for t in pku_doc]
    assert spans(back) == spans(pku_doc)
    assert back.user_data["pretagged_ids"] == pku_doc.user_data["pretagged_ids"]


def test_writers_table():
    assert WRITERS == {"spacy": write_docbin, "conllu": write_conllu, "jsonl": write_jsonl,
                       "pretagged": write_pretagged}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_writers_stream(name, nlp, tmp_path):
    """A writer holds no Doc it has written: at most the one it is writing stays alive."""
    made = []

    def docs():
        for _ in range(6):
            gc.collect()
            assert sum(ref() is not None for ref in made) <= 1, "a writer keeps old Docs"
            doc = nlp("微信/gi是/vshi工具/gi。/w\n好/a")
            made.append(weakref.ref(doc))
            yield doc

    gc.freeze()  # collections see only what is made here (the suite's heap takes ~0.3 s)
    try:
        counts = WRITERS[name](docs(), tmp_path / f"out.{name}")
    finally:
        gc.unfreeze()
    assert isinstance(counts, Counts)
    # Counted the same way whatever the format: the "\n" is a whitespace token, no word.
    assert counts == (6, 12, 6 * 5, 6) and counts.tokens == 36
