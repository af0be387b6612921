"""What many tests need: where the repository's files are, the seed, and a pipeline built
from one of the shipped configs. Imported as `tests.helpers`; conftest.py keeps only
fixtures."""
from pathlib import Path

from spacy.language import Language
from spacy.util import load_config, load_model_from_config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a2cd9d74a44ebc07.txt"
CONFIGS = ROOT / "configs"


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
