"""Word rules (spacy_pretagged/tagsets/word_rules.tsv) through the shipped configs.

The closed-class words UD Chinese decides by the word — 是, 了, 被, 的, 把, 会 and the others
the rules list — pinned on short sentences for the HanLP, PKU 1998 and jieba pipelines. No UD
data is needed: `benchmarks/ud_agreement.py` measures the rules against a treebank, these
tests only keep their behaviour from drifting.
"""
import pytest
from spacy.util import load_config, load_model_from_config

from spacy_pretagged import tagsets
from tests.helpers import CONFIGS, pipeline


@pytest.fixture(scope="module")
def pipes():
    return {name: pipeline(name) for name in ("hanlp", "pku1998", "jieba")}


def analyse(nlp, text):
    return [(t.text, t.pos_, str(t.morph)) for t in nlp(text) if not t.is_space]


CASES = [
    # --- 是: copula AUX; VERB when what follows is a clause or nothing
    ("hanlp", "他/rr是/vshi学生/n", [("他", "PRON", "PronType=Prs"), ("是", "AUX", ""),
                                    ("学生", "NOUN", "")]),
    ("pku1998", "他/r  是/v  学生/n", [("他", "PRON", ""), ("是", "AUX", ""), ("学生", "NOUN", "")]),
    ("jieba", "他/r 是/v 学生/n", [("他", "PRON", ""), ("是", "AUX", ""), ("学生", "NOUN", "")]),
    ("jieba", "这/r 是/v 在/p 北京/ns", [("这", "PRON", "PronType=Dem"), ("是", "VERB", ""),
                                       ("在", "ADP", ""), ("北京", "PROPN", "")]),
    ("pku1998", "就/d  是/v  ，/w", [("就", "SCONJ", ""), ("是", "VERB", ""), ("，", "PUNCT", "")]),
    # --- 为: the copula AUX where the lexicon files every 为 as p (HanLP, jieba); PKU-style
    # annotators tag the copula v and keep p for the preposition
    ("hanlp", "首都/n为/p北京/ns", [("首都", "NOUN", ""), ("为", "AUX", ""), ("北京", "PROPN", "")]),
    ("jieba", "首都/n 为/p 北京/ns", [("首都", "NOUN", ""), ("为", "AUX", ""), ("北京", "PROPN", "")]),
    ("pku1998", "首都/n  为/v  北京/ns", [("首都", "NOUN", ""), ("为", "AUX", ""),
                                      ("北京", "PROPN", "")]),
    ("pku1998", "为/p  人民/n  服务/v", [("为", "ADP", ""), ("人民", "NOUN", ""), ("服务", "VERB", "")]),
    # --- 了/着/过: aspect AUX, whatever the tagset calls them
    ("hanlp", "看/v了/ule书/n", [("看", "VERB", ""), ("了", "AUX", "Aspect=Perf"),
                               ("书", "NOUN", "")]),
    ("pku1998", "看/v  了/u  书/n", [("看", "VERB", ""), ("了", "AUX", "Aspect=Perf"),
                                  ("书", "NOUN", "")]),
    ("jieba", "看/v 了/ul 书/n", [("看", "VERB", ""), ("了", "AUX", "Aspect=Perf"),
                               ("书", "NOUN", "")]),
    ("pku1998", "看/v  着/u  他/r", [("看", "VERB", ""), ("着", "AUX", "Aspect=Prog"),
                                  ("他", "PRON", "")]),
    # --- 被: AUX, the short passive (a verb follows) and in GSD the long one too (an agent
    # follows; ADP under ud_guidelines, test_the_two_profiles_differ_where_they_should)
    ("hanlp", "他/rr被/pbei打/v", [("他", "PRON", "PronType=Prs"), ("被", "AUX", "Voice=Pass"),
                                  ("打", "VERB", "")]),
    ("hanlp", "被/pbei警察/nnt抓/v", [("被", "AUX", "Voice=Pass"), ("警察", "NOUN", ""),
                                     ("抓", "VERB", "")]),
    ("pku1998", "被/p  打/v", [("被", "AUX", "Voice=Pass"), ("打", "VERB", "")]),
    ("pku1998", "被/p  他/r  打/v", [("被", "AUX", "Voice=Pass"), ("他", "PRON", ""),
                                  ("打", "VERB", "")]),
    ("jieba", "被/p 打/v", [("被", "AUX", "Voice=Pass"), ("打", "VERB", "")]),
    # --- 的: the genitive PART after a noun or pronoun, GSD's relativizer SCONJ after a verb
    # or an adjective (the previous word's tag decides)
    ("hanlp", "写/v的/ude1书/n", [("写", "VERB", ""), ("的", "SCONJ", ""), ("书", "NOUN", "")]),
    ("jieba", "美丽/a 的/uj 城市/n", [("美丽", "ADJ", ""), ("的", "SCONJ", ""), ("城市", "NOUN", "")]),
    # --- suffixes after a noun (北京 市) are PART; the noun alone stays NOUN
    ("pku1998", "北京/ns  市/n", [("北京", "PROPN", ""), ("市", "PART", "")]),
    ("pku1998", "这个/r  市/n", [("这个", "DET", "PronType=Dem"), ("市", "NOUN", "")]),
    ("jieba", "成立/v 于/p 1990/m", [("成立", "VERB", ""), ("于", "VERB", ""),
                                   ("1990", "NUM", "NumType=Card")]),
    ("hanlp", "我/rr的/ude1书/n", [("我", "PRON", "PronType=Prs"), ("的", "PART", ""),
                                  ("书", "NOUN", "")]),
    ("pku1998", "我/r  的/u  书/n", [("我", "PRON", ""), ("的", "PART", ""), ("书", "NOUN", "")]),
    ("jieba", "我/r 的/uj 书/n", [("我", "PRON", ""), ("的", "PART", ""), ("书", "NOUN", "")]),
    # --- 把: ADP whatever the tag
    ("hanlp", "把/pba书/n", [("把", "ADP", ""), ("书", "NOUN", "")]),
    ("pku1998", "把/p  书/n", [("把", "ADP", ""), ("书", "NOUN", "")]),
    ("jieba", "把/p 书/n", [("把", "ADP", ""), ("书", "NOUN", "")]),
    # --- 会 and the other modals tagged v (jieba files 可以 as c)
    ("hanlp", "他/rr会/v来/vf", [("他", "PRON", "PronType=Prs"), ("会", "AUX", ""),
                               ("来", "VERB", "")]),
    ("pku1998", "他/r  会/v  来/v", [("他", "PRON", ""), ("会", "AUX", ""), ("来", "VERB", "")]),
    ("jieba", "他/r 会/v 来/v", [("他", "PRON", ""), ("会", "AUX", ""), ("来", "VERB", "")]),
    ("jieba", "可以/c 走/v", [("可以", "AUX", ""), ("走", "VERB", "")]),
    ("pku1998", "不/d  能/v  去/v", [("不", "ADV", "Polarity=Neg"), ("能", "AUX", ""),
                                  ("去", "VERB", "")]),
    ("pku1998", "要/v  钱/n", [("要", "VERB", ""), ("钱", "NOUN", "")]),
    ("pku1998", "要/v  走/v", [("要", "AUX", ""), ("走", "VERB", "")]),
    # --- conjunctions: clause linkers SCONJ, subordinators ADP (GSD), coordinators CCONJ
    ("hanlp", "但/c他/rr没/d来/vf", [("但", "SCONJ", ""), ("他", "PRON", "PronType=Prs"),
                                   ("没", "ADV", "Polarity=Neg"), ("来", "VERB", "")]),
    ("pku1998", "因为/c  下雨/v", [("因为", "ADP", ""), ("下雨", "VERB", "")]),
    ("pku1998", "书/n  和/c  笔/n", [("书", "NOUN", ""), ("和", "CCONJ", ""), ("笔", "NOUN", "")]),
    ("pku1998", "并/c  决定/v", [("并", "SCONJ", ""), ("决定", "VERB", "")]),
    ("pku1998", "并/d  不/d", [("并", "ADV", ""), ("不", "ADV", "Polarity=Neg")]),
    ("jieba", "他/r 也/d 来/v", [("他", "PRON", ""), ("也", "SCONJ", ""), ("来", "VERB", "")]),
    # --- determiners and pronouns
    ("pku1998", "这/r  本/q  书/n", [("这", "DET", "PronType=Dem"),
                                  ("本", "NOUN", "NounType=Clf"), ("书", "NOUN", "")]),
    ("hanlp", "其/rz父亲/n", [("其", "PRON", "Person=3"), ("父亲", "NOUN", "")]),
    ("jieba", "该/r 公司/n", [("该", "DET", "PronType=Dem"), ("公司", "NOUN", "")]),
    ("jieba", "此/zg 人/n", [("此", "DET", "PronType=Dem"), ("人", "NOUN", "")]),
    # --- 将: ADV before a verb, disposal ADP before its object
    ("pku1998", "将/d  举行/v", [("将", "ADV", ""), ("举行", "VERB", "")]),
    ("pku1998", "将/d  书/n  放/v", [("将", "ADP", ""), ("书", "NOUN", ""), ("放", "VERB", "")]),
    # --- numerals, measure words, localizers
    ("hanlp", "第一/m次/qv", [("第一", "NUM", "NumType=Ord"), ("次", "NOUN", "NounType=Clf")]),
    ("jieba", "2019/m 年/m 5/m 月/m", [("2019", "NUM", "NumType=Card"),
                                     ("年", "NOUN", "NounType=Clf"),
                                     ("5", "NUM", "NumType=Card"),
                                     ("月", "NOUN", "NounType=Clf")]),
    ("hanlp", "城市/n北部/f", [("城市", "NOUN", ""), ("北部", "NOUN", "")]),
    ("hanlp", "城市/n中/f", [("城市", "NOUN", ""), ("中", "ADP", "")]),
    # --- shapes: punctuation and symbols tagged x (jieba's run-time default)
    ("jieba", "好/a ，/x +/x", [("好", "ADJ", ""), ("，", "PUNCT", ""), ("+", "SYM", "")]),
]


