"""The tag mapper: POS, MORPH, LEMMA from the table, vectorised, never clobbering."""
import numpy
import pytest
import spacy
from spacy.tokens import Doc

from spacy_pretagged import tagsets
from spacy_pretagged.mapper import PretaggedTagMapper

NAME = "spacy_pretagged.PretaggedTokenizer.v1"


def make_nlp(tagset="hanlp", **mapper):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": NAME,
                                                          "tagset": tagset}}})
    nlp.add_pipe("pretagged_tag_mapper", config={"tagset": tagset, **mapper})
    return nlp


def test_pos_morph_lemma_from_table():
    doc = make_nlp()("他/rr把/pba书/n看/v完/vi了/ule，/w是/vshi三/m本/q")
    assert [t.pos_ for t in doc] == ["PRON", "ADP", "NOUN", "VERB", "VERB", "AUX", "PUNCT",
                                     "AUX", "NUM", "NOUN"]
    assert str(doc[5].morph) == "Aspect=Perf"
    assert str(doc[9].morph) == "NounType=Clf"
    assert [t.lemma_ for t in doc] == [t.text for t in doc]
    for attr in ("POS", "MORPH", "LEMMA", "TAG"):
        assert doc.has_annotation(attr, require_complete=True), attr


def test_every_tag_of_every_table_is_mapped_as_listed():
    for name in tagsets.available():
        nlp = make_nlp(name)
        rows = tagsets.load(name).rows
        words = [f"w{i}" for i in range(len(rows))]
        doc = nlp.get_pipe("pretagged_tag_mapper")(Doc(nlp.vocab, words=words, tags=list(rows)))
        assert [(t.pos_, str(t.morph)) for t in doc] == [(r.upos, r.feats) for r in rows.values()]


def test_whitespace_tokens_are_space():
    doc = make_nlp()("二维码/nz /x免费/vd\n好/a")
    assert [(t.text, t.pos_) for t in doc if t.is_space] == [(" ", "SPACE"), ("\n", "SPACE")]


def test_existing_features_are_kept_and_merged():
    nlp = make_nlp()
    doc = Doc(nlp.vocab, words=["了", "本"], tags=["ule", "q"],
              morphs=["Aspect=Prog|Mood=Ind", ""])
    nlp.get_pipe("pretagged_tag_mapper")(doc)
    assert str(doc[0].morph) == "Aspect=Prog|Mood=Ind"  # the token's own value wins
    assert str(doc[1].morph) == "NounType=Clf"
    doc = Doc(nlp.vocab, words=["本"], tags=["q"], morphs=["Number=Sing"])
    nlp.get_pipe("pretagged_tag_mapper")(doc)
    assert str(doc[0].morph) == "NounType=Clf|Number=Sing"


def test_existing_lemma_is_kept():
    nlp = make_nlp()
    doc = Doc(nlp.vocab, words=["們"], tags=["k"], lemmas=["们"])
    assert nlp.get_pipe("pretagged_tag_mapper")(doc)[0].lemma_ == "们"


def test_rerun_after_tag_change_updates_pos():
    nlp = make_nlp()
    doc = nlp("在/p")
    doc[0].tag_ = "v"  # in spaCy v3 this does not touch pos
    assert doc[0].pos_ == "ADP"
    nlp.get_pipe("pretagged_tag_mapper")(doc)
    assert doc[0].pos_ == "VERB"


def test_overrides_string_and_dict():
    nlp = make_nlp(overrides={"vshi": "VERB", "gi": {"POS": "PROPN", "MORPH": "Foreign=Yes"}})
    doc = nlp("是/vshi微信/gi")
    assert [(t.pos_, str(t.morph)) for t in doc] == [("VERB", ""), ("PROPN", "Foreign=Yes")]
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    assert mapper.tag_map["vshi"] == {"POS": "VERB", "MORPH": ""}
    assert mapper.tag_map["ude1"] == {"POS": "PART", "MORPH": ""}


@pytest.mark.parametrize("override", [{"v": "VERBS"}, {"v": {"UPOS": "VERB"}}])
def test_bad_overrides_are_refused(override):
    with pytest.raises(ValueError, match="override for 'v'"):
        make_nlp(overrides=override)


