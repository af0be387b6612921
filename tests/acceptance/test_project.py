"""The weasel project (configs/project): the `demo` workflow end to end, then its packaged
pipeline installed into a FRESH virtual environment and loaded by name.

The demo runs on a copy of the project in a temporary folder (the repo stays clean): split
the bundled seed by sentence, convert, train pkuseg and the tagger, evaluate on raw text,
package a wheel, check the scores against baselines. Then `python -m venv` (no system site
packages), `pip install` of spacy-pretagged (from a copy of its sources) and the wheel, and
`spacy.load("zh_pretagged_demo")` on raw, tagged and mixed text in that environment.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import ROOT, SEED

# Runs the weasel project and builds a virtual environment.
pytestmark = pytest.mark.slow

PROJECT = ROOT / "configs" / "project"
NAME = "pretagged_demo"


def run(cmd, **kwargs):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, (f"{cmd} failed with {out.returncode}\n"
                                 f"--- stdout\n{out.stdout[-6000:]}\n--- stderr\n{out.stderr[-6000:]}")
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    for name in ("project.yml", "scripts", "configs"):
        src = PROJECT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, project / name)
    run([sys.executable, "-m", "weasel", "run", "demo", project, "--vars.corpus", SEED,
         "--vars.name", NAME], timeout=900)
    return project


def test_demo_metrics(demo):
    m = json.loads((demo / "metrics" / "test.json").read_text(encoding="utf-8"))
    seg = json.loads((demo / "metrics" / "segmenter.json").read_text(encoding="utf-8"))
    # Baselines from the same test text: one character per word, one tag for every token.
    assert m["seg_f"] > m["baseline_char_seg_f"] + 0.25
    assert m["tag_acc"] > m["baseline_majority_tag_acc"] + 0.05
    assert 0 < m["tag_acc"] <= m["tag_acc_exact"] <= 1
    # UPOS follows from a word, its tag and its neighbours' tags (the word rules' context):
    # right wherever those are right; a wrong neighbour may change it elsewhere
    assert m["pos_acc_where_tags_right"] == 1.0
    assert m["pos_acc"] > m["baseline_majority_tag_acc"]
    assert m["pred_tokens_without_tag"] == 0
    assert m["gold_ents"] > 0 and m["ents_f"] > 0
    assert m["words_per_s"] > 0 and m["test_docs"] > 0
    assert seg["dev"]["f"] > seg["dev_char_baseline"]["f"] + 0.25
    # Split by sentence: no test sentence is in train (the seed repeats none).
    corpus = demo / "corpus"
    train = set((corpus / "train.txt").read_text(encoding="utf-8").splitlines())
    test = (corpus / "test.txt").read_text(encoding="utf-8").splitlines()
    assert test and not train & set(test)
    # The pkuseg model travels inside the pipeline.
    assert (demo / "training" / "model-best" / "tokenizer").is_dir()
    assert any((demo / "training" / "model-best" / "tokenizer").rglob("weights.npz"))


def test_demo_reruns_nothing(demo):
    out = run([sys.executable, "-m", "weasel", "run", "demo", demo, "--vars.corpus", SEED,
               "--vars.name", NAME], timeout=300)
    assert "Skipping 'train': nothing changed" in out.stdout, out.stdout[-3000:]


def test_package_in_fresh_venv(demo, tmp_path):
    wheels = list((demo / "packages").rglob(f"zh_{NAME}-*.whl"))
    assert len(wheels) == 1, wheels
    # spacy-pretagged from a copy of its sources: pip would otherwise build inside the repo.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "spacy_pretagged", src / "spacy_pretagged",
                    ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run([python, "-m", "pip", "install", "--quiet", src, wheels[0]], timeout=900)
    check = textwrap.dedent(f"""
        import json, spacy, spacy_pretagged
        nlp = spacy.load("zh_{NAME}")
        raw = "腾讯近两年崛起的一个新颖的语音沟通工具。"
        doc = nlp(raw)
        mixed = nlp("微信/gi是/vshi腾讯/ntc\\n我们的工具是微信。")
        print(json.dumps({{
            "module": spacy_pretagged.__file__,
            "raw": [[t.text, t.tag_, t.pos_] for t in doc],
            "text": doc.text,
            "mixed": [[t.text, t.tag_, t.pos_] for t in mixed],
            "labels": list(nlp.get_pipe("tagger").labels),
        }}, ensure_ascii=False))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = run([python, "-c", check], cwd=tmp_path, env=env, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(result["module"]).resolve().is_relative_to(venv.resolve())
    raw = "腾讯近两年崛起的一个新颖的语音沟通工具。"
    tokens = result["raw"]
    assert result["text"] == raw
    # Segmented (not one token per character), every word tagged with a trained label and
    # mapped to a UPOS.
    assert 1 < len(tokens) < len(raw)
    assert all(tag in result["labels"] for _, tag, _ in tokens), tokens
    assert all(pos and pos not in ("X", "SPACE") for _, _, pos in tokens), tokens
    # Mixed input: the tagged line keeps its tags; the untagged one is segmented and tagged.
    mixed = result["mixed"]
    assert mixed[:3] == [["微信", "gi", "NOUN"], ["是", "vshi", "AUX"],
                         ["腾讯", "ntc", "PROPN"]], mixed
    rest = [t for t in mixed[3:] if t[2] != "SPACE"]
    assert "".join(t[0] for t in rest) == "我们的工具是微信。"
    assert len(rest) < len("我们的工具是微信。")
    assert all(tag in result["labels"] for _, tag, _ in rest), rest


@pytest.mark.parametrize("config, entities", [("train.cfg", "pretagged_entities"),
                                              ("train_ner.cfg", "ner")])
def test_training_configs_resolve(config, entities):
    """Both training configs the `train` command can take (`--vars.train_config`) build,
    with the project's pipeline and the right entity component; same tokenizer settings."""
    from spacy.util import load_config, load_model_from_config

    cfg = load_config(PROJECT / "configs" / config,
                      overrides={"paths.train": str(SEED), "paths.dev": str(SEED)})
    nlp = load_model_from_config(cfg, auto_fill=True, validate=True)
    assert nlp.pipe_names == ["tok2vec", "tagger", "pretagged_tag_mapper", entities,
                              "sentencizer"]
    assert nlp.tokenizer.cfg["untagged"] == "segment"
    assert cfg["initialize"]["tokenizer"]["pkuseg_model"] == "${paths.pkuseg_model}"
