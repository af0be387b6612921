"""The concatenated (HanLP) reading: longest tag of the tagset at each separator."""
import pytest

from spacy_pretagged.formats import PretaggedFormatError, Reader


@pytest.fixture(scope="module")
def read(hanlp_tags):
    reader = Reader(hanlp_tags, format="concatenated")
    return lambda text: [(t.word, t.tag) for t in reader.read(text).tokens()]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("也/d即/vopen/nz平台/gi", [("也", "d"), ("即", "v"), ("open", "nz"), ("平台", "gi")]),
        ("有/vyoupos/gi", [("有", "vyou"), ("pos", "gi")]),
        ("的/ude11/nz", [("的", "ude1"), ("1", "nz")]),
        ("一半/m1/2/m", [("一半", "m"), ("1/2", "m")]),
        ("，/w//w", [("，", "w"), ("/", "w")]),
        ("即是/cmp/nz平台/gi", [("即是", "c"), ("mp", "nz"), ("平台", "gi")]),
        ("公众平台/giapi/gi文档/gi", [("公众平台", "gi"), ("api", "gi"), ("文档", "gi")]),
        ("和/cco2o/gi", [("和", "cc"), ("o2o", "gi")]),
        ("微信/gi5.0/nz内测/v", [("微信", "gi"), ("5.0", "nz"), ("内测", "v")]),
    ],
)
def test_longest_tag_then_next_word(read, text, expected):
    assert read(text) == expected


def test_trailing_single_space_becomes_whitespace(hanlp_tags):
    reading = Reader(hanlp_tags, format="concatenated").read("目前/topen /nz平台/gi")
    assert list(zip(reading.words, reading.spaces, reading.tags)) == [
        ("目前", False, "t"), ("open", True, "nz"), ("平台", False, "gi")]


def test_whitespace_word_stays_a_token(hanlp_tags):
    reading = Reader(hanlp_tags, format="concatenated").read("二维码/nz /x免费/vd")
    assert list(zip(reading.words, reading.tags)) == [("二维码", "nz"), (" ", "x"), ("免费", "vd")]
    assert reading.spaces == [False, False, False]


def test_columns_point_at_words(hanlp_tags):
    reading = Reader(hanlp_tags, format="concatenated").read("也/d即/vopen/nz")
    assert reading.cols == [1, 4, 7]
    assert reading.lines == [1, 1, 1]


@pytest.mark.parametrize("fmt", ["concatenated", "auto"])
@pytest.mark.parametrize(
    "line,words",
    [
        # A word's trailing space is the token's whitespace: the columns still count it.
        ("目前/topen /nz平台/gi和/cc", ["目前", "open", "平台", "和"]),
        ("a /nzb /nz平台/gi", ["a", "b", "平台"]),
        # A separator inside a word (`1/2`): the space is found by the words' columns.
        ("一半/m1/2 /m平台/gi", ["一半", "1/2", "平台"]),
        ("一半/m1/2/m平台 /gi", ["一半", "1/2", "平台"]),
        # Whitespace before the first word (in the line break's token) and a title's
        # prefix count.
        ("#  也/d即/vopen /nz", ["也", "即", "open"]),
        ("\u3000也/d即/v", ["也", "即"]),
    ],
)
def test_columns_count_every_character_of_the_line(hanlp_tags, fmt, line, words):
    """Columns of the bulk path, which computes them only when `cols` is read, on lines
    after another one; each word is where the line has it."""
    reading = Reader(hanlp_tags, format=fmt).read("好/a\n" + line)
    assert reading.words[2:] == words
    expected, at = [], 0
    for word in words:
        at = line.index(word, at)
        expected.append(at + 1)
        at += len(word)
    assert reading.cols[2:] == expected
    assert reading.lines[2:] == [2] * len(words)
    assert reading.spaces[2:] == [line[c - 1 + len(w)] == " " for c, w in zip(expected, words)]


@pytest.mark.parametrize(
    "text,kind,col",
    [
        ("/n", "empty_word", 1),
        ("微信/gi/w", "empty_word", 6),
        ("微信/gi词/", "empty_tag", 6),
        ("微信/gi词/Qq", "unknown_tag", 6),
        ("微信/gi词", "no_separator", 6),
        ("微信", "untagged_line", 1),
    ],
)
def test_bad_input_raises_with_line_and_column(hanlp_tags, text, kind, col):
    with pytest.raises(PretaggedFormatError) as info:
        Reader(hanlp_tags, format="concatenated").read("好/a\n" + text, source="x.txt")
    problem = info.value.problem
    assert (problem.kind, problem.line, problem.col) == (kind, 2, col)
    assert str(info.value).startswith(f"x.txt:2:{col}: ")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "text,kept",
    [
        ("/n", []),
        ("微信/gi/w", [("微信", "gi")]),
        ("微信/gi词/", [("微信", "gi"), ("词", "")]),
        ("微信/gi词/Qq", [("微信", "gi"), ("词", "Qq")]),
        ("微信/gi词", [("微信", "gi"), ("词", "")]),
    ],
)
def test_lenient_mode_keeps_or_skips_and_counts(hanlp_tags, text, kept):
    reading = Reader(hanlp_tags, format="concatenated", on_error="warn").read(text)
    assert list(zip(reading.words, reading.tags)) == kept
    assert len(reading.problems) == 1
    assert all(reading.words)
