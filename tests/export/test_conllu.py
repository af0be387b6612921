"""CoNLL-U export: parses with `conllu`, passes the UD validator, gives the Doc text back,
and spaCy's own converter reads it with the same words, tags, POS and features."""
import io
import re
import subprocess
import sys
import unicodedata

import conllu  # noqa: E402  (test extra)
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc
from spacy.training.converters import conllu_to_docs

from spacy_pretagged.export import (
    ConlluWriter,
    doc_to_conllu,
    escape_spaces,
    is_whitespace_token,
    unescape_spaces,
    write_conllu,
)
from tests.helpers import pipeline


@pytest.fixture(scope="module")
def hanlp():
    return pipeline("hanlp")


def make_doc(vocab, words, spaces, tags, sent_starts, **kw):
    pos = ["SPACE" if t == "_SP" or w.isspace() else "X" for w, t in zip(words, tags)]
    return Doc(vocab, words=words, spaces=spaces, tags=tags, pos=kw.pop("pos", pos),
               lemmas=kw.pop("lemmas", words), sent_starts=sent_starts, **kw)


@pytest.fixture(scope="module")
def edge_doc(hanlp):
    """Whitespace tokens first, inside, last, and as a sentence of their own; words with an
    inner space, a tab, two spaces, a leading U+3000, a pipe and a backslash."""
    words = ["\n ", "我", "a b", "a\tb", "  ", "好", "。", "\n", "x|y\\z", "\u3000词", "a  b", "\n\n"]
    spaces = [False, True] + [False] * 10
    tags = ["_SP", "rr", "x", "x", "x", "a", "w", "_SP", "nx", "n", "x", "_SP"]
    starts = [True, False, False, False, False, False, False, True, True, False, False, False]
    return make_doc(hanlp.vocab, words, spaces, tags, starts)


@pytest.fixture(scope="module")
def parsed_doc(hanlp):
    """A hand-made parse: two sentences, a whitespace token as a head (climbed over)."""
    words = ["我", "\n", "爱", "北京", "。", "他", "好"]
    return Doc(hanlp.vocab, words=words, spaces=[False] * 7,
               tags=["rr", "_SP", "v", "ns", "w", "rr", "a"],
               pos=["PRON", "SPACE", "VERB", "PROPN", "PUNCT", "PRON", "ADJ"],
               lemmas=words, heads=[1, 2, 2, 2, 2, 6, 6],
               deps=["nsubj", "dep", "ROOT", "obj", "punct", "nsubj", "ROOT"])


@pytest.fixture(scope="module")
def edge_docs(hanlp, edge_doc, parsed_doc):
    ictclas = pipeline("ictclas")
    return [
        edge_doc,
        ictclas("　　当/p 毫克/q\n　　Jan/x  Wong/x [/wkz 1/m ]/wky\n"),  # U+3000 indents
        hanlp("\n\n#微信/gi的/ude1区别/gi\n微信/gi是/vshi工具/gi。/w\n\n"),  # title, edges
        hanlp(""),  # empty: nothing written
        hanlp("\n\n"),  # whitespace only: nothing written
        hanlp("也/d即/vopen/nz平台/gi 。/w"),  # ends with no whitespace at all
        hanlp("好/a "),  # ends with one space
        parsed_doc,
    ]


# -- helpers: an independent reader of what we promise ---------------------------------------

_UNESC = {"s": " ", "t": "\t", "r": "\r", "n": "\n", "p": "|", "\\": "\\"}


def unescape(value):
    return re.sub(r"\\(u[0-9a-f]{4}|.)",
                  lambda m: chr(int(m[1][1:], 16)) if len(m[1]) == 5 else _UNESC[m[1]], value)


def misc_dict(col):
    return {} if col == "_" else dict(p.partition("=")[::2] for p in col.split("|"))


