"""spaCy's matchers work on the pipeline's Docs (no E155: TAG, POS, LEMMA are all set)."""
from spacy.matcher import Matcher, PhraseMatcher


def spans(matches):
    return sorted((start, end) for _, start, end in matches)


def test_matcher_on_pos_tag_and_lemma(nlp, seed_doc):
    doc = seed_doc
    matcher = Matcher(nlp.vocab)
    matcher.add("PROPN", [[{"POS": "PROPN"}]])
    matcher.add("VSHI", [[{"TAG": "vshi"}]])
    matcher.add("WEIXIN", [[{"LEMMA": "微信"}]])
    matcher.add("DE_NOUN", [[{"TAG": "ude1"}, {"POS": "NOUN"}]])
    found = {}
    for match_id, start, end in matcher(doc):
        found.setdefault(nlp.vocab.strings[match_id], []).append((start, end))
    expected = {
        "PROPN": [(t.i, t.i + 1) for t in doc if t.pos_ == "PROPN"],
        "VSHI": [(t.i, t.i + 1) for t in doc if t.tag_ == "vshi"],
        "WEIXIN": [(t.i, t.i + 1) for t in doc if t.text == "微信"],
        "DE_NOUN": [(t.i, t.i + 2) for t in doc[:-1]
                    if t.tag_ == "ude1" and doc[t.i + 1].pos_ == "NOUN"],
    }
    assert {k: sorted(v) for k, v in found.items()} == expected
    assert doc[7:8].text == "微信" and (7, 8) in found["WEIXIN"]
    assert len(found["VSHI"]) == doc.text.count("是") - sum(
        "是" in t.text and t.tag_ != "vshi" for t in doc)
    assert all(doc[s].text in {"腾讯", "open", "开放平台"} or doc[s].tag_ in
               {"nz", "ntc", "nr", "ns", "nt", "j", "nrf", "nsf", "nto", "ntu"}
               for s, _ in found["PROPN"])


def test_phrase_matcher_on_tag(nlp, seed_doc):
    matcher = PhraseMatcher(nlp.vocab, attr="TAG")
    matcher.add("DE_GI", [nlp("的/ude1区别/gi")])
    got = spans(matcher(seed_doc))
    tags = [t.tag_ for t in seed_doc]
    assert got == [(i, i + 2) for i in range(len(tags) - 1) if tags[i:i + 2] == ["ude1", "gi"]]
    assert (4, 6) in got  # the title's 的区别
