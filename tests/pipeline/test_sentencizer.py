"""`pretagged_sentencizer` decides what spaCy's `sentencizer` decides, on arrays."""
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from spacy_pretagged.sentencizer import PretaggedSentencizer
from tests.helpers import examples

WORDS = ["好", "。", "！", "？", ".", "!", "“", "”", "，", "\n", " ", "a", "...", "。”", "——"]


@pytest.fixture(scope="module")
def vocab():
    return spacy.blank("zh").vocab


def starts(doc):
    return [t.is_sent_start for t in doc]


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS), max_size=25), data=st.data())
def test_same_sentence_starts_as_spacys(vocab, words, data):
    preset = data.draw(st.lists(st.sampled_from([True, False, None]), min_size=len(words),
                                max_size=len(words)))
    overwrite = data.draw(st.booleans())
    punct = data.draw(st.sampled_from([None, ["。", "！"], ["a"]]))
    make = lambda: Doc(vocab, words=words, spaces=[False] * len(words),  # noqa: E731
                       sent_starts=preset if words else None)
    theirs, ours = make(), make()
    Sentencizer(punct_chars=punct, overwrite=overwrite)(theirs)
    PretaggedSentencizer(punct_chars=punct, overwrite=overwrite)(ours)
    assert starts(ours) == starts(theirs)
    # The batch API gives the same as the call.
    again = make()
    sentencizer = PretaggedSentencizer(punct_chars=punct, overwrite=overwrite)
    sentencizer.set_annotations([again], sentencizer.predict([again]))
    assert starts(again) == starts(theirs)
    assert [starts(d) for d in sentencizer.pipe([make()])] == [starts(theirs)]


def test_in_the_built_pipeline_and_on_the_seed(seed_text):
    from spacy_pretagged.formats import ReaderSettings
    from spacy_pretagged.pipeline import build_nlp

    nlp = build_nlp(ReaderSettings.preset("hanlp"))
    assert nlp.pipe_names[-1] == "sentencizer"
    assert isinstance(nlp.get_pipe("sentencizer"), PretaggedSentencizer)
    with nlp.select_pipes(disable=["sentencizer"]):
        before = nlp(seed_text)
    spacy_doc = Sentencizer()(before.copy())
    assert starts(nlp(seed_text)) == starts(spacy_doc)
    assert len(list(spacy_doc.sents)) > 30


def test_settings_serialize_as_spacys(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("pretagged_sentencizer", config={"punct_chars": ["。"], "overwrite": True})
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p").get_pipe("pretagged_sentencizer")
    assert loaded.punct_chars == {"。"} and loaded.overwrite is True
