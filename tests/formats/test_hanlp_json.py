"""format = "hanlp_json": HanLP 2.x `Document`s (and LTP 4 / jiagu / LAC output in their
shape) read into Readings; the tree check of formats/trees.py.

The HanLP example is the Document of HanLP's own demo (plugins/hanlp_demo/hanlp_demo/zh/
demo_document.py, its JSON written out here): no HanLP 2.x, LTP or LAC model can be run
here. The jiagu example is made by jiagu at test time (slow, when it is installed)."""
import json

import pytest
import spacy
from spacy.matcher import DependencyMatcher

from spacy_pretagged import tagsets
from spacy_pretagged.formats import PretaggedFormatError, Reader, ReaderSettings
from spacy_pretagged.formats.hanlp_json import HanLPJsonReader
from spacy_pretagged.formats.stream import Units
from spacy_pretagged.formats.trees import heads_in_reading, tree_error
from spacy_pretagged.tokenizer import PretaggedTokenizer

#: HanLP's demo Document (hanlp_demo/zh/demo_document.py), as `to_dict()` gives it.
HANLP_DOC = {
    "tok/fine": [["晓美焰", "来到", "北京", "立方庭", "参观", "自然", "语义", "科技", "公司", "。"]],
    "tok/coarse": [["晓美焰", "来到", "北京立方庭", "参观", "自然语义科技公司", "。"]],
    "pos/ctb": [["NR", "VV", "NR", "NR", "VV", "NN", "NN", "NN", "NN", "PU"]],
    "pos/pku": [["nr", "v", "ns", "nz", "v", "n", "n", "n", "n", "w"]],
    "ner/msra": [[["晓美焰", "PERSON", 0, 1], ["北京立方庭", "LOCATION", 2, 4],
                  ["自然语义科技公司", "ORGANIZATION", 5, 9]]],
    "ner/ontonotes": [[["晓美焰", "PERSON", 0, 1], ["北京", "GPE", 2, 3], ["立方庭", "FAC", 3, 4],
                       ["自然语义科技公司", "ORG", 5, 9]]],
    "dep": [[[2, "nsubj"], [0, "root"], [4, "name"], [2, "dobj"], [2, "conj"],
             [9, "compound"], [9, "compound"], [9, "compound"], [5, "dobj"], [2, "punct"]]],
}

PKU = ReaderSettings(format="hanlp_json", tagset="pku", title_prefix=None)


def reader(**changes) -> HanLPJsonReader:
    made = tagsets.make_reader(PKU.replace(**changes))
    assert isinstance(made, HanLPJsonReader)
    return made


def line(doc) -> str:
    return json.dumps(doc, ensure_ascii=False)


def flat(doc):
    """The same Document as HanLP gives it for one sentence: flat lists."""
    return {key: value[0] for key, value in doc.items()}


def test_the_demo_document_gives_words_tags_entities_and_tree():
    got = reader().read(line(HANLP_DOC) + "\n")
    words = HANLP_DOC["tok/fine"][0]
    assert got.words == words + ["\n"]
    assert got.tags == HANLP_DOC["pos/pku"][0] + ["_SP"]
    assert got.heads == [1, 1, 3, 1, 1, 8, 8, 8, 4, 1, 10]  # 1-based → indices, root its own
    assert got.deps == [rel for _, rel in HANLP_DOC["dep"][0]] + [""]
    # The first ner key is taken, its [start, end) spans as given.
    assert got.entities == [(0, 1, "PERSON"), (2, 4, "LOCATION"), (5, 9, "ORGANIZATION")]
    assert got.sent_starts[0] is True and not got.problems


def test_a_flat_document_reads_as_the_nested_one():
    assert reader().read(line(flat(HANLP_DOC))) == reader().read(line(HANLP_DOC))


