"""The writers read Docs as columns (`doc.to_array`) now; what they write must be what the
per-token writers wrote before, byte for byte (legacy.py keeps those as the definition),
on the seed, People's Daily, adversarial Docs and random ones. DocBin: the same bytes as
spaCy's own `DocBin.to_bytes()`."""
import io
import os
import warnings
from pathlib import Path

import pytest
import srsly
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin, Span

from spacy_pretagged.export import ConlluWriter, DocBinWriter, JsonLines, to_pretagged
from spacy_pretagged.export.arrays import Tally
from tests.export.legacy import (
    LegacyConlluWriter,
    legacy_jsonl_line,
    legacy_to_pretagged,
    sentences,
)
from tests.helpers import examples, pipeline

PRETAGGED_OPTIONS = [{}, {"format": "spaced"}, {"format": "spaced", "item_separator": "  ",
                                                 "compound_slash": True},
                     {"title_prefix": None}, {"separator": "_", "title_prefix": "@@"}]


@pytest.fixture(scope="module")
def hanlp():
    return pipeline("hanlp")


@pytest.fixture(scope="module")
def adversarial(hanlp, seed_doc):
    """Whitespace tokens first, inside, last and as sentences of their own; words with
    inner spaces, tabs, U+3000, NBSP, U+2028, pipes, backslashes; a non-NFC character;
    titles, compounds, ids, pinyin, space words; entities, cats, span kb_ids; a parse; a Doc
    without sentence boundaries; empty and whitespace-only Docs."""
    vocab = hanlp.vocab
    words = ["\n ", "我", "a b", "a\tb", "  ", "好", "。", "\n", "x|y\\z", "\u3000词", "a  b",
             "\u00a0", "\uf900", "a\u2028b", "\n\n"]
    edge = Doc(vocab, words=words, spaces=[False, True] + [False] * 13,
               tags=["_SP", "rr", "x", "x", "x", "a", "w", "_SP", "nx", "n", "x", "x", "n", "x",
                     "_SP"],
               pos=["SPACE", "PRON", "X", "X", "SPACE", "ADJ", "PUNCT", "SPACE", "X", "NOUN",
                    "X", "SPACE", "NOUN", "X", "SPACE"],
               lemmas=[w.upper() for w in words], morphs=["", "Person=1", "", "", "", "",
                                                          "PunctType=Peri", "", "", "", "",
                                                          "", "", "", ""],
               sent_starts=[True, False, False, False, False, False, False, True, True, False,
                            False, False, False, False, False])
    edge.ents = [Span(edge, 1, 2, label="PERSON")]
    edge.cats = {"news": 1.0}
    edge.spans["kb"] = [Span(edge, 5, 7, label="X", kb_id="Q1")]
    parsed = Doc(vocab, words=["我", "\n", "爱", "北京", "。", "他", "好"], spaces=[False] * 7,
                 tags=["rr", "_SP", "v", "ns", "w", "rr", "a"],
                 pos=["PRON", "SPACE", "VERB", "PROPN", "PUNCT", "PRON", "ADJ"],
                 heads=[1, 2, 2, 2, 2, 6, 6],
                 deps=["nsubj", "dep", "ROOT", "obj", "punct", "nsubj", "ROOT"])
    unsegmented = Doc(vocab, words=["好", " ", "天气"], spaces=[True, False, True])
    lenient, pku, pku_fine, ictclas, jieba = (
        pipeline(name, on_error="warn") for name in ("hanlp", "pku1998", "pku_fine", "ictclas",
                                                     "jieba"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [
            edge, parsed, unsegmented, seed_doc,
            hanlp("\n\n#微信/gi的/ude1区别/gi\n微信/gi是/vshi工具/gi。/w\n\n"),
            lenient("#微信/gi\n#\n  好/a坏/a  \r\n也/d即/vopen /nz平台/gi 。/w 词/Qq"),
            hanlp(""), hanlp("\n \n"), hanlp("好/a "), hanlp("好/a了/ule"),
            pku("19980101-01-001-001/m  [中央/n  人民/n  [广播/vn  电台/n]nt]nt  江/nr  泽民/nr  。/w  \r\n"
                "19980101-01-001-002/m  他/r  是/v  ：/w  \r\n"),
            pku_fine("人/n  看{kan4}/v  为{ wei4 }/p  "),
            ictclas("　　当/p 毫克/q\n　　Jan/x  Wong/x [/wkz 1/m ]/wky\n"),
            jieba("我/r 爱/v\n/x 好/a open/eng  /x 平台/n \n"),
        ]


def conllu_of(writer_class, docs, **options):
    out = io.StringIO()
    writer = writer_class(out, **options)
    for doc in docs:
        writer.write(doc)
    return out.getvalue(), writer


@pytest.mark.parametrize("options", [{}, {"newdoc": False, "doc_id_prefix": "pd"},
                                     {"nfc": False}])
def test_conllu_is_the_per_token_writers(adversarial, options):
    want, legacy = conllu_of(LegacyConlluWriter, adversarial, **options)
    got, writer = conllu_of(ConlluWriter, adversarial, **options)
    assert got == want
    assert (writer.counts.docs, writer.counts.sentences, writer.counts.words) == (
        legacy.docs, legacy.sentences, legacy.tokens)


def test_conllu_doc_id_callable(adversarial):
    def ids(doc, k):
        return f"corpus/file {k}"
    assert conllu_of(ConlluWriter, adversarial, doc_id=ids)[0] == \
        conllu_of(LegacyConlluWriter, adversarial, doc_id=ids)[0]


def test_jsonl_is_spacys_to_json(adversarial):
    lines = JsonLines()
    for doc in adversarial:
        assert lines(doc) == legacy_jsonl_line(doc)


@pytest.mark.parametrize("options", PRETAGGED_OPTIONS)
def test_pretagged_is_the_per_token_writer(adversarial, options):
    for doc in adversarial:
        assert to_pretagged(doc, **options) == legacy_to_pretagged(doc, **options)


@pytest.mark.parametrize("store_user_data", [True, False])
def test_docbin_bytes_are_spacys(adversarial, store_user_data, tmp_path):
    want = DocBin(store_user_data=store_user_data, docs=adversarial).to_bytes()
    writer = DocBinWriter(store_user_data=store_user_data, spool_dir=tmp_path)
    for doc in adversarial:
        writer.add(doc)
    writer.write(tmp_path / "x.spacy")
    assert (tmp_path / "x.spacy").read_bytes() == want
    assert list(tmp_path.iterdir()) == [tmp_path / "x.spacy"]  # the spool is gone


def test_docbin_other_attrs_and_no_docs(adversarial, tmp_path):
    for attrs, docs in ((("ORTH", "TAG"), adversarial), (("LEMMA",), adversarial[:3]),
                        (("TAG", "ORTH", "SPACY"), []), (("ORTH",), [])):
        writer = DocBinWriter(attrs=attrs)
        for doc in docs:
            writer.add(doc)
        writer.write(tmp_path / "x.spacy")
        assert (tmp_path / "x.spacy").read_bytes() == DocBin(attrs=attrs, docs=docs).to_bytes()


def test_counts_are_the_same_things_for_every_writer(adversarial):
    """Words, whitespace tokens (is_space, POS SPACE or tag _SP) and sentences with a word,
    the same whichever format counts them; CoNLL-U writes exactly those sentences and
    words."""
    tally = Tally()
    for doc in adversarial:
        tally.add(doc)
    legacy = conllu_of(LegacyConlluWriter, adversarial)[1]
    space = sum(t.is_space or t.pos_ == "SPACE" or t.tag_ == "_SP"
                for d in adversarial for t in d)
    assert tally.counts == (len(adversarial), legacy.sentences, legacy.tokens, space)
    assert tally.counts.tokens == sum(map(len, adversarial))
    assert tally.counts.sentences == sum(
        any(not t.is_space and t.tag_ != "_SP" for t in s) for d in adversarial
        for s in sentences(d))


def test_json_escapes_and_parses_with_whitespace_heads(hanlp):
    """What the writers now write as text rather than through `json.dumps` of dicts or
    through Token objects: strings json escapes (quotes, backslashes, control characters,
    U+2028) in every field, entity and span labels, span group names, kb_ids and cats; a
    parse whose heads are whitespace tokens, one of them a sentence's root (its dependent
    gets HEAD 0 and keeps its own DEPREL); a parsed Doc with tokens without a head."""
    vocab = hanlp.vocab
    words = ['他"说', "\n", "a\\b", "\x01", "好\u2028", "。", "\u3000", "是"]
    doc = Doc(vocab, words=words, spaces=[False, False, True] + [False] * 5,
              tags=['"q"', "_SP", "x\\", "x\x7f", "a", "w", "_SP", "v"],
              pos=["PRON", "SPACE", "X", "X", "ADJ", "PUNCT", "SPACE", "VERB"],
              lemmas=['L"1', "\n", "b\\", "\x02", "好", "。", "\u3000", '"是'],
              morphs=["Person=3", "", "", "", "Degree=Pos", "", "", "Mood=Ind|Tense=Pres"],
              heads=[1, 4, 0, 4, 4, 4, 6, 6],
              deps=['nsubj"', "dep", "obj\\", "dep", "ROOT", "punct", "ROOT", 'x"y'])
    doc.ents = [Span(doc, 0, 1, label='P"ER\\')]
    doc.spans['名"x\t'] = [Span(doc, 2, 5, label="L\n", kb_id='Q"1')]
    doc.cats = {'a"b\u2028': 0.5}
    unheaded = Doc(vocab, words=["我", "爱", "你", "他"], spaces=[False] * 4,
                   tags=["rr", "v", "rr", "rr"], heads=[1, 1, 1, 3], deps=["nsubj", "ROOT",
                                                                           "obj", ""])
    assert unheaded[3].dep == 0 and unheaded[3].head.i == 3
    for options in ({}, {"nfc": False}):
        assert conllu_of(ConlluWriter, [doc], **options)[0] == \
            conllu_of(LegacyConlluWriter, [doc], **options)[0]
    assert "\t0\tx\"y\t" in conllu_of(ConlluWriter, [doc])[0]  # the whitespace root
    # legacy.py predates "no head given": HEAD and DEPREL `_`, not a root.
    assert conllu_of(ConlluWriter, [unheaded])[0].split("\n")[-4:] == [
        "3\t你\t_\t_\trr\t_\t2\tobj\t_\tSpaceAfter=No", "4\t他\t_\t_\trr\t_\t_\t_\t_\t_", "", ""]
    lines = JsonLines()
    for d in (doc, unheaded):
        assert lines(d) == legacy_jsonl_line(d)


# Random Docs: words from an alphabet of everything the writers treat specially.
ALPHABET = "好词a \t\n\r\u3000\u00a0\u2028|\\/\uf900\u0301#["
WORD = st.text(alphabet=ALPHABET, min_size=1, max_size=4)
TAGS = ["n", "v", "_SP", "x", "w", "a b", ""]
POS = ["NOUN", "VERB", "SPACE", "X", "PUNCT", ""]
MORPHS = ["", "Person=1", "Aspect=Perf|Mood=Ind"]


@st.composite
def random_docs(draw, vocab):
    n = draw(st.integers(min_value=0, max_value=12))
    words = draw(st.lists(WORD, min_size=n, max_size=n))
    pick = lambda options: draw(st.lists(st.sampled_from(options), min_size=n, max_size=n))  # noqa: E731
    sent_starts = pick([True, False, None]) if draw(st.booleans()) else None
    doc = Doc(vocab, words=words, spaces=pick([True, False]), tags=pick(TAGS),
              pos=pick(POS), lemmas=draw(st.lists(WORD, min_size=n, max_size=n)),
              morphs=pick(MORPHS), sent_starts=sent_starts)
    return doc


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_docs(hanlp, data, tmp_path_factory):
    docs = data.draw(st.lists(random_docs(hanlp.vocab), min_size=1, max_size=4))
    assert conllu_of(ConlluWriter, docs)[0] == conllu_of(LegacyConlluWriter, docs)[0]
    lines = JsonLines()
    assert [lines(d) for d in docs] == [legacy_jsonl_line(d) for d in docs]
    for doc in docs:
        assert to_pretagged(doc) == legacy_to_pretagged(doc)
        assert to_pretagged(doc, "spaced") == legacy_to_pretagged(doc, "spaced")
    tmp = tmp_path_factory.mktemp("bin")
    writer = DocBinWriter(store_user_data=True, spool_dir=tmp)
    for doc in docs:
        writer.add(doc)
    writer.write(tmp / "x.spacy")
    assert (tmp / "x.spacy").read_bytes() == DocBin(store_user_data=True, docs=docs).to_bytes()


CORPORA = Path(os.environ.get("SPACY_PRETAGGED_CORPORA", "/nonexistent"))


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason="SPACY_PRETAGGED_CORPORA is not set")
def test_peoples_daily_month(tmp_path):
    """The month as `convert --preset pku --doc-per article` makes it: every writer as the
    per-token one, and the DocBin as spaCy's."""
    from spacy_pretagged.formats import ReaderSettings
    from spacy_pretagged.pipeline import build_nlp, make_corpus

    settings_ = ReaderSettings.preset("pku", on_error="warn")
    nlp = build_nlp(settings_)
    corpus = make_corpus(CORPORA / "pku_peoples_daily_1998" / "199801.txt", settings_,
                         doc_per="article")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        docs = [nlp(nlp.tokenizer.doc_from_reading(unit)) for unit in corpus.readings()]
    assert len(docs) == 3148
    assert conllu_of(ConlluWriter, docs)[0] == conllu_of(LegacyConlluWriter, docs)[0]
    lines = JsonLines()
    assert all(lines(d) == legacy_jsonl_line(d) for d in docs)
    assert all(to_pretagged(d, "spaced", item_separator="  ") ==
               legacy_to_pretagged(d, "spaced", item_separator="  ") for d in docs)
    writer = DocBinWriter(store_user_data=True, spool_dir=tmp_path)
    for doc in docs:
        writer.add(doc)
    writer.write(tmp_path / "pd.spacy")
    assert (tmp_path / "pd.spacy").read_bytes() == \
        DocBin(store_user_data=True, docs=docs).to_bytes()


@pytest.mark.parametrize("n", [0, 1, 15, 16, 65535, 65536, 70000])
def test_spooled_lists_are_the_arrays_msgpack_packs(n, tmp_path):
    """User data and span groups are spooled a Doc at a time (memory flat in the corpus);
    what comes back is msgpack's array of them, whatever header its size takes."""
    from spacy_pretagged.export.docbin import _array_header, _Spool

    items = [bytes([k % 251]) * (k % 7) for k in range(n)]
    spool = _Spool(tmp_path)
    pack = srsly.msgpack.Packer(use_bin_type=True).pack
    for item in items:
        spool.write(pack(item))
    assert _array_header(spool.items) + b"".join(spool.read()) == srsly.msgpack_dumps(items)
    spool.close()
