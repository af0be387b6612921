"""The spaced reading: items split on whitespace, each at its last separator."""
import pytest

from spacy_pretagged import tagsets
from spacy_pretagged.formats import PretaggedFormatError, Reader


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
