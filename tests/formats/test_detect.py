"""format="auto": the per-line choice between concatenated and spaced."""
from spacy_pretagged.formats import Reader


def words_tags(tags, text):
    reading = Reader(tags, format="auto").read(text)
    return [(w, t) for w, t in zip(reading.words, reading.tags) if t != "_SP"]


def test_seed_line_with_tag_before_space_is_concatenated(hanlp_tags):
    # design.md trap: `目前/topen /nz` has a tag followed by a space, yet the line is glued.
    assert words_tags(hanlp_tags, "，/w目前/topen /nz平台/gi是/vshi") == [
        ("，", "w"), ("目前", "t"), ("open", "nz"), ("平台", "gi"), ("是", "vshi")]


def test_spaced_line_is_spaced(hanlp_tags):
    assert words_tags(hanlp_tags, "我/rr 爱/v 北京/ns 。/w") == [
        ("我", "rr"), ("爱", "v"), ("北京", "ns"), ("。", "w")]


def test_glued_line_with_space_word(hanlp_tags):
    assert words_tags(hanlp_tags, "平台/gi /x免费/vd") == [("平台", "gi"), (" ", "x"), ("免费", "vd")]


def test_url_item_is_read_spaced(hanlp_tags):
    assert words_tags(hanlp_tags, "http://www.x.com/xu") == [("http://www.x.com", "xu")]


def test_decision_is_per_line(hanlp_tags):
    text = "微信/gi是/vshi工具/gi\n我/rr 爱/v 北京/ns"
    assert words_tags(hanlp_tags, text) == [
        ("微信", "gi"), ("是", "vshi"), ("工具", "gi"), ("我", "rr"), ("爱", "v"), ("北京", "ns")]
