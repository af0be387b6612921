"""The writer: the inverse of the reader."""
from spacy_pretagged import to_pretagged
from spacy_pretagged.formats import Reader, write_tokens


def test_seed_round_trips_byte_for_byte(seed_doc, seed_text):
    assert to_pretagged(seed_doc) == seed_text


def test_concatenated_restores_whitespace_and_titles():
    tokens = [("标题", "", "n"), ("\n", "", "_SP"), ("open", " ", "nz"), ("平台", "", "gi")]
    assert write_tokens(tokens, title_starts={0}) == "#标题/n\nopen /nz平台/gi"


def test_spaced_output_reads_back_exactly_with_an_item_separator(hanlp_tags):
    tokens = [("我", "", "rr"), ("open", " ", "nz"), ("平台", "", "gi"), (" ", "", "x"),
              ("好", " ", "a"), ("\n", "", "_SP"), ("//", "", "n")]
    text = write_tokens(tokens, format="spaced")
    assert text == "我/rr open/nz  平台/gi  /x 好/a  \n///n"
    reading = Reader(hanlp_tags, format="spaced", item_separator=" ").read(text)
    spaces = [" " if s else "" for s in reading.spaces]
    assert list(zip(reading.words, spaces, reading.tags)) == tokens
    # Without an item separator whitespace between items is markup: the words survive.
    reading = Reader(hanlp_tags, format="spaced").read(text)
    assert reading.words == ["我", "open", "平台", " ", "好", "\n", "//"]


def test_spaced_pku_normal_form():
    tokens = [("中央", "", "n"), ("人民", "", "n"), ("电台", "", "n"), ("看", "", "v"),
              ("\r\n", "", "_SP"), ("好", "", "a")]
    text = write_tokens(tokens, format="spaced", item_separator="  ",
                        compounds=[(0, 3, "nt"), (0, 2, "NP")], ids={0: ("19980101-01-001-001", "m"),
                                                                    5: ("19980101-01-001-002", "m")},
                        pinyin={3: "kan4"})
    assert text == ("19980101-01-001-001/m  [[中央/n  人民/n]NP  电台/n]nt  看{kan4}/v  \r\n"
                    "19980101-01-001-002/m  好/a")
    assert write_tokens(tokens[:3], format="spaced", compounds=[(0, 3, "nz")],
                        compound_slash=True) == "[中央/n 人民/n 电台/n]/nz"


def test_custom_separator_and_prefix():
    tokens = [("标题", "", "n"), ("\n", "", "_SP"), ("好", "", "a")]
    assert write_tokens(tokens, separator="_", title_starts={0}, title_prefix="@@") == \
        "@@标题_n\n好_a"
