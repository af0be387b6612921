"""The tag mapper: POS, MORPH, LEMMA from the table, vectorised, never clobbering."""
import numpy
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from spacy_pretagged import mapper as mapper_module
from spacy_pretagged import tagsets
from spacy_pretagged.doc_keys import UPOS_SOURCE_KEY
from spacy_pretagged.mapper import PretaggedTagMapper
from tests.helpers import examples

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
    # 被: AUX whether an agent follows or not (GSD; the docs' long-passive ADP is the
    # ud_guidelines profile, test_conventions_pick_the_profile)
    ("pku", "被/p 他/r 打/v", [("被", "AUX", "Voice=Pass"), ("他", "PRON", ""),
                             ("打", "VERB", "")]),
    ("pku", "被/p 打/v", [("被", "AUX", "Voice=Pass"), ("打", "VERB", "")]),
    ("hanlp", "被/pbei打/v", [("被", "AUX", "Voice=Pass"), ("打", "VERB", "")]),
    ("hanlp", "被/pbei他/rr打/v", [("被", "AUX", "Voice=Pass"), ("他", "PRON", "PronType=Prs"),
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
    doc = make_nlp("pku", conventions="ud_guidelines")("被/p\n打/v")
    assert doc[0].pos_ == "AUX"


def test_prev_condition_skips_whitespace_tokens_and_never_holds_at_the_start():
    # 的 after a verb is GSD's relativizer (SCONJ), after a noun the genitive (PART)
    nlp = make_nlp("pku")
    assert [t.pos_ for t in nlp("写/v\n的/u 书/n") if not t.is_space] == ["VERB", "SCONJ", "NOUN"]
    assert [t.pos_ for t in nlp("我/r 的/u 书/n")] == ["PRON", "PART", "NOUN"]
    assert nlp("的/u 书/n")[0].pos_ == "PART"


def test_a_rule_with_prev_and_next_needs_both():
    rules = tagsets.parse_rules(
        "tagset\tword\ttag\tprev\tnext\tupos\tfeats\tconventions\treason\n"
        "*\t和\t*\td*\tn*\tADP\t\t*\ttest: both sides\n", "test.tsv")
    nlp = make_nlp("pku")
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    mapper._configure(mapper.cfg, mapper.table, rules)
    pos = lambda text: [t.pos_ for t in nlp(text)]  # noqa: E731
    assert pos("也/d 和/c 他/n") == ["ADV", "ADP", "NOUN"]
    assert pos("也/d 和/c 去/v") == ["ADV", "CCONJ", "VERB"]
    assert pos("书/n 和/c 笔/n") == ["NOUN", "CCONJ", "NOUN"]
    assert mapper.rule("*:和:*:d*:n*").reason == "test: both sides"


@pytest.mark.parametrize("text,gsd,guidelines", [
    # linking adverb: SCONJ mark in GSD, ADV in the guidelines
    ("他/r 也/d 来/v", "SCONJ", "ADV"),
    # subordinator: ADP case in GSD, SCONJ in the guidelines
    ("因为/c 下雨/v", "ADP", "SCONJ"),
    # long passive: AUX in GSD, ADP in the guidelines
    ("被/p 他/r 打/v", "AUX", "ADP"),
    # relativizer 的: SCONJ in GSD, PART in the guidelines
    ("写/v 的/u 书/n", "SCONJ", "PART"),
])
def test_conventions_pick_the_profile(text, gsd, guidelines):
    def pos_of_second_or_first(conventions):
        doc = make_nlp("pku", conventions=conventions)(text)
        i = 1 if doc[0].tag_ in ("r", "v") else 0
        return doc[i].pos_

    assert pos_of_second_or_first("gsd") == gsd
    assert pos_of_second_or_first("ud_guidelines") == guidelines


def test_conventions_are_checked_and_saved(tmp_path):
    with pytest.raises(ValueError, match="conventions must be one of gsd, ud_guidelines"):
        make_nlp("pku", conventions="pud")
    nlp = make_nlp("pku", conventions="ud_guidelines")
    assert nlp.config["components"]["pretagged_tag_mapper"]["conventions"] == "ud_guidelines"
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    mapper = loaded.get_pipe("pretagged_tag_mapper")
    assert mapper.cfg["conventions"] == "ud_guidelines"
    assert loaded("他/r 也/d 来/v")[1].pos_ == "ADV"
    # both profiles' rules are saved; the setting picks
    saved = (tmp_path / "p" / "pretagged_tag_mapper" / "word_rules.tsv").read_text("utf-8")
    assert "\tgsd\t" in saved and "\tud_guidelines\t" in saved
    assert set(mapper.active_rules) < set(mapper.rules)


def test_rules_file_is_checked(tmp_path):
    bad = "tagset\tword\ttag\tnext\tupos\tfeats\treason\n*\t@WORD\t*\t*\tX\t\tx\n"
    with pytest.raises(ValueError, match="word must be"):
        tagsets.parse_rules(bad, "rules.tsv")
    header = "tagset\tword\ttag\tprev\tnext\tupos\tfeats\tconventions\treason\n"
    with pytest.raises(ValueError, match="rules.tsv:2: conventions must be"):
        tagsets.parse_rules(header + "*\t是\tv\t*\t*\tAUX\t\tpud\tx\n", "rules.tsv")
    with pytest.raises(ValueError, match="tag, prev and next"):
        tagsets.parse_rules(header + "*\t是\tv\t\t*\tAUX\t\t*\tx\n", "rules.tsv")
    with pytest.raises(ValueError, match="header must be"):
        tagsets.parse_rules("tagset\tword\ttag\tprev\tupos\n", "rules.tsv")


def test_rules_in_the_old_seven_column_format_still_load():
    """Pipelines saved by 0.1.x have word_rules.tsv without prev and conventions."""
    old = ("# saved by 0.1.x\ntagset\tword\ttag\tnext\tupos\tfeats\treason\n"
           "*\t被\t*\tv*\tAUX\tVoice=Pass\tshort passive\n")
    rule, = tagsets.parse_rules(old, "word_rules.tsv")
    assert (rule.prev, rule.next, rule.conventions, rule.upos) == ("*", "v*", "*", "AUX")
    # written back in the new format, read back the same
    assert tagsets.parse_rules(tagsets.rules_text([rule]), "again.tsv") == [rule]


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


# The short-Doc path (`mapper.SHORT_DOC`, Python lists) must map exactly as the array path:
# random Docs of words the rules name, shapes, unknown tags, whitespace, features and lemmas
# already set, each mapped both ways.
_RULE_TAGS = ["a", "c", "d", "f", "m", "p", "q", "r", "u", "ude2", "v", "vn", "w", "x"]
_HANLP_TAGS = _RULE_TAGS + list(tagsets.load("hanlp").rows)[:30] + ["vvn", "nope", "_SP", ""]
_RULE_WORDS = [r.word for r in tagsets.word_rules("hanlp") if not r.word.startswith("@")][:30] \
    + ["的", "，", "。", "123", "ABC", "‰", "+", "书", " ", "\n", "xyz"]
_FEATS = ["", "", "Person=1", "Aspect=Perf", "Number=Plur|Person=3"]


@st.composite
def _mapper_docs(draw, vocab):
    n = draw(st.integers(min_value=1, max_value=14))
    pick = lambda options: draw(st.lists(st.sampled_from(options), min_size=n, max_size=n))  # noqa: E731
    words = pick(_RULE_WORDS)
    lemmas = [w if keep else "" for w, keep in zip(pick(_RULE_WORDS), pick([True, False]))]
    return Doc(vocab, words=words, spaces=pick([True, False]), tags=pick(_HANLP_TAGS),
               lemmas=lemmas, morphs=pick(_FEATS))


def _mapped(mapper, doc, short_doc, monkeypatch):
    monkeypatch.setattr(mapper_module, "SHORT_DOC", short_doc)
    doc = mapper(doc.copy())
    return ([(t.pos, t.morph.key, t.lemma, t.tag) for t in doc],
            doc.user_data.get(UPOS_SOURCE_KEY))


@pytest.mark.parametrize("changes", [{}, {"upos_source": False}, {"conventions": "ud_guidelines"},
                                     {"overrides": {"n": "PROPN", "v": {"POS": "VERB",
                                                                       "MORPH": "Mood=Ind"}}}])
@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_short_doc_path_maps_as_the_array_path(changes, data, monkeypatch):
    nlp = _nlps.get(str(changes)) or _nlps.setdefault(str(changes), make_nlp(**changes))
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    doc = data.draw(_mapper_docs(nlp.vocab))
    assert _mapped(mapper, doc, 1000, monkeypatch) == _mapped(mapper, doc, 0, monkeypatch)


_nlps: dict = {}


def test_an_unknown_tag_gets_no_features_of_a_table_neighbour(monkeypatch):
    """The array path once gave a tag in no table the features of the table key its hash
    sorted next to; both paths give none."""
    nlp = make_nlp()
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    tags = [f"unknown{i}" for i in range(200)]
    doc = Doc(nlp.vocab, words=["w"] * len(tags), tags=tags)
    for short_doc in (0, 1000):
        monkeypatch.setattr(mapper_module, "SHORT_DOC", short_doc)
        mapped = mapper(doc.copy())
        assert {(t.pos_, str(t.morph)) for t in mapped} == {("X", "")}
