"""`nlp.pipe(n_process=2)` gives the same Docs as `nlp(...)` under every start method. A bad
line in a worker (strict reading) is spaCy's error handling: under spawn it surfaces as E871,
under fork spaCy can wait for its workers forever; reading leniently (`on_error = "warn"`)
never raises in a worker, so never hangs (docs/formats.md; spacy_anchors.md P3, P20)."""
import os
import signal
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
    assert "[E871] Error encountered in nlp.pipe with multiprocessing" in out.stderr


# 1,000 texts in batches of 100, a bad one among the first: batches are still queued when the
# worker's error reaches the parent.
MANY = textwrap.dedent("""
    import multiprocessing, sys
    from spacy.util import load_config, load_model_from_config

    if __name__ == "__main__":
        multiprocessing.set_start_method("fork", force=True)
        config = load_config(sys.argv[1])
        config["nlp"]["tokenizer"]["on_error"] = sys.argv[2]
        nlp = load_model_from_config(config, auto_fill=True)
        nlp.initialize()
        texts = ["我/rr 爱/v 北京/ns 。/w"] * 1000
        texts[10] = "我/rr 词/Qq"
        docs = list(nlp.pipe(texts, n_process=2, batch_size=100))
        print(len(docs), docs[10].user_data["pretagged_problems"])
""")


def run_many(tmp_path, on_error, timeout):
    """(finished, stdout): the script in its own process group, all of it ended if it is
    still running after `timeout` s."""
    script = tmp_path / "many.py"
    script.write_text(MANY)
    proc = subprocess.Popen([sys.executable, str(script), str(CONFIGS / "hanlp.cfg"),
                             on_error], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        return True, proc.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return False, ""


def test_strict_error_in_a_worker_under_fork_hangs_in_spacy(tmp_path):
    """What docs/formats.md says of spaCy 3.8 (a plain `spacy.blank("en")` with a raising
    component does the same): the parent gets the error, then waits for its workers, which
    are blocked sending results nobody reads. If this fails, spaCy fixed it: update the
    docs."""
    finished, _ = run_many(tmp_path, "raise", timeout=20)
    assert not finished


def test_lenient_reading_under_fork_does_not_hang(tmp_path):
    """The way out the docs give: `on_error = "warn"` reports the problem in the Doc, nothing
    raises in a worker."""
    finished, out = run_many(tmp_path, "warn", timeout=300)
    assert finished
    assert out.strip() == "1000 [['unknown_tag', 1, 8, '词/Qq']]"
