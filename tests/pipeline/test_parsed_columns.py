"""The columns parsed formats give (UPOS, lemmas, FEATS, heads, deps, MISC, entities, kept
lines) reach the Doc as spaCy annotations, so the DependencyMatcher, displaCy and pickling
work on them; the readers that fill them are tested in tests/formats."""
import pickle

import pytest
import spacy
from spacy import displacy
from spacy.matcher import DependencyMatcher

from spacy_pretagged import doc_keys
from spacy_pretagged.formats import ReaderSettings, Reading
from spacy_pretagged.tokenizer import PretaggedTokenizer


def parsed_reading() -> Reading:
    words = ["我", "爱", "北京", "。", "他", "来", "了"]
    reading = Reading(words, [False] * 7, ["PN", "VV", "NR", "PU", "PN", "VV", "AS"],
                      [1, 1, 1, 1, 2, 2, 2], [1, 2, 3, 5, 1, 2, 3], [None] * 7)
    reading.upos = ["PRON", "VERB", "PROPN", "PUNCT", "PRON", "VERB", "AUX"]
    reading.lemmas = list(words)
    reading.feats = ["", "", "", "", "", "", "Aspect=Perf"]
    reading.heads = [1, 1, 1, 1, 5, 5, 5]
    reading.deps = ["nsubj", "root", "obj", "punct", "nsubj", "root", "aux"]
    reading.misc = ["", "", "SpaceAfter=No", "", "", "", ""]
    reading.entities = [(2, 3, "GPE")]
    reading.kept_lines = [(0, "# sent_id = 1"), (4, "# sent_id = 2")]
    return reading


@pytest.fixture(scope="module")
def tokenizer():
    return PretaggedTokenizer(spacy.blank("zh").vocab, ReaderSettings.preset("pku"))


def test_every_given_column_is_on_the_doc(tokenizer):
    reading = parsed_reading()
    doc = tokenizer.doc_from_reading(reading)
    assert [t.tag_ for t in doc] == reading.tags
    assert [t.pos_ for t in doc] == reading.upos
    assert [t.lemma_ for t in doc] == reading.lemmas
    assert [str(t.morph) for t in doc] == reading.feats
    assert [t.head.i for t in doc] == reading.heads
    # UD's `root` is spaCy's `ROOT` on the Doc (the CoNLL-U writer writes `root` again)
    assert [t.dep_ for t in doc] == [d.replace("root", "ROOT") for d in reading.deps]
    assert doc.has_annotation("DEP")
    assert [s.text for s in doc.sents] == ["我爱北京。", "他来了"]
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(2, 3, "GPE")]
    assert doc.user_data[doc_keys.MISC_KEY] == reading.misc
    assert doc.user_data[doc_keys.KEPT_LINES_KEY] == [[0, "# sent_id = 1"], [4, "# sent_id = 2"]]
    assert doc_keys.FEATS_KEY not in doc.user_data  # spaCy writes these features back as given


def test_features_spacy_would_write_otherwise_are_kept_as_written(tokenizer):
    reading = parsed_reading()
    reading.feats = ["", "", "", "", "", "", "Mood=Ind|Aspect=Perf"]  # not in UD's order
    doc = tokenizer.doc_from_reading(reading)
    assert str(doc[6].morph) == "Aspect=Perf|Mood=Ind"
    assert doc.user_data[doc_keys.FEATS_KEY] == reading.feats


def test_the_parse_works_with_spacys_tools(tokenizer):
    doc = tokenizer.doc_from_reading(parsed_reading())
    matcher = DependencyMatcher(doc.vocab)
    matcher.add("SUBJ", [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"POS": "VERB"}},
                          {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subj",
                           "RIGHT_ATTRS": {"DEP": "nsubj"}}]])
    assert sorted(tokens for _, tokens in matcher(doc)) == [[1, 0], [5, 4]]
    assert "nsubj" in displacy.render(doc, style="dep")
    again = pickle.loads(pickle.dumps(doc))
    assert [(t.head.i, t.dep_, t.pos_) for t in again] == [(t.head.i, t.dep_, t.pos_) for t in doc]


def test_bad_columns_are_one_line_errors(tokenizer):
    reading = parsed_reading()
    reading.upos[0] = "PN"
    with pytest.raises(ValueError, match="not a Universal POS tag: 'PN'"):
        tokenizer.doc_from_reading(reading)
    reading = parsed_reading()
    reading.heads[3] = 7
    with pytest.raises(ValueError, match="a head outside the text"):
        tokenizer.doc_from_reading(reading)


def test_word_tag_text_has_no_parse(tokenizer):
    doc = tokenizer("我/r 爱/v 北京/ns")
    assert not doc.has_annotation("DEP") and not doc.has_annotation("POS")


def test_a_reading_without_deprels_keeps_its_sentences_and_has_no_parse(tokenizer):
    reading = parsed_reading()
    reading.heads = list(range(7))
    reading.deps = [""] * 7
    reading.sent_starts = [True, False, False, False, True, False, False]
    doc = tokenizer.doc_from_reading(reading)
    assert not doc.has_annotation("DEP")
    assert [s.text for s in doc.sents] == ["我爱北京。", "他来了"]


def test_a_sentence_without_a_parse_in_a_parsed_doc_keeps_its_start(tokenizer):
    reading = parsed_reading()
    reading.heads[4:] = [4, 5, 6]
    reading.deps[4:] = ["", "", ""]
    reading.sent_starts = [True, False, False, False, True, False, False]
    doc = tokenizer.doc_from_reading(reading)
    assert doc.has_annotation("DEP")
    assert [s.text for s in doc.sents] == ["我爱北京。", "他来了"]
