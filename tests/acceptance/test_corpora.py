"""The real third-party corpora, whole (SOURCES.md in the corpora folder describes them).

Runs when SPACY_PRETAGGED_CORPORA points at a folder laid out like ../shared/corpora (.ci/run
sets it when that folder exists). The corpora are never copied into the repository.
"""
import os
import re
import time
import warnings
from pathlib import Path

import pytest

from spacy_pretagged import to_pretagged
from spacy_pretagged.doc_keys import IDS_KEY, PROBLEMS_KEY
from tests.helpers import pipeline

ROOT = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not ROOT.is_dir(),
    reason="SPACY_PRETAGGED_CORPORA is not set to a folder laid out like ../shared/corpora",
)]


def read(path: Path) -> str:
    # newline="": PKU has CRLF plus stray bare CRs; they are text and count as line breaks.
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def words(doc):
    return [t for t in doc if t.tag_ != "_SP"]


def timed(nlp, text):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = nlp.tokenizer(text)
    elapsed = time.perf_counter() - start
    print(f"\n{len(words(doc)):,} tokens in {elapsed:.2f}s")
    return doc


@pytest.fixture(scope="module")
def pku():
    text = read(ROOT / "pku_peoples_daily_1998" / "199801.txt")
    return text, timed(pipeline("pku1998", on_error="warn"), text)


def test_pku_counts(pku):
    _, doc = pku
    assert len(words(doc)) == 1_121_447
    assert len(doc.spans["compounds"]) == 9_238
    assert len(doc.user_data[IDS_KEY]) == 19_484
    labels = {}
    for span in doc.spans["compounds"]:
        labels[span.label_] = labels.get(span.label_, 0) + 1
    assert labels == {"nt": 7_872, "ns": 1_047, "nz": 304, "i": 13, "l": 2}


def test_pku_problems_are_exactly_the_two_annotation_errors(pku):
    _, doc = pku
    problems = doc.user_data[PROBLEMS_KEY]
    assert [(kind, text) for kind, _, _, text in problems] == [
        ("unknown_tag", "面试/vvn"), ("unknown_tag", "镇国寺/na")]
    assert {t.tag_ for t in doc if t.text in ("面试", "镇国寺")} >= {"vvn", "na"}


def test_pku_writer_round_trip_in_normal_form(pku):
    text, doc = pku
    written = to_pretagged(doc, "spaced", item_separator="  ")
    original = text.split("\n")
    again = written.split("\n")
    assert len(again) == len(original)
    # Normal form: exactly two spaces between items (the corpus has 10 single and 9 triple
    # runs), trailing whitespace aside.
    for a, b in zip(original, again):
        assert re.sub(" +", "  ", a).rstrip() == b.rstrip()


def test_ictclas_files():
    nlp = pipeline("ictclas")
    files = sorted((ROOT / "ictclas30_opinion_mining" / "ctfiles").glob("*.tag"))
    assert len(files) == 120
    total = brackets = 0
    start = time.perf_counter()
    for path in files:
        text = read(path)
        doc = nlp.tokenizer(text)  # on_error="raise": any problem fails the test
        total += len(words(doc))
        brackets += sum((t.text, t.tag_) in {("[", "wkz"), ("]", "wky")} for t in doc)
        assert "compounds" not in doc.spans
        # ICTCLAS text comes back byte for byte, but for a last item separator at the end
        # of a file (the writer does not end a text with one).
        written = to_pretagged(doc, "spaced", title_prefix=None)
        assert written in (text, text[:-1]), path.name
    print(f"\n{total:,} tokens in {time.perf_counter() - start:.2f}s")
    assert total == 66_629
    assert brackets == 6


@pytest.mark.parametrize("name,tokens,pinyin", [("valid", 111_325, 971), ("test", 110_541, 911)])
def test_fine_pku_with_pinyin(name, tokens, pinyin):
    # SOURCES.md counts 111,327 in valid by splitting on spaces: `为{ wei4 }/p` is one token.
    nlp = pipeline("pku_fine")
    doc = timed(nlp, read(ROOT / "pku_1998_fine_pinyin_yym6472" / f"{name}.txt"))
    assert len(words(doc)) == tokens
    assert sum(t._.pinyin is not None for t in doc) == pinyin
    assert not any("{" in t.text for t in doc if t._.pinyin is not None)


# -- streaming reads the real corpora as the whole files read --------------------------------

STREAMED = [("pku_peoples_daily_1998/199801.txt", "pku", ("article", "line", "file")),
            ("pku_1998_fine_pinyin_yym6472/valid.txt", "pku_fine", ("line", "file")),
            ("ictclas30_opinion_mining/ctfiles", "ictclas", ("line", "file"))]


@pytest.mark.parametrize("relative,preset,doc_pers", STREAMED)
def test_streamed_units_equal_whole_file_units(relative, preset, doc_pers):
    """`PretaggedCorpus` streams files unit by unit; what it yields must be what reading each
    file whole and cutting it (`unit_ranges`) gives: same tokens, spans, ids, line numbers
    and problems (PD has two unknown tags, on_error="warn")."""
    from spacy_pretagged.corpus import PretaggedCorpus
    from spacy_pretagged.formats import ReaderSettings

    settings = ReaderSettings.preset(preset, on_error="warn")
    for doc_per in doc_pers:
        corpus = PretaggedCorpus(ROOT / relative, settings, doc_per=doc_per)
        for path in corpus.files():
            problems = []
            streamed = list(corpus.stream(path, problems.append))
            reading = corpus.reader.read(read(path), source=str(path))
            assert streamed == list(corpus.split(reading)), (path, doc_per)
            assert problems == reading.problems
    if preset == "pku":
        assert len(streamed) == 1 and len(problems) == 2
