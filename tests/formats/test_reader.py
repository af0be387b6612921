"""Lines, whitespace and titles around the item readers."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacy_pretagged import tagsets
from spacy_pretagged.formats import Reader, write_tokens
from tests.helpers import examples

TAGS = sorted(tagsets.load("hanlp").tags - {"begin", "end"})


def test_line_breaks_are_sp_tokens_and_blank_lines_merge(hanlp_tags):
    reading = Reader(hanlp_tags).read("好/a\r\n\r\n坏/a\r再/d\n")
    assert list(zip(reading.words, reading.tags)) == [
        ("好", "a"), ("\r\n\r\n", "_SP"), ("坏", "a"), ("\r", "_SP"), ("再", "d"), ("\n", "_SP")]
    assert reading.sent_starts == [True, False, True, False, True, False]
    assert (reading.lines[1], reading.cols[1]) == (1, 4)
    assert (reading.lines[3], reading.cols[3]) == (3, 4)


def test_edge_whitespace_of_concatenated_lines_is_text(hanlp_tags):
    reading = Reader(hanlp_tags, format="concatenated").read("\u3000\u3000好/a坏/a  \n再/d")
    assert reading.words == ["\u3000\u3000", "好", "坏", "  \n", "再"]
    assert reading.tags == ["_SP", "a", "a", "_SP", "d"]


def test_title_lines(hanlp_tags):
    reading = Reader(hanlp_tags).read("#微信/gi区别/gi\n微信/gi是/vshi\n#标题/n")
    assert reading.titles == [(0, 2), (6, 7)]
    assert reading.words[0] == "微信" and reading.cols[0] == 2
    assert reading.sent_starts[0] is True and reading.sent_starts[3] is True


def test_title_prefix_can_be_disabled(hanlp_tags):
    reading = Reader(hanlp_tags, title_prefix=None).read("#话题/n")
    assert reading.words == ["#话题"] and reading.titles == []


def test_empty_and_whitespace_only_texts(hanlp_tags):
    assert len(Reader(hanlp_tags).read("")) == 0
    reading = Reader(hanlp_tags).read(" \n ")
    assert reading.words == [" \n "] and reading.tags == ["_SP"]


@pytest.mark.parametrize("kwargs", [dict(format="glued"), dict(on_error="ignore"),
                                    dict(separator="//"), dict(separator=" "),
                                    dict(title_prefix="")])
def test_bad_settings_are_refused(hanlp_tags, kwargs):
    with pytest.raises(ValueError):
        Reader(hanlp_tags, **kwargs)


# Property: text the reader accepts comes back from the writer byte for byte; writer output
# whose words cannot be mistaken for tag continuations reads back exactly; no empty word ever.
_word = st.text(alphabet="微信平台是的，。abc123 ", min_size=1, max_size=4).filter(
    lambda w: w.strip() and not w.startswith(" ") and "  " not in w)
_token = st.tuples(_word, st.sampled_from(["", " "]), st.sampled_from(TAGS))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(_token, min_size=1, max_size=8), min_size=1, max_size=4))
def test_concatenated_round_trip(hanlp_tags, lines):
    tokens = []
    for i, line in enumerate(lines):
        if i:
            tokens.append(("\n", "", "_SP"))
        # A word ending in a space would swallow the whitespace flag: the writer's input
        # must be what the reader produces.
        tokens.extend((w.rstrip(" "), ws, t) for w, ws, t in line)
    text = write_tokens(tokens)
    reading = Reader(hanlp_tags, format="concatenated", on_error="warn").read(text)
    got = list(zip(reading.words, [" " if s else "" for s in reading.spaces], reading.tags))
    assert all(reading.words)
    # A word starting with a Latin letter or digit may extend the tag before it (`/vopen` is
    # v + open by the longest-tag rule), so the writer's text can be ambiguous; where no word
    # starts so, the reading must be exact.
    if not any(w[0].isascii() and w[0].isalnum() for w, _, _ in tokens):
        assert not reading.problems
        assert got == tokens
    # The promised direction: whatever the reader accepts, the writer gives back exactly.
    if not reading.problems:
        assert write_tokens(got) == text


def test_split_carries_the_parsed_columns_reindexed():
    from spacy_pretagged.formats import Reading

    reading = Reading(list("abcde"), [False] * 5, list("TTTTT"), [1, 1, 2, 2, 2],
                      [1, 2, 1, 2, 3], [None] * 5)
    reading.upos = ["NOUN", "VERB", "NOUN", "VERB", "PUNCT"]
    reading.heads = [1, 1, 3, 3, 3]
    reading.deps = ["nsubj", "root", "nsubj", "root", "punct"]
    reading.entities = [(0, 1, "PER"), (2, 3, "LOC")]
    reading.kept_lines = [(0, "# one"), (2, "# two"), (5, "# after the last token")]
    first, second = reading.split([(0, 2), (2, 5)])
    assert (first.upos, first.heads, first.deps) == (["NOUN", "VERB"], [1, 1], ["nsubj", "root"])
    assert (second.heads, second.entities) == ([1, 1, 1], [(0, 1, "LOC")])
    assert first.kept_lines == [(0, "# one")]
    assert second.kept_lines == [(0, "# two"), (3, "# after the last token")]
    assert first.lemmas is None and first.misc is None


def test_late_columns_are_computed_in_place_when_read():
    """`extend_late` leaves a line's columns to a function called when `cols` is first read,
    whatever came before or after it; comparing, slicing, pickling and setting `cols` see
    the computed columns."""
    import pickle

    from spacy_pretagged.formats import Reading

    calls = []

    def late():
        calls.append(1)
        return [5, 7]

    reading = Reading()
    reading.append("a", False, "T", 1, 1)
    assert reading.extend_late(["b", "c"], [False, True], ["T", "T"], 1, late) == 1
    reading.extend(["d"], [False], ["T"], 2, [3])
    assert not calls and len(reading.words) == 4
    eager = Reading(list("abcd"), [False, False, True, False], list("TTTT"), [1, 1, 1, 2],
                    [1, 5, 7, 3], [None] * 4)
    assert reading == eager
    assert reading.cols == [1, 5, 7, 3] and len(calls) == 1
    reading.cols  # noqa: B018  computed once
    assert len(calls) == 1
    again = Reading()
    again.extend_late(["b", "c"], [False, True], ["T", "T"], 1, lambda: [5, 7])
    assert again.slice(1, 2).cols == [7]
    again = Reading()
    again.extend_late(["b", "c"], [False, True], ["T", "T"], 1, lambda: [5, 7])
    assert pickle.loads(pickle.dumps(again)).cols == [5, 7]  # not the lambda: its result
    again = Reading()
    again.extend_late(["b"], [False], ["T"], 1, lambda: [9])
    again.cols = [4]
    assert again.cols == [4]


@settings(max_examples=examples(100), deadline=None)
@given(lines=st.lists(st.lists(st.sampled_from(["好/a", "书/n", "看/v", "。/w"]), max_size=4),
                      min_size=1, max_size=6),
       cuts=st.lists(st.integers(min_value=0, max_value=30), max_size=6))
def test_split_of_a_reading_with_tokens_only_is_the_indexed_split(hanlp_tags, lines, cuts):
    """`Reading.split` skips its span index when there are no spans: the parts are those
    the indexed path makes (forced here by an id past every range)."""
    plain = Reader(hanlp_tags).read("\n".join(" ".join(line) for line in lines))
    n = len(plain)
    bounds = sorted({0, n, *(c for c in cuts if c <= n)})
    ranges = list(zip(bounds, bounds[1:]))
    indexed = Reader(hanlp_tags).read("\n".join(" ".join(line) for line in lines))
    indexed.ids = [(n, "id", "m")]
    got = list(plain.split(ranges))
    want = list(indexed.split(ranges))
    assert [vars(part) for part in got] == [vars(part) for part in want]


def test_the_whole_of_a_parsed_reading_is_the_indexed_split_and_a_copy():
    """`Reading.split` hands over a whole Reading with parsed columns and kept lines
    (each CoNLL-U sentence a stream cuts) without its index: the same part as the indexed
    path makes (forced by an entity past the end), and lists of its own, as the stream
    then deletes the sentence from the Reading it goes on filling."""
    from spacy_pretagged.formats.conllu import ConlluReader
    from spacy_pretagged.formats.stream import _drop_front
    from tests.formats.test_conllu import SAMPLE

    whole, indexed = ConlluReader().read(SAMPLE), ConlluReader().read(SAMPLE)
    n = len(whole)
    indexed.entities = [(n, n + 1, "PER")]
    (got,), (want,) = whole.split([(0, n)]), indexed.split([(0, n)])
    assert got.kept_lines and got.heads and vars(got) == vars(want)
    _drop_front(whole, n, whole.lines[-1])
    assert vars(got) == vars(want)
