"""`untagged = "segment"`: text without tags is segmented by a spacy-pkuseg model that the
tokenizer loads in `initialize()` and carries through to_disk, to_bytes and pickling.

The model is trained here, in a second, from the seed's own words (never downloaded)."""
import contextlib
import gc
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import textwrap
import warnings

import numpy
import pytest
import spacy
import srsly
from spacy.util import load_config_from_str, load_model_from_config

from spacy_pretagged import tagsets
from spacy_pretagged.doc_keys import GIVEN_TAGS_KEY
from spacy_pretagged.formats import Reader
from spacy_pretagged.tokenizer import PretaggedTokenizer
from tests.helpers import read_seed

NAME = "spacy_pretagged.PretaggedTokenizer.v1"
# A glued tagged line, an untagged line with a tab+space and a double space in it, a spaced
# tagged line, an untagged title, and an untagged line glued to nothing but its line breaks.
GLUED = "微信/gi是/vshi腾讯/ntc近两年/qt崛起/v的/ude1"
UNTAGGED = "微信公众平台和开放平台的区别\t 以下是区别。  详解微生活商家后台"
SPACED = "我/rr 爱/v 北京/ns"
TITLE = "#微信公众平台"
MIXED = f"{GLUED}\n{UNTAGGED}\r\n{SPACED}\n{TITLE}\n公众平台"


def seed_sentences():
    """The seed's words, a sentence a line, as spacy_pkuseg.train wants them."""
    reading = Reader(tagsets.load("hanlp").tags).read(read_seed())
    sentences, words = [], []
    for word in reading.words:
        if not word.isspace():
            words.append(word.strip())
        if words and (word.isspace() or word in "。！？"):
            sentences.append(" ".join(words))
            words = []
    return sentences + [" ".join(words)] if words else sentences


@pytest.fixture(scope="session")
def pkuseg_model(tmp_path_factory):
    import spacy_pkuseg

    folder = tmp_path_factory.mktemp("pkuseg")
    train = folder / "train.txt"
    train.write_text("\n".join(seed_sentences()) + "\n", encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):  # pkuseg prints every iteration
        spacy_pkuseg.train(str(train), str(train), str(folder / "model"), train_iter=3)
    return folder / "model"


@pytest.fixture(scope="session")
def cut(pkuseg_model):
    """What the model itself makes of a text: the expectation for untagged runs."""
    import spacy_pkuseg

    seg = spacy_pkuseg.pkuseg(str(pkuseg_model.resolve()))
    return lambda text: [w for run in text.split() for w in seg.cut(run)]


def blank(**cfg):
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": NAME, **cfg}}})


@pytest.fixture(scope="session")
def nlp(pkuseg_model):
    nlp = blank(untagged="segment")
    nlp.add_pipe("sentencizer")
    nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_model))
    return nlp


def expected_tokens(cut):
    """(word, tag) of MIXED: each tagged line as the tagger wrote it, each untagged line as
    the model cuts it, line breaks and the inner whitespace run as `_SP` tokens."""
    tagged = blank(untagged="raise")
    glued = [(t.text, t.tag_) for t in tagged(GLUED)]
    spaced = [(t.text, t.tag_) for t in tagged(SPACED)]
    first, rest = UNTAGGED.split("\t ")
    second, third = rest.split("  ")
    return (glued + [("\n", "_SP")] + [(w, "") for w in cut(first)] + [("\t ", "_SP")]
            + [(w, "") for w in cut(second)] + [(" ", "_SP")] + [(w, "") for w in cut(third)]
            + [("\r\n", "_SP")] + spaced + [("\n", "_SP")]
            + [(w, "") for w in cut(TITLE[1:])] + [("\n", "_SP")]
            + [(w, "") for w in cut("公众平台")])


def tokens(doc):
    return [(t.text, t.tag_) for t in doc]


def test_mixed_document_tagged_exact_untagged_segmented(nlp, cut):
    doc = nlp(MIXED)
    assert tokens(doc) == expected_tokens(cut)
    # Not one token per character: the model was trained on words such as 公众平台.
    assert "公众平台" in [t.text for t in doc if not t.tag_]
    # All text is kept (only the spaced line's item separators are markup), in order.
    assert doc.text == f"微信是腾讯近两年崛起的\n{UNTAGGED}\r\n我爱北京\n微信公众平台\n公众平台"
    first_untagged = [t for t in doc if t.tag_ == ""][0]
    assert first_untagged.is_sent_start
    assert [s.text for s in doc.spans["title"]] == ["微信公众平台"]


def test_untagged_line_text_round_trips(nlp):
    # The double space in UNTAGGED: one space is the previous word's, one a token.
    doc = nlp(UNTAGGED)
    assert doc.text == UNTAGGED
    assert "".join(t.text for t in doc if not t.is_space) == "".join(UNTAGGED.split())
    assert all(t.tag_ in ("", "_SP") for t in doc)


