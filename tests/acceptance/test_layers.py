"""The package's import graph follows its layers (tools/check_layers.py): no cycle, no
module importing one above it; and the checker does catch both."""
import importlib.util
import shutil

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_layers",
                                                  ROOT / "tools" / "check_layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_package_follows_its_layers(checker, capsys):
    assert checker.main() == 0
    out = capsys.readouterr()
    assert "0 problem(s)" in out.out and out.err == ""


def test_every_module_has_a_layer(checker):
    names = set(checker.modules(checker.ROOT))
    assert "formats.settings" in names and "distributed.client" in names
    for name in names:
        checker.layer(name)  # raises for a module no layer names


def test_an_upward_import_and_a_cycle_are_found(checker, tmp_path, capsys):
    root = tmp_path / "spacy_pretagged"
    shutil.copytree(checker.ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    with (root / "formats" / "records.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef _late():\n    from ..cli import app  # noqa\n")
    with (root / "cli" / "__init__.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom ..formats import records  # noqa\n")
    assert checker.main(root) == 1
    err = capsys.readouterr().err
    assert "formats.records (layer 1) imports cli (layer 18), which is above it" in err
    assert "import cycle:" in err and "cli" in err and "formats.records" in err
