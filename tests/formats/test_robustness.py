"""Bad input gets a clear error (strict) or is reported and kept/skipped (lenient); never a
crash of another kind, an empty token, or a hang."""
import gc
import time

import pytest

from spacy_pretagged import tagsets
from spacy_pretagged.formats import PretaggedFormatError, Reader

HANLP = tagsets.load("hanlp").tags


def problems(text, **kw):
    return Reader(HANLP, on_error="warn", **kw).read(text)


@pytest.mark.parametrize("text,kind,line,col", [
    ("好/a\n我/rr 词/Qq", "unknown_tag", 2, 8),
    ("好/a词/", "empty_tag", 1, 4),
    ("好/a/w坏/a", "empty_word", 1, 4),
    ("好/a\n我 爱 北京", "untagged_line", 2, 1),
    ("好/a坏\x00/a", "control_character", 1, 5),
    ("好/a坏\x07了/ule", "control_character", 1, 5),
])
def test_strict_names_line_and_column(text, kind, line, col):
    with pytest.raises(PretaggedFormatError) as info:
        Reader(HANLP).read(text, source="f.txt")
    p = info.value.problem
    assert (p.kind, p.line, p.col, p.source) == (kind, line, col, "f.txt")
    assert str(info.value).startswith(f"f.txt:{line}:{col}: ")
    reading = problems(text)
    assert [q.kind for q in reading.problems] == [kind]
    assert all(reading.words)


def test_lenient_keeps_control_characters_as_text():
    reading = problems("好/a坏\x00/a")
    assert reading.words == ["好", "坏\x00"]


def test_a_tab_inside_a_word_is_part_of_the_word():
    # Taggers do emit such words (THULAC: `a\tb_n`); spaCy takes them; nothing is lost.
    assert Reader(HANLP, format="concatenated").read("好/a坏\t蛋/n").words == ["好", "坏\t蛋"]
    reader = Reader(tagsets.load("thulac").tags, format="spaced", separator="_",
                    item_separator=" ")
    reading = reader.read("我_r \t爱_v a\tb_n")
    assert reading.words == ["我", "\t", "爱", "a\tb"]
    assert reading.tags == ["r", "_SP", "v", "n"]
    # Without an item separator a tab separates items, as any whitespace does.
    assert Reader(HANLP, format="spaced").read("好/a\t蛋/n").words == ["好", "蛋"]


def test_byte_order_mark_is_skipped():
    reading = Reader(HANLP).read("\ufeff#标题/n\n好/a")
    assert reading.words == ["标题", "\n", "好"] and reading.titles == [(0, 1)]
    assert reading.cols[0] == 2


@pytest.mark.parametrize("text,words", [("", []), ("   ", ["   "]), ("\n\n", ["\n\n"]),
                                        (" \r\n\t", [" \r\n\t"])])
def test_empty_and_whitespace_only_input(text, words):
    for fmt in ("auto", "concatenated", "spaced"):
        reading = Reader(HANLP, format=fmt).read(text)
        assert reading.words == words and not reading.problems


def _best_times(reader, *texts, rounds=5):
    """Best CPU time of each text over interleaved rounds: load on the machine and one-off
    allocation costs do not count."""
    best = [float("inf")] * len(texts)
    gc.freeze()  # collections see only what the reads made (the suite's heap takes ~0.3 s)
    try:
        for _ in range(rounds):
            for i, text in enumerate(texts):
                gc.collect()
                start = time.process_time()
                reader.read(text)
                best[i] = min(best[i], time.process_time() - start)
    finally:
        gc.unfreeze()
    return best


