"""`spacy_pretagged.tagsets.detect`: which preset reads a sample best, on each producer's real
output — the seed (HanLP), jieba and THULAC run here on the seed's raw text, and, with
SPACY_PRETAGGED_CORPORA, People's Daily (PKU), its fine-grained edition and ICTCLAS files."""
import contextlib
import io
import logging
import os
from pathlib import Path

import pytest

from spacy_pretagged import tagsets
from spacy_pretagged.formats import PRESETS
from spacy_pretagged.tagsets import detect
from tests.helpers import SEED, read_seed

CORPORA = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))
needs_corpora = [pytest.mark.slow, pytest.mark.skipif(
    not CORPORA.is_dir(), reason="SPACY_PRETAGGED_CORPORA is not set")]


@pytest.fixture(scope="module")
def raw_lines():
    """The seed's text without its tags: what a tagger would have been given."""
    reading = tagsets.make_reader(PRESETS["hanlp"]).read(read_seed())
    text = "".join(w + (" " if s else "") for w, s in zip(reading.words, reading.spaces))
    return [line for line in text.splitlines() if line.strip()]


def best(text):
    return detect.detect_text(text).best


def test_the_seed_is_hanlp():
    result = detect.detect_text(detect.sample(SEED))
    assert result.best.preset == "hanlp" and result.best.share == 1.0
    assert result.best.settings == PRESETS["hanlp"]
    # read as spaced items, glued HanLP is long "words" whose tags no table knows
    assert max(share for tagset, share in result.coverage.items() if tagset != "hanlp") < 0.8
    assert result.coverage["thulac"] == 0.0
    assert set(result.coverage) == {preset.tagset for preset in PRESETS.values()}


def test_jieba_output_is_jieba(raw_lines):
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    text = "\n".join(" ".join(f"{w}/{t}" for w, t in jieba.posseg.cut(line))
                     for line in raw_lines)
    fit = best(text)
    assert fit.preset == "jieba" and fit.share == 1.0
    assert fit.items > 1000


@pytest.mark.slow  # loads THULAC's model (a few seconds)
def test_thulac_output_is_thulac(raw_lines):
    import thulac

    with contextlib.redirect_stdout(io.StringIO()):
        model = thulac.thulac()
    text = "\n".join(model.cut(line, text=True) for line in raw_lines)
    result = detect.detect_text(text)
    assert result.best.preset == "thulac" and result.best.settings.separator == "_"
    assert result.best.share > 0.99
    assert max(s for t, s in result.coverage.items() if t != "thulac") == 0.0


@pytest.mark.parametrize("path,preset", [
    pytest.param("pku_peoples_daily_1998/199801.txt", "pku", marks=needs_corpora),
    pytest.param("pku_1998_fine_pinyin_yym6472/valid.txt", "pku_fine", marks=needs_corpora),
    pytest.param("ictclas30_opinion_mining", "ictclas", marks=needs_corpora),
])
def test_real_corpora(path, preset):
    files = detect.files([CORPORA / path])
    result = detect.detect_samples([detect.sample(p) for p in files])
    assert result.best.preset == preset, result.coverage
    assert result.best.share > 0.999
    # each file alone too
    assert {detect.detect_text(detect.sample(p)).best.preset for p in files} == {preset}


def test_ties_go_to_the_smaller_table():
    """ICTCLAS-style tags HanLP's table (a superset) knows as well: ictclas is the most
    specific explanation; plain PKU tags that pku_fine also lists: pku."""
    ict = best("他/rr 是/vshi 学生/n 。/wj\n")
    assert ict.preset == "ictclas" and ict.share == 1.0
    assert detect.detect_text("他/rr 是/vshi 学生/n 。/wj\n").coverage["hanlp"] == 1.0
    assert best("19980101-01-001-001/m  他/r  是/v  学生/Ng  。/w  \n").preset == "pku"


def test_unknown_tags_are_counted_for_the_best():
    fit = best("他/r 是/v 学生/n 。/w 好/zz 好/zz 坏/qq\n")
    assert fit.unknown == {"zz": 2, "qq": 1}
    assert fit.items == 7 and fit.accepted == 4


