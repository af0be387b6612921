"""The CoNLL-U reader (formats/conllu.py): columns, spacing, kept lines, units, and every
problem reported with its line (strict) or counted and survived (lenient)."""
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacy_pretagged.formats import PretaggedFormatError, ReaderSettings, Units, unit_ranges
from spacy_pretagged.formats.conllu import ConlluReader

SAMPLE = """\
# newdoc id = d1
# sent_id = 1
# text = 我爱北京。
1\t我\t我\tPRON\tPN\t_\t2\tnsubj\t_\tSpaceAfter=No
2\t爱\t爱\tVERB\tVV\t_\t0\troot\t_\tSpaceAfter=No
3\t北京\t北京\tPROPN\tNR\t_\t2\tobj\t2:obj\tSpaceAfter=No
4\t。\t。\tPUNCT\tPU\t_\t2\tpunct\t_\t_

# sent_id = 2
# text = vámonos al mar
1-2\tvámonos\t_\t_\t_\t_\t_\t_\t_\t_
1\tvamos\tir\tVERB\t_\tMood=Imp|Number=Plur\t0\troot\t_\t_
2\tnos\tnosotros\tPRON\t_\tCase=Acc\t1\tobj\t_\t_
2.1\tfue\tir\tVERB\t_\t_\t_\t_\t1:conj\t_
3-4\tal\t_\t_\t_\t_\t_\t_\t_\t_
3\ta\ta\tADP\t_\t_\t5\tcase\t_\t_
4\tel\tel\tDET\t_\t_\t5\tdet\t_\t_
5\tmar\tmar\tNOUN\t_\t_\t1\tobl\t_\tSpaceAfter=No

# newdoc id = d2
# sent_id = 3
# text = 他来了
1\t他\t_\t_\tPRP\t_\t_\t_\t_\tSpaceAfter=No
2\t来\t_\t_\tVV\t_\t_\t_\t_\tSpaceAfter=No
3\t了\t_\t_\tAS\t_\t_\t_\t_\tSpaceAfter=No

"""


def reader(**changes):
    return ConlluReader(ReaderSettings.preset("conllu", **changes))


def test_columns_spacing_and_kept_lines():
    r = reader().read(SAMPLE)
    assert r.words == ["我", "爱", "北京", "。", "vamos", "nos", "a", "el", "mar", "他", "来", "了"]
    assert r.tags[:4] == ["PN", "VV", "NR", "PU"] and r.tags[4] == ""
    assert r.upos[:6] == ["PRON", "VERB", "PROPN", "PUNCT", "VERB", "PRON"] and r.upos[9] == ""
    assert r.lemmas[4] == "ir" and r.lemmas[9] == ""
    assert r.feats[4] == "Mood=Imp|Number=Plur" and r.feats[0] == ""
    assert r.heads[:9] == [1, 1, 1, 1, 4, 4, 8, 8, 4]
    assert r.deps[:5] == ["nsubj", "root", "obj", "punct", "root"]
    assert r.heads[9:] == [9, 10, 11] and r.deps[9:] == ["", "", ""]  # no HEADs: no parse
    assert r.enhanced[2] == "2:obj" and r.misc[0] == "SpaceAfter=No" and r.misc[3] == ""
    # A multiword token's range gives its last word's spacing; its other words join it.
    assert r.spaces == [False, False, False, True, False, True, False, True, False,
                        False, False, False]
    assert r.sent_starts == [True, False, False, False, True, False, False, False, False,
                             True, False, False]
    assert r.lines[:5] == [4, 5, 6, 7, 12]
    assert (4, "1-2\tvámonos\t_\t_\t_\t_\t_\t_\t_\t_") in r.kept_lines
    assert (5, "2.1\tfue\tir\tVERB\t_\t_\t_\t_\t1:conj\t_") in r.kept_lines  # after word 2
    assert [i for i, line in r.kept_lines if line.startswith("#")] == [0, 0, 0, 4, 4, 9, 9, 9]
    assert not r.problems


def test_units_are_sentences_and_documents_streamed_as_read_whole():
    r = reader().read(SAMPLE)
    assert unit_ranges(r, "line") == [(0, 4), (4, 9), (9, 12)]
    assert unit_ranges(r, "article") == [(0, 9), (9, 12)]
    for doc_per in ("line", "article", "file"):
        whole = list(r.split([u for u in unit_ranges(r, doc_per)]))
        pieces = (SAMPLE[i:i + 7] for i in range(0, len(SAMPLE), 7))
        streamed = list(Units(doc_per)(reader().stream(pieces)))
        assert [(u.words, u.heads, u.kept_lines, u.lines) for u in streamed] == \
            [(u.words, u.heads, u.kept_lines, u.lines) for u in whole]
    second = list(Units("line")(reader().stream([SAMPLE])))[1]
    assert second.heads == [0, 0, 4, 4, 0] and second.kept_lines[0] == (0, "# sent_id = 2")


def test_streaming_holds_one_unit():
    big = SAMPLE * 200
    sizes = []
    units = Units("line")
    stream = reader().stream(io.StringIO(big).readlines())
    for out in stream:
        units.feed(out)
        sizes.append(len(out))
    assert max(sizes) <= 5  # never more than the sentence being cut


def broken(line_no, new_line):
    lines = SAMPLE.split("\n")
    lines[line_no - 1] = new_line
    return "\n".join(lines)