def test_unknown_tags_x_or_raise():
    nlp = spacy.blank("zh")
    doc = Doc(nlp.vocab, words=["面试", "词"], tags=["vvn", ""])
    mapper = PretaggedTagMapper(nlp.vocab)
    assert [t.pos_ for t in mapper(doc)] == ["X", "X"]
    strict = PretaggedTagMapper(nlp.vocab, unknown="raise")
    with pytest.raises(ValueError, match=r"tag 'vvn' of token 0 \('面试'\)"):
        strict(Doc(nlp.vocab, words=["面试"], tags=["vvn"]))


def test_overrides_saved_with_the_pipeline(tmp_path):
    nlp = make_nlp(overrides={"vshi": "VERB"})
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.get_pipe("pretagged_tag_mapper").cfg["overrides"] == {"vshi": "VERB"}
    assert loaded("是/vshi")[0].pos_ == "VERB"
    mapper = PretaggedTagMapper(spacy.blank("zh").vocab)
    mapper.from_bytes(nlp.get_pipe("pretagged_tag_mapper").to_bytes())
    assert mapper.tag_map["vshi"]["POS"] == "VERB"


def test_empty_doc():
    nlp = make_nlp()
    assert len(nlp("")) == 0


def test_score_uses_morphologizer_scorer():
    from spacy.training import Example

    nlp = make_nlp()
    pred = nlp("是/vshi微信/gi")
    ref = Doc(nlp.vocab, words=["是", "微信"], pos=["AUX", "PROPN"], morphs=["", ""])
    scores = nlp.get_pipe("pretagged_tag_mapper").score([Example(pred, ref)])
    assert scores["pos_acc"] == 0.5


# --- word rules (spacy_pretagged/tagsets/word_rules.tsv) -------------------------------------

def pos_feats(doc):
    return [(t.text, t.pos_, str(t.morph)) for t in doc if not t.is_space]


@pytest.mark.parametrize("tagset,text,expected", [
    # 是 tagged plain v (PKU, jieba) is the copula
    ("pku", "他/r 是/v 学生/n", [("他", "PRON", ""), ("是", "AUX", ""), ("学生", "NOUN", "")]),
    # 了/着/过 folded into u: aspect AUX
    ("pku", "看/v 了/u 书/n", [("看", "VERB", ""), ("了", "AUX", "Aspect=Perf"),
                            ("书", "NOUN", "")]),
    ("pku", "看/v 着/u", [("看", "VERB", ""), ("着", "AUX", "Aspect=Prog")]),
    # 被: long passive (agent follows) ADP, short passive (verb follows) AUX
    ("pku", "被/p 他/r 打/v", [("被", "ADP", "Voice=Pass"), ("他", "PRON", ""),
                             ("打", "VERB", "")]),
    ("pku", "被/p 打/v", [("被", "AUX", "Voice=Pass"), ("打", "VERB", "")]),
    ("hanlp", "被/pbei打/v", [("被", "AUX", "Voice=Pass"), ("打", "VERB", "")]),
    ("hanlp", "被/pbei他/rr打/v", [("被", "ADP", "Voice=Pass"), ("他", "PRON", "PronType=Prs"),
                                  ("打", "VERB", "")]),
    # 的 stays PART; 把 is ADP whatever the tag
    ("pku", "我/r 的/u 书/n", [("我", "PRON", ""), ("的", "PART", ""), ("书", "NOUN", "")]),
    ("jieba", "把/p 书/n", [("把", "ADP", ""), ("书", "NOUN", "")]),
    # modal 会 tagged v
    ("pku", "他/r 会/v 来/v", [("他", "PRON", ""), ("会", "AUX", ""), ("来", "VERB", "")]),
    # jieba tags punctuation x
    ("jieba", "好/a ，/x 。/x", [("好", "ADJ", ""), ("，", "PUNCT", ""), ("。", "PUNCT", "")]),
])
def test_word_rules(tagset, text, expected):
    assert pos_feats(make_nlp(tagset)(text)) == expected


def test_word_rules_can_be_switched_off():
    doc = make_nlp("pku", word_rules=False)("他/r 是/v 被/p 打/v")
    assert [t.pos_ for t in doc] == ["PRON", "VERB", "ADP", "VERB"]


def test_next_condition_skips_whitespace_tokens():
    doc = make_nlp("pku")("被/p\n打/v")
    assert doc[0].pos_ == "AUX"


