"""The tag tables: complete, valid, and what the UD Chinese evidence says."""
import pytest
import spacy
from spacy.parts_of_speech import IDS
from spacy.tokens import MorphAnalysis

from spacy_pretagged import tagsets

# Sizes of the shipped inventories (tagsets.md §1; thulac: README list + `id`, `uw` seen in
# thulac 0.2.2 output; pku_fine: every tag of the fine PKU sample + the basic PKU tags). A change here is a change to the data: review the TSV diff.
SIZES = {"hanlp": 148, "ictclas": 104, "pku": 46, "pku_fine": 108, "jieba": 65, "thulac": 32,
         "pkuseg": 36,
         # today's tagsets (issue 17): CTB's 33 + spaCy's INF URL X; LTP's 29 863 tags + the
         # 9 other labels of jiagu 0.2.3's model; LAC's 24 + PER LOC ORG TIME; UD's 17 UPOS
         "ctb": 36, "863": 38, "lac": 28, "ud": 17,
         # the XPOS of UD_Chinese-GSD (the conllu preset's table)
         "gsd": 38}


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
        assert row.ent in ("", "PERSON", "GPE", "ORG", "DATE"), tag


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
        ("ctb", "DEC", "PART", ""),
        ("ctb", "DEG", "PART", ""),
        ("ctb", "DEV", "PART", ""),
        ("ctb", "DER", "PART", ""),
        ("ctb", "AS", "AUX", ""),
        ("ctb", "SP", "PART", ""),
        ("ctb", "BA", "ADP", ""),
        ("ctb", "LB", "ADP", "Voice=Pass"),
        ("ctb", "SB", "AUX", "Voice=Pass"),
        ("ctb", "LC", "ADP", ""),
        ("ctb", "VC", "AUX", ""),
        ("ctb", "VE", "VERB", ""),
        ("ctb", "VA", "ADJ", ""),
        ("ctb", "M", "NOUN", "NounType=Clf"),
        ("ctb", "OD", "NUM", "NumType=Ord"),
        ("ctb", "URL", "SYM", ""),
        ("863", "nt", "NOUN", ""),
        ("863", "nh", "PROPN", ""),
        ("863", "nd", "ADP", ""),
        ("863", "vl", "AUX", ""),
        ("863", "vu", "AUX", ""),
        ("863", "wp", "PUNCT", ""),
        ("863", "w", "PUNCT", ""),
        ("lac", "PER", "PROPN", ""),
        ("lac", "TIME", "NOUN", ""),
        ("lac", "vn", "NOUN", ""),
        ("lac", "xc", "PART", ""),
    ],
)
def test_decisions(name, tag, upos, feats):
    row = tagsets.load(name).rows[tag]
    assert (row.upos, row.feats) == (upos, feats)


def test_same_tag_means_different_things_per_tagset():
    assert tagsets.load("hanlp").rows["ni"].upos == "NOUN"
    assert tagsets.load("thulac").rows["ni"].upos == "PROPN"
    assert tagsets.load("thulac").rows["ni"].ent == "ORG"
    # 863: nt is a time noun (PKU: an organisation), nh a person (HanLP: a medical noun),
    # ni an organisation name (HanLP: a common noun), vl the copula (ICTCLAS: a verbal idiom)
    e863, pku, hanlp = tagsets.load("863"), tagsets.load("pku"), tagsets.load("hanlp")
    assert (e863.rows["nt"].upos, e863.rows["nt"].ent) == ("NOUN", "")
    assert (pku.rows["nt"].upos, pku.rows["nt"].ent) == ("PROPN", "ORG")
    assert (e863.rows["nh"].upos, e863.rows["nh"].ent) == ("PROPN", "PERSON")
    assert (hanlp.rows["nh"].upos, hanlp.rows["nh"].ent) == ("NOUN", "")
    assert (e863.rows["ni"].upos, e863.rows["ni"].ent) == ("PROPN", "ORG")
    assert e863.rows["vl"].upos == "AUX" and tagsets.load("ictclas").rows["vl"].upos == "VERB"


def test_ctb_has_every_ctb_tag_and_spacys_additions():
    ctb = ("AD AS BA CC CD CS DEC DEG DER DEV DT ETC FW IJ JJ LB LC M MSP NN NR NT OD ON P PN "
           "PU SB SP VA VC VE VV").split()
    assert tagsets.load("ctb").tags == set(ctb) | {"INF", "URL", "X"}


def test_863_has_ltps_tags_and_jiagus_model_labels():
    ltp = "a b c d e g h i j k m n nd nh ni nl ns nt nz o p q r u v wp ws x z".split()
    jiagu = "01 f mq nhf nhs vd vl vu w".split()  # jiagu 0.2.3 pos.model classes beyond LTP's
    assert tagsets.load("863").tags == set(ltp) | set(jiagu)


@pytest.mark.slow  # loads jiagu's POS model (28 MB, a few seconds)
def test_863_knows_every_label_of_jiagus_model():
    jiagu = pytest.importorskip("jiagu")
    jiagu.init()
    assert set(jiagu.any.pos_model.model.classes) <= tagsets.load("863").tags


def test_lac_entity_tags_carry_labels_and_lower_case_names_do_not():
    lac = tagsets.load("lac")
    assert {t: r.ent for t, r in lac.rows.items() if r.ent} == {
        "PER": "PERSON", "LOC": "GPE", "ORG": "ORG", "TIME": "DATE"}
    assert lac.rows["nr"].upos == "PROPN"  # LAC's low-confidence person: no label


def test_ud_keeps_every_upos_as_it_is():
    ud = tagsets.load("ud")
    assert ud.tags == tagsets.UPOS
    assert all(row.upos == tag and not row.feats and not row.ent for tag, row in ud.rows.items())


def test_unknown_tagset_names_the_available_ones():
    with pytest.raises(ValueError, match="available: 863, ctb, gsd, hanlp"):
        tagsets.load("penn")


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


def test_863_rules_make_latin_words_foreign_and_punctuation_punct():
    """jiagu tags Latin-letter words n or v and `/` n: the 863 rules' @LATIN, @PUNCT shapes
    decide by the word (GSDSimp dev evidence in word_rules.tsv); other tagsets keep their
    table (no @LATIN rule)."""
    from tests.helpers import pipeline

    doc = pipeline("jiagu")("Katherine/n 在/p 北京/ns ，/w U.S./n 1/n //n 2/n 学生/n")
    assert [t.pos_ for t in doc] == ["X", "VERB", "PROPN", "PUNCT", "X", "NUM", "PUNCT",
                                     "NUM", "NOUN"]
    assert doc[0]._.upos_source == "rule:863:@LATIN:*:*:*"
    assert str(doc[0].morph) == "Foreign=Yes"
    assert pipeline("pkuseg")("Katherine/n 是/v")[0].pos_ == "NOUN"
    assert "@LATIN" in tagsets.SHAPES
