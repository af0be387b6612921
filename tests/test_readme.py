"""The README's promises: its Python example runs as printed, and CI runs its test command."""
import re
import subprocess
import sys

from conftest import CONFIGS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_worked_example_runs_in_a_fresh_interpreter(tmp_path):
    subprocess.run([sys.executable, "-m", "spacy", "assemble", str(CONFIGS / "hanlp.cfg"),
                    str(tmp_path / "pipeline")], check=True, capture_output=True)
    example = blocks("python")[0]
    assert "import spacy_pretagged" not in example
    out = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    assert out[0].startswith("[('微信', 'gi', 'NOUN', ''), ('是', 'vshi', 'AUX', ''), ('腾讯', 'ntc', 'PROPN', '')")
    assert out[1] == "[('WEIXIN', '微信'), ('COPULA', '是'), ('NAME', '腾讯')]"
    assert out[2] == "['的语音']"


def test_blank_pipeline_example_runs():
    code = blocks("python")[1] + "\nprint([(t.tag_, t.pos_) for t in nlp('中央/n  人民/n  的/u')])"
    out = subprocess.run([sys.executable, "-c", "import spacy\n" + code], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[('n', 'NOUN'), ('n', 'NOUN'), ('u', 'PART')]"


def test_ci_runs_the_readme_test_command():
    test_command = blocks("bash")[1].strip().split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command == "python -m pytest -q"
    assert ci.rstrip().splitlines()[-1] == test_command
