"""The writer: the inverse of the reader."""
from spacy_pretagged import to_pretagged
from spacy_pretagged.formats import Reader, write_tokens


def test_seed_round_trips_byte_for_byte(seed_doc, seed_text):
    assert to_pretagged(seed_doc) == seed_text


def test_concatenated_restores_whitespace_and_titles():
    tokens = [("标题", "", "n"), ("\n", "", "_SP"), ("open", " ", "nz"), ("平台", "", "gi")]
    assert write_tokens(tokens, title_starts={0}) == "#标题/n\nopen /nz平台/gi"


def test_spaced_output_reads_back(hanlp_tags):
    tokens = [("我", "", "rr"), ("open", " ", "nz"), ("平台", "", "gi"), ("\n", "", "_SP"),
              ("//", "", "n")]
    text = write_tokens(tokens, format="spaced")
    assert text == "我/rr open/nz  /x 平台/gi\n///n"
    reading = Reader(hanlp_tags, format="spaced").read(text)
    assert list(zip(reading.words, reading.tags)) == [
        ("我", "rr"), ("open", "nz"), (" ", "x"), ("平台", "gi"), ("\n", "_SP"), ("//", "n")]


def test_custom_separator_and_prefix():
    tokens = [("标题", "", "n"), ("\n", "", "_SP"), ("好", "", "a")]
    assert write_tokens(tokens, separator="_", title_starts={0}, title_prefix="@@") == \
        "@@标题_n\n好_a"
