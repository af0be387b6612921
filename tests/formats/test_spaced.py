"""The spaced reading: items split on whitespace, each at its last separator."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacy_pretagged import tagsets
from spacy_pretagged.formats import PretaggedFormatError, Reader
from spacy_pretagged.formats.spaced import _peel_closes, _split_pinyin
from tests.helpers import examples


def read(text, tagset="hanlp", separator="/", **kw):
    reader = Reader(tagsets.load(tagset).tags, format="spaced", separator=separator, **kw)
    reading = reader.read(text)
    return list(zip(reading.words, reading.tags)), reading


def test_last_separator_splits():
    assert read("毫克/q //n 100/m 1/2/m")[0] == [("毫克", "q"), ("/", "n"), ("100", "m"),
                                                 ("1/2", "m")]


def test_runs_of_whitespace_tabs_and_ideographic_spaces_separate():
    tokens, reading = read("我/rr  爱/v\t北京/ns\u3000。/w  ")
    assert tokens == [("我", "rr"), ("爱", "v"), ("北京", "ns"), ("。", "w")]
    assert reading.spaces == [False] * 4


#: Every character `str.isspace()` is true of but the line breaks (\n, \r: they end lines).
WHITESPACE = [c for c in map(chr, range(0x110000)) if c.isspace() and c not in "\r\n"]
#: Those that are ASCII control characters (\x0b \x0c \x1c-\x1f): an error in any text.
CONTROL = [c for c in WHITESPACE if c < " " and c != "\t"]


def _pku_reader(bulk):
    """The pku preset's reading (strict), by the line-at-a-time path or item by item."""
    reader = Reader(tagsets.load("pku").tags, format="spaced", title_prefix=None)
    if not bulk:
        reader._read_clean_line = lambda *args: False
    return reader


def test_every_unicode_whitespace_is_listed():
    assert len(WHITESPACE) == 27 and all(re.fullmatch(r"\s", c) for c in WHITESPACE)
    assert CONTROL == ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f"]


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u2028", "\u205f", "\u0085",
                                   "\u1680", "\t", "\u3000", "\u2029", "\u202f"])
def test_any_unicode_whitespace_separates_items(space, bulk):
    """Issue 19: U+00A0, U+2009, U+2028, U+205F, U+0085, U+1680 glued `R/y乘/s` into the
    word `R/y乘`, silently; with `item_separator` null every whitespace separates, as the
    docs say (and as `str.split()` does), whether or not it is next to a space."""
    for text in (f"R/y{space}乘/s", f"R/y {space}乘/s", f"R/y{space}  乘/s",
                 f"{space}R/y  乘/s{space}"):
        reading = _pku_reader(bulk).read(text)
        assert list(zip(reading.words, reading.tags)) == [("R", "y"), ("乘", "s")], text
        assert reading.cols == [text.index("R") + 1, text.index("乘") + 1]


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize("space", CONTROL)
def test_whitespace_that_is_a_control_character_is_an_error(space, bulk):
    with pytest.raises(PretaggedFormatError, match=f"1:4: control character "
                                                   f"U\\+{ord(space):04X}"):
        _pku_reader(bulk).read(f"R/y{space}乘/s")


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.sampled_from(["中国/ns", "人民/n", "R/y", "乘/s", "1/2/m"]),
                      min_size=1, max_size=6),
       gaps=st.lists(st.text(alphabet=WHITESPACE + [" "], min_size=1, max_size=3),
                     min_size=5, max_size=5),
       edges=st.tuples(st.text(alphabet=WHITESPACE, max_size=2),
                       st.text(alphabet=WHITESPACE, max_size=2)))
def test_property_any_whitespace_run_separates_like_str_split(items, gaps, edges):
    """Any run of any whitespace between, before and after items: the items are those of
    `str.split()`, on both reading paths; a control character is an error."""
    text = edges[0] + items[0] + "".join(gap + item for gap, item in zip(gaps, items[1:]))
    text += edges[1]
    want = [tuple(item.rsplit("/", 1)) for item in text.split()]
    for bulk in (True, False):
        if any(c in text for c in CONTROL):
            with pytest.raises(PretaggedFormatError, match="control character"):
                _pku_reader(bulk).read(text)
            continue
        reading = _pku_reader(bulk).read(text)
        assert list(zip(reading.words, reading.tags)) == want, (text, bulk)


