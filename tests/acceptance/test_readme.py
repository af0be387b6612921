"""The README's promises: its Python example runs as printed, and CI runs its test command."""
import re
import subprocess
import sys

import pytest

from tests.helpers import CONFIGS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


@pytest.mark.slow
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


@pytest.mark.slow
def test_blank_pipeline_example_runs():
    code = blocks("python")[1] + "\nprint([(t.tag_, t.pos_) for t in nlp('中央/n  人民/n  的/u')])"
    out = subprocess.run([sys.executable, "-c", "import spacy\n" + code], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[('n', 'NOUN'), ('n', 'NOUN'), ('u', 'PART')]"


def test_ci_runs_the_readme_test_command_with_slow():
    """The README's test command is the fast run; the line under it names the whole run,
    which CI runs."""
    test_command = blocks("bash")[1].strip().split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command == "python -m pytest -q"
    assert f"`{test_command} --slow`" in README
    assert ci.rstrip().splitlines()[-1] == f"{test_command} --slow"


@pytest.mark.slow
def test_slow_tests_run_only_with_the_slow_option(request):
    """tests/conftest.py skips this one in the README's fast run and runs it under --slow."""
    assert request.config.getoption("--slow") is True


def test_property_tests_try_every_example_under_slow(request):
    """docs/layout.md: the fast run tries a quarter of the Hypothesis examples, --slow all."""
    from tests.helpers import examples

    full = request.config.getoption("--slow")
    assert (examples(300), examples(40)) == ((300, 40) if full else (75, 25))


def test_readme_is_short():
    assert len(README.encode("utf-8")) <= 12 * 1024, "move detail to docs/ and link it"


# [text](target) and [text]: target; targets with a scheme (https:, mailto:) or only an
# anchor are not files.
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\s*\[[^\]]+\]:\s*(\S+)",
                  re.MULTILINE)


def relative_links(text):
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # code blocks are not Markdown
    text = re.sub(r"`[^`\n]*`", "", text)                  # nor inline code
    for match in LINK.finditer(text):
        target = (match.group(1) or match.group(2)).split("#", 1)[0]
        if target and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            yield target


def test_relative_links_point_to_files():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert len(pages) > 1, "docs/ has no pages"
    broken = [f"{page.relative_to(ROOT)}: {target}"
              for page in pages
              for target in relative_links(page.read_text(encoding="utf-8"))
              if not (page.parent / target).exists()]
    assert not broken, broken


def test_readme_links_every_docs_page():
    linked = {(ROOT / target).resolve() for target in relative_links(README)}
    pages = sorted((ROOT / "docs").glob("*.md"))
    assert [p.name for p in pages if p.resolve() not in linked] == []


def test_docs_say_what_n_process_does_on_a_bad_text():
    """Not "raises in the parent, no hang" (issue 14): spawn raises E871, fork can hang, and
    how to avoid it; tests/pipeline/test_multiprocessing.py checks each claim."""
    formats = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    text = " ".join(formats.split())
    assert "no hang" not in text
    for claim in ("Under **spawn**", "[E871]", "Under **fork**", "**hang**",
                  '`on_error = "warn"`', "`convert --n-process N` does not use "
                  "`nlp.pipe(n_process=…)`", "hands errors back as results",
                  "for `.spacy` output with `--shard-size` it reads and tokenizes in the "
                  "parent"):
        assert claim in text, claim
    assert "can make it hang under fork" in " ".join(README.split())
