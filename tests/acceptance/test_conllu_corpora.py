"""Issue 17's targets on the UD files of the shared corpora: the Docs read from a UD file
score 100 (UAS, LAS, POS) against spaCy's own reader of that file as reference, and the
parse is usable: DependencyMatcher, displaCy, DocBin."""
import os
from pathlib import Path

import pytest
from spacy import displacy
from spacy.matcher import DependencyMatcher
from spacy.scorer import Scorer
from spacy.tokens import DocBin
from spacy.training import Example
from spacy.training.converters import conllu_to_docs

from spacy_pretagged.formats import ReaderSettings
from spacy_pretagged.pipeline import build_nlp, make_corpus

ROOT = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))
UD_FILES = sorted(ROOT.glob("ud_chinese_*/*.conllu"))
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not UD_FILES, reason="SPACY_PRETAGGED_CORPORA is not set to the shared corpora")]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(ReaderSettings.preset("conllu"))


def read(nlp, path):
    corpus = make_corpus(path, ReaderSettings.preset("conllu"), doc_per="line")
    return list(nlp.pipe(nlp.tokenizer.doc_from_reading(r) for r in corpus.readings()))


@pytest.mark.parametrize("path", UD_FILES, ids=lambda p: p.name)
def test_scores_100_against_spacys_reader(nlp, path):
    docs = read(nlp, path)
    references = list(conllu_to_docs(path.read_text(encoding="utf-8"), n_sents=1,
                                     no_print=True))
    assert len(docs) == len(references)
    examples = [Example(doc, ref) for doc, ref in zip(docs, references)]
    deps = Scorer.score_deps(examples, "dep")
    assert (deps["dep_uas"], deps["dep_las"]) == (1.0, 1.0)
    assert Scorer.score_token_attr(examples, "pos")["pos_acc"] == 1.0
    assert Scorer.score_token_attr(examples, "tag")["tag_acc"] == (
        1.0 if "patentchar" not in path.name else 0.0)  # spaCy takes UPOS where XPOS is `_`


def test_dependency_matcher_displacy_docbin_on_gsdsimp(nlp):
    path = ROOT / "ud_chinese_gsdsimp" / "zh_gsdsimp-ud-test.conllu"
    docs = read(nlp, path)
    assert all(doc.has_annotation("DEP") for doc in docs)
    # The docs' first DependencyMatcher example: a verb and its subject.
    matcher = DependencyMatcher(nlp.vocab)
    matcher.add("SUBJ", [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"POS": "VERB"}},
                          {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject",
                           "RIGHT_ATTRS": {"DEP": "nsubj"}}]])
    found = [(doc, tokens) for doc in docs for _, tokens in matcher(doc)]
    expected = sum(1 for doc in docs for t in doc
                   if t.dep_ == "nsubj" and t.head.pos_ == "VERB" and t.head is not t)
    assert len(found) == expected > 500
    doc, (verb, subject) = found[0]
    assert doc[subject].head.i == verb and doc[subject].dep_ == "nsubj"
    assert [s.text for s in docs[0].sents] == [docs[0].text]
    assert 'class="displacy-arc"' in displacy.render(docs[0], style="dep")
    data = DocBin(docs=docs[:50], store_user_data=True).to_bytes()
    again = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [[(t.head.i, t.dep_, t.pos_) for t in d] for d in again] == \
        [[(t.head.i, t.dep_, t.pos_) for t in d] for d in docs[:50]]