def test_tokens_key_picks_coarse_words_and_their_columns_must_match():
    coarse = {"tok/coarse": HANLP_DOC["tok/coarse"],
              "pos/pku": [["nr", "v", "ns", "v", "nt", "w"]]}
    got = reader(tokens_key="tok/coarse").read(line(coarse))
    assert got.words[:-1] == HANLP_DOC["tok/coarse"][0]
    # The demo's pos/ner/dep are over the fine words: 10 tags for 6 coarse words.
    with pytest.raises(PretaggedFormatError, match=r"pos/pku\[0\]: 10 values for 6 words"):
        reader(tokens_key="tok/coarse").read(line(HANLP_DOC))


def test_the_tagset_picks_the_pos_key():
    doc = dict(HANLP_DOC)
    doc["pos/pku"] = [["nr", "v", "ns", "nz", "v", "n", "n", "n", "n", "w"]]
    assert reader().read(line(doc)).tags[:2] == ["nr", "v"]
    # A single pos key is taken whatever its name; its tags are checked against the table.
    only_ctb = {k: v for k, v in HANLP_DOC.items() if k != "pos/pku"}
    with pytest.raises(PretaggedFormatError, match=r"pos/ctb\[0\]\[0\]: unknown tag 'NR'"):
        reader().read(line(only_ctb))
    # Several, none of them the tagset's: which one is meant is not guessed.
    both = {**only_ctb, "pos/863": [["nh"] * 10]}
    with pytest.raises(PretaggedFormatError, match=r"no 'pos/pku' key; it has 'pos/ctb', "
                                                   r"'pos/863'"):
        reader().read(line(both))


def test_several_sentences_several_documents_and_units():
    two = {"tok/fine": [["我", "爱", "北京"], ["他", "来", "了"]],
           "pos/pku": [["r", "v", "ns"], ["r", "v", "y"]],
           "dep": [[[2, "nsubj"], [0, "root"], [2, "dobj"]],
                   [[2, "nsubj"], [0, "root"], [2, "dep"]]]}
    text = line(two) + "\n\n" + line(flat(HANLP_DOC)) + "\n"
    whole = reader().read(text, "x.jsonl")
    assert whole.heads[:7] == [1, 1, 1, 4, 4, 4, 6]
    assert [i for i, s in enumerate(whole.sent_starts) if s] == [0, 3, 7]
    assert whole.lines[0] == 1 and whole.lines[7] == 3
    # Streamed a line at a time, cut into units by Document, re-indexed.
    units = list(Units("line")(reader().stream(text.splitlines(keepends=True))))
    assert [u.words for u in units] == [two["tok/fine"][0] + two["tok/fine"][1],
                                        HANLP_DOC["tok/fine"][0]]
    assert units[1].heads == [1, 1, 3, 1, 1, 8, 8, 8, 4, 1]
    assert units[1].entities == [(0, 1, "PERSON"), (2, 4, "LOCATION"), (5, 9, "ORGANIZATION")]


def test_a_list_and_a_pretty_printed_object_name_their_lines():
    docs = [flat(HANLP_DOC), {"tok/fine": ["好"], "pos/pku": ["a"]}]
    text = json.dumps(docs, ensure_ascii=False, indent=2)
    got = reader().read(text)
    assert got.words[-2:] == ["好", "\n"]
    assert got.lines[-1] == text.splitlines().index("  {", 2) + 1
    pretty = json.dumps(HANLP_DOC, ensure_ascii=False, indent=2) + "\n" + line(docs[1])
    again = reader().read(pretty)
    assert again.words[-2:] == ["好", "\n"] and again.lines[-1] == pretty.count("\n") + 1


def test_problems_name_file_line_and_key_path():
    bad = flat(HANLP_DOC)
    bad["dep"] = [list(arc) for arc in bad["dep"]]
    bad["dep"][4] = [5, "conj"]  # word 5 its own head
    text = line({"tok/fine": ["好"], "pos/pku": ["a"]}) + "\n" + line(bad) + "\n" + \
        line(HANLP_DOC) + "\n"
    with pytest.raises(PretaggedFormatError,
                       match=r"^x\.jsonl:2:1: dep\[4\]: word 5 is its own head"):
        reader().read(text, "x.jsonl")
    # Lenient: the sentence keeps its words without a parse, and the problem is counted.
    got = reader(on_error="warn").read(text, "x.jsonl")
    assert got.words[2:12] == HANLP_DOC["tok/fine"][0]
    assert got.heads[2:12] == list(range(2, 12)) and set(got.deps[2:12]) == {""}
    assert got.heads[13:15] == [14, 14]  # the Document after it is parsed
    assert [p.kind for p in got.problems] == ["not_a_tree"]