def reconstruct(text):
    """Doc texts from CoNLL-U: SpacesBefore, SpacesInToken or FORM, SpacesAfter /
    SpaceAfter=No / one space, nothing after a document's last word."""
    docs = []
    for line in text.split("\n"):
        if line.startswith("# newdoc"):
            docs.append([])
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            docs[-1].append((cols[1], misc_dict(cols[9])))
    texts = []
    for words in docs:
        out = []
        for i, (form, misc) in enumerate(words):
            out.append(unescape(misc.get("SpacesBefore", "")))
            out.append(unescape(misc["SpacesInToken"]) if "SpacesInToken" in misc else form)
            if "SpacesAfter" in misc:
                out.append(unescape(misc["SpacesAfter"]))
            elif misc.get("SpaceAfter") != "No" and i + 1 < len(words):
                out.append(" ")
        texts.append("".join(out))
    return texts


def words_of(doc):
    return [t for t in doc if not is_whitespace_token(t)]


def udvalidate(path, level=1, *exclude):
    import udtools  # noqa: F401  (test extra: the official UD validator)
    args = [sys.executable, "-m", "udtools.cli", "--lang", "zh", "--level", str(level),
            "--max-err", "0"]
    if exclude:
        args += ["--exclude", *exclude]
    return subprocess.run(args + [str(path)], capture_output=True, text=True, timeout=600)


def export(docs, tmp_path, **options):
    path = tmp_path / "out.conllu"
    counts = write_conllu(docs, path, **options)
    return path, path.read_text(encoding="utf-8"), counts


# -- the seed --------------------------------------------------------------------------------

def test_seed_parses_with_the_fields(seed_doc, tmp_path):
    path, text, counts = export([seed_doc], tmp_path)
    sents = conllu.parse(text)
    words = words_of(seed_doc)
    assert counts == (1, len(sents), len(words), len(seed_doc) - len(words))
    assert len(sents) == sum(1 for s in seed_doc.sents if words_of(s))
    tokens = [tok for s in sents for tok in s]
    assert len(tokens) == len(words) == 1547
    for tok, t in zip(tokens, words):
        assert tok["form"] == t.text and tok["lemma"] == t.lemma_
        assert tok["xpos"] == t.tag_ and tok["upos"] == t.pos_
        assert (tok["feats"] or {}) == dict(f.split("=") for f in t.morph)
        assert tok["head"] is None and tok["deprel"] == "_" and tok["deps"] is None
    assert "ude1" in {tok["xpos"] for tok in tokens}
    ids = [s.metadata["sent_id"] for s in sents]
    assert ids[0] == "doc1-1" and len(set(ids)) == len(ids)
    assert sents[0].metadata["newdoc id"] == "doc1"
    assert sents[0].metadata["text"] == seed_doc.spans["title"][0].text
    assert all("\t" not in line for line in text.split("\n") if line.startswith("#"))
    assert all(line.count("\t") == 9 for line in text.split("\n") if line[:1].isdigit())


def test_seed_text_comes_back(seed_doc, tmp_path):
    assert reconstruct(export([seed_doc], tmp_path)[1]) == [seed_doc.text]


@pytest.mark.slow  # the validator runs in a subprocess
def test_seed_passes_the_ud_validator(seed_doc, tmp_path):
    path = export([seed_doc], tmp_path)[0]
    run = udvalidate(path)
    assert run.returncode == 0, run.stderr
    # Level 2 also checks `# text` against FORM + SpaceAfter=No; only HEAD `_` fails there.
    run = udvalidate(path, 2, "invalid-head", "unknown-head")
    assert run.returncode == 0, run.stderr


@pytest.mark.slow  # the validator runs in a subprocess
def test_seed_with_upos_source_in_misc_passes_the_ud_validator(seed_doc, tmp_path):
    path, text, _ = export([seed_doc], tmp_path, misc_upos_source=True)
    tokens = [tok for s in conllu.parse(text) for tok in s]
    assert all(tok["misc"]["UposSource"] for tok in tokens)
    assert {tok["misc"]["UposSource"].split(":")[0] for tok in tokens} == {"table", "rule"}
    assert "UposSource=rule:*:是:*:*:p" in text or "UposSource=table:vshi" in text
    run = udvalidate(path)
    assert run.returncode == 0, run.stderr


