"""The command line: show, convert, validate, stats; through `python -m spacy_pretagged` and
`python -m spacy pretagged`; clear one-line errors."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CONFIGS, SEED, read_seed

# Every test runs the command line in a subprocess.
pytestmark = pytest.mark.slow


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


# --- convert / validate / stats, and the same through spaCy's own CLI ----------------------

PKU = ("19980101-01-001-001/m  江/nr  泽民/nr  在/p  [北京/ns  大学/n]nt  讲话/v  。/w  \r\n"
       "\r\n19980101-01-001-002/m  他/r  说/v  ：/w  “/w  好/a  。/w  ”/w  \r\n"
       "19980101-01-002-001/m  新/a  世纪/n  。/w  \r\n")


def spacy_cli(*args):
    return subprocess.run([sys.executable, "-m", "spacy", "pretagged", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture()
def pku_file(tmp_path):
    path = tmp_path / "pd.txt"
    path.write_bytes(PKU.encode("utf-8"))
    return path


@pytest.mark.parametrize("doc_per,docs", [("line", 3), ("article", 2), ("file", 1)])
def test_convert_to_docbin(pku_file, tmp_path, doc_per, docs):
    import spacy
    from spacy.tokens import DocBin

    out = run("convert", pku_file, tmp_path / "pd.spacy", "--format", "spaced", "--tagset",
              "pku", "--doc-per", doc_per)
    assert out.returncode == 0, out.stderr
    assert f"{docs} docs" in out.stdout and "no problems" in out.stdout
    got = list(DocBin().from_disk(tmp_path / "pd.spacy").get_docs(spacy.blank("zh").vocab))
    assert len(got) == docs
    words = [t for d in got for t in d if t.tag_ != "_SP"]
    assert len(words) == 17
    assert [(e.text, e.label_) for e in got[0].ents][:2] == [("江泽民", "PERSON"),
                                                            ("北京大学", "ORG")]
    assert all(t.pos_ for t in words)


def test_convert_to_sharded_docbin(pku_file, tmp_path):
    out = run("convert", pku_file, tmp_path / "shards", "-f", "spaced", "-t", "pku",
              "--shard-size", "2")
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "shards").iterdir()) == ["000000.spacy",
                                                                      "000001.spacy"]


@pytest.mark.parametrize("to", ["conllu", "jsonl", "pretagged"])
def test_convert_to_text_formats(pku_file, tmp_path, to):
    out = run("convert", pku_file, tmp_path / f"pd.{to}", "--to", to, "-f", "spaced",
              "-t", "pku", "--n-process", "2")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / f"pd.{to}").read_text(encoding="utf-8")
    assert "泽民" in text
    if to == "conllu":
        assert "\tPROPN\tnr\t" in text
    if to == "jsonl":
        assert len(text.strip().splitlines()) == 3


def test_spacy_cli_has_our_commands(pku_file, tmp_path):
    out = spacy_cli("convert", pku_file, tmp_path / "pd.conllu", "--to", "conllu", "-f",
                    "spaced", "-t", "pku")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "pd.conllu").exists()
    assert "validate" in spacy_cli("--help").stdout


def test_validate_lists_every_problem_and_fails(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("我/r 爱/v\n他/r 词/vvn 好/\n[中央/n 人民/n\n", encoding="utf-8")
    out = run("validate", path, "-f", "spaced", "-t", "pku")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert f"{path}:2:7: unknown tag 'vvn': '词/vvn'" in lines
    assert f"{path}:2:11: word has no tag after the separator: '好/'" in lines
    assert any(line.startswith(f"{path}:3:2: '[' is never closed") for line in lines)
    assert "3 problem(s)" in out.stdout


def test_validate_clean_file(pku_file):
    out = run("validate", pku_file, "-f", "spaced", "-t", "pku")
    assert out.returncode == 0 and "17 words" in out.stdout


def test_stats_with_png_and_json(pku_file, tmp_path):
    import json

    out = run("stats", pku_file, "-f", "spaced", "-t", "pku", "--png", tmp_path / "t.png",
              "--json", tmp_path / "s.json")
    assert out.returncode == 0, out.stderr
    figures = json.loads((tmp_path / "s.json").read_text())
    assert figures["words"] == 17 and figures["compounds"] == {"nt": 1}
    assert figures["whitespace"] == 0  # line Docs: the line breaks are between them
    assert figures["entities"] == {"PERSON": 1, "ORG": 1}
    assert figures["tags"]["w"] == 6 and figures["unknown_tags"] == {}
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args,message", [
    (["convert", "missing.txt", "out.spacy"], "does not exist"),
    (["convert", "{seed}", "out.x", "--to", "xml"], "error: --to must be one of"),
    (["convert", "{seed}", "out.spacy", "-t", "penn"], "error: unknown tagset 'penn'"),
    (["convert", "{seed}", "out.spacy", "--doc-per", "page"], "error: doc_per must be one of"),
    (["validate", "{gbk}"], "error: {gbk}: not utf-8"),
])
def test_errors_are_one_line(tmp_path, args, message):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("你好/a 世界/n".encode("gbk"))
    fill = {"seed": str(SEED), "gbk": str(gbk)}
    out = run(*[a.format(**fill) for a in args])
    assert out.returncode != 0
    assert message.format(**fill) in out.stderr
    assert "Traceback" not in out.stderr
    if message.startswith("error:"):
        assert len(out.stderr.strip().splitlines()) == 1


def test_preset_reads_as_the_producer_writes(tmp_path):
    """`--preset` names a producer; without it the tagset's preset is used; single options
    change one setting on top."""
    import json

    path = tmp_path / "ictclas.txt"
    path.write_text("Jan/x  Wong/x 说/v\n", encoding="utf-8")

    def text(*options):
        out = run("convert", path, tmp_path / "o.jsonl", "--to", "jsonl", *options)
        assert out.returncode == 0, out.stderr
        return json.loads((tmp_path / "o.jsonl").read_text("utf-8"))["text"]

    # ICTCLAS: exactly one space separates items, more is text ("Jan Wong")
    assert text("--preset", "ictclas") == text("-t", "ictclas") == "Jan Wong说"
    # any whitespace separates: the hanlp preset read as spaced
    assert text("--preset", "hanlp", "-t", "ictclas", "-f", "spaced") == "JanWong说"
    assert run("validate", path, "--preset", "penn").stderr.startswith(
        "error: unknown preset 'penn'; available: hanlp, pku")


def test_summary_counts_the_same_things_for_every_format(pku_file, tmp_path):
    """Words and whitespace tokens apart, sentences with a word: the same line whatever
    `--to` is (a `.spacy` used to count whitespace tokens as tokens, CoNLL-U did not)."""
    import re

    counts = set()
    for to, ext in (("spacy", "spacy"), ("conllu", "conllu"), ("jsonl", "jsonl"),
                    ("pretagged", "txt")):
        out = run("convert", pku_file, tmp_path / f"out.{ext}", "--to", to, "-f", "spaced",
                  "-t", "pku", "--doc-per", "article")
        assert out.returncode == 0, out.stderr
        m = re.search(r"([\d,]+) docs, ([\d,]+) sentences, ([\d,]+) words, ([\d,]+) "
                      r"whitespace tokens", out.stdout.replace("\n", " "))
        counts.add(m.groups())
    # 2 articles; the blank line inside the first is its one whitespace token.
    assert counts == {("2", "3", "17", "1")}


def test_stats_counts_in_the_docs_convert_makes(pku_file, tmp_path):
    import json

    figures = {}
    for doc_per in ("line", "file"):
        out = run("stats", pku_file, "-f", "spaced", "-t", "pku", "--doc-per", doc_per,
                  "--json", tmp_path / f"{doc_per}.json")
        assert out.returncode == 0, out.stderr
        figures[doc_per] = json.loads((tmp_path / f"{doc_per}.json").read_text())
    assert figures["line"]["words"] == figures["file"]["words"] == 17
    # The file's Doc has the line breaks between its lines; line Docs have none.
    assert (figures["line"]["whitespace"], figures["file"]["whitespace"]) == (0, 3)


# --- detect, and the hints that point to it ------------------------------------------------

THULAC_TEXT = "我_r 爱_v 北京_ns 天安门_ns 。_w\n他_r 是_v 学生_n 。_w\n"


def test_detect_prints_the_best_preset_and_json(tmp_path):
    import json

    out = run("detect", SEED, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["preset"], report["tagset"], report["format"], report["separator"]) == \
        ("hanlp", "hanlp", "auto", "/")
    assert report["coverage"]["hanlp"] == 1.0 and set(report["coverage"]) >= {"pku", "thulac"}
    path = tmp_path / "thulac.txt"
    path.write_text(THULAC_TEXT, encoding="utf-8")
    out = run("detect", path)
    assert out.returncode == 0, out.stderr
    assert "--preset thulac" in out.stdout and "separator '_'" in out.stdout
    # several files that disagree: said so, and --json lists each
    out = run("detect", path, SEED, "--json")
    files = {Path(f["path"]).name: f["preset"] for f in json.loads(out.stdout)["files"]}
    assert files == {"thulac.txt": "thulac", SEED.name: "hanlp"}
    assert "do not agree" in run("detect", path, SEED).stdout


def test_detect_errors_are_one_line(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("你好/a 世界/n".encode("gbk"))
    out = run("detect", gbk)
    assert out.returncode == 1 and out.stderr.startswith(f"error: {gbk}: not utf-8")
    assert run("detect", gbk, "-e", "gb18030").returncode == 0
    (tmp_path / "empty").mkdir()
    assert run("detect", tmp_path / "empty").stderr.startswith("error: no files in")


def test_validate_and_stats_suggest_detect_when_tags_are_unknown(tmp_path):
    path = tmp_path / "thulac.txt"
    path.write_text(THULAC_TEXT, encoding="utf-8")
    for command in ("validate", "stats"):
        out = run(command, path, "--preset", "pku")
        assert "it reads best with --preset thulac" in out.stdout, out.stdout
        assert f"python -m spacy_pretagged detect {path}" in out.stdout
    assert "detect" not in run("validate", path, "--preset", "thulac").stdout


def test_stats_counts_what_decided_the_upos(tmp_path):
    import json

    path = tmp_path / "pd.txt"
    path.write_text("他/r  写/v  的/u  书/n  。/w\n", encoding="utf-8")
    out = run("stats", path, "--preset", "pku", "--json", tmp_path / "s.json")
    assert out.returncode == 0, out.stderr
    figures = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert figures["upos_sources"] == {"table": 4, "rule": 1}
    rule, = figures["rules_fired"]
    assert rule["rule"] == "*:的:*:v*:*" and rule["words"] == 1 and rule["upos"] == "SCONJ"
    assert rule["reason"].startswith("relativizer 的 after a verb")
    assert "what decided the UPOS: table 4 (80.0 %), rule 1 (20.0 %)" in out.stdout


def test_convert_writes_the_upos_source_into_misc_on_request(pku_file, tmp_path):
    out = run("convert", pku_file, tmp_path / "pd.conllu", "--to", "conllu", "--preset", "pku",
              "--misc-upos-source")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "pd.conllu").read_text("utf-8")
    assert "UposSource=table:nr" in text and "UposSource=table:w" in text
    out = run("convert", pku_file, tmp_path / "pd.spacy", "--preset", "pku",
              "--misc-upos-source")
    assert out.returncode == 1
    assert out.stderr.startswith("error: the UPOS source goes into CoNLL-U's MISC column")


def test_stats_prints_at_most_top_unknown_tags_and_json_keeps_them_all(tmp_path):
    import json

    path = tmp_path / "many.txt"
    path.write_text("".join(f"词/x{k:04d}  。/w\n" for k in range(300)), encoding="utf-8")
    out = run("stats", path, "--preset", "pku", "--top", "3",
              "--json", tmp_path / "s.json")
    assert out.returncode == 0, out.stderr
    line, = [text for text in out.stdout.splitlines() if text.startswith("unknown_tags:")]
    assert line.count("'x0") == 3 and line.endswith("… and 297 more")
    assert len(json.loads((tmp_path / "s.json").read_text("utf-8"))["unknown_tags"]) == 300
