"""A saved pipeline carries its own tag table, word rules and entity labels: it maps the same
after an upgrade that edits the package's tables, while a config assembled anew uses the
installed tables. Pipelines saved by 0.1.0 (settings only) still load."""
import dataclasses

import pytest
import spacy
import srsly
from spacy.util import load_config, load_model_from_config

from spacy_pretagged import __version__, tagsets
from spacy_pretagged.entities import PretaggedEntities
from spacy_pretagged.mapper import PretaggedTagMapper
from tests.helpers import CONFIGS

TEXT = "也/d是/vshi江泽民/nr"


def assemble():
    nlp = load_model_from_config(load_config(CONFIGS / "hanlp.cfg"), auto_fill=True)
    nlp.initialize()
    return nlp


def mapped(nlp):
    doc = nlp(TEXT)
    return [t.pos_ for t in doc], [(e.text, e.label_) for e in doc.ents]


def upgrade(monkeypatch):
    """The installed package as a later version that edited its data: vshi is VERB in the
    hanlp table, nr is no entity any more, and hanlp has no word rules."""
    original_load, original_rules = tagsets.load, tagsets.word_rules

    def load(name):
        table = original_load(name)
        if name != "hanlp":
            return table
        rows = dict(table.rows)
        rows["vshi"] = dataclasses.replace(rows["vshi"], upos="VERB")
        rows["nr"] = dataclasses.replace(rows["nr"], ent="")
        return tagsets.Tagset(name, rows)

    monkeypatch.setattr(tagsets, "load", load)
    monkeypatch.setattr(tagsets, "word_rules",
                        lambda name: () if name == "hanlp" else original_rules(name))


@pytest.fixture
def upgraded(monkeypatch):
    upgrade(monkeypatch)


BEFORE = (["SCONJ", "AUX", "PROPN"], [("江泽民", "PERSON")])  # 也: word rule; 是: table
AFTER = (["ADV", "VERB", "PROPN"], [])  # no rule for 也, the edited table


def test_the_upgrade_changes_what_an_assembled_pipeline_does(upgraded):
    assert mapped(assemble()) == AFTER


def test_saved_pipeline_maps_with_its_own_tables_after_an_upgrade(tmp_path, monkeypatch):
    nlp = assemble()
    assert mapped(nlp) == BEFORE
    nlp.to_disk(tmp_path / "p")
    data = nlp.to_bytes()
    folder = tmp_path / "p" / "pretagged_tag_mapper"
    assert (folder / "tags.tsv").read_text("utf-8") == tagsets.table_text(tagsets.load("hanlp"))
    assert "也\td\t*\t*\tSCONJ\t\tgsd" in (folder / "word_rules.tsv").read_text("utf-8")
    assert srsly.read_json(folder / "cfg")["spacy_pretagged_version"] == __version__
    labels = srsly.read_json(tmp_path / "p" / "pretagged_entities" / "labels.json")
    assert labels["nr"] == "PERSON"

    upgrade(monkeypatch)
    loaded = spacy.load(tmp_path / "p")
    assert mapped(loaded) == BEFORE
    assert loaded.get_pipe("pretagged_tag_mapper").made_by == __version__
    from_bytes = assemble().from_bytes(data)
    assert mapped(from_bytes) == BEFORE
    assert mapped(assemble()) == AFTER


def test_pipeline_saved_by_0_1_0_uses_the_installed_tables(tmp_path, monkeypatch):
    """0.1.0 saved only `cfg` (no version key) for both components."""
    assemble().to_disk(tmp_path / "p")
    for component, files in (("pretagged_tag_mapper", ("tags.tsv", "word_rules.tsv")),
                             ("pretagged_entities", ("labels.json",))):
        folder = tmp_path / "p" / component
        for name in files:
            (folder / name).unlink()
        cfg = srsly.read_json(folder / "cfg")
        del cfg["spacy_pretagged_version"]
        srsly.write_json(folder / "cfg", cfg)
    assert mapped(spacy.load(tmp_path / "p")) == BEFORE
    upgrade(monkeypatch)
    loaded = spacy.load(tmp_path / "p")
    assert mapped(loaded) == AFTER
    assert loaded.get_pipe("pretagged_tag_mapper").made_by is None


def test_word_rules_saved_in_the_old_format_load(tmp_path):
    """A pipeline saved by 0.1.x has word_rules.tsv with 7 columns (no prev, no
    conventions) and a cfg without conventions: its rules load, in every profile, and the
    mapper uses the default profile."""
    nlp = assemble()
    nlp.to_disk(tmp_path / "p")
    folder = tmp_path / "p" / "pretagged_tag_mapper"
    (folder / "word_rules.tsv").write_text(
        "# Word rules as saved with a pipeline\n"
        "tagset\tword\ttag\tnext\tupos\tfeats\treason\n"
        "*\t也\td\t*\tSCONJ\t\tlinking adverb\n", encoding="utf-8")
    cfg = srsly.read_json(folder / "cfg")
    del cfg["conventions"]
    srsly.write_json(folder / "cfg", cfg)
    loaded = spacy.load(tmp_path / "p")
    mapper = loaded.get_pipe("pretagged_tag_mapper")
    assert mapper.cfg["conventions"] == "gsd" and len(mapper.active_rules) == 1
    assert mapped(loaded) == BEFORE
    assert loaded(TEXT)[0]._.upos_source == "rule:*:也:d:*:*"
    # saved again, in the new format
    loaded.to_disk(tmp_path / "q")
    again = (tmp_path / "q" / "pretagged_tag_mapper" / "word_rules.tsv").read_text("utf-8")
    assert again.splitlines()[1] == "\t".join(tagsets.RULE_COLUMNS)
    assert mapped(spacy.load(tmp_path / "q")) == BEFORE