@pytest.mark.parametrize("text,kind,where", [
    ('{"tok/fine": ["好"], "pos/pku": ["a"]', "bad_json", ":1:1:"),
    ('{"tok/fine": ["好"] "pos/pku": ["a"]}', "bad_json", ":1:20:"),
    ('[1, {"tok/fine": ["好"], "pos/pku": ["a"]}]', "not_a_document", ":1:2: [0]:"),
    ('{"tok": ["好"]}', "no_tokens", "no 'tok/fine' key (tokens_key); its word keys: 'tok'"),
    ('{"tok/fine": ["好", ""], "pos/pku": ["a", "a"]}', "bad_tokens", "tok/fine[1]"),
    ('{"tok/fine": ["好"]}', "no_tags", "no 'pos/pku' key"),
    ('{"tok/fine": ["好", "的"], "pos/pku": ["a", "u"], "dep": [[2, "x"], [1, "y"]]}',
     "not_a_tree", "dep[0]: words 1, 2 are heads of each other"),
    ('{"tok/fine": ["好"], "pos/pku": ["a"], "ner/msra": [["坏", "X", 0, 1]]}', "bad_entity",
     "ner/msra[0]: its text is not that of words [0, 1)"),
    ('{"tok/fine": ["好"], "pos/pku": ["a"], "ner": [["好", "X", 0, 2]]}', "bad_entity",
     "tokens [0, 2) are not within the sentence of 1 words"),
])
def test_each_problem_is_one_line_with_its_place(text, kind, where):
    with pytest.raises(PretaggedFormatError) as raised:
        reader().read(text + "\n", "f.jsonl")
    assert raised.value.problem.kind == kind
    assert where in str(raised.value) and "\n" not in str(raised.value)
    lenient = reader(on_error="warn").read(text + "\n", "f.jsonl")
    assert [p.kind for p in lenient.problems] == [kind]


def test_nested_entities_keep_the_longest_and_report_the_rest():
    doc = {"tok/fine": ["北京", "大学"], "pos/pku": ["ns", "n"],
           "ner/msra": [["北京", "LOCATION", 0, 1], ["北京大学", "ORGANIZATION", 0, 2]]}
    got = reader(on_error="warn").read(line(doc))
    assert got.entities == [(0, 2, "ORGANIZATION")]
    assert [p.kind for p in got.problems] == ["overlapping_entity"]


def test_text_key_aligns_the_words_and_keeps_the_spacing():
    doc = {"text": " 如何评价iPad Pro ？iPad  Pro有2个空格",
           "tok/fine": [["如何", "评价", "iPad", "Pro", "？"], ["iPad", "Pro", "有", "2", "个", "空格"]],
           "pos/pku": [["r", "v", "nx", "nx", "w"], ["nx", "nx", "v", "m", "q", "n"]],
           "dep": [[[2, "advmod"], [0, "root"], [4, "nn"], [2, "dobj"], [2, "punct"]],
                   [[2, "nn"], [3, "nsubj"], [0, "root"], [5, "nummod"], [6, "clf"],
                    [3, "dobj"]]]}
    got = reader(text_key="text").read(line(doc))
    assert "".join(w + " " * s for w, s in zip(got.words, got.spaces)) == doc["text"] + "\n"
    assert got.words[:3] == [" ", "如何", "评价"]
    space = got.words.index(" ", 1)  # the second space of "iPad  Pro": a token, in a tree
    assert got.words[space - 1:space + 2] == ["iPad", " ", "Pro"]
    assert got.heads[space] == space - 1 and got.deps[space] == "dep"
    assert got.heads[0] == 0 and got.deps[0] == ""  # before the first sentence: no tree
    # Without the text, the words are joined with no space.
    assert not any(reader().read(line(doc)).spaces)
    bad = dict(doc, text=doc["text"].replace("评价", "评论"))
    with pytest.raises(PretaggedFormatError, match=r"text: word \[0\]\[1\] '评价' is not the "
                                                   r"text at character 3"):
        reader(text_key="text").read(line(bad))
    broken = dict(doc, text=doc["text"].replace("iPad  Pro", "iPad\nPro"))
    with pytest.raises(PretaggedFormatError, match="a line break inside a sentence"):
        reader(text_key="text").read(line(broken))