def test_other_whitespace_is_part_of_a_word_under_an_exact_item_separator():
    """With `item_separator` set only its characters split items (THULAC writes the word
    `a\tb` as `a\tb_n`): a U+00A0 inside an item is part of the word."""
    assert read("R/y\u00a0乘/s 好/a", "pku", item_separator=" ")[0] == [("R/y\u00a0乘", "s"),
                                                                        ("好", "a")]


def test_jieba_space_word():
    tokens, reading = read("open/eng  /x 平台/n", tagset="jieba")
    assert tokens == [("open", "eng"), (" ", "x"), ("平台", "n")]
    assert "".join(reading.words) == "open 平台"


def test_jieba_two_space_word():
    assert read("a/eng   /x b/eng", tagset="jieba")[0] == [("a", "eng"), ("  ", "x"), ("b", "eng")]


def test_thulac_space_word_with_underscore_separator():
    tokens, _ = read("open_x  _w 平台_n", tagset="thulac", separator="_")
    assert tokens == [("open", "x"), (" ", "w"), ("平台", "n")]


def test_space_word_at_line_start_takes_the_whole_run():
    assert read(" /x 你好/l", tagset="jieba")[0] == [(" ", "x"), ("你好", "l")]


def test_columns():
    _, reading = read("我/rr  爱/v")
    assert reading.cols == [1, 7]


@pytest.mark.parametrize(
    "text,kind,col",
    [
        ("我/rr 词/foo", "unknown_tag", 8),
        ("我/rr 词/", "empty_tag", 6),
        ("/n", "empty_word", 1),
        ("我/rr 词", "no_separator", 6),
    ],
)
def test_bad_items_raise(text, kind, col):
    with pytest.raises(PretaggedFormatError) as info:
        read(text)
    assert (info.value.problem.kind, info.value.line, info.value.col) == (kind, 1, col)


def test_lenient_keeps_unknown_tag_and_skips_empty_word():
    tokens, reading = read("我/rr 词/foo /n 好/a 词", on_error="warn")
    # "/n" follows a single separator space: no whitespace is left for a space word.
    assert tokens == [("我", "rr"), ("词", "foo"), ("好", "a"), ("词", "")]
    assert [p.kind for p in reading.problems] == ["unknown_tag", "empty_word", "no_separator"]


# --- What real corpora put around and inside items -----------------------------------------

def pku(text, **kw):
    reader = Reader(tagsets.load("pku").tags, format="spaced", **kw)
    return reader.read(text)


def test_pku_compound_id_and_line_endings():
    r = pku("19980101-01-001-002/m  中共中央/nt  [中央/n  人民/n  广播/vn  电台/n]nt  好/a  \r\r\n"
            "19980101-01-001-003/m  （/w  ")
    assert r.words == ["中共中央", "中央", "人民", "广播", "电台", "好", "\r\r\n", "（"]
    assert r.tags == ["nt", "n", "n", "vn", "n", "a", "_SP", "w"]
    assert r.compounds == [(1, 5, "nt")]
    assert r.ids == [(0, "19980101-01-001-002", "m"), (7, "19980101-01-001-003", "m")]
    assert r.cols[0] == 24  # columns still count the id


def test_2014_style_and_nested_compounds():
    r = pku("[纽约/ns 时报/n]/nz [[欧洲/ns 安全/a 政治/n]NP 的/u 鸿沟/n]NP [a/n [b/n c/n]NP]S")
    assert r.words == ["纽约", "时报", "欧洲", "安全", "政治", "的", "鸿沟", "a", "b", "c"]
    assert sorted(r.compounds) == [(0, 2, "nz"), (2, 5, "NP"), (2, 7, "NP"), (7, 10, "S"),
                                   (8, 10, "NP")]


