"""Streaming: files cut into document units while they are read give exactly the units of
the whole file read at once (same tokens, spans, ids, line numbers and problems), whatever
the line breaks, the lines' context rules and where the text is cut into pieces."""
import codecs
import gc
import io
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacy_pretagged import tagsets
from spacy_pretagged.formats import (
    DOC_PER,
    FileDecodeError,
    PretaggedFormatError,
    Reader,
    ReaderSettings,
    Units,
    decoded_blocks,
    unit_ranges,
)
from spacy_pretagged.formats.reader import split_lines
from spacy_pretagged.formats.stream import has_words
from tests.helpers import examples

READERS = {name: Reader(tagsets.load(ReaderSettings.preset(name).tagset).tags,
                        ReaderSettings.preset(name, on_error="warn"))
           for name in ("pku", "hanlp", "jieba")}

#: Lines that carry what crosses lines: ids (articles change, repeat, are missing, stand
#: alone), blank and whitespace-only lines, titles and empty titles, concatenated lines with
#: whitespace at the edges, jieba's `\n/x` (a word that takes the break before it) and space
#: words, problems of every kind (also on lines that have no tokens), brackets and pinyin.
LINES = {
    "pku": ["19980101-01-001-001/m  迈向/v  [中央/n  人民/n]nt  。/w  ",
            "19980101-01-001-002/m  他/r  说/v  ",
            "19980101-01-002-001/m  新/a  世纪/n  ",
            "19980102-01-001-001/m  好/a  ",
            "19980101-01-001-003/m",
            "他/r  说/v  看{kan4}/v  ",
            "", "   ", "\u3000", "  ",
            "好/a  词/vvn  ", "[中央/n  人民/n", "好/  坏/a", "电台/n]nt", "我 爱 北京"],
    "hanlp": ["#微信/gi的/ude1区别/gi", "#", "# ", "也/d即/vopen /nz平台/gi",
              "  好/a坏/a  ", "\u3000\u3000微信/gi。/w", "", " ", "好/a词/Qq", "我 爱 北京",
              "好/a坏\x00/a", "好/a/w坏/a", "微信/gi 是/vshi 工具/gi 。/w "],
    "jieba": ["我/r 爱/v 北京/ns", "/x 好/a", "/x", "open/eng  /x 平台/n", " /x", "",
              "好/a 词/zz", "我 爱 北京", "我/r  爱/v   "],
}
BREAKS = ["\n", "\r\n", "\r"]


def whole(reader, text, doc_per):
    """The definition: the whole text read at once, cut by `unit_ranges`."""
    reading = reader.read(text, source="f.txt")
    units = [(a, b) for a, b in unit_ranges(reading, doc_per) if has_words(reading, a, b)]
    return list(reading.split(units)), reading.problems


def streamed(reader, pieces, doc_per):
    problems = []
    units = list(Units(doc_per, problems.append)(reader.stream(pieces, source="f.txt")))
    return units, problems


def pieces_of(text, cuts):
    cuts = sorted({c % (len(text) + 1) for c in cuts})
    return [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]


