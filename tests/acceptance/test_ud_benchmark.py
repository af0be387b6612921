"""docs/mapping.md's UD agreement commands run as printed (on the dev file: UD test files are
for the final figures only) and report what the page says they report."""
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

CORPORA = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))
UD = CORPORA / "ud_chinese_gsdsimp"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not UD.is_dir(), reason="SPACY_PRETAGGED_CORPORA is not set to the corpora folder")]

PAGE = (ROOT / "docs" / "mapping.md").read_text(encoding="utf-8")


def documented_commands():
    block = re.search(r"```bash\n(pip install -e \"\.\[bench\]\".*?)```", PAGE, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines()
            if line.startswith("python benchmarks/ud_agreement.py")]


def run(command):
    args = [a.replace("$UD", str(UD)) for a in shlex.split(command)]
    assert args[:2] == ["python", "benchmarks/ud_agreement.py"]
    return subprocess.run([sys.executable, *args[1:]], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_page_documents_lexicons_thulac_conventions_and_the_table():
    commands = documented_commands()
    assert any("--lexicon hanlp" in c for c in commands)
    assert any("--lexicon jieba" in c and "--conventions ud_guidelines" in c for c in commands)
    assert any("--tagger thulac" in c for c in commands)
    assert any(c.endswith("--tagger jiagu") for c in commands)
    assert any("--tagger jiagu --tagset ictclas" in c for c in commands)
    assert any(c.startswith("python benchmarks/ud_agreement.py --table") for c in commands)
    assert all("-dev.conllu" in c for c in commands)


@pytest.mark.parametrize("command", documented_commands())
def test_documented_command_runs(command, tmp_path):
    command = command.replace("--json hanlp.json", f"--json {tmp_path / 'hanlp.json'}")
    out = run(command)
    assert out.returncode == 0, out.stderr[-2000:]
    if "--table" in command:
        rows = [line for line in out.stdout.splitlines() if line.startswith("| zh_gsdsimp")]
        assert len(rows) == 4  # HanLP, jieba, THULAC, jiagu; both profiles in each row
        return
    assert "UPOS accuracy, mapper, word rules on" in out.stdout
    assert "Word rules by net effect" in out.stdout
    if "--json" in command:
        result = json.loads((tmp_path / "hanlp.json").read_text("utf-8"))
        assert result["tokenised_exactly"] == result["sentences"] == 500
        a = result["accuracy"]
        assert a["rules_on"] > a["rules_off"] > a["naive"]
        assert set(result["sources"]) == {"table", "rule"}
        assert sum(result["sources"].values()) == result["covered"]
        rule = result["rules"][0]
        assert rule["net"] == rule["fixed"] - rule["broke"] > 0
        assert rule["conventions"] in ("*", "gsd")


def benchmark():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import ud_agreement
    finally:
        sys.path.pop(0)
    return ud_agreement


def test_jiagu_agrees_as_the_docs_say():
    """jiagu run here on the dev sentences (offline, its model is in the wheel), read with the
    `jiagu` preset and the 863 table: at least what docs/mapping.md prints (a floor, to the
    rounding of the table), which is at least the 86 % issue 17 asked for; and well above the
    same output read through the `ictclas` table, which the page prints too."""
    pytest.importorskip("jiagu")
    ud_agreement = benchmark()
    dev = UD / "zh_gsdsimp-ud-dev.conllu"
    result = ud_agreement.run_one(dev, tagger="jiagu")
    assert result["tagset"] == "863" and result["same_characters"] == result["sentences"]
    assert not result["reader_problems"]  # every tag jiagu wrote is in the table
    row = next(line for line in PAGE.splitlines()
               if line.startswith("| GSDSimp dev | jiagu output"))
    printed = [float(x) for x in re.findall(r"([\d.]+) %", row)]  # aligned, gsd, ud_g, ...
    assert printed[1] >= 86.0
    assert result["accuracy"]["rules_on"] >= printed[1] - 0.05
    assert abs(result["coverage"] - printed[0]) < 0.05
    before = re.search(r"`ictclas` table before the 863 one existed: ([\d.]+) %", PAGE.replace(
        "\n", " "))
    assert before and float(before.group(1)) < printed[1] - 5


def test_the_profiles_differ_on_dev_as_the_table_says():
    """The page's dev rows, recomputed: gsd beats ud_guidelines on GSDSimp, by the margin
    printed (to the rounding of the table)."""
    ud_agreement = benchmark()
    dev = UD / "zh_gsdsimp-ud-dev.conllu"
    got = {c: ud_agreement.run_one(dev, lexicon="hanlp", conventions=c)["accuracy"]["rules_on"]
           for c in ("gsd", "ud_guidelines")}
    row = next(line for line in PAGE.splitlines()
               if line.startswith("| GSDSimp dev | HanLP lexicon"))
    printed = [float(x) for x in re.findall(r"([\d.]+) %", row)]
    assert round(got["gsd"], 1) == printed[1] and round(got["ud_guidelines"], 1) == printed[2]
    assert got["gsd"] > got["ud_guidelines"]
