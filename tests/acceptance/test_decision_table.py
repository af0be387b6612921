"""docs/mapping-decisions.md is generated from the data files and must not drift from them."""
import subprocess
import sys

from tests.helpers import ROOT


def test_decisions_md_is_up_to_date():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "decision_table.py")],
                         capture_output=True, text=True, check=True).stdout
    assert (ROOT / "docs" / "mapping-decisions.md").read_text(encoding="utf-8") == out, (
        "regenerate: python benchmarks/decision_table.py --out docs/mapping-decisions.md")