def test_given_tags_bytes(nlp):
    doc = nlp(MIXED)
    given = numpy.frombuffer(doc.user_data[GIVEN_TAGS_KEY], dtype="uint64")
    strings = nlp.vocab.strings
    assert given.tolist() == [strings[t.tag_] if t.tag_ else 0 for t in doc]
    assert strings["_SP"] in given and strings["vshi"] in given
    assert (given == 0).sum() == sum(1 for t in doc if not t.tag_) > 0


def test_given_tags_only_when_untagged_text_is_allowed():
    assert GIVEN_TAGS_KEY not in blank()(GLUED).user_data
    doc = blank(untagged="characters")(f"{GLUED}\n我爱")
    given = numpy.frombuffer(doc.user_data[GIVEN_TAGS_KEY], dtype="uint64")
    assert given.tolist()[-3:] == [doc.vocab.strings["_SP"], 0, 0]


def test_without_model_tagged_text_works_untagged_text_says_how_to_load_one():
    nlp = blank(untagged="segment")
    with pytest.warns(UserWarning, match="none is loaded"):
        nlp.initialize()
    assert tokens(nlp(SPACED)) == [("我", "rr"), ("爱", "v"), ("北京", "ns")]
    with pytest.raises(ValueError, match=r"\[initialize.tokenizer\] pkuseg_model = PATH"):
        nlp(MIXED)


@pytest.mark.parametrize("model", ["spacy_ontonotes", "news", "no/such/folder"])
def test_model_names_are_rejected_not_downloaded(model, tmp_path, monkeypatch):
    import spacy_pkuseg

    monkeypatch.setattr(spacy_pkuseg, "download_model",
                        lambda *a, **k: pytest.fail("pkuseg tried to download"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="must be the path of a folder made by spacy_pkuseg"):
        blank(untagged="segment").tokenizer.initialize(pkuseg_model=model)


def test_folder_that_is_no_pkuseg_model_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="no features.msgpack or weights.npz"):
        blank(untagged="segment").tokenizer.initialize(pkuseg_model=str(tmp_path))


def test_bad_user_dict_is_rejected(pkuseg_model):
    with pytest.raises(ValueError, match="pkuseg_user_dict must be"):
        blank(untagged="segment").tokenizer.initialize(pkuseg_model=str(pkuseg_model),
                                                        pkuseg_user_dict="mixed")


def test_user_dict_forces_words_and_survives_bytes(pkuseg_model, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("区别以下\n", encoding="utf-8")
    nlp = blank(untagged="segment")
    nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_model), pkuseg_user_dict=str(words))
    assert "区别以下" in [t.text for t in nlp("的区别以下是")]
    other = blank(untagged="segment")
    other.tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    assert "区别以下" in [t.text for t in other("的区别以下是")]


def test_model_given_to_a_non_segmenting_tokenizer_is_ignored_with_a_warning(pkuseg_model):
    tokenizer = blank(untagged="characters").tokenizer
    with pytest.warns(UserWarning, match="pkuseg_model is ignored"):
        tokenizer.initialize(pkuseg_model=str(pkuseg_model))
    assert tokenizer.pkuseg is None
    assert [t.text for t in tokenizer("公众平台")] == list("公众平台")


def test_initialize_again_keeps_the_loaded_model(nlp):
    before = tokens(nlp(MIXED))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nlp.initialize()  # zh injects pkuseg_model = null: the loaded model stays
    assert tokens(nlp(MIXED)) == before


def test_tokenizer_pickles_with_its_model(nlp):
    tokenizer = pickle.loads(pickle.dumps(nlp.tokenizer))
    assert tokenizer.pkuseg is not None
    assert tokens(tokenizer(MIXED)) == tokens(nlp(MIXED))


def test_nlp_to_bytes_from_bytes(nlp):
    other = load_model_from_config(nlp.config, auto_fill=True)
    assert other.tokenizer.pkuseg is None
    other.from_bytes(nlp.to_bytes())
    assert other(MIXED).to_json() == nlp(MIXED).to_json()


LOAD = textwrap.dedent("""
    import json, sys
    import spacy
    nlp = spacy.load(sys.argv[1])
    doc = nlp(sys.argv[2])
    print(json.dumps([[t.text, t.tag_] for t in doc], ensure_ascii=False))
    print("spacy_pretagged" in sys.modules)
""")


