"""The `--slow` option and session fixtures; shared helpers are in tests/helpers.py.

`python -m pytest -q` runs the fast tests, in under a minute on two cores; `--slow` adds
those marked slow (they start processes, virtual environments or Dask clusters, or read
the real corpora), which is what CI runs. As spaCy's own tests/conftest.py does it: a slow
test without `--slow` is skipped before its fixtures are set up.
"""
import pytest

from tests import helpers
from tests.helpers import pipeline, read_seed


def pytest_addoption(parser):
    try:
        parser.addoption("--slow", action="store_true",
                         help="also run the slow tests (processes, venvs, Dask, corpora)")
    except ValueError:  # added already: this conftest was loaded twice
        pass


def pytest_configure(config):
    helpers.FULL_RUN = bool(config.getoption("--slow", False))


def pytest_runtest_setup(item):
    # getoption's default: `pytest --pyargs` may skip this conftest's pytest_addoption
    if item.get_closest_marker("slow") and not item.config.getoption("--slow", False):
        pytest.skip("slow: run with --slow")


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
