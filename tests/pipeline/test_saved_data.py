"""A saved pipeline's own data (each component's `cfg`, `tags.tsv`, `word_rules.tsv`,
`labels.json`) that is missing, not a regular file or malformed is a one-line ValueError
naming the file — never a fall back to the installed tables, never a read from a FIFO or a
device. (Pipelines of 0.1.0, which saved only `cfg`: test_self_contained.py.)"""
import os
import signal

import pytest
import spacy
import srsly

from spacy_pretagged import __version__
from spacy_pretagged.entities import PretaggedEntities
from spacy_pretagged.mapper import PretaggedTagMapper
from tests.helpers import pipeline

PARTS = [("pretagged_tag_mapper", "cfg"), ("pretagged_tag_mapper", "tags.tsv"),
         ("pretagged_tag_mapper", "word_rules.tsv"), ("pretagged_entities", "cfg"),
         ("pretagged_entities", "labels.json")]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "p"
    pipeline("pku1998").to_disk(path)
    return path


@pytest.fixture
def copy(saved, tmp_path):
    """A fresh copy of the saved pipeline to break."""
    import shutil

    shutil.copytree(saved, tmp_path / "p")
    return tmp_path / "p"


def load_error(path):
    """The one-line message loading `path` fails with (a FIFO read would block: an alarm
    ends the test instead of hanging it)."""
    def hung(*_):
        raise AssertionError("loading blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(ValueError) as info:
            spacy.load(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_saved_pipeline_loads(saved):
    assert spacy.load(saved)("江/nr  泽民/nr").ents[0].label_ == "PERSON"


@pytest.mark.parametrize("component,name", PARTS)
@pytest.mark.parametrize("kind", ["directory", "fifo", "dev_zero"])
def test_a_part_that_is_not_a_regular_file_is_an_error(copy, component, name, kind):
    part = copy / component / name
    part.unlink()
    if kind == "directory":
        part.mkdir()
    elif kind == "fifo":
        os.mkfifo(part)
    else:
        part.symlink_to("/dev/zero")
    assert load_error(copy) == f"{part}: not a regular file"


@pytest.mark.parametrize("component,name", PARTS)
def test_a_missing_part_is_an_error_not_the_installed_table(copy, component, name):
    part = copy / component / name
    part.unlink()
    expected = (f"{part}: missing" if name == "cfg" else
                f"{part}: missing (spacy-pretagged {__version__} saved this pipeline with it)")
    assert load_error(copy) == expected


def test_a_missing_component_folder_is_an_error(copy):
    import shutil

    shutil.rmtree(copy / "pretagged_entities")
    assert load_error(copy) == f"{copy / 'pretagged_entities' / 'cfg'}: missing"


def test_a_link_to_a_regular_file_is_read(copy):
    part = copy / "pretagged_tag_mapper" / "tags.tsv"
    part.rename(copy / "tags.tsv")
    part.symlink_to(copy / "tags.tsv")
    assert spacy.load(copy)("好/a")[0].pos_ == "ADJ"


@pytest.mark.parametrize("name", ["tags.tsv", "word_rules.tsv"])
def test_a_table_that_is_not_utf_8_is_an_error(copy, name):
    part = copy / "pretagged_tag_mapper" / name
    data = part.read_bytes()
    part.write_bytes(data[:10] + b"\xff\xfe" + data[10:])
    assert load_error(copy) == f"{part}: not UTF-8 text (byte 10: invalid start byte)"


@pytest.mark.parametrize("text,reason", [
    ('["nr", "PERSON"]', "not a JSON object of tag → label strings"),
    ('{"nr": 1}', "not a JSON object of tag → label strings"),
    ('"PERSON"', "not a JSON object of tag → label strings"),
    ('{"nr": "PERSON"', "not JSON"),
    ("", "not JSON"),
])
def test_labels_of_the_wrong_shape_are_an_error(copy, text, reason):
    part = copy / "pretagged_entities" / "labels.json"
    part.write_text(text, "utf-8")
    assert load_error(copy).startswith(f"{part}: {reason}")


@pytest.mark.parametrize("component,change,reason", [
    ("pretagged_tag_mapper", lambda cfg: [cfg], "not a JSON object of settings"),
    ("pretagged_tag_mapper", lambda cfg: {k: v for k, v in cfg.items() if k != "tagset"},
     "setting 'tagset' missing"),
    ("pretagged_tag_mapper", lambda cfg: {**cfg, "overrides": {"v": 3}},
     "'overrides' must be tag → UPOS or {POS, MORPH}, not {'v': 3}"),
    ("pretagged_tag_mapper", lambda cfg: {**cfg, "overrides": {"v": "VERBS"}},
     "override for 'v': 'VERBS' is not a UD UPOS tag"),
    ("pretagged_tag_mapper", lambda cfg: {**cfg, "unknown": "Q"},
     "unknown must be one of"),
    ("pretagged_tag_mapper", lambda cfg: {**cfg, "keep_given_tags": "yes"},
     "'keep_given_tags' must be true or false, not 'yes'"),
    ("pretagged_tag_mapper", lambda cfg: {**cfg, "spacy_pretagged_version": 1},
     "'spacy_pretagged_version' must be a version string"),
    ("pretagged_entities", lambda cfg: {**cfg, "labels": ["nr"]},
     "'labels' must be tag → label strings, not ['nr']"),
    ("pretagged_entities", lambda cfg: {**cfg, "compound_labels": {"nt": None}},
     "'compound_labels' must be tag → label strings"),
    ("pretagged_entities", lambda cfg: {**cfg, "overwrite": 0},
     "'overwrite' must be true or false, not 0"),
])
def test_a_malformed_cfg_is_an_error(copy, component, change, reason):
    part = copy / component / "cfg"
    srsly.write_json(part, change(srsly.read_json(part)))
    assert load_error(copy).startswith(f"{part}: {reason}")


def test_a_cfg_that_is_not_json_is_an_error(copy):
    part = copy / "pretagged_entities" / "cfg"
    part.write_text("{tagset: pku", "utf-8")
    assert load_error(copy).startswith(f"{part}: not JSON (")


def test_a_0_1_0_cfg_naming_an_unknown_tagset_is_an_error(copy):
    """0.1.0 saved no tables, so the cfg's tagset is loaded from the package."""
    folder = copy / "pretagged_tag_mapper"
    (folder / "tags.tsv").unlink()
    (folder / "word_rules.tsv").unlink()
    cfg = srsly.read_json(folder / "cfg")
    del cfg["spacy_pretagged_version"]
    srsly.write_json(folder / "cfg", {**cfg, "tagset": "nosuch"})
    assert load_error(copy).startswith(f"{folder / 'cfg'}: unknown tagset 'nosuch'; available")


@pytest.mark.parametrize("data,reason", [
    (b"\xc1garbage", "pretagged_tag_mapper: not the bytes of a saved PretaggedTagMapper ("),
    (srsly.msgpack_dumps(["cfg"]), "pretagged_tag_mapper: not the bytes of a saved PretaggedTagMapper (no map"),
    (srsly.msgpack_dumps({"cfg": 7}), "pretagged_tag_mapper/cfg: not a file's bytes but int"),
    (srsly.msgpack_dumps({"cfg": b"{}"}), "pretagged_tag_mapper/cfg: setting 'tagset'"),
])
def test_malformed_bytes_are_an_error(data, reason):
    mapper = PretaggedTagMapper(spacy.blank("zh").vocab)
    with pytest.raises(ValueError) as info:
        mapper.from_bytes(data)
    assert str(info.value).startswith(reason)


def test_exclude_names_a_part_with_or_without_its_extension():
    """spaCy's rule (`meta` for meta.json): `labels` excludes labels.json, on bytes and on
    disk alike."""
    entities = PretaggedEntities(spacy.blank("zh").vocab, tagset="pku")
    for exclude in (["labels"], ["labels.json"]):
        assert set(srsly.msgpack_loads(entities.to_bytes(exclude=exclude))) == {"cfg"}
        fresh = PretaggedEntities(spacy.blank("zh").vocab, tagset="pku")
        fresh.from_bytes(entities.to_bytes(), exclude=exclude)
