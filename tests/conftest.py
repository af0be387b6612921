"""Session fixtures; shared helpers are in tests/helpers.py."""
import pytest

from tests.helpers import pipeline, read_seed


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
