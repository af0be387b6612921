"""`token._.upos_source`: what decided each POS, kept as one small column per Doc in
`user_data`, carried through DocBin, `doc.to_bytes` and pickling, exported to CoNLL-U MISC."""
import pickle

import numpy
import pytest
import spacy
from spacy.tokens import Doc, DocBin

from spacy_pretagged.doc_keys import SOURCE_DTYPE, UPOS_SOURCE_KEY, upos_sources
from spacy_pretagged.export import doc_to_conllu

NAME = "spacy_pretagged.PretaggedTokenizer.v1"
#: 被 before a verb (a rule with a next condition), 的 after a verb (a prev condition), 书
#: (the table), a tag no table has (unknown), a line break (space), 打 (an override).
TEXT = "他/r 被/p 打/v 了/u\n写/v 的/u 书/n 和/zz"
SOURCES = ["table:r", "rule:*:被:*:*:v*", "override:v", "rule:*:了:u:*:*", "space",
           "override:v", "rule:*:的:*:v*:*", "table:n", "unknown:zz"]


def make_nlp(**mapper):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": NAME, "tagset": "pku", "format": "spaced", "on_error": "warn"}}})
    nlp.add_pipe("pretagged_tag_mapper", config={"tagset": "pku", **mapper})
    return nlp


@pytest.fixture(scope="module")
def nlp():
    return make_nlp(overrides={"v": "VERB"})


@pytest.fixture(scope="module")
def doc(nlp):
    with pytest.warns(UserWarning, match="unknown tag 'zz'"):
        return nlp(TEXT)


def sources(doc):
    return [t._.upos_source for t in doc]


def test_every_kind_of_source(doc):
    assert [t.text for t in doc][4] == "\n"
    assert sources(doc) == SOURCES
    assert upos_sources(doc) == SOURCES
    assert [t.pos_ for t in doc] == ["PRON", "AUX", "VERB", "AUX", "SPACE", "VERB", "SCONJ",
                                     "NOUN", "X"]


def test_the_rule_behind_a_source(nlp, doc):
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    rule = mapper.rule(doc[6]._.upos_source[len("rule:"):])
    assert (rule.word, rule.prev, rule.upos, rule.conventions) == ("的", "v*", "SCONJ", "gsd")
    assert mapper.rule("*:的:*:n*:*") is None


def test_kept_as_two_bytes_a_token_and_the_rules_that_fired(doc):
    codes, keys = doc.user_data[UPOS_SOURCE_KEY]
    assert isinstance(codes, bytes) and len(codes) == 2 * len(doc)
    assert keys == ["*:被:*:*:v*", "*:了:u:*:*", "*:的:*:v*:*"]
    assert numpy.frombuffer(codes, dtype=SOURCE_DTYPE).max() == 8 + len(keys) - 1


def test_docbin_round_trip(nlp, doc):
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    loaded, = DocBin().from_bytes(data).get_docs(spacy.blank("zh").vocab)
    assert sources(loaded) == SOURCES
    # without user data there is no provenance, and no error
    plain, = DocBin(store_user_data=False, docs=[doc]).get_docs(nlp.vocab)
    assert sources(plain) == [None] * len(doc)


def test_pickle_and_to_bytes_round_trip(nlp, doc):
    assert sources(pickle.loads(pickle.dumps(doc))) == SOURCES
    assert sources(Doc(nlp.vocab).from_bytes(doc.to_bytes())) == SOURCES
    assert sources(doc.copy()) == SOURCES


@pytest.mark.slow
def test_through_nlp_pipe_in_two_processes(nlp):
    """spaCy's workers send Docs back with `to_bytes`: the sources come with them."""
    texts = ["写/v 的/u 书/n", "我/r 的/u 书/n"] * 4
    docs = list(nlp.pipe(texts, n_process=2, batch_size=2))
    assert [d[1]._.upos_source for d in docs] == ["rule:*:的:*:v*:*", "table:u"] * 4


def test_switched_off_and_stale_values(doc):
    off = make_nlp(upos_source=False)
    again = off.get_pipe("pretagged_tag_mapper")(doc.copy())
    assert UPOS_SOURCE_KEY not in again.user_data
    assert sources(again) == [None] * len(doc)
    assert off.config["components"]["pretagged_tag_mapper"]["upos_source"] is False


def test_a_retokenized_doc_has_no_stale_sources(nlp, doc):
    merged = doc.copy()
    with merged.retokenize() as retokenizer:
        retokenizer.merge(merged[0:2])
    assert sources(merged) == [None] * len(merged)
    assert upos_sources(merged) == [None] * len(merged)


def test_without_word_rules_the_table_decides():
    doc = make_nlp(word_rules=False)("被/p 打/v")
    assert sources(doc) == ["table:p", "table:v"]


def test_conllu_misc_on_request(doc):
    plain = doc_to_conllu(doc)
    assert "UposSource" not in plain
    rows = [line.split("\t") for line in doc_to_conllu(doc, misc_upos_source=True).splitlines()
            if line[:1].isdigit()]
    miscs = [dict(kv.split("=", 1) for kv in row[9].split("|")) for row in rows]
    want = [s for s in SOURCES if s != "space"]
    assert [m["UposSource"] for m in miscs] == want
    assert miscs[3]["SpacesAfter"] == "\\n"  # the line break is still there, beside it
