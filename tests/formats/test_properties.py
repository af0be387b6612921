"""Property-based: writer → reader gives the same tokens wherever the format is unambiguous,
for every tagset; and the reader never raises anything but PretaggedFormatError."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacy_pretagged import tagsets, to_pretagged
from spacy_pretagged.formats import PretaggedFormatError, Reader, write_tokens
from tests.helpers import examples

# Tag tables of word/tag text; gsd (the CoNLL-U preset's, XPOS in a column) has `/` as a tag.
TAGSETS = [name for name in tagsets.available() if "/" not in tagsets.load(name)]
SETTINGS = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

CJK = "微信平台是的了中国人民北京"
LATIN = "abcXYZ"
DIGITS = "0123456789１２"
PUNCT = "，。！？、：“”（）,.!?"


def _line(tags, alphabet, space_words):
    word = st.text(alphabet=alphabet, min_size=1, max_size=5)
    if space_words:
        word = st.one_of(word, word, word, st.sampled_from([" ", "  "]))
    return st.lists(st.tuples(word, st.sampled_from(["", " "]), st.sampled_from(tags)),
                    min_size=1, max_size=8)


def _join(lines):
    tokens = []
    for i, line in enumerate(lines):
        if i:
            tokens.append(("\n", "", "_SP"))
        tokens.extend(line)
    return tokens


def _read(reader, text):
    r = reader.read(text)
    return list(zip(r.words, [" " if s else "" for s in r.spaces], r.tags))


@pytest.mark.parametrize("name", TAGSETS)
@SETTINGS
@given(data=st.data())
def test_spaced_round_trip(name, data):
    tags = sorted(tagsets.load(name).tags)
    sep = "_" if name == "thulac" else "/"
    # Unambiguous in spaced format: words without whitespace (or all whitespace), no
    # bracket or brace markup; a space word never follows a token's own whitespace.
    alphabet = CJK + LATIN + DIGITS + PUNCT + "/_"
    lines = data.draw(st.lists(_line(tags, alphabet, True), min_size=1, max_size=3))
    tokens = []
    for tok in _join(lines):
        if not (tok[0].isspace() and tok[2] != "_SP" and tokens and tokens[-1][1]):
            tokens.append(tok)
    text = write_tokens(tokens, format="spaced", separator=sep)
    reader = Reader(tags, format="spaced", separator=sep, item_separator=" ",
                    paragraph_ids=False, title_prefix=None)
    assert _read(reader, text) == tokens


@pytest.mark.parametrize("name", TAGSETS)
@SETTINGS
@given(data=st.data())
def test_concatenated_round_trip(name, data):
    tags = sorted(tagsets.load(name).tags)
    # Unambiguous in concatenated format: no word starts with a character that could
    # continue a tag (Latin letters, ASCII digits) and no word contains the separator.
    alphabet = CJK + DIGITS[-2:] + PUNCT
    word_start_ok = lambda w: not (w[0].isascii() and w[0].isalnum())  # noqa: E731
    lines = data.draw(st.lists(_line(tags, alphabet + LATIN + DIGITS, False), min_size=1,
                               max_size=3))
    tokens = [(w if word_start_ok(w) else "中" + w, ws, t) for w, ws, t in _join(lines)]
    text = write_tokens(tokens)
    reader = Reader(tags, format="concatenated")
    assert _read(reader, text) == tokens
    assert write_tokens(_read(reader, text)) == text


@pytest.mark.parametrize("fmt", ["auto", "concatenated", "spaced"])
@pytest.mark.parametrize("item_separator", [None, " "])
@settings(max_examples=examples(300), deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.text(alphabet="微信/ gi[]{}nt_\n\r\t\u3000/wx1", max_size=60))
def test_reader_raises_only_format_errors_and_never_makes_empty_tokens(fmt, item_separator,
                                                                      text):
    tags = tagsets.load("pku").tags | tagsets.load("hanlp").tags
    try:
        Reader(tags, format=fmt, item_separator=item_separator).read(text)
    except PretaggedFormatError:
        pass
    lenient = Reader(tags, format=fmt, item_separator=item_separator, on_error="warn")
    reading = lenient.read(text)
    assert all(reading.words)
    assert len(reading.words) == len(reading.tags) == len(reading.lines) == len(reading.cols)
    for start, end, _ in reading.compounds:
        assert 0 <= start < end <= len(reading.words)


# The reader has a bulk path for clean lines (one regex split, lists extended a line at a
# time) and the per-token event path, which defines the format. Wherever the bulk path
# takes a line it must give exactly what the event path gives: same tokens, spaces, tags,
# columns, sentence starts, titles, compounds, ids and problems.

def _full(reading):
    return (reading.words, reading.spaces, reading.tags, reading.lines, reading.cols,
            reading.sent_starts, reading.titles, reading.compounds, reading.ids,
            reading.pinyin, [tuple(p) for p in reading.problems])


def _item(tags):
    word = st.text(alphabet=CJK + LATIN + DIGITS + PUNCT + "/ []{}", min_size=0, max_size=4)
    tag = st.one_of(st.sampled_from(tags), st.sampled_from(["", "zz9", "]nt", "nt"]))
    return st.tuples(word, st.sampled_from(["/"]), tag)


@pytest.mark.parametrize("name", ["hanlp", "pku", "pku_fine", "jieba", "thulac"])
@pytest.mark.parametrize("fmt", ["auto", "concatenated", "spaced"])
@settings(max_examples=examples(120), deadline=None)
@given(data=st.data())
def test_bulk_path_equals_event_path(name, fmt, data):
    tags = sorted(tagsets.load(name).tags)
    glue = data.draw(st.sampled_from(["", " ", "  ", "\u3000", " \t"]))
    lines = data.draw(st.lists(st.lists(_item(tags), max_size=6), min_size=1, max_size=3))
    prefix = data.draw(st.sampled_from(["", " ", "#", "19980101-01-001-001/m  ", "  ["]))
    text = "\n".join(prefix + glue.join(w + s + t for w, s, t in items) for items in lines)
    text += data.draw(st.sampled_from(["", "\n", " \r\n", "\r"]))
    reader = Reader(tags, format=fmt, on_error="warn",
                    title_prefix="#" if name == "hanlp" else None)
    bulk = _full(reader.read(text))
    event_only = Reader(tags, format=fmt, on_error="warn",
                        title_prefix="#" if name == "hanlp" else None)
    event_only._read_clean_line = lambda *args: False
    assert bulk == _full(event_only.read(text)), text


# Titles: whatever whitespace follows the title prefix is text (an `_SP` token before the
# title's first word, merged with the line break before it), and the writer puts the prefix
# back between the two. Every kind of whitespace the reader takes as text: C0 controls other
# than tab are errors, `\n` and `\r` end the line.
TITLE_SPACE = "".join(c for c in map(chr, range(0x3001))
                      if c.isspace() and c not in "\n\r\x0b\x0c\x1c\x1d\x1e\x1f")


@pytest.fixture(scope="module")
def concatenated_nlp():
    from tests.helpers import pipeline

    return pipeline("hanlp", format="concatenated")


def _titled_line(tags):
    words = _line(tags, CJK + DIGITS[-2:] + PUNCT + LATIN + DIGITS, False).map(
        lambda line: [("中" + w if w[0].isascii() and w[0].isalnum() else w, ws, t)
                      for w, ws, t in line])
    space = st.text(alphabet=TITLE_SPACE, max_size=3)
    return st.tuples(st.booleans(), space, words, space)


@SETTINGS
@given(data=st.data())
def test_titles_after_any_whitespace_round_trip(concatenated_nlp, data):
    tags = sorted(tagsets.load("hanlp").tags)
    lines = data.draw(st.lists(_titled_line(tags), min_size=1, max_size=4))
    if data.draw(st.booleans()):
        # A title that is only whitespace.
        k = data.draw(st.integers(0, len(lines) - 1))
        lines[k] = (True, data.draw(st.text(alphabet=TITLE_SPACE, max_size=3)), [], "")
    breaks = [data.draw(st.sampled_from(["\n", "\r\n", "\r"])) for _ in lines[1:]]
    texts = [("#" if title else "") + lead + write_tokens(tokens) + trail
             for title, lead, tokens, trail in lines]
    text = texts[0] + "".join(b + t for b, t in zip(breaks, texts[1:]))
    empty = [n for n, (title, _, tokens, _) in enumerate(lines, 1) if title and not tokens]
    if empty:
        # Not accepted: nothing to round-trip, the title has no tokens to span.
        with pytest.raises(PretaggedFormatError) as info:
            Reader(tags, format="concatenated").read(text)
        assert (info.value.problem.kind, info.value.problem.line) == ("empty_title", empty[0])
        return
    title_words = [[w for w, _, _ in tokens] for title, _, tokens, _ in lines if title]
    plain = [lead + "".join(w + ws for w, ws, _ in tokens) + trail
             for _, lead, tokens, trail in lines]

    reading = Reader(tags, format="concatenated").read(text)
    assert [reading.words[s:e] for s, e in reading.titles] == title_words
    tokens = list(zip(reading.words, [" " if s else "" for s in reading.spaces], reading.tags))
    assert write_tokens(tokens, title_starts={s for s, _ in reading.titles}) == text

    doc = concatenated_nlp(text)
    spans = doc.spans["title"] if "title" in doc.spans else ()
    assert [[t.text for t in span] for span in spans] == title_words
    assert doc.text == plain[0] + "".join(b + t for b, t in zip(breaks, plain[1:]))
    assert to_pretagged(doc) == text


@pytest.mark.parametrize("space", list(TITLE_SPACE))
def test_a_title_after_each_kind_of_whitespace_round_trips(concatenated_nlp, space):
    for text, title in ((f"#{space}微信/gi是/vshi工具/gi", "微信是工具"),
                        (f"好/a\r\n#{space * 2}微信/gi{space}", "微信")):
        doc = concatenated_nlp(text)
        assert [span.text for span in doc.spans["title"]] == [title]
        assert to_pretagged(doc) == text