@pytest.mark.slow
@pytest.mark.parametrize("fmt,unit", [
    ("concatenated", "微信/gi是/vshi腾讯/ntc近两年/qt崛起/v的/ude1一个/mq新颖/a的/ude1工具/gi，/w"),
    ("spaced", "微信/gi 是/vshi 腾讯/ntc 近两年/qt 崛起/v 的/ude1 一个/mq 新颖/a 的/ude1 工具/gi ，/w "),
])
def test_a_10_mb_single_line_reads_in_linear_time(fmt, unit):
    reader = Reader(HANLP, format=fmt)
    big = unit * (10_000_000 // len(unit.encode("utf-8")))
    quarter = big[: len(big) // 4 - (len(big) // 4) % len(unit)]
    assert len(big.encode("utf-8")) > 9_900_000
    t_quarter, t_big = _best_times(reader, quarter, big)
    # Four times the input: linear time is 4x, n log n about 4.6x, quadratic 16x. A factor
    # of 4 apart (not 2) keeps the verdict clear of this shared machine's noise.
    assert t_big < 6 * t_quarter, (t_quarter, t_big)


def _hostile_lines(n):
    """Lines that take quadratic time if compound closes or pinyin braces are found by a
    regex search per `]label` or by a backtracking regex."""
    return {"nested compounds": "[" * n + "中/n" + "]nt" * n,
            "closes without opens": "中/n" + "]nt" * n,
            "spaces in pinyin braces": "看{a" + " " * (10 * n) + "b}/v"}


# A line with problems or braces goes item by item anyway ("events"); the nested compounds
# are clean and go in bulk unless the bulk path is turned off.
@pytest.mark.parametrize("line,path", [("nested compounds", "bulk"),
                                       ("nested compounds", "events"),
                                       ("closes without opens", "bulk"),
                                       ("spaces in pinyin braces", "bulk")])
def test_hostile_bracket_and_pinyin_lines_read_in_linear_time(line, path):
    reader = Reader(tagsets.load("pku").tags, format="spaced", title_prefix=None,
                    on_error="warn")
    if path == "events":
        reader._read_clean_line = lambda *args: False  # every line item by item
    quarter, big = _hostile_lines(5_000)[line], _hostile_lines(20_000)[line]
    reading = reader.read(big)
    assert reading.words == ["中" if "中" in big else "看"]
    t_quarter, t_big = _best_times(reader, quarter, big)
    # As above: linear 4x, quadratic 16x.
    assert t_big < 6 * t_quarter, (t_quarter, t_big)


def test_a_problem_shows_a_readable_excerpt_of_a_huge_text():
    """A 5 MB line of hostile input is not echoed whole: its text is cut to 80 characters
    (what is quoted is exactly the start of it) and a message quoting the input to 160."""
    from spacy_pretagged.formats import Problem

    text = "很" * 5_000_000 + "/vvn"
    shown = str(Problem("unknown_tag", f"unknown tag {'x' * 1000!r}", 3, 7, text, "a.txt"))
    assert len(shown) < 400
    assert shown == (f"a.txt:3:7: unknown tag '{'x' * 147}…: '{'很' * 80}'… (5,000,004 "
                     "characters)")
    short = Problem("unknown_tag", "unknown tag 'vvn'", 1, 5, "面试/vvn")
    assert str(short) == "<text>:1:5: unknown tag 'vvn': '面试/vvn'"  # as before
    assert str(Problem("k", "m", 1, 1, "x" * 80)) == f"<text>:1:1: m: '{'x' * 80}'"


@pytest.mark.parametrize("fmt", ["concatenated", "spaced"])
def test_the_text_kept_for_a_huge_untagged_line_is_bounded(fmt):
    line = "我爱北京" * 250_000  # 1M characters, no tag at all
    reading = Reader(HANLP, format=fmt, on_error="warn").read("好/a\n" + line)
    [problem] = reading.problems
    assert problem.kind == "untagged_line" and problem.line == 2
    assert 0 < len(problem.text) <= 200 and line.startswith(problem.text)
    with pytest.raises(PretaggedFormatError) as info:
        Reader(HANLP, format=fmt).read("好/a\n" + line)
    assert len(str(info.value)) < 300