@pytest.mark.slow  # the validator runs in a subprocess
def test_the_validator_catches_what_spacy_conll_writes(tmp_path):
    """Control: the harness fails a line a tab inside a word splits (spacy-conll 4.0.1's
    output for the word `a\tb`), so the passes above mean something."""
    path = tmp_path / "bad.conllu"
    path.write_text("# sent_id = 1\n# text = a b\n1\ta\tb\t_\tX\tx\t_\t1\t_\t_\t_\n\n",
                    encoding="utf-8")
    run = udvalidate(path)
    assert run.returncode != 0 and "number-of-columns" in run.stderr + run.stdout


# -- whitespace policy -----------------------------------------------------------------------

def test_whitespace_tokens_fold_into_misc(edge_doc):
    sents = conllu.parse(doc_to_conllu(edge_doc))
    assert [s.metadata["sent_id"] for s in sents] == ["doc1-1", "doc1-2"]  # "\n" alone: skipped
    assert [s.metadata["text"] for s in sents] == ["我 a ba b 好。", "x|y\\z词a b"]
    rows = [(tok["form"], tok["misc"]) for s in sents for tok in s]
    assert rows == [
        ("我", {"SpacesBefore": "\\n\\s"}),
        ("a b", {"SpaceAfter": "No"}),
        ("a b", {"SpacesInToken": "a\\tb", "SpacesAfter": "\\s\\s"}),
        ("好", {"SpaceAfter": "No"}),
        ("。", {"SpacesAfter": "\\n"}),
        ("x|y\\z", {"SpaceAfter": "No"}),
        ("词", {"SpacesInToken": "\\u3000词", "SpaceAfter": "No"}),
        ("a b", {"SpacesInToken": "a\\s\\sb", "SpacesAfter": "\\n\\n"}),
    ]


def test_document_ends(hanlp):
    last = lambda text: conllu.parse(doc_to_conllu(hanlp(text)))[-1][-1]["misc"]  # noqa: E731
    assert last("好/a。/w") is None  # no SpaceAfter=No at the end of a document
    assert last("好/a。/w ") == {"SpacesAfter": "\\s"}  # so one trailing space stays visible
    assert last("好/a。/w\n") == {"SpacesAfter": "\\n"}


def test_edge_docs_round_trip_and_parse(edge_docs, tmp_path):
    path, text, counts = export(edge_docs, tmp_path)
    written = [d for d in edge_docs if words_of(d)]
    assert reconstruct(text) == [d.text for d in written]
    sents = conllu.parse(text)
    words = sum(len(words_of(d)) for d in edge_docs)
    assert counts == (len(edge_docs), len(sents), words, sum(map(len, edge_docs)) - words)
    assert [tok["form"] for s in sents for tok in s] == [
        " ".join(t.text.split()) for d in written for t in words_of(d)]
    ids = [s.metadata["sent_id"] for s in sents]
    assert len(set(ids)) == len(ids)
    assert [s.metadata["newdoc id"] for s in sents if "newdoc id" in s.metadata] == [
        "doc1", "doc2", "doc3", "doc6", "doc7", "doc8"]  # doc4, doc5 wrote nothing


@pytest.mark.slow  # the validator runs in a subprocess
def test_edge_docs_pass_the_ud_validator(edge_docs, tmp_path):
    path = export(edge_docs, tmp_path)[0]
    run = udvalidate(path)
    assert run.returncode == 0, run.stderr
    run = udvalidate(path, 2, "invalid-head", "unknown-head")
    assert run.returncode == 0, run.stderr


