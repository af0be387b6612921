"""One settings object: checked once with a clear message, presets per producer, and the
same object everywhere (tokenizer, corpus, configs)."""
import dataclasses
import pickle

import pytest
from spacy.util import load_config

from spacy_pretagged.formats import PRESETS, Reader, ReaderSettings
from spacy_pretagged.formats.settings import FIELDS
from tests.helpers import CONFIGS


@pytest.mark.parametrize("field,value,message", [
    ("format", "glued", "format must be one of 'auto', 'concatenated', 'spaced', 'conllu', 'hanlp_json', not 'glued'"),
    ("on_error", "ignore", "on_error must be one of 'raise', 'warn', not 'ignore'"),
    ("untagged", "drop", "untagged must be one of"),
    ("separator", "//", "separator must be one non-whitespace character, not '//'"),
    ("separator", " ", "separator must be one non-whitespace character"),
    ("title_prefix", "", "title_prefix must be a non-empty string or None"),
    ("item_separator", "x", "item_separator must be whitespace or None, not 'x'"),
    ("item_separator", "", "item_separator must be whitespace or None"),
    ("brackets", "yes", "brackets must be true or false, not 'yes'"),
    ("tagset", "", "tagset must be the name of a tag table"),
])
def test_bad_values_fail_when_made(field, value, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        ReaderSettings(**{field: value})
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        ReaderSettings().replace(**{field: value})


def test_frozen_and_picklable():
    settings = ReaderSettings.preset("thulac")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.format = "auto"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert ReaderSettings.from_dict(settings.to_dict()) == settings


def test_unknown_fields_are_refused():
    with pytest.raises(ValueError, match="unknown reader setting"):
        ReaderSettings.from_dict({"format": "auto", "colour": "red"})
    with pytest.raises(ValueError, match="unknown reader setting"):
        ReaderSettings().replace(colour="red")
    with pytest.raises(ValueError, match="unknown preset 'penn'; available: hanlp, pku"):
        ReaderSettings.preset("penn")


def test_pick_takes_the_fields_by_name():
    arguments = {**ReaderSettings.preset("jieba").to_dict(), "path": "x", "encoding": "gbk"}
    assert ReaderSettings.pick(arguments) == ReaderSettings.preset("jieba")


@pytest.mark.parametrize("config,preset", [
    ("hanlp", "hanlp"), ("pku1998", "pku"), ("pku_fine", "pku_fine"), ("ictclas", "ictclas"),
    ("jieba", "jieba"), ("pkuseg", "pkuseg"), ("thulac", "thulac"),
    ("ctb", "ctb"), ("corenlp", "corenlp"), ("corenlp_hash", "corenlp_hash"), ("jiagu", "jiagu"),
    ("ltp", "ltp"), ("lac", "lac"), ("ud", "ud"), ("conllu", "conllu"), ("hanlp2", "hanlp2"),
    ("ltp_json", "ltp_json")])
def test_each_shipped_config_is_its_preset_written_out(config, preset):
    tokenizer = dict(load_config(CONFIGS / f"{config}.cfg")["nlp"]["tokenizer"])
    assert tokenizer.pop("@tokenizers") == "spacy_pretagged.PretaggedTokenizer.v1"
    assert set(tokenizer) == FIELDS
    assert ReaderSettings(**tokenizer) == PRESETS[preset]


def test_for_tagset_chooses_the_preset_then_applies_changes():
    assert ReaderSettings.for_tagset() == PRESETS["hanlp"]
    assert ReaderSettings.for_tagset("ictclas") == PRESETS["ictclas"]
    assert ReaderSettings.for_tagset("pku", format=None, separator=None) == PRESETS["pku"]
    assert ReaderSettings.for_tagset("pku_fine", "pku") == PRESETS["pku"].replace(
        tagset="pku_fine")
    assert ReaderSettings.for_tagset(None, "thulac", on_error="warn") == \
        PRESETS["thulac"].replace(on_error="warn")
    assert ReaderSettings.for_tagset("jieba", format="auto").format == "auto"
    # a table no preset is named after: the first preset that reads it
    assert ReaderSettings.for_tagset("863") == PRESETS["jiagu"]
    assert ReaderSettings.for_tagset("gsd") == PRESETS["conllu"]


def test_reader_takes_settings_or_single_changes(hanlp_tags):
    settings = ReaderSettings(format="spaced", on_error="warn")
    assert Reader(hanlp_tags, settings).settings == settings
    assert Reader(hanlp_tags, format="spaced", on_error="warn").settings == settings
    assert Reader(hanlp_tags, settings, title_prefix=None).settings == \
        settings.replace(title_prefix=None)
    reader = pickle.loads(pickle.dumps(Reader(hanlp_tags, settings)))
    assert reader.settings == settings and reader.tags == frozenset(hanlp_tags)
