"""Acceptance on the seed, the way a user runs it: `spacy assemble`, then `spacy.load` in a
fresh interpreter whose code never imports spacy_pretagged (entry points do the work)."""
import json
import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy.tokens import Doc

from spacy_pretagged import to_pretagged
from tests.helpers import CONFIGS, SEED, read_seed

# Every test here starts processes (`spacy assemble`, a fresh interpreter, the CLI).
pytestmark = pytest.mark.slow

USER_CODE = textwrap.dedent("""
    import json, sys
    import spacy
    assert "spacy_pretagged" not in sys.modules
    nlp = spacy.load(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8", newline="") as f:
        doc = nlp(f.read())
    with open(sys.argv[3], "wb") as f:
        f.write(doc.to_bytes())
    print(json.dumps({
        "n": len(doc),
        "title": [t.text for t in doc.spans["title"][0]],
        "text": doc.text,
        "tokens": [[t.text, t.whitespace_, t.tag_, t.pos_] for t in doc],
        "sents": len(list(doc.sents)),
    }, ensure_ascii=False))
""")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seed")
    subprocess.run([sys.executable, "-m", "spacy", "assemble", str(CONFIGS / "hanlp.cfg"),
                    str(tmp / "pipeline")], check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", USER_CODE, str(tmp / "pipeline"), str(SEED),
                          str(tmp / "doc.bin")], check=True, capture_output=True, text=True)
    return json.loads(out.stdout), (tmp / "doc.bin").read_bytes()


def test_token_count_is_items_plus_one_line_break(fresh):
    result, _ = fresh
    seed = read_seed()
    assert seed.count("\n") == 1
    assert result["n"] == 1558 + 1
    assert sum(tag == "_SP" for _, _, tag, _ in result["tokens"]) == 1


def test_title_span(fresh):
    assert fresh[0]["title"] == ["微信", "公众平台", "和", "开放平台", "的", "区别"]


def test_text_is_the_seed_without_tags_and_title_marker(fresh):
    import re

    from spacy_pretagged import tagsets

    # Independent of the reader: delete every "/tag" the concatenated rule recognises.
    tags = sorted(tagsets.load("hanlp").tags, key=len, reverse=True)
    expected = re.sub("/(" + "|".join(map(re.escape, tags)) + ")", "", read_seed()[1:])
    assert fresh[0]["text"] == expected


@pytest.mark.parametrize("token", [
    ["即", "", "v", "VERB"],
    ["open", " ", "nz", "PROPN"],
    ["是", "", "vshi", "AUX"],
    ["的", "", "ude1", "PART"],
    ["，", "", "w", "PUNCT"],
    ["腾讯", "", "ntc", "PROPN"],
])
def test_spot_checks(fresh, token):
    assert token in fresh[0]["tokens"]


def test_every_token_has_valid_pos_and_sentences_exist(fresh):
    result, _ = fresh
    assert all(pos for _, _, _, pos in result["tokens"])
    assert result["sents"] > 10


def test_writer_restores_the_seed_byte_for_byte(fresh):
    doc = Doc(spacy.blank("zh").vocab).from_bytes(fresh[1])
    assert to_pretagged(doc) == read_seed()


def test_readme_show_command_runs(tmp_path):
    out = subprocess.run([sys.executable, "-m", "spacy_pretagged", "show",
                          str(CONFIGS / "hanlp.cfg"), str(SEED), "--limit", "5",
                          "-o", str(tmp_path / "doc.json")],
                         check=True, capture_output=True, text=True)
    assert "1559 tokens" in out.stdout and "byte for byte" in out.stdout
    assert json.loads((tmp_path / "doc.json").read_text())["tokens"][0]["tag"] == "gi"
