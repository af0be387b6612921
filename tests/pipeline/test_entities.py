"""`pretagged_entities`: entities from tags and bracket compounds."""
import pytest
import spacy
from spacy import displacy

from spacy_pretagged.doc_keys import ENTITY_PROBLEMS_KEY as PROBLEMS_KEY
from tests.helpers import pipeline


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


@pytest.fixture(scope="module")
def pku():
    return pipeline("pku1998")


def test_split_names_join_and_compounds_win(pku):
    doc = pku("19980101-01-001-002/m  中共中央/nt  主席/n  江/nr  泽民/nr  在/p  "
              "[北京/ns  大学/n]nt  [中央/n  人民/n  广播/vn  电台/n]nt  。/w  ")
    assert ents(doc) == [("中共中央", "ORG"), ("江泽民", "PERSON"), ("北京大学", "ORG"),
                         ("中央人民广播电台", "ORG")]
    assert doc.has_annotation("ENT_IOB", require_complete=True)
    assert PROBLEMS_KEY not in doc.user_data


def test_unlabelled_compound_leaves_token_entities(pku):
    doc = pku("[五四/t  运动/n]nz  李/nr  大钊/nr")
    assert ents(doc) == [("李大钊", "PERSON")]


def test_run_crossing_a_compound_is_trimmed_and_reported(pku):
    with pytest.warns(UserWarning, match="1 entity conflict"):
        doc = pku("张/nr  [三/nr  公司/n]nt  好/a")
    assert ents(doc) == [("张", "PERSON"), ("三公司", "ORG")]
    assert doc.user_data[PROBLEMS_KEY] == [["crosses_compound", 0, 2, "PERSON", "张三"]]


def test_nested_labelled_compounds_keep_the_outer_and_report(pku):
    with pytest.warns(UserWarning):
        doc = pku("[[北京/ns  大学/n]nt  医院/n]nt")
    assert ents(doc) == [("北京大学医院", "ORG")]
    assert doc.user_data[PROBLEMS_KEY][0][0] == "nested_compound"


def test_line_breaks_separate_entities():
    doc = pipeline("ictclas")("张/nr\n三/nr")
    assert ents(doc) == [("张", "PERSON"), ("三", "PERSON")]


@pytest.mark.parametrize("name,text,expected", [
    ("thulac", "周杰伦_np 在_p 清华大学_ni", [("周杰伦", "PERSON"), ("清华大学", "ORG")]),
    ("jieba", "刘备/nrfg 在/p 成都/ns", [("刘备", "PERSON"), ("成都", "GPE")]),
    ("hanlp", "腾讯/ntc和/cc北京大学/ntu", [("腾讯", "ORG"), ("北京大学", "ORG")]),
    ("hanlp", "会员/nnt管理/gi", []),
])
def test_labels_come_from_each_tagsets_table(name, text, expected):
    assert ents(pipeline(name)(text)) == expected


def test_labels_config_overrides_the_table(tmp_path):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": "spacy_pretagged.PretaggedTokenizer.v1", "tagset": "pku",
        "format": "spaced"}}})
    nlp.add_pipe("pretagged_entities", config={"tagset": "pku",
                                               "labels": {"nt": "", "nz": "NORP"}})
    doc = nlp("中共中央/nt 满族/nz")
    assert ents(doc) == [("满族", "NORP")]
    nlp.to_disk(tmp_path / "p")
    assert ents(spacy.load(tmp_path / "p")("中共中央/nt 满族/nz")) == [("满族", "NORP")]


def test_existing_entities_are_kept_and_conflicts_reported():
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": "spacy_pretagged.PretaggedTokenizer.v1", "format": "spaced"}}})
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PRODUCT", "pattern": [{"ORTH": "腾讯"}]}])
    nlp.add_pipe("pretagged_entities")
    with pytest.warns(UserWarning):
        doc = nlp("腾讯/ntc 在/p 北京/ns")
    assert ents(doc) == [("腾讯", "PRODUCT"), ("北京", "GPE")]
    assert doc.user_data[PROBLEMS_KEY] == [["overlaps_existing", 0, 1, "ORG", "腾讯"]]


def test_displacy_shows_the_entities(pku):
    doc = pku("江/nr  泽民/nr  在/p  [北京/ns  大学/n]nt")
    html = displacy.render(doc, style="ent")
    assert html.count('<mark class="entity"') == 2
    assert "江泽民" in html and "PERSON" in html and "北京大学" in html and "ORG" in html


def test_scorer(pku):
    from spacy.training import Example

    pred = pku("江/nr  泽民/nr  在/p  北京/ns")
    ref = pku("江/nr  泽民/nr  在/p  北京/ns")
    scores = pku.get_pipe("pretagged_entities").score([Example(pred, ref)])
    assert scores["ents_f"] == 1.0


def _nested(k):
    """k labelled compounds, each inside the one before: k - 1 nested_compound reports."""
    return "  ".join("[中/ns" for _ in range(k)) + "]nt" * k


def test_nested_compound_reports_quote_a_bounded_excerpt(pku):
    """Each report quotes at most EXCERPT_TOKENS tokens: k nested compounds' whole texts
    would be k²/2 characters (the issue's 100k-bracket line: 5·10⁹)."""
    from spacy_pretagged.entities import EXCERPT_TOKENS
    k = 500
    with pytest.warns(UserWarning, match=f"{k - 1} entity conflict"):
        doc = pku(_nested(k))
    problems = doc.user_data[PROBLEMS_KEY]
    assert ents(doc) == [("中" * k, "ORG")]
    assert [p[:3] for p in problems] == [["nested_compound", i, k] for i in range(1, k)]
    assert problems[0][4] == "中" * EXCERPT_TOKENS + "…"
    assert problems[-1][4] == "中"  # short ones whole
    assert sum(len(p[4]) for p in problems) <= (EXCERPT_TOKENS + 1) * k


def test_nested_compounds_take_linear_time(pku):
    """The component on k and 4k nested compounds: linear time is 4x, quadratic 16x (it
    was: 1,000 / 4,000 brackets took 0.17 / 4.1 s); best CPU time of interleaved rounds."""
    import gc
    import time
    import warnings

    component = pku.get_pipe("pretagged_entities")
    texts = [_nested(2_500), _nested(10_000)]
    best = [float("inf")] * 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            for i, text in enumerate(texts):
                doc = pku.make_doc(text)
                gc.collect()
                start = time.process_time()
                component(doc)
                best[i] = min(best[i], time.process_time() - start)
    assert best[1] < 7 * best[0], best
