"""`python -m spacy_pretagged show`: files in other encodings, clear failures."""
import subprocess
import sys

from conftest import CONFIGS, SEED, read_seed


def run(*args):
    return subprocess.run([sys.executable, "-m", "spacy_pretagged", *map(str, args)],
                          capture_output=True, text=True)


def test_gb18030_file_with_encoding_option(tmp_path):
    path = tmp_path / "seed.gb18030.txt"
    path.write_bytes(read_seed().encode("gb18030"))
    out = run("show", CONFIGS / "hanlp.cfg", path, "--encoding", "gb18030", "--limit", "3")
    assert out.returncode == 0, out.stderr
    assert "1559 tokens" in out.stdout and "byte for byte" in out.stdout


def test_bad_line_fails_with_file_line_and_column(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("我/r 爱/v\n他/r 词/vvn\n", encoding="utf-8")
    out = run("show", CONFIGS / "pku1998.cfg", path)
    assert out.returncode == 1
    assert out.stderr == f"error: {path}:2:7: unknown tag 'vvn': '词/vvn'\n"


def test_seed_show_prints_tags_and_pos():
    out = run("show", CONFIGS / "hanlp.cfg", SEED, "--limit", "8")
    assert out.returncode == 0, out.stderr
    assert "ude1" in out.stdout and "PART" in out.stdout
