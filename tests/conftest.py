from pathlib import Path

import pytest
from spacy.util import load_config, load_model_from_config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a2cd9d74a44ebc07.txt"
CONFIGS = ROOT / "configs"


def read_seed() -> str:
    with SEED.open(encoding="utf-8", newline="") as f:
        return f.read()


def pipeline(name: str = "hanlp", **tokenizer):
    """The shipped config `configs/<name>.cfg`, with tokenizer settings overridden."""
    config = load_config(CONFIGS / f"{name}.cfg")
    config["nlp"]["tokenizer"].update(tokenizer)
    nlp = load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    return nlp


@pytest.fixture(scope="session")
def seed_text() -> str:
    return read_seed()


@pytest.fixture(scope="session")
def nlp():
    return pipeline("hanlp")


@pytest.fixture(scope="session")
def seed_doc(nlp, seed_text):
    return nlp(seed_text)


@pytest.fixture(scope="session")
def hanlp_tags():
    from spacy_pretagged import tagsets

    return tagsets.load("hanlp").tags
