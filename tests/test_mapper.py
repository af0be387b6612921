"""The tag mapper: POS, MORPH, LEMMA from the table, vectorised, never clobbering."""
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
