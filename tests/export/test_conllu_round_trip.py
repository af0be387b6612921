"""CoNLL-U read and written back (export/conllu.py's as-read mode): the same bytes —
comments, multiword-token ranges, empty nodes, FEATS, DEPS and MISC as written — also after
the Docs went through DocBin or pickle; and for every UD file of the shared corpora, through
`convert`, with the UD validator's verdict unchanged."""
import os
import pickle
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from spacy_pretagged.export.conllu import ConlluWriter
from spacy_pretagged.formats import ReaderSettings
from spacy_pretagged.pipeline import build_nlp
from tests.export.test_conllu import udvalidate
from tests.formats.test_conllu import SAMPLE
from tests.helpers import call

CORPORA = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))
UD_FILES = sorted(CORPORA.glob("ud_chinese_*/*.conllu"))


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(ReaderSettings.preset("conllu"))


def written(docs):
    import io

    out = io.StringIO()
    writer = ConlluWriter(out)
    for doc in docs:
        writer.write(doc)
    return out.getvalue()


def sentences(nlp, text):
    reading = nlp.tokenizer.reader.read(text)
    from spacy_pretagged.formats import unit_ranges

    return [nlp.tokenizer.doc_from_reading(part)
            for part in reading.split(unit_ranges(reading, "line"))]


def test_read_and_written_back_is_the_same_text(nlp):
    assert written([nlp.make_doc(SAMPLE)]) == SAMPLE
    assert written(sentences(nlp, SAMPLE)) == SAMPLE
    # The pipeline keeps every given UPOS, feature and lemma; only the third sentence,
    # without UPOS, gains the mapped ones (and lemmas: the word).
    piped = written([nlp(SAMPLE)]).split("\n")
    assert piped[:-5] == SAMPLE.split("\n")[:-5]
    assert piped[-5] == "1\t他\t他\tPRON\tPRP\t_\t_\t_\t_\tSpaceAfter=No"


def test_unnormalised_features_and_a_sentence_without_heads_come_back(nlp):
    text = SAMPLE.replace("Mood=Imp|Number=Plur", "Number=Plur|Mood=Imp")
    doc = nlp.make_doc(text)
    assert str(doc[4].morph) == "Mood=Imp|Number=Plur"  # spaCy's order on the Doc
    assert written([doc]) == text


def test_the_same_after_docbin_and_pickle(nlp):
    docs = sentences(nlp, SAMPLE)
    again = [pickle.loads(pickle.dumps(doc)) for doc in docs]
    assert written(again) == SAMPLE
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    loaded = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [(t.head.i, t.dep_) for t in loaded[0]] == [(t.head.i, t.dep_) for t in docs[0]]
    assert written(loaded) == SAMPLE


def test_given_upos_is_kept_and_missing_upos_mapped_unless_remap(nlp):
    doc = nlp(SAMPLE)
    assert doc[2].pos_ == "PROPN" and doc[2]._.upos_source == "given"
    assert [t.pos_ for t in doc[9:]] == ["PRON", "VERB", "AUX"]  # PRP VV AS, from the table
    assert doc[10]._.upos_source == "table:VV"
    remapping = build_nlp(ReaderSettings.preset("conllu"))
    remapping.replace_pipe("pretagged_tag_mapper", "pretagged_tag_mapper",
                           config={"tagset": "gsd", "remap": True})
    remapping = remapping.from_bytes(remapping.to_bytes())  # the setting is saved
    assert remapping.get_pipe("pretagged_tag_mapper").cfg["remap"] is True
    doc = remapping(SAMPLE)
    assert doc[1].pos_ == "VERB" and doc[1]._.upos_source == "table:VV"
    assert doc[2].pos_ == "X" and doc[2]._.upos_source == "unknown:NR"  # GSD writes NNP
    assert doc[4].pos_ == "X"  # no XPOS: nothing to map from


def test_a_sentence_whose_every_upos_is_given_is_kept_whole(nlp):
    """The mapper's shortcut for Docs whose every word has its UPOS (`_keep_given`): POS,
    features, lemma and tag as read, every source `given`, no rule listed as fired; a given
    tag a tagger overwrote comes back, as on the general path (the first sentence has
    XPOS, the second none)."""
    import numpy
    from spacy.attrs import LEMMA, MORPH, POS, TAG

    from spacy_pretagged import doc_keys

    mapper = nlp.get_pipe("pretagged_tag_mapper")
    for doc in sentences(nlp, SAMPLE)[:2]:
        before = doc.to_array([POS, MORPH, LEMMA, TAG])
        assert before[:, 0].all()  # every word came with its UPOS
        doc.user_data[doc_keys.GIVEN_TAGS_KEY] = numpy.asarray(
            before[:, 3], dtype="uint64").tobytes()
        if before[0, 3]:  # a tag the file gave, overwritten as a tagger would
            doc[0].tag_ = "zz"
        mapper(doc)
        assert (doc.to_array([POS, MORPH, LEMMA, TAG]) == before).all()
        assert {t._.upos_source for t in doc} == {"given"}
        assert doc.user_data[doc_keys.UPOS_SOURCE_KEY][1] == []


@pytest.mark.slow
@pytest.mark.skipif(not UD_FILES, reason="SPACY_PRETAGGED_CORPORA is not set")
@pytest.mark.parametrize("path", UD_FILES, ids=lambda p: p.name)
def test_every_ud_file_converts_back_to_its_own_bytes(path, tmp_path):
    doc_per = "article" if "pud" in path.name else "line"
    out = tmp_path / "out.conllu"
    run = call([sys.executable, "-m", "spacy_pretagged", "convert", str(path), str(out),
                "--preset", "conllu", "--to", "conllu", "--doc-per", doc_per])
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.read_bytes() == path.read_bytes()
    if path.name == "zh_gsdsimp-ud-test.conllu":  # the validator is slow: one file
        assert udvalidate(out, 2).returncode == udvalidate(path, 2).returncode