@pytest.mark.parametrize("config,text,expected", CASES)
def test_word_rules_through_the_shipped_configs(pipes, config, text, expected):
    assert analyse(pipes[config], text) == expected


def test_word_rules_off_in_the_config_leaves_the_tag_table():
    config = load_config(CONFIGS / "pku1998.cfg")
    config["components"]["pretagged_tag_mapper"]["word_rules"] = False
    nlp = load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    assert [t.pos_ for t in nlp("他/r  是/v  被/p  打/v  了/u  也/d")] == \
        ["PRON", "VERB", "ADP", "VERB", "PART", "ADV"]


def test_every_rule_is_well_formed_and_reasoned():
    rules = [r for name in tagsets.available() for r in tagsets.word_rules(name)]
    assert rules
    for rule in set(rules):
        assert rule.reason, rule
        scope = tagsets.available() if rule.tagset == "*" else [rule.tagset]
        known = set().union(*(tagsets.load(name).tags for name in scope))
        # The tag and the next condition must name tags that exist somewhere in scope:
        # a typo would silently never match.
        assert rule.tag == "*" or rule.tag in known, rule
        for cond in (rule.prev, rule.next):
            if cond != "*":
                prefix = cond[:-1] if cond.endswith("*") else None
                assert (any(t.startswith(prefix) for t in known) if prefix is not None
                        else cond in known), rule