@pytest.mark.slow
def test_to_disk_then_spacy_load_in_a_fresh_process(nlp, pkuseg_model, tmp_path):
    # Load from a copy, then delete it: the saved pipeline must hold the model itself.
    copy = tmp_path / "model"
    shutil.copytree(pkuseg_model, copy)
    own = blank(untagged="segment")
    own.tokenizer.initialize(pkuseg_model=str(copy))
    own.to_disk(tmp_path / "p")
    shutil.rmtree(copy)
    saved = tmp_path / "p" / "tokenizer"
    assert {p.name for p in (saved / "pkuseg_model").iterdir()} == {"features.msgpack",
                                                                   "weights.npz"}
    assert (saved / "pkuseg_processors").is_file() and (saved / "cfg").is_file()
    out = subprocess.run([sys.executable, "-c", LOAD, str(tmp_path / "p"), MIXED],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert [tuple(pair) for pair in json.loads(lines[0])] == tokens(nlp(MIXED))
    assert lines[1] == "True"  # found through the entry point, not imported by the script
    assert tokens(spacy.load(tmp_path / "p")(MIXED)) == tokens(nlp(MIXED))


CONFIG = """
[paths]
pkuseg_model = null

[nlp]
lang = "zh"
pipeline = ["pretagged_tag_mapper","sentencizer"]

[nlp.tokenizer]
@tokenizers = "spacy_pretagged.PretaggedTokenizer.v1"
format = "auto"
tagset = "hanlp"
untagged = "segment"

[components]

[components.pretagged_tag_mapper]
factory = "pretagged_tag_mapper"
tagset = "hanlp"

[components.sentencizer]
factory = "sentencizer"

[initialize]

[initialize.tokenizer]
pkuseg_model = ${paths.pkuseg_model}
"""


def test_config_initialize_tokenizer_pkuseg_model(pkuseg_model, nlp):
    config = load_config_from_str(CONFIG, overrides={"paths.pkuseg_model": str(pkuseg_model)})
    from_config = load_model_from_config(config, auto_fill=True)
    assert from_config.config["initialize"]["tokenizer"]["pkuseg_user_dict"] == "default"
    from_config.initialize()
    doc = from_config(MIXED)
    assert tokens(doc) == tokens(nlp(MIXED))
    assert doc[0].pos_ == "NOUN"  # the mapper still maps the given tags


MULTI = textwrap.dedent("""
    import multiprocessing, shutil, sys
    from spacy.util import load_config_from_str, load_model_from_config

    def main(method, config, model, copy, text):
        multiprocessing.set_start_method(method, force=True)
        shutil.copytree(model, copy)
        nlp = load_model_from_config(load_config_from_str(
            config, overrides={"paths.pkuseg_model": copy}), auto_fill=True)
        nlp.initialize()
        shutil.rmtree(copy)  # workers must get the model with the pipeline, not the path
        texts = [text, text.split("\\n")[1], "我/rr 爱/v", "", "公众平台和开放平台"] * 3
        single = [nlp(t).to_json() for t in texts]
        multi = [d.to_json() for d in nlp.pipe(texts, n_process=2, batch_size=2)]
        assert multi == single, method
        assert any(t["tag"] == "" for d in multi for t in d["tokens"])
        print("same", len(multi))

    if __name__ == "__main__":
        main(*sys.argv[1:6])
""")


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pipe_n_process_2_segments_like_one_process(pkuseg_model, tmp_path, method):
    script = tmp_path / "mp.py"
    script.write_text(MULTI)
    out = subprocess.run([sys.executable, str(script), method, CONFIG, str(pkuseg_model),
                          str(tmp_path / "copy"), MIXED],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "same 15"


# The reader alone: the segmenter is any callable, and whitespace is handled as before.


def pairs(run):
    return [run[i:i + 2] for i in range(0, len(run), 2)]


def test_reader_takes_any_segmenter():
    reader = Reader(tagsets.load("hanlp").tags, untagged="segment", segmenter=pairs)
    reading = reader.read("我/rr\n微信公众平台 是")
    assert reading.words == ["我", "\n", "微信", "公众", "平台", "是"]
    assert reading.tags == ["rr", "_SP", "", "", "", ""]
    assert reading.spaces == [False, False, False, False, True, False]
    assert pickle.loads(pickle.dumps(reader)).read("微信公众").words == ["微信", "公众"]


def test_reader_rejects_segmenter_that_changes_the_text():
    reader = Reader(tagsets.load("hanlp").tags, untagged="segment",
                    segmenter=lambda run: [run.upper()])
    with pytest.raises(ValueError, match="segmenter changed the text"):
        reader.read("abc")


def test_reader_segmenter_only_with_segment():
    with pytest.raises(ValueError, match="only used with untagged='segment'"):
        Reader(tagsets.load("hanlp").tags, untagged="characters", segmenter=list)
    with pytest.raises(ValueError, match="needs a segmenter"):
        Reader(tagsets.load("hanlp").tags, untagged="segment").read("我爱")


def test_characters_keep_whitespace_in_order():
    # Whitespace runs are one event: a tab then a space used to come out as space then tab.
    doc = PretaggedTokenizer(spacy.blank("zh").vocab, untagged="characters")("我\t 爱  你")
    assert doc.text == "我\t 爱  你"
    assert [(t.text, t.whitespace_) for t in doc] == [("我", ""), ("\t ", ""), ("爱", " "),
                                                      (" ", ""), ("你", "")]


def test_untagged_tail_of_a_tagged_line_is_still_a_problem(nlp):
    # Only whole lines without tags are segmented: `微信/gi公众平台` could be an unknown tag.
    from spacy_pretagged import PretaggedFormatError

    with pytest.raises(PretaggedFormatError, match="no tag at the end of the line"):
        nlp("微信/gi公众平台")


def test_initialize_on_a_loaded_pipeline_whose_model_folder_is_gone(pkuseg_model, tmp_path):
    # `spacy train` saves [initialize.tokenizer] pkuseg_model = <training-time folder>.
    copy = tmp_path / "model"
    shutil.copytree(pkuseg_model, copy)
    config = load_config_from_str(CONFIG, overrides={"paths.pkuseg_model": str(copy)})
    trained = load_model_from_config(config, auto_fill=True)
    trained.initialize()
    trained.to_disk(tmp_path / "p")
    shutil.rmtree(copy)
    loaded = spacy.load(tmp_path / "p")
    with pytest.warns(UserWarning, match="keeping the model already loaded"):
        loaded.initialize()
    assert tokens(loaded(MIXED)) == tokens(trained(MIXED))
    # Without a model to keep (tokenizer not loaded), the missing folder is an error.
    with pytest.raises(ValueError, match="must be the path of a folder"):
        spacy.load(tmp_path / "p", exclude=["tokenizer"]).initialize()


class _Unpickled:
    """What a hostile features.pkl can do: run code when it is unpickled (here it makes the
    folder `marker`)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def _pickled_features(marker):
    payload = pickle.dumps({"unigram": _Unpickled(marker), "bigram": []})
    pickle.loads(payload)  # live: unpickling it does run code
    assert marker.is_dir()
    marker.rmdir()
    return payload


def _only_pickled_features(model_dir, marker):
    (model_dir / "features.msgpack").unlink()
    (model_dir / "features.pkl").write_bytes(_pickled_features(marker))


@pytest.mark.parametrize("untagged", ["segment", "raise"])
def test_saved_pipeline_with_pickled_pkuseg_features_is_refused_unpickled(pkuseg_model,
                                                                         tmp_path, untagged):
    marker = tmp_path / "unpickled"
    nlp = blank(untagged=untagged)
    if untagged == "segment":
        nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_model))
    nlp.to_disk(tmp_path / "p")
    model_dir = tmp_path / "p" / "tokenizer" / "pkuseg_model"
    if untagged != "segment":
        # A model folder is loaded whatever `untagged` says: planted in a plain pipeline.
        shutil.copytree(pkuseg_model, model_dir)
    _only_pickled_features(model_dir, marker)
    for load in (lambda: spacy.load(tmp_path / "p"),
                 lambda: blank(untagged=untagged).tokenizer.from_disk(tmp_path / "p" /
                                                                      "tokenizer")):
        with pytest.raises(ValueError, match="has features.pkl but no features.msgpack") as info:
            load()
        message = str(info.value)
        assert str(model_dir) in message and "\n" not in message
        assert "spacy_pkuseg.pkuseg(" in message and ".feature_extractor.save(" in message
        assert not marker.exists()


def test_initialize_refuses_pickled_pkuseg_features_unpickled(pkuseg_model, tmp_path):
    marker = tmp_path / "unpickled"
    copy = tmp_path / "model"
    shutil.copytree(pkuseg_model, copy)
    _only_pickled_features(copy, marker)
    with pytest.raises(ValueError, match=rf"pkuseg_model '{re.escape(str(copy))}' has "
                                         r"features\.pkl but no features\.msgpack"):
        blank(untagged="segment").tokenizer.initialize(pkuseg_model=str(copy))
    assert not marker.exists()


def test_from_bytes_reads_pkuseg_features_as_msgpack_only(nlp, tmp_path):
    marker = tmp_path / "unpickled"
    parts = srsly.msgpack_loads(nlp.tokenizer.to_bytes())
    parts["pkuseg_features"] = _pickled_features(marker)
    enabled = gc.isenabled()
    try:
        with pytest.raises(ValueError):
            blank(untagged="segment").tokenizer.from_bytes(srsly.msgpack_dumps(parts))
    finally:
        if enabled:
            gc.enable()  # srsly's msgpack reader leaves gc off when it raises
    assert not marker.exists()