@st.composite
def texts(draw, name):
    lines = draw(st.lists(st.sampled_from(LINES[name]), min_size=0, max_size=14))
    breaks = draw(st.lists(st.sampled_from(BREAKS), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + brk for line, brk in zip(lines, breaks))
    if draw(st.booleans()) and text:
        text = text[:-len(breaks[-1])]  # no break after the last line
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


@pytest.mark.parametrize("name", sorted(LINES))
@pytest.mark.parametrize("doc_per", DOC_PER)
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_streamed_units_are_the_whole_files_units(name, doc_per, data):
    text = data.draw(texts(name))
    cuts = data.draw(st.lists(st.integers(min_value=0), max_size=6))
    reader = READERS[name]
    want, want_problems = whole(reader, text, doc_per)
    got, got_problems = streamed(reader, pieces_of(text, cuts), doc_per)
    assert got == want  # every field: words, tags, lines, cols, spans, ids, problems
    assert got_problems == want_problems  # also those of lines in no unit, in order


def test_article_units_follow_the_ids():
    reader = READERS["pku"]
    text = "\r\n".join(LINES["pku"][:6]) + "\r\n"
    units, _ = streamed(reader, [text], "article")
    # 001, 002, the next day's 001 with what follows: a line with an id and no word opens
    # no article (its id is on no word of its own), the line without an id joins.
    assert [[pid for _, pid, _ in u.ids] for u in units] == [
        ["19980101-01-001-001", "19980101-01-001-002"], ["19980101-01-002-001"],
        ["19980102-01-001-001", "19980101-01-001-003"]]
    assert units[-1].lines[-1] == 6  # the last line has no id: the article before it
    assert units == whole(reader, text, "article")[0]


def test_a_unit_is_yielded_before_the_rest_is_read():
    """Streaming: the first line's unit comes out when the second line has been read."""
    reader = READERS["pku"]
    read = []

    def pieces():
        for line in ["19980101-01-001-001/m  好/a  \n", "19980101-01-002-001/m  坏/a  \n",
                     "19980101-01-003-001/m  新/a  \n"]:
            read.append(line)
            yield line

    units = Units("article")(reader.stream(pieces()))
    assert next(units).words == ["好"] and len(read) == 2
    assert [u.words for u in units] == [["坏"], ["新"]]


def test_jieba_break_words_join_lines_as_in_the_whole_file():
    """`\\n/x` first in a line is the line break as a word: the lines it joins are one line
    unit, in a stream as in the whole file."""
    reader = READERS["jieba"]
    text = "我/r 爱/v\n/x 好/a\n北京/ns\n"
    units, _ = streamed(reader, list(text), "line")  # one character a piece
    assert [u.words for u in units] == [["我", "爱", "\n", "好"], ["北京"]]
    assert units == whole(reader, text, "line")[0]


def test_strict_mode_raises_the_same_first_problem():
    reader = Reader(tagsets.load("pku").tags, ReaderSettings.preset("pku"))
    text = "好/a  \n\n坏/a  词/vvn  \n"
    with pytest.raises(PretaggedFormatError) as whole_error:
        reader.read(text, source="f.txt")
    with pytest.raises(PretaggedFormatError) as stream_error:
        list(Units("line")(reader.stream(list(text), source="f.txt")))
    assert stream_error.value.problem == whole_error.value.problem
    assert (stream_error.value.line, stream_error.value.col) == (3, 8)


@given(st.text(alphabet="a\r\n好", max_size=30), st.lists(st.integers(min_value=0), max_size=5))
def test_split_lines_is_the_readers_line_breaks(text, cuts):
    lines = list(split_lines(pieces_of(text, cuts)))
    assert "".join(line + brk for line, brk in lines) == text
    assert lines[-1][1] == "" and all(brk in ("\n", "\r\n", "\r") for _, brk in lines[:-1])
    assert all("\n" not in line and "\r" not in line for line, _ in lines)
    # "\r" then "\n" is one break, also when the pieces cut between them
    assert len(lines) == len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_decoded_blocks_in_any_block_size(encoding):
    text = "19980101-01-001-001/m  迈向/v  。/w  \r\n他/r  说/v\r好/a\n" * 3
    data = text.encode(encoding)
    for size in (1, 2, 3, 7, 1 << 20):
        assert "".join(decoded_blocks(io.BytesIO(data), encoding, size)) == \
            data.decode(encoding)


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8-sig", codecs.BOM_UTF8),
                                             ("gb18030", b"")])
def test_decode_errors_know_their_position_in_the_file(encoding, prefix):
    good = "你好/a 世界/n\n" * 5
    data = prefix + good.encode(encoding.replace("-sig", "")) + b"\xff\xfe" + b"x/n\n"
    bad_at = len(prefix) + len(good.encode(encoding.replace("-sig", "")))
    for size in (1, 5, 1 << 20):
        with pytest.raises(FileDecodeError) as info:
            "".join(decoded_blocks(io.BytesIO(data), encoding, size))
        assert info.value.offset + info.value.start == bad_at
        assert isinstance(info.value, UnicodeDecodeError)


def test_units_check_doc_per():
    with pytest.raises(ValueError, match="doc_per"):
        Units("sentence")


def _stream_time(reader, text, doc_per, rounds=5):
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.process_time()
        for _unit in Units(doc_per)(reader.stream([text[i:i + 65536]
                                                   for i in range(0, len(text), 65536)])):
            pass
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("doc_per", ["line", "article"])
def test_streaming_is_linear(doc_per):
    """n and 4n lines of People's Daily-like text (ids change every 4 lines): linear time
    is 4x, quadratic 16x."""
    reader = READERS["pku"]

    def text(n):
        return "".join(f"19980101-01-{i // 4 % 1000:03d}-{i % 4 + 1:03d}/m  迈向/v  [中央/n  "
                       f"人民/n]nt  。/w  \r\n" for i in range(n))

    t_small, t_big = (_stream_time(reader, text(n), doc_per) for n in (5_000, 20_000))
    assert t_big < 6 * t_small, (t_small, t_big)


@pytest.mark.slow
def test_a_long_line_in_many_pieces_is_linear():
    """A 10 MB line arriving in 64 KB pieces is joined once, not piece by piece."""
    reader = Reader(tagsets.load("hanlp").tags, format="concatenated")
    unit = "微信/gi是/vshi腾讯/ntc近两年/qt崛起/v的/ude1一个/mq新颖/a的/ude1工具/gi，/w"
    big = unit * (10_000_000 // len(unit.encode("utf-8")))
    quarter = big[:len(big) // 4 - (len(big) // 4) % len(unit)]
    t_small, t_big = (_stream_time(reader, text, "file") for text in (quarter, big))
    assert t_big < 6 * t_small, (t_small, t_big)