@pytest.mark.parametrize("line_no, line, kind, message", [
    (5, "2\t爱\t爱\tVERB\tVV\t_\t2\troot\t_\tSpaceAfter=No", "conllu_tree", "word 2 is its own head"),
    # two roots: the problem names the second, word 2 (line 5)
    (4, "1\t我\t我\tPRON\tPN\t_\t0\tnsubj\t_\tSpaceAfter=No", "conllu_tree", r"2 roots \(words 1, 2\)"),
    (4, "1\t我\t我\tPRON\tPN\t_\t9\tnsubj\t_\tSpaceAfter=No", "conllu_tree", "not a word"),
    (4, "1\t我\t我\tPRON\tPN\t_\t_\t_\t_\tSpaceAfter=No", "conllu_tree", "no HEAD"),
    (4, "1\t我\t我\tPRON\tPN\t_\t2\tnsubj\t_", "conllu_columns", "9 tab-separated columns"),
    (4, "2\t我\t我\tPRON\tPN\t_\t2\tnsubj\t_\t_", "conllu_id", "out of sequence"),
    (4, "1\t\t我\tPRON\tPN\t_\t2\tnsubj\t_\t_", "conllu_form", "empty FORM"),
    (3, "# text = 我爱天津。", "conllu_text", "differs"),
])
def test_problems_name_their_line_strict_and_lenient(line_no, line, kind, message):
    text = broken(line_no, line)
    with pytest.raises(PretaggedFormatError, match=message) as e:
        reader().read(text, source="f.conllu")
    at = 5 if "roots" in message else line_no  # the line of the word at fault
    assert str(e.value).startswith(f"f.conllu:{at}:")
    r = reader(on_error="warn").read(text, source="f.conllu")
    assert [p.kind for p in r.problems] == [kind]
    if kind in ("conllu_tree", "conllu_text"):
        assert r.words[:4] == ["我", "爱", "北京", "。"]  # the sentence is kept
        if kind == "conllu_tree":
            assert r.deps[:4] == ["", "", "", ""] and r.heads[:4] == [0, 1, 2, 3]
            assert "without its parse" in r.problems[0].message
    else:
        assert r.words[0] == "vamos"  # the broken sentence is skipped, the others kept
        assert "skipped" in r.problems[0].message


def test_a_cycle_is_reported_not_followed():
    text = broken(4, "1\t我\t我\tPRON\tPN\t_\t3\tnsubj\t_\tSpaceAfter=No")
    text = text.replace("3\t北京\t北京\tPROPN\tNR\t_\t2", "3\t北京\t北京\tPROPN\tNR\t_\t1")
    with pytest.raises(PretaggedFormatError, match=r"words 1, 3 are heads of each other \(a cycle\)"):
        reader().read(text)


def test_conllx_coarse_tags_are_no_upos():
    text = "1\t我\t_\tr\tr\t_\t2\tSBV\t_\t_\n2\t来\t_\tv\tv\t_\t0\tHED\t_\t_\n\n"
    r = reader().read(text)
    assert r.upos == ["", ""] and r.tags == ["r", "v"] and r.deps == ["SBV", "HED"]
    assert r.spaces == [True, True]  # no SpaceAfter=No: UD's default, a space


def test_lines_with_no_words_are_a_problem():
    with pytest.raises(PretaggedFormatError, match="no word line"):
        reader().read(SAMPLE + "# a comment at the end\n")


def test_a_sentence_broken_on_its_first_line_is_skipped_whole():
    text = "1\t我\n2\t来\t_\t_\tVV\t_\t_\t_\t_\t_\n\n" + SAMPLE
    r = reader(on_error="warn").read(text)
    assert [(p.kind, p.line) for p in r.problems] == [("conllu_columns", 1)]
    assert r.words[0] == "我" and r.lines[0] == 7


# The reader takes a plain sentence whole (`_sentence`) and any other line by line
# (`_sentence_by_line`): both must read every text alike, however it arrives in pieces.
_LINES = SAMPLE.split("\n") + [
    "", "\t", "1\t北京\t北京\tPROPN\tNR\t_\t0\troot\t_\t_", "2\t\t_\t_\t_\t_\t_\t_\t_\t_",
    "01\t我\t_\t_\t_\t_\t_\t_\t_\t_", "1\t我\t_\t_", "# late comment", "x\ty",
    "3\t了\t_\t_\tAS\t_\t1\tdep\t_\t_", "1.1\t的\t_\t_\t_\t_\t_\t_\t_\t_",
]


def _read(text, pieces, by_line=False):
    r = reader(on_error="warn")
    if by_line:
        r._sentence = r._sentence_by_line  # type: ignore[method-assign]
    cut = [text[a:b] for a, b in zip([0] + pieces, pieces + [len(text)])]
    out = list(Units("line")(r.stream(cut)))
    return [(u.words, u.spaces, u.tags, u.upos, u.heads, u.deps, u.misc, u.lines,
             u.kept_lines) for u in out], [tuple(p) for u in out for p in u.problems]


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.sampled_from(_LINES), max_size=40),
       breaks=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3),
       bom=st.booleans(), cuts=st.lists(st.integers(0, 2000), max_size=6))
def test_whole_sentences_and_line_by_line_read_alike(lines, breaks, bom, cuts):
    text = ("\ufeff" if bom else "") + "".join(
        line + breaks[i % len(breaks)] for i, line in enumerate(lines))
    pieces = sorted({c for c in cuts if 0 < c < len(text)})
    units, problems = _read(text, pieces)
    assert (units, problems) == _read(text, pieces, by_line=True) == _read(text, [])
    # Line numbers, from the text itself: each word is the FORM of the line it names.
    text_lines = re.split(r"\r\n|\r|\n", text)
    assert all(text_lines[line - 1].split("\t")[1] == word
               for words, *_, lines, _kept in units for word, line in zip(words, lines))
    assert all(p[4] in text_lines[p[2] - 1] for p in problems)  # the line, or its `# text`