def test_mapper_bytes_of_0_1_0_load():
    """0.1.0's to_bytes: a msgpack map with only `cfg`, a JSON string."""
    from spacy.util import to_bytes

    vocab = spacy.blank("zh").vocab
    old = to_bytes({"cfg": lambda: srsly.json_dumps(
        {"tagset": "pku", "overrides": {"v": "AUX"}, "unknown": "X"})}, [])
    mapper = PretaggedTagMapper(vocab).from_bytes(old)
    assert mapper.table.name == "pku" and mapper.tag_map["v"]["POS"] == "AUX"
    assert mapper.rules == tagsets.word_rules("pku") and mapper.made_by is None


def test_exclude_is_honoured(tmp_path):
    vocab = spacy.blank("zh").vocab
    mapper = PretaggedTagMapper(vocab, tagset="pku")
    mapper.to_disk(tmp_path / "m", exclude=["word_rules.tsv"])
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["cfg", "tags.tsv"]
    saved = tmp_path / "m" / "tags.tsv"
    saved.write_text(saved.read_text("utf-8").replace("Vg\t动语素\tverb morpheme\tVERB",
                                                      "Vg\t动语素\tverb morpheme\tADV"), "utf-8")
    other = PretaggedTagMapper(vocab, tagset="pku", overrides={"n": "VERB"})
    # A part excluded when saving is excluded when loading too (as for spaCy's own
    # components); otherwise it is missing, not replaced by the installed one.
    with pytest.raises(ValueError, match=r"m/word_rules.tsv: missing$"):
        other.from_disk(tmp_path / "m", exclude=["cfg"])
    other.from_disk(tmp_path / "m", exclude=["cfg", "word_rules.tsv"])
    # its own cfg (the override) and rules; the saved (edited) table
    assert other.tag_map["n"]["POS"] == "VERB" and other.tag_map["Vg"]["POS"] == "ADV"
    assert other.rules == tagsets.word_rules("pku")
    entities = PretaggedEntities(vocab, tagset="pku")
    data = entities.to_bytes(exclude=["labels.json"])
    fresh = PretaggedEntities(vocab, tagset="pku", labels={"nr": ""})
    with pytest.raises(ValueError, match=r"^pretagged_entities/labels.json: missing \(spacy"):
        fresh.from_bytes(data)
    fresh.from_bytes(data, exclude=["cfg", "labels.json"])
    assert fresh.cfg["labels"] == {"nr": ""} and "nr" not in fresh.tag_labels


def test_saved_rules_are_read_with_the_same_checks(tmp_path):
    vocab = spacy.blank("zh").vocab
    mapper = PretaggedTagMapper(vocab)
    mapper.to_disk(tmp_path / "m")
    path = tmp_path / "m" / "tags.tsv"
    path.write_text(path.read_text("utf-8").replace("\tNOUN\t", "\tNOUNS\t", 1), "utf-8")
    # the file's path: the folder it was loaded from
    with pytest.raises(ValueError, match=r"/m/tags.tsv:\d+: 'NOUNS' is not a UD UPOS tag"):
        PretaggedTagMapper(vocab).from_disk(tmp_path / "m")


def test_components_pickle_with_their_saved_tables(tmp_path, monkeypatch):
    import pickle

    assemble().to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    upgrade(monkeypatch)
    copy = pickle.loads(pickle.dumps(loaded))
    assert mapped(copy) == BEFORE


def test_a_pipeline_folder_written_by_0_1_0_loads_and_tags_as_it_did(tmp_path):
    """tests/data/pipeline_0_1_0_pku: `spacy assemble configs/pku1998.cfg` run with 0.1.0
    (commit dddcda6), with a mapper override v → AUX and an entity label nr → PER. What 0.1.0
    gave for the text is written out below; this version gives the same, then saves it in
    the new layout, which loads the same again."""
    from tests.helpers import ROOT

    text = "江/nr  泽民/nr  是/v  发表/v  讲话/n  。/w"
    want = ([("江", "nr", "PROPN"), ("泽民", "nr", "PROPN"), ("是", "v", "AUX"),
             ("发表", "v", "AUX"), ("讲话", "n", "NOUN"), ("。", "w", "PUNCT")],
            [("江泽民", "PER")])

    def tagged(nlp):
        doc = nlp(text)
        return [(t.text, t.tag_, t.pos_) for t in doc], [(e.text, e.label_) for e in doc.ents]

    old = spacy.load(ROOT / "tests" / "data" / "pipeline_0_1_0_pku")
    assert old.get_pipe("pretagged_tag_mapper").made_by is None
    assert tagged(old) == want
    old.to_disk(tmp_path / "new")
    assert (tmp_path / "new" / "pretagged_tag_mapper" / "tags.tsv").is_file()
    assert tagged(spacy.load(tmp_path / "new")) == want