def test_title_is_a_sentence_without_its_prefix(hanlp):
    doc = hanlp("#微信/gi的/ude1区别/gi\n微信/gi是/vshi工具/gi。/w")
    first = conllu.parse(doc_to_conllu(doc))[0]
    assert first.metadata["text"] == doc.spans["title"][0].text == "微信的区别"
    assert [tok["form"] for tok in first] == ["微信", "的", "区别"]


def test_nothing_to_write(hanlp, tmp_path):
    path, text, counts = export([hanlp(""), hanlp("\n \n")], tmp_path)
    assert text == "" and counts == (2, 0, 0, 1)  # the whitespace token is counted


# -- parse -----------------------------------------------------------------------------------

def test_parse_heads_and_deprels(parsed_doc, tmp_path):
    path, text, _ = export([parsed_doc], tmp_path)
    sents = conllu.parse(text)
    rows = [[(t["form"], t["head"], t["deprel"]) for t in s] for s in sents]
    assert rows == [[("我", 2, "nsubj"), ("爱", 0, "root"), ("北京", 2, "obj"), ("。", 2, "punct")],
                    [("他", 2, "nsubj"), ("好", 0, "root")]]
    assert sents[0][0]["misc"] == {"SpacesAfter": "\\n"}
    run = udvalidate(path, 2)  # with a real parse, level 2 passes whole
    assert run.returncode == 0, run.stderr


# -- ids, Unicode ----------------------------------------------------------------------------

def test_doc_ids(hanlp, tmp_path):
    docs = [hanlp("好/a"), hanlp("好/a")]
    names = iter(["corpus/a b.txt", "x"])
    text = export(docs, tmp_path, doc_id=lambda doc, i: next(names))[1]
    assert [s.metadata["sent_id"] for s in conllu.parse(text)] == ["corpus_a_b.txt-1", "x-1"]
    text = export(docs, tmp_path, doc_id_prefix="pd", newdoc=False)[1]
    assert "newdoc" not in text
    assert [s.metadata["sent_id"] for s in conllu.parse(text)] == ["pd1-1", "pd2-1"]
    with pytest.raises(ValueError, match="used twice"):
        export(docs, tmp_path, doc_id=lambda doc, i: "same")


def test_nfc(hanlp):
    doc = hanlp("\uf900/n")  # a CJK compatibility ideograph: NFC makes it U+8C48
    assert conllu.parse(doc_to_conllu(doc))[0][0]["form"] == "\u8c48"
    assert conllu.parse(doc_to_conllu(doc, nfc=False))[0][0]["form"] == "\uf900"
    assert unicodedata.is_normalized("NFC", doc_to_conllu(doc))


@given(st.text())
def test_escape_round_trip(text):
    value = escape_spaces(text)
    assert unescape_spaces(value) == text
    assert unescape(value) == text  # the test's own reader agrees
    assert not any(c.isspace() or c == "|" or unicodedata.category(c) == "Cc" for c in value)


def test_unescape_reads_udpipe_values():
    assert unescape_spaces("\\s\\t\\r\\n\\p\\\\") == " \t\r\n|\\"


# -- spaCy reads it back ---------------------------------------------------------------------

@pytest.mark.parametrize("which", ["seed", "edge"])
def test_spacy_converter_reads_it_back(which, seed_doc, edge_docs):
    docs = [seed_doc] if which == "seed" else edge_docs
    out = io.StringIO()
    writer = ConlluWriter(out)
    for doc in docs:
        writer.write(doc)
    read = [t for d in conllu_to_docs(out.getvalue(), n_sents=10**6, no_print=True) for t in d]
    words = [t for d in docs for t in words_of(d)]
    assert [t.text for t in read] == [" ".join(t.text.split()) for t in words]
    assert [t.tag_ for t in read] == [t.tag_ for t in words]
    assert [t.pos_ for t in read] == [t.pos_ for t in words]
    assert [str(t.morph) for t in read] == [str(t.morph) for t in words]
    assert [t.lemma_ for t in read] == [" ".join(t.lemma_.split()) for t in words]