def test_no_two_rules_compete_for_the_same_slot():
    """Within one profile, one rule per (word, tag, prev, next) and tagset; a gsd and an
    ud_guidelines rule may share a slot (that is what profiles are for)."""
    for conventions in tagsets.CONVENTIONS:
        seen = {}
        for name in tagsets.available():
            for rule in tagsets.word_rules(name):
                if not rule.applies_to(conventions):
                    continue
                key = (name, rule.word, rule.tag, rule.prev, rule.next)
                assert seen.setdefault(key, rule) == rule, (key, seen[key], rule)


@pytest.mark.parametrize("conventions,text,expected", [
    ("gsd", "但/c  他/r  也/d  没有/d  来/v", ["SCONJ", "PRON", "SCONJ", "VERB", "VERB"]),
    ("ud_guidelines", "但/c  他/r  也/d  没有/d  来/v", ["CCONJ", "PRON", "ADV", "AUX", "VERB"]),
    ("gsd", "如果/c  所以/c  其/r  等/u", ["ADP", "SCONJ", "PRON", "NOUN"]),
    ("ud_guidelines", "如果/c  所以/c  其/r  等/u", ["SCONJ", "ADV", "DET", "PART"]),
])
def test_the_two_profiles_differ_where_they_should(conventions, text, expected):
    config = load_config(CONFIGS / "pku1998.cfg")
    config["components"]["pretagged_tag_mapper"]["conventions"] = conventions
    nlp = load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    assert [t.pos_ for t in nlp(text)] == expected


def test_every_rule_names_its_profile_and_gsd_only_rules_say_why():
    for rule in tagsets.all_word_rules():
        assert rule.conventions in ("*", "gsd", "ud_guidelines"), rule
        if rule.conventions != "*":
            # a one-profile rule says what the other convention does
            assert "docs" in rule.reason or "GSD" in rule.reason, rule


@pytest.mark.parametrize("config,text", [
    ("hanlp", None),  # the seed
    ("pku1998", "他/r  写/v\n的/u  书/n  。/w\n北京/ns  市/n  也/d  和/c  他/r  被/p  打/v  了/u"),
    ("jieba", "美丽/a 的/uj 城市/n ，/x 成立/v 于/p 1990/m 年/m"),
])
def test_the_benchmarks_attribute_ruler_does_what_the_mapper_does(pipes, config, text,
                                                                   seed_text):
    """benchmarks/bench.py times the mapper against an AttributeRuler built by
    benchmarks/ruler.py; its ratio means something only if both give the same POS and
    MORPH, previous/next-word conditions and precedence included (the benchmark checks
    the same before timing)."""
    import sys

    from tests.helpers import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from ruler import tag_map_ruler
    finally:
        sys.path.pop(0)
    nlp = pipes[config]
    mapper = nlp.get_pipe("pretagged_tag_mapper")
    ruler = tag_map_ruler(nlp, mapper.tag_map, mapper.active_rules)
    template = nlp.tokenizer(seed_text if text is None else text)
    a, b = mapper(template.copy()), ruler(template.copy())
    assert [(t.pos_, str(t.morph)) for t in a] == [(t.pos_, str(t.morph)) for t in b]
    assert any(t._.upos_source.startswith("rule:") and ":*:*" not in t._.upos_source
               for t in a)  # a rule with a condition decided something