def test_literal_brackets_are_words():
    r = Reader(tagsets.load("ictclas").tags, format="spaced").read("DRIS/x [/wkz 1/m ]/wky")
    assert list(zip(r.words, r.tags)) == [("DRIS", "x"), ("[", "wkz"), ("1", "m"), ("]", "wky")]
    assert r.compounds == []


def test_pinyin_goes_beside_the_word():
    r = pku("看{kan4}/v  为{ wei4 }/p  不得{bu4de2}/v  {/w")
    assert r.words == ["看", "为", "不得", "{"]
    assert r.pinyin == {0: "kan4", 1: "wei4", 2: "bu4de2"}
    assert pku("看{kan4}/v", pinyin=False).words == ["看{kan4}"]


# `_peel_closes` and `_split_pinyin` work in one pass (linear time on hostile lines); these
# regexes, applied as before (a search per `]label`, a lazy fullmatch), define what they find.
_CLOSE_DEFINITION = re.compile(r"\]/?([A-Za-z][A-Za-z0-9_\-]*)$")
_PINYIN_DEFINITION = re.compile(r"(.+?)\{ *([A-Za-z0-9üÜ:][A-Za-z0-9üÜ: ]*?) *\}")


def _peel_closes_by_definition(chunk, sep):
    labels, body = [], chunk
    while True:
        m = _CLOSE_DEFINITION.search(body)
        if not m or body.rfind(sep, 0, m.start()) <= 0:
            break
        labels.append(m.group(1))
        body = body[:m.start()]
    if not labels or "]" in body[body.rfind(sep) + 1:]:
        return chunk, []
    return body, labels[::-1]


@settings(max_examples=examples(2000), deadline=None)
@given(text=st.text(alphabet="/_[]{} aZ9-:üÜ中\u3000\t.", max_size=12)
       | st.lists(st.sampled_from(["]nt", "]/nt", "/n", "_n", "中", "{a}", "{ a }", "]", "{",
                                   "}", " ", "/", "-"]), max_size=8).map("".join))
def test_closes_and_pinyin_are_found_as_their_regexes_define(text):
    for sep in "/_":
        assert _peel_closes(text, sep) == _peel_closes_by_definition(text, sep)
    for word in (text, text + "}"):
        if word.endswith("}"):
            m = _PINYIN_DEFINITION.fullmatch(word)
            assert _split_pinyin(word) == (m.groups() if m else (word, None))


def test_paragraph_ids_can_be_words():
    r = pku("19980101-01-001-002/m  好/a", paragraph_ids=False)
    assert r.words == ["19980101-01-001-002", "好"] and r.ids == []


def test_exact_item_separator_keeps_extra_whitespace_as_text():
    r = Reader(tagsets.load("ictclas").tags, format="spaced", item_separator=" ").read(
        "    \u3000\u3000当/p 。/wj   \n\nJan/x  Wong/x    的/ude1")
    assert list(zip(r.words, r.spaces, r.tags)) == [
        ("    \u3000\u3000", False, "_SP"), ("当", False, "p"), ("。", True, "wj"),
        (" \n\n", False, "_SP"), ("Jan", True, "x"), ("Wong", True, "x"), ("  ", False, "_SP"),
        ("的", False, "ude1")]


def test_jieba_newline_word_takes_the_line_break():
    r = Reader(tagsets.load("jieba").tags, format="spaced", item_separator=" ").read(
        "a/eng \n/x b/eng\n\n/x c/eng")
    assert list(zip(r.words, r.tags)) == [("a", "eng"), ("\n", "x"), ("b", "eng"),
                                          ("\n\n", "x"), ("c", "eng")]


@pytest.mark.parametrize("text,kind", [
    ("[中央/n  人民/n  好/a", "unbalanced_bracket"),
    ("中央/n  人民/n]nt  好/a", "unbalanced_bracket"),
    ("[中央/n  人民/n]  好/a", "compound_tag_missing"),
    ("我 爱 北京", "untagged_line"),
])
def test_bracket_and_line_problems(text, kind):
    with pytest.raises(PretaggedFormatError) as info:
        pku(text)
    assert info.value.problem.kind == kind
    r = pku(text, on_error="warn")
    assert [p.kind for p in r.problems] == [kind]
    assert r.compounds == [] and all(r.words)