def test_the_tree_check():
    assert tree_error([2, 0, 2]) is None
    assert tree_error([]) is None
    assert tree_error([2, 0, 9]) == (2, "head 9 is outside the sentence of 3 words")
    assert tree_error([0, 1, "1"])[1] == "head '1' is not a word number"
    assert tree_error([2, 3, 1])[1] == "words 1, 2, 3 are heads of each other (a cycle)"
    assert tree_error([0, 1, 4, 3])[0] == 2
    assert tree_error([0, 0])[1] == "2 roots (words 1, 2): a sentence has one"
    assert heads_in_reading([2, 0, 2], [5, 6, 8]) == [6, 6, 6]


def test_settings_and_dispatch():
    assert isinstance(tagsets.make_reader(ReaderSettings(tagset="pku")), Reader)
    with pytest.raises(ValueError, match="tokens_key must be"):
        ReaderSettings(tokens_key="")
    with pytest.raises(ValueError, match="text_key must be"):
        ReaderSettings(text_key="")
    import pickle
    again = pickle.loads(pickle.dumps(reader(text_key="t")))
    assert again.settings == PKU.replace(text_key="t") and again.tags == reader().tags


@pytest.fixture(scope="module")
def tokenizer():
    return PretaggedTokenizer(spacy.blank("zh").vocab, PKU)


def test_the_dependency_matcher_finds_its_matches_in_a_hanlp_document(tokenizer):
    """The pattern of docs/formats.md ("HanLP 2.x JSON") on HanLP's demo Document."""
    doc = tokenizer(line(HANLP_DOC))
    matcher = DependencyMatcher(doc.vocab)
    matcher.add("VERB_OBJECT", [[
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"TAG": "v"}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "object",
         "RIGHT_ATTRS": {"DEP": "dobj"}},
    ]])
    found = sorted((doc[v].text, doc[o].text) for _, (v, o) in matcher(doc))
    assert found == [("参观", "公司"), ("来到", "立方庭")]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("晓美焰", "PERSON"), ("北京立方庭", "LOCATION"), ("自然语义科技公司", "ORGANIZATION")]


@pytest.mark.slow
def test_a_real_jiagu_example_in_the_documented_shape(tmp_path):
    """jiagu (863-style tags, BIO entities, no parser) written as docs/formats.md shows."""
    jiagu = pytest.importorskip("jiagu")
    text = "厦门明天会不会下雨。他叫汤姆去拿外衣。"
    # The snippet of docs/formats.md, as written there.
    words = jiagu.seg(text)
    bio = jiagu.ner(words)
    ents = [[''.join(words[s:e]), bio[s][2:], s, e] for s in range(len(words)) if bio[s][:2] == "B-" for e in [next((j for j in range(s + 1, len(words)) if bio[j][:2] != "I-"), len(words))]]  # noqa: E501
    record = json.dumps({"text": text, "tok/fine": words, "pos/863": jiagu.pos(words), "ner/jiagu": ents}, ensure_ascii=False)  # noqa: E501
    tagset = "863" if "863" in tagsets.available() else "pku"
    got = tagsets.make_reader(PKU.replace(tagset=tagset, text_key="text", on_error="warn")
                              ).read(record + "\n")
    assert "".join(got.words[:-1]) == text
    assert got.words[:-1] == words
    assert ("厦门", "LOC") in [("".join(got.words[a:b]), label) for a, b, label in got.entities]
    if tagset == "863":
        assert not got.problems