def test_rules_file_is_checked(tmp_path):
    bad = "tagset\tword\ttag\tnext\tupos\tfeats\treason\n*\t@WORD\t*\t*\tX\t\tx\n"
    with pytest.raises(ValueError, match="word must be"):
        tagsets.parse_rules(bad, "rules.tsv")


# keep_given_tags: the tokenizer records the tags the input gave (when it accepts untagged
# text, i.e. in pipelines that run a tagger); a tagger with `overwrite = true` replaces them,
# and the mapper puts them back before mapping.

MIXED = "他/rr把/pba书/n看/v完/vi了/ule\n我们看书\n"


def tagger_pipeline(overwrite, keep_given_tags=True):
    """Our tokenizer (untagged text → one token per character, no tag), a spaCy tagger that
    knows one label, `zz`, so whatever it writes is recognisably its own, and the mapper."""
    from spacy.training import Example

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": NAME, "tagset": "hanlp", "untagged": "characters"}}})
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.HashEmbedCNN.v2", "width": 16, "depth": 1,
        "embed_size": 100, "window_size": 1, "maxout_pieces": 2,
        "subword_features": False, "pretrained_vectors": None}})
    nlp.add_pipe("tagger", config={"overwrite": overwrite})
    nlp.add_pipe("pretagged_tag_mapper", config={"keep_given_tags": keep_given_tags,
                                                 "unknown": "X"})
    words = ["我", "们", "看", "书"]
    examples = [Example(nlp.make_doc("我们看书"), Doc(nlp.vocab, words=words, tags=["zz"] * 4))]
    nlp.initialize(lambda: examples)
    return nlp


@pytest.mark.parametrize("keep", [True, False])
def test_tagger_that_overwrites_and_given_tags(keep):
    doc = tagger_pipeline(overwrite=True, keep_given_tags=keep)(MIXED)
    given = [t for t in doc[:6]]
    untagged = [t for t in doc[7:11]]
    assert [t.text for t in untagged] == ["我", "们", "看", "书"]
    assert {t.tag_ for t in untagged} == {"zz"}  # the tagger's, where the input had none
    assert {t.pos_ for t in untagged} == {"X"}
    if keep:
        assert [t.tag_ for t in given] == ["rr", "pba", "n", "v", "vi", "ule"]
        assert [t.pos_ for t in given] == ["PRON", "ADP", "NOUN", "VERB", "VERB", "AUX"]
        assert doc[6].tag_ == "_SP"  # a whitespace token's tag is given too
    else:
        assert {t.tag_ for t in given} == {"zz"} and doc[6].tag_ == "zz"
        # only the word rules (把 is ADP whatever its tag) still tell these apart
        assert [t.pos_ for t in given] == ["X", "ADP", "X", "X", "X", "X"]
    assert doc[6].pos_ == "SPACE"


def test_tagger_default_leaves_given_tags_alone():
    """spaCy's tagger (overwrite = false, its default) only tags tokens with no tag: the
    given tags survive even without the mapper's help."""
    doc = tagger_pipeline(overwrite=False, keep_given_tags=False)(MIXED)
    assert [t.tag_ for t in doc[:6]] == ["rr", "pba", "n", "v", "vi", "ule"]
    assert {t.tag_ for t in doc[7:11]} == {"zz"}


def test_given_tags_after_retokenizing_are_reported_not_misapplied():
    from spacy_pretagged.doc_keys import GIVEN_TAGS_KEY

    nlp = make_nlp()
    doc = Doc(nlp.vocab, words=["他", "看", "书"], tags=["zz", "zz", "zz"])
    doc.user_data[GIVEN_TAGS_KEY] = numpy.array(
        [nlp.vocab.strings.add("rr"), 0], dtype="uint64").tobytes()
    with pytest.warns(UserWarning, match="3 tokens but the tokenizer gave 2"):
        nlp.get_pipe("pretagged_tag_mapper")(doc)
    assert [t.tag_ for t in doc] == ["zz", "zz", "zz"]
    doc.user_data[GIVEN_TAGS_KEY] = numpy.array(
        [nlp.vocab.strings.add("rr"), 0, nlp.vocab.strings.add("n")], dtype="uint64").tobytes()
    nlp.get_pipe("pretagged_tag_mapper")(doc)
    assert [(t.tag_, t.pos_) for t in doc] == [("rr", "PRON"), ("zz", "X"), ("n", "NOUN")]