def test_to_dict_has_the_documented_keys():
    report = detect.detect_text(read_seed()).to_dict()
    assert {"preset", "tagset", "format", "separator", "item_separator", "coverage",
            "unknown_tags", "items", "lines"} <= set(report)
    assert report["tagset"] == "hanlp" and report["format"] == "auto"
    assert report["separator"] == "/" and report["coverage"]["hanlp"] == 1.0


def test_sample_reads_only_the_first_lines(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("他/r 是/v\r\n" * 5000, encoding="utf-8", newline="")
    text = detect.sample(path, lines=10)
    assert text == "他/r 是/v\r\n" * 10
    assert len(detect.sample(path, chars=100)) < 120


def test_files_and_errors(tmp_path):
    (tmp_path / "a.txt").write_text("我/r\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("我/r\n", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    assert detect.files([tmp_path]) == [tmp_path / "a.txt", tmp_path / "sub" / "b.txt"]
    with pytest.raises(ValueError, match="no such file or folder"):
        detect.files([tmp_path / "missing"])
    (tmp_path / "gbk.txt").write_bytes("你好/a".encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        detect.sample(tmp_path / "gbk.txt")
    assert best(detect.sample(tmp_path / "gbk.txt", encoding="gb18030")).share == 1.0


def test_an_empty_sample_accepts_nothing():
    result = detect.detect_text("")
    assert result.best.items == 0 and result.best.share == 0.0


# Today's producers (issue 17). Written by hand in the shape each producer's documented
# snippet writes (docs/tagsets-today.md): spaCy zh_core_web `" ".join(f"{t.text}/{t.tag_}")`,
# CoreNLP `word_TAG` and the Stanford tagger's Chinese `word#TAG`, LAC, Stanza UPOS, LTP.
TODAY = {
    "ctb": "他/PN 说/VV 的/DEC 话/NN 是/VC 对/VA 的/SP 。/PU\n我/PN 把/BA 书/NN 放/VV 在/P "
           "桌子/NN 上/LC 了/AS 。/PU\n",
    "corenlp": "他_PN 说_VV 的_DEC 话_NN 是_VC 对_VA 的_SP 。_PU\n",
    "corenlp_hash": "他#PN 说#VV 的#DEC 话#NN 是#VC 对#VA 的#SP 。#PU\n",
    "lac": "百度/ORG 是/v 一家/m 高科技/n 公司/n ，/w 2019年/TIME 张三/PER 在/p 北京/LOC 工作/v\n",
    "ud": "他/PRON 说/VERB 的/PART 话/NOUN 是/AUX 对/ADJ 的/PART 。/PUNCT\n",
}


@pytest.mark.parametrize("preset", sorted(TODAY))
def test_todays_producers_are_told_apart(preset):
    result = detect.detect_text(TODAY[preset])
    assert result.best.preset == preset and result.best.share == 1.0, result.coverage
    # the other upper-case sets accept (nearly) nothing of it
    others = {"ctb", "ud", "lac"} - {PRESETS[preset].tagset}
    assert max(result.coverage[t] for t in others) < 0.5


def test_ltp_output_reads_with_the_863_settings():
    """LTP's 863 tags (nd nh ni nl wp) are in no PKU-family table; jiagu and ltp are the same
    settings, and the tie goes by name."""
    text = "李明/nh 在/p 北京/ns 大学/n 里/nd 工作/v 。/wp 城郊/nl 的/u 保险公司/ni 近日/nt 成立/v\n"
    result = detect.detect_text(text)
    assert result.best.preset == "jiagu" and result.best.share == 1.0
    assert result.best.settings == PRESETS["ltp"]
    assert result.fits[1].preset == "ltp" and result.fits[1].share == 1.0
    assert max(s for t, s in result.coverage.items() if t != "863") < 0.95


@pytest.mark.slow  # loads jiagu's model (a few seconds)
def test_jiagu_output_is_863(raw_lines):
    jiagu = pytest.importorskip("jiagu")
    text = "\n".join(" ".join(f"{w}/{t}" for w, t in zip(words, jiagu.pos(words)))
                     for words in map(jiagu.seg, raw_lines))
    result = detect.detect_text(text)
    assert result.best.settings.tagset == "863" and result.best.share == 1.0
    # read as ICTCLAS (its table before the 863 one) jiagu's nd nh vu … are unknown
    assert result.coverage["ictclas"] < 0.99
