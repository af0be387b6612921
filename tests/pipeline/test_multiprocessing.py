"""`nlp.pipe(n_process=2)` gives the same Docs as `nlp(...)` under every start method, and a
bad line in a worker surfaces as an error instead of a hang (spacy_anchors.md P3, P20)."""
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import CONFIGS, SEED

# Starts worker processes (fork, spawn, forkserver).
pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent("""
    import multiprocessing, sys, warnings
    from spacy.util import load_config, load_model_from_config

    def main(method, config, seed):
        multiprocessing.set_start_method(method, force=True)
        nlp = load_model_from_config(load_config(config), auto_fill=True)
        nlp.initialize()
        with open(seed, encoding="utf-8", newline="") as f:
            text = f.read()
        title, body = text.split("\\n")
        texts = [text, title, body, "我/rr 爱/v 北京/ns 。/w", "", body[:300]] * 3
        if sys.argv[4] == "bad":
            list(nlp.pipe(texts + ["词/Qq"], n_process=2, batch_size=2))
            return
        single = [nlp(t).to_json() for t in texts]
        multi = [d.to_json() for d in nlp.pipe(texts, n_process=2, batch_size=2)]
        assert multi == single, method
        print("same", len(multi))

    if __name__ == "__main__":
        main(*sys.argv[1:4])
""")


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_pipe_n_process_2_equals_single_process(tmp_path, method):
    script = tmp_path / "mp.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script), method, str(CONFIGS / "hanlp.cfg"),
                          str(SEED), "good"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "same 18"


def test_worker_error_surfaces_without_hanging(tmp_path):
    script = tmp_path / "mp.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script), "spawn", str(CONFIGS / "hanlp.cfg"),
                          str(SEED), "bad"], capture_output=True, text=True, timeout=300)
    assert out.returncode != 0
    assert "PretaggedFormatError: <text>:1:3: unknown tag 'Qq'" in out.stderr, out.stderr[-3000:]
