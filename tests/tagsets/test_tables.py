"""The tag tables: complete, valid, and what the UD Chinese evidence says."""
import pytest
import spacy
from spacy.parts_of_speech import IDS
from spacy.tokens import MorphAnalysis

from spacy_pretagged import tagsets

# Sizes of the shipped inventories (tagsets.md §1; thulac: README list + `id`, `uw` seen in
# thulac 0.2.2 output; pku_fine: every tag of the fine PKU sample + the basic PKU tags). A change here is a change to the data: review the TSV diff.
SIZES = {"hanlp": 148, "ictclas": 104, "pku": 46, "pku_fine": 108, "jieba": 65, "thulac": 32,
         "pkuseg": 36, "gsd": 38}


def test_every_tagset_is_shipped_with_its_size():
    sizes = {name: len(tagsets.load(name)) for name in tagsets.available()}
    print("tagset sizes:", sizes)
    assert sizes == SIZES


@pytest.mark.parametrize("name", sorted(SIZES))
def test_every_row_maps_to_valid_upos_and_canonical_feats(name):
    vocab = spacy.blank("zh").vocab
    for tag, row in tagsets.load(name).rows.items():
        assert row.upos in IDS and row.upos not in ("", "SPACE", "EOL", "CONJ"), tag
        assert row.zh and row.en and row.reason, tag
        # FEATS the way spaCy normalises them, so the mapper writes what the table says.
        assert str(MorphAnalysis(vocab, row.feats)) == row.feats, (tag, row.feats)
        assert row.ent in ("", "PERSON", "GPE", "ORG"), tag


def test_hanlp_has_case_sensitive_tags():
    hanlp = tagsets.load("hanlp")
    assert {"Mg", "mg", "Rg", "rg", "ude1", "vshi", "ntc", "gi", "begin", "end"} <= hanlp.tags
    assert "Ng" not in hanlp


@pytest.mark.parametrize(
    "name,tag,upos,feats",
    [
        ("hanlp", "w", "PUNCT", ""),
        ("hanlp", "ude1", "PART", ""),
        ("hanlp", "pba", "ADP", ""),
        ("hanlp", "f", "ADP", ""),
        ("hanlp", "q", "NOUN", "NounType=Clf"),
        ("hanlp", "vshi", "AUX", ""),
        ("hanlp", "ule", "AUX", "Aspect=Perf"),
        ("hanlp", "ntc", "PROPN", ""),
        ("pku", "Ng", "NOUN", ""),
        ("pku", "vn", "NOUN", ""),
        ("jieba", "ul", "AUX", "Aspect=Perf"),
        ("thulac", "vm", "AUX", ""),
        ("thulac", "ni", "PROPN", ""),
    ],
)
def test_decisions(name, tag, upos, feats):
    row = tagsets.load(name).rows[tag]
    assert (row.upos, row.feats) == (upos, feats)


def test_same_tag_means_different_things_per_tagset():
    assert tagsets.load("hanlp").rows["ni"].upos == "NOUN"
    assert tagsets.load("thulac").rows["ni"].upos == "PROPN"
    assert tagsets.load("thulac").rows["ni"].ent == "ORG"


def test_unknown_tagset_names_the_available_ones():
    with pytest.raises(ValueError, match="available: gsd, hanlp"):
        tagsets.load("ctb")


@pytest.mark.parametrize(
    "table,message",
    [
        ("tag\tzh\ten\tupos\tfeats\tent\treason\nn\t名\tnoun\tNOUNS\t\t\tx\n", "not a UD UPOS"),
        ("tag\tzh\ten\tupos\tfeats\tent\treason\nn\t名\tnoun\tNOUN\t\t\n", "6 fields"),
        ("tag\tzh\ten\tupos\tfeats\tent\treason\nn\t名\tn\tNOUN\t\t\tx\nn\t名\tn\tNOUN\t\t\tx\n",
         "listed twice"),
        ("tag\tzh\ten\tupos\tfeats\tent\treason\nn\t名\tn\tNOUN\tClf\t\tx\n", "not UD FEATS"),
        ("tag\tzh\tupos\n", "header"),
    ],
)
def test_broken_tables_fail_with_file_and_line(table, message):
    with pytest.raises(ValueError, match=message):
        tagsets.parse_table(table, "broken.tsv")
