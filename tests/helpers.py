"""What many tests need: where the repository's files are, the seed, and a pipeline built
from one of the shipped configs. Imported as `tests.helpers`; conftest.py keeps only
fixtures."""
import subprocess
from pathlib import Path

from spacy.language import Language
from spacy.util import load_config, load_model_from_config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a2cd9d74a44ebc07.txt"
CONFIGS = ROOT / "configs"


#: Whether this run is the whole suite (`pytest --slow`, what CI runs); conftest.py sets it
#: before the test modules are imported.
FULL_RUN = False


def examples(n: int) -> int:
    """Hypothesis examples for a property test: `n` in the whole suite (`--slow`, CI), a
    quarter of them (at least 25) in the default run, which answers in a minute. Same
    properties, same assertions; the default run tries fewer inputs per property."""
    return n if FULL_RUN else max(25, n // 4)


def read_seed() -> str:
    with SEED.open(encoding="utf-8", newline="") as f:
        return f.read()


def pipeline(name: str = "hanlp", **tokenizer) -> Language:
    """The shipped config `configs/<name>.cfg`, with tokenizer settings overridden."""
    config = load_config(CONFIGS / f"{name}.cfg")
    config["nlp"]["tokenizer"].update(tokenizer)
    nlp = load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    return nlp


def call(argv, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    """`subprocess.run`, output decoded but not newline-translated (text mode would make a
    progress bar's `\r` a line break)."""
    out = subprocess.run(argv, capture_output=True, cwd=cwd, env=env, timeout=timeout)
    return subprocess.CompletedProcess(argv, out.returncode, out.stdout.decode("utf-8"),
                                       out.stderr.decode("utf-8"))


def snapshot(folder: Path) -> dict:
    """Every file and folder under `folder` (hidden ones too) with its bytes: what a failed
    or refused command must leave as it was."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def error_line(out: subprocess.CompletedProcess) -> str:
    """The command failed with exactly one line on stderr, `error: …`, and no traceback (a
    progress bar before it is erased with `\r`: a terminal shows the one line); that line."""
    assert out.returncode != 0
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
    assert out.stderr.count("\n") == 1 and out.stderr.endswith("\n"), out.stderr[-3000:]
    line = out.stderr.rsplit("\r", 1)[-1].rstrip("\n")
    assert line.startswith("error: "), out.stderr
    return line
