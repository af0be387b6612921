"""The registered tokenizer: config, Doc contents, errors, serialization, pickling."""
import pickle
import warnings

import pytest
import spacy
from spacy.util import registry

from spacy_pretagged import PretaggedFormatError
from spacy_pretagged.doc_keys import PROBLEMS_KEY
from spacy_pretagged.tokenizer import PretaggedTokenizer
from tests.helpers import pipeline

NAME = "spacy_pretagged.PretaggedTokenizer.v1"


def blank(**cfg):
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": NAME, **cfg}}})


def test_registered_under_versioned_name():
    assert registry.tokenizers.get(NAME).__name__ == "create_pretagged_tokenizer"


def test_doc_has_words_spaces_tags():
    doc = blank()("目前/topen /nz平台/gi")
    assert [(t.text, t.whitespace_, t.tag_) for t in doc] == [
        ("目前", "", "t"), ("open", " ", "nz"), ("平台", "", "gi")]
    assert doc.text == "目前open 平台"


def test_unknown_tag_kept_verbatim_in_lenient_mode():
    nlp = blank(format="spaced", on_error="warn")
    with pytest.warns(UserWarning, match="1 problem"):
        doc = nlp("我/rr 词/vvn")
    assert [t.tag_ for t in doc] == ["rr", "vvn"]
    assert doc.user_data[PROBLEMS_KEY] == [["unknown_tag", 1, 8, "词/vvn"]]


def test_strict_mode_raises_format_error():
    with pytest.raises(PretaggedFormatError, match=r"<text>:1:8: unknown tag 'vvn'"):
        blank(format="spaced")("我/rr 词/vvn")


@pytest.mark.parametrize("text", ["微信/gi词/", "/n", "微信", "我/rr 词/Qq"])
def test_bad_input_never_crashes_otherwise_and_never_makes_empty_tokens(text):
    with pytest.raises(PretaggedFormatError):
        blank()(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = blank(on_error="warn")(text)
    assert all(t.text for t in doc)
    assert doc.user_data[PROBLEMS_KEY]


@pytest.mark.parametrize("cfg,message", [
    ({"format": "glued"}, "format must be one of"),
    ({"on_error": "skip"}, "on_error must be one of"),
    ({"tagset": "penn"}, "unknown tagset"),
    ({"separator": ""}, "separator must be"),
])
def test_bad_config_fails_at_load_time(cfg, message):
    with pytest.raises(Exception, match=message):
        blank(**cfg)


def test_untagged_text_is_a_clear_error_not_a_crash():
    # `spacy train` with the default corpus reader would call make_doc on plain text.
    with pytest.raises(PretaggedFormatError, match="no tag"):
        blank()("我爱北京。")


def test_initialize_with_zh_defaults_works():
    nlp = blank()
    nlp.add_pipe("pretagged_tag_mapper")
    nlp.initialize()  # zh injects pkuseg_model/pkuseg_user_dict into [initialize.tokenizer]
    assert nlp("是/vshi")[0].pos_ == "AUX"


def test_settings_round_trip_bytes_and_disk(tmp_path):
    cfg = dict(format="spaced", separator="_", tagset="thulac", title_prefix=None,
               on_error="warn", item_separator=" ", brackets=False, pinyin=False,
               paragraph_ids=False, untagged="characters", tokens_key="tok/coarse",
               text_key="text")
    source = PretaggedTokenizer(spacy.blank("zh").vocab, **cfg)
    target = PretaggedTokenizer(spacy.blank("zh").vocab)
    assert target.from_bytes(source.to_bytes()).cfg == cfg
    source.to_disk(tmp_path / "tok")
    target = PretaggedTokenizer(spacy.blank("zh").vocab)
    assert target.from_disk(tmp_path / "tok").cfg == cfg
    assert target("open_x  _w 平台_n").text == "open 平台"


def test_from_disk_tolerates_missing_directory(tmp_path):
    tok = PretaggedTokenizer(spacy.blank("zh").vocab, tagset="pku")
    assert tok.from_disk(tmp_path / "missing").cfg["tagset"] == "pku"


def test_pickles_by_recipe():
    nlp = pipeline("thulac")
    tok = pickle.loads(pickle.dumps(nlp.tokenizer))
    assert tok.cfg == nlp.tokenizer.cfg
    assert [t.tag_ for t in tok("我_r 爱_v")] == ["r", "v"]


def test_every_shipped_config_reads_its_format():
    samples = {
        "hanlp": ("也/d即/vopen/nz", ["d", "v", "nz"]),
        "pku1998": ("迈向/v  充满/v  希望/n  的/u  ", ["v", "v", "n", "u"]),
        "ictclas": ("毫克/q //n 100/m", ["q", "n", "m"]),
        "jieba": ("open/eng  /x 平台/n", ["eng", "x", "n"]),
        "thulac": ("open_x  _w 平台_n", ["x", "w", "n"]),
        "pkuseg": ("我/r 爱/v 北京/ns", ["r", "v", "ns"]),
    }
    for name, (text, tags) in samples.items():
        doc = pipeline(name)(text)
        assert [t.tag_ for t in doc] == tags, name
        assert all(t.pos_ for t in doc), name


def test_doc_from_lists_builds_what_the_one_call_doc_builds():
    """The tokenizer builds its Doc as `Doc(words, spaces)` + one `from_array` (faster):
    it must equal `Doc(words, spaces, tags=, sent_starts=)` token for token, True / False /
    None sentence starts included (a title line ends with a False)."""
    from spacy.tokens import Doc

    from spacy_pretagged.tokenizer import doc_from_lists

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": NAME}}})
    text = ("#微信/gi的/ude1区别/n\n\n也/d即/vopen/nz平台/gi \n"
            "#标题/n\n二维码/nz /x免费/vd\r\n好/a")
    reading = nlp.tokenizer.reader.read(text)
    assert {True, False, None} <= set(reading.sent_starts)
    want = Doc(nlp.vocab, words=reading.words, spaces=reading.spaces, tags=reading.tags,
               sent_starts=reading.sent_starts)
    got = doc_from_lists(nlp.vocab, reading)
    assert [(t.text, t.whitespace_, t.tag_, t.is_sent_start) for t in got] == \
        [(t.text, t.whitespace_, t.tag_, t.is_sent_start) for t in want]
    assert len(doc_from_lists(nlp.vocab, nlp.tokenizer.reader.read(""))) == 0
