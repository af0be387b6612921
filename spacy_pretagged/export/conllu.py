"""CoNLL-U out of our Docs: one block per `doc.sents` sentence, valid UD at validator level 1.

Why our own writer rather than spacy-conll 4.0.1: without a parse it writes HEAD as a
self-loop (each token its own head) instead of `_`; its default config does not validate
under confection 1.3 (`conll_formatter -> field_names: None is not typing.Dict[str, str]`);
and it writes whitespace tokens and tokens with a tab or newline as they are, so a `\\n` token
splits its line in two and `a\\tb` makes eleven fields. Our Docs have all three.

Columns. ID 1-based within the sentence (whitespace tokens are not counted); FORM the word;
LEMMA `token.lemma_`; UPOS `token.pos_`; XPOS `token.tag_` (the corpus tag, e.g. `ude1`);
FEATS `str(token.morph)`; HEAD/DEPREL `_` unless `doc.has_annotation("DEP")`, then the head's
ID (0 for the root) and `token.dep_` (spaCy's `ROOT` written `root`, as spaCy's own CoNLL-U
reader expects); DEPS `_`. Empty values are `_`; whitespace in a column that may not have any
(UPOS, XPOS, FEATS, DEPREL) becomes `_`.

Whitespace policy (UD's MISC conventions, https://universaldependencies.org/misc.html, as
UDPipe writes them):
- Whitespace tokens (`token.is_space`, POS `SPACE`, or tag `_SP`) get no line. Their text,
  with the whitespace after the previous word, goes into that word's MISC: nothing for one
  space, `SpaceAfter=No` for none, `SpacesAfter=<escaped>` otherwise. This holds across
  sentence boundaries: a line break after `。` is `SpacesAfter=\\n` of the `。`. Whitespace
  before the first word of a Doc is `SpacesBefore=` of that word. A sentence with only
  whitespace tokens is not written; a Doc with only whitespace (or no tokens) writes nothing.
- The last word of a Doc never has `SpaceAfter=No` (UD: not at the end of a document); one
  trailing space there is written `SpacesAfter=\\s` so the end of the text stays exact.
- A word containing whitespace (allowed in our Docs: `a b`, `a\\tb`): FORM has each run of
  whitespace replaced by one space and none at its edges (UD allows inner single spaces in
  FORM; UDPipe normalises the same way), and `SpacesInToken=<escaped word>` keeps the word as
  it was. LEMMA is normalised the same way.
- Escapes in those values (UD's): `\\s` space, `\\t` tab, `\\r` CR, `\\n` LF, `\\p` `|`, `\\\\`
  backslash. UD defines none for other whitespace or control characters (ideographic space
  U+3000 indents ICTCLAS paragraphs, NBSP, U+2028…); written raw they break the validator's
  whitespace rules or a reader's lines, so they are written `\\uXXXX` (our extension, 4 hex
  digits; unambiguous because a real backslash is `\\\\`).
- `# text` is the sentence as UD defines it: the FORMs, joined by one space where any
  whitespace follows (never ending in whitespace, never spanning lines).

So the Doc text (if NFC, below) comes back exactly, per `# newdoc`: `unescape(SpacesBefore)`
of its first word, then for each word `unescape(SpacesInToken)` or FORM, followed by
`unescape(SpacesAfter)` if present, else nothing if `SpaceAfter=No` or it is the document's
last word, else one space.

Provenance (`misc_upos_source=True`): every word's MISC also gets `UposSource=<what decided
its UPOS>`, `token._.upos_source` (`table:ude1`, `rule:*:的:*:v*:*`, `override:v`,
`unknown:vvn`), escaped as the other MISC values; nothing where the mapper recorded none.
A corpus linguist can then grep a CoNLL-U file for the rule behind a tag.

Headers: `# newdoc id = <doc id>` at each Doc's first sentence (optional), `# sent_id =
<doc id>-<n>` with n counting the Doc's written sentences. Doc ids are `<prefix><k>` (k the
Doc's 1-based position in the file) or what a `doc_id(doc, k)` callable returns; whitespace
and `/` in them become `_` (the validator forbids both in sent_id), and a repeated id raises
`ValueError`, so sent_ids are unique within a file.

Unicode: UD requires NFC and the validator checks it at level 1, so every line is written
NFC-normalised by default. That changes the few characters NFC changes (e.g. most CJK
compatibility ideographs, U+F900–U+FAFF, become their unified forms); `nfc=False` writes the
text as it is — exact, but not valid UD if the text is not NFC. DocBin and JSONL keep it.

A parse with a whitespace token as head: the head is replaced by that token's own head
(climbing until a word), 0 if none is in the sentence.
"""
from __future__ import annotations

import io
import re
import unicodedata
from bisect import bisect_left
from itertools import compress, repeat
from operator import add, not_
from typing import Any, Callable, Dict, List, Optional, Set, TextIO, Tuple

import numpy
from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, MORPH, ORTH, POS, SENT_START, SPACY, TAG
from spacy.tokens import Doc, MorphAnalysis, Span, Token

from ..doc_keys import ENHANCED_KEY, FEATS_KEY, KEPT_LINES_KEY, MISC_KEY, upos_sources
from ..formats import SPACE_TAG
from .arrays import Counts, StringCache, Tally, sentence_starts, whitespace_list

#: UD's escapes for SpacesAfter / SpacesBefore / SpacesInToken values.
UD_ESCAPES = {" ": "\\s", "\t": "\\t", "\r": "\\r", "\n": "\\n", "|": "\\p", "\\": "\\\\"}
_UNESCAPES = {v[1]: k for k, v in UD_ESCAPES.items()}
_ESCAPED = re.compile(r"\\(u[0-9a-fA-F]{4}|[strnp\\])")
_ID_UNSAFE = re.compile(r"[\s/]+")

DocId = Callable[[Doc, int], str]


def escape_spaces(text: str) -> str:
    """A MISC value for `text`: UD escapes, `\\uXXXX` for other whitespace / control chars."""
    out = []
    for c in text:
        e = UD_ESCAPES.get(c)
        if e is None and (c.isspace() or unicodedata.category(c) == "Cc"):
            e = f"\\u{ord(c):04x}"
        out.append(e or c)
    return "".join(out)


def unescape_spaces(value: str) -> str:
    """Inverse of `escape_spaces` (also reads UDPipe's values)."""
    def one(m: "re.Match[str]") -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if code[0] == "u" else _UNESCAPES[code]

    return _ESCAPED.sub(one, value)


def is_whitespace_token(token: Token) -> bool:
    return token.is_space or token.pos_ == "SPACE" or token.tag_ == SPACE_TAG


def sentences(doc: Doc) -> List[Span]:
    """`doc.sents`, or the whole Doc as one sentence when it has no sentence boundaries."""
    if not len(doc):
        return []
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        return list(doc.sents)
    return [doc[:]]


def _form(text: str) -> str:
    """Each run of whitespace → one space, none at the edges (FORM and LEMMA may have that)."""
    return " ".join(text.split())


def _tag(text: str) -> str:
    """A column that may have no whitespace at all; `_` when empty."""
    return "_".join(text.split()) or "_"


#: The columns the writer reads, in one `to_array` per Doc.
_COLUMNS = [ORTH, SPACY, LEMMA, POS, TAG, MORPH, SENT_START, IS_SPACE]
_WS = ("", " ")
#: A word's MISC by its SPACY column, where no whitespace token follows it.
_MISC = ("SpaceAfter=No", "_")


class ConlluWriter:
    """Writes Docs to an open text stream (open files with `newline=""`: UD wants LF only).

    State is what makes ids unique within one output: the Doc count and the ids used; and
    the string caches, so that each distinct word, lemma, tag and feature string is
    escaped once per output. `counts` counts what went through (`arrays.Counts`).

    Each Doc is read as columns (one `doc.to_array`; a parse's HEAD and DEP in a second)
    and written with string joins: a word's line is `"\\t".join` of ready-made pieces (its
    ID, FORM, LEMMA, UPOS-XPOS-FEATS, MISC), run by `map` over the columns, so no Python
    code runs per token on the usual path and no Token object is made. The output is that
    of the per-token definition in the module docstring, byte for byte
    (tests/export/legacy.py keeps that definition as code, and test_same_output.py
    compares).
    """

    def __init__(
        self,
        out: TextIO,
        *,
        doc_id_prefix: str = "doc",
        doc_id: Optional[DocId] = None,
        newdoc: bool = True,
        nfc: bool = True,
        misc_upos_source: bool = False,
    ):
        self.out = out
        self.doc_id_prefix = doc_id_prefix
        self.doc_id = doc_id
        self._safe_prefix = not _ID_UNSAFE.search(doc_id_prefix)
        self.newdoc = newdoc
        self.nfc = nfc
        self.misc_upos_source = misc_upos_source
        self._tally = Tally()
        self._ids: Set[str] = set()
        self._caches: Optional[_Caches] = None
        self._numbers: List[str] = ["1"]  # the ID column: "1", "2", … (as long as needed)

    @property
    def docs(self) -> int:
        return self._tally.docs

    @property
    def counts(self) -> Counts:
        return self._tally.counts

    def _next_id(self, doc: Doc) -> str:
        if self.doc_id is None and self._safe_prefix:  # digits need no cleaning: no regex
            doc_id = f"{self.doc_id_prefix}{self.docs}"
        else:
            raw = self.doc_id(doc, self.docs) if self.doc_id \
                else f"{self.doc_id_prefix}{self.docs}"
            doc_id = _ID_UNSAFE.sub("_", str(raw)) or "_"
        if doc_id in self._ids:
            raise ValueError(f"doc id {doc_id!r} used twice in one CoNLL-U output; "
                             "sent_ids would not be unique")
        self._ids.add(doc_id)
        return doc_id

    def _ids_up_to(self, longest: int) -> List[str]:
        """The ID column of a sentence of `longest` words (`zip` stops at the words)."""
        numbers = self._numbers
        if longest > len(numbers):
            numbers += [str(k) for k in range(len(numbers) + 1, longest + 1)]
        return numbers

    def write(self, doc: Doc) -> Tuple[int, int]:
        """Write one Doc; returns (sentences, words) written for it."""
        n = len(doc)
        if not n:
            self._tally.add(doc)
            return 0, 0
        # Python lists, not NumPy, from here on: a NumPy call costs ~1 µs whatever its
        # length, and on the one-word Docs of `--doc-per line` those calls were the time.
        columns = doc.to_array(_COLUMNS).T.tolist()
        orth, spacy, lemma, pos, tag, morph, sent_start, is_space = columns
        space = whitespace_list(is_space, pos, tag)
        starts = sentence_starts(doc, sent_start)
        self._tally.add(doc, space, starts)
        c = self._caches
        if c is None or c.vocab is not doc.vocab:
            c = self._caches = _Caches(doc.vocab)
        words: Optional[List[int]] = None  # the tokens that are words, if not all are
        if True in space:
            keep = list(map(not_, space))
            words = list(compress(range(n), keep))
            if not words:
                return 0, 0
            orth, spacy, lemma, pos, tag, morph = (
                list(compress(column, keep)) for column in (orth, spacy, lemma, pos, tag, morph))
        elif _read_from_conllu(doc):
            return self._write_as_read(doc, columns, space, starts, c)
        doc_id = self._next_id(doc)

        forms = list(map(c.form.__getitem__, orth))
        before = ""
        if words is None:  # no whitespace tokens: MISC and `# text` from SPACY alone
            misc = list(map(_MISC.__getitem__, spacy))
            misc[-1] = "SpacesAfter=\\s" if spacy[-1] else "_"
            spaced = list(map(add, forms, map(_WS.__getitem__, spacy))) if 1 in spacy \
                else forms
        else:  # whitespace tokens: their text goes to the word before them
            after = list(map(_WS.__getitem__, spacy))
            for i in compress(range(n), space):
                text = c.text[columns[0][i]] + _WS[columns[1][i]]
                p = bisect_left(words, i) - 1
                if p < 0:
                    before += text
                else:
                    after[p] += text
            misc = list(map(c.after.__getitem__, after))
            misc[-1] = "SpacesAfter=" + escape_spaces(after[-1]) if after[-1] else "_"
            spaced = list(map(add, forms, map(_WS.__getitem__, map(bool, after))))
        if c.in_token and not c.in_token.keys().isdisjoint(orth):
            for k, h in enumerate(orth):
                value = c.in_token.get(h)
                if value:
                    misc[k] = value if misc[k] == "_" else f"{value}|{misc[k]}"
        if before:
            value = "SpacesBefore=" + escape_spaces(before)
            misc[0] = value if misc[0] == "_" else f"{value}|{misc[0]}"
        if self.misc_upos_source:  # what decided each UPOS, last in MISC
            sources = upos_sources(doc)
            for k, i in enumerate(range(n) if words is None else words):
                source = sources[i]
                if source is not None:
                    value = "UposSource=" + escape_spaces(source)
                    misc[k] = value if misc[k] == "_" else f"{misc[k]}|{value}"

        if lemma == orth:
            lemmas = forms  # a word's own text as lemma (a word is never all whitespace)
        else:
            lemmas = list(map(c.lemma.__getitem__, lemma))
        # UPOS, XPOS and FEATS (and HEAD, DEPREL, DEPS where there is no parse) in one
        # piece, made once per distinct (POS, tag, features).
        if doc.has_annotation("DEP"):
            middle = list(map("\t".join, zip(map(c.columns.__getitem__, zip(pos, tag, morph)),
                                               self._heads(doc, words, space, starts, c),
                                               repeat("_"))))
        else:
            middle = list(map(c.unparsed.__getitem__, zip(pos, tag, morph)))

        m = len(forms)
        bounds = [bisect_left(words, start) for start in starts] + [m] \
            if words is not None else starts + [n]
        numbers = self._ids_up_to(max(b - a for a, b in zip(bounds, bounds[1:])))
        blocks: List[str] = []
        n_sents = 0
        for a, b in zip(bounds, bounds[1:]):
            if a == b:
                continue  # whitespace tokens only: not written
            n_sents += 1
            if self.newdoc and n_sents == 1:
                blocks.append(f"# newdoc id = {doc_id}\n")
            blocks.append(f"# sent_id = {doc_id}-{n_sents}\n# text = ")
            blocks.append("".join(spaced[a:b - 1]))
            blocks.append(forms[b - 1])
            blocks.append("\n")
            blocks.append("\n".join(map("\t".join, zip(
                numbers, forms[a:b], lemmas[a:b], middle[a:b], misc[a:b]))))
            blocks.append("\n\n")
        text = "".join(blocks)
        # NFC per Doc rather than per sentence: a block ends with a line break, which no
        # character composes with, so normalising the whole is the same as each part.
        self.out.write(unicodedata.normalize("NFC", text) if self.nfc else text)
        return n_sents, m

    def _write_as_read(self, doc: Doc, columns: List[List[int]], space: List[bool],
                       starts: List[int], c: "_Caches") -> Tuple[int, int]:
        """A Doc read from CoNLL-U, written back as it was read: its kept lines
        (comments, multiword-token ranges, empty nodes) where they stood, instead of made
        headers; MISC, FEATS and DEPS as written; the other columns from the Doc. A Doc
        read and written unchanged gives the file's bytes back (docs/export.md).

        A sentence whose kept lines are all comments (what our and most files have) is its
        comments, then its words: the order the general case sorts them into, without
        the sort."""
        n = len(doc)
        ud = doc.user_data
        misc = _filled(ud.get(MISC_KEY), n)
        feats = _filled(ud.get(FEATS_KEY), n)
        enhanced = _filled(ud.get(ENHANCED_KEY), n)
        kept = ud.get(KEPT_LINES_KEY) or []
        orth, _, lemma, pos, tag, morph = columns[:6]
        forms = list(map(c.form.__getitem__, orth))
        lemmas = list(map(c.lemma.__getitem__, lemma))
        heads = self._heads(doc, None, space, starts, c) if doc.has_annotation("DEP") \
            else None
        fields: List[List[str]]
        if feats is None and heads is None and enhanced is None:
            fields = [forms, lemmas, list(map(c.unparsed.__getitem__, zip(pos, tag, morph)))]
        else:
            if feats is None:
                middle = list(map(c.columns.__getitem__, zip(pos, tag, morph)))
            else:
                middle = list(map("\t".join, zip(map(c.pos.__getitem__, pos),
                                                 map(c.tag.__getitem__, tag), feats)))
            fields = [forms, lemmas, middle, heads or ["_\t_"] * n, enhanced or ["_"] * n]
        fields.append(misc or ["_"] * n)
        numbers = self._ids_up_to(max(b - a for a, b in zip(starts, starts[1:] + [n])))
        at = [k for k, _ in kept]
        blocks: List[str] = []
        bounds = starts + [n]
        for a, b in zip(bounds, bounds[1:]):
            rows = list(map("\t".join, zip(numbers, *(field[a:b] for field in fields))))
            last = b if b < n else n + 1  # a Doc's last sentence takes the lines after it
            lines = [line for _, line in kept[bisect_left(at, a):bisect_left(at, last)]]
            if all(line.startswith("#") for line in lines):
                lines += rows
            else:
                keyed = [(_kept_key(line), line) for line in lines]
                keyed += [((k, 1), row) for k, row in enumerate(rows, 1)]
                keyed.sort(key=lambda entry: entry[0])  # stable: file order within a place
                lines = [line for _, line in keyed]
            blocks.append("\n".join(lines))
            blocks.append("\n\n")
        text = "".join(blocks)
        self.out.write(unicodedata.normalize("NFC", text) if self.nfc else text)
        return len(starts), n

    @staticmethod
    def _heads(doc: Doc, words: Optional[List[int]], space: List[bool], starts: List[int],
               c: "_Caches") -> List[str]:
        """`HEAD\\tDEPREL` of each word of a parsed Doc (`words`; None: every token),
        from its HEAD and DEP columns; the module docstring says how a whitespace head or
        a head outside the sentence is written."""
        n = len(doc)
        columns = doc.to_array([HEAD, DEP])
        heads = (columns[:, 0].astype("int64") + numpy.arange(n)).tolist()
        deps = columns[:, 1].tolist()
        if words is None:
            words = list(range(n))
        out: List[str] = []
        bounds = numpy.searchsorted(words, starts + [n]).tolist()
        for a, b in zip(bounds, bounds[1:]):
            ids = {i: k for k, i in enumerate(words[a:b], 1)}
            for i in words[a:b]:
                head = heads[i]
                if deps[i] == 0 and head == i:
                    out.append("_\t_")  # no head given (a sentence without a parse)
                    continue
                for _ in range(n):  # a whitespace head: climb to a word (bounded: no cycles)
                    if not space[head] or heads[head] == head:
                        break
                    head = heads[head]
                if head == i or head not in ids:
                    out.append("0\t" + c.root[deps[i]])
                else:
                    out.append(f"{ids[head]}\t{c.dep[deps[i]]}")
        return out


class _Caches:
    """The column strings of one vocab, each made once per output (arrays.StringCache)."""

    def __init__(self, vocab: Any):
        strings = vocab.strings.__getitem__
        self.vocab = vocab
        self.text = StringCache(strings, str)
        #: FORM of each word; SpacesInToken of the few whose FORM is not their text.
        self.in_token: Dict[int, str] = {}
        self.form = StringCache(strings, self._form)
        self.lemma = StringCache(strings, lambda text: _form(text) or "_")
        self.pos = StringCache(strings, _tag)
        self.tag = StringCache(strings, _tag)
        self.morph = StringCache(lambda key: str(MorphAnalysis.from_id(vocab, key)), _tag)
        self.dep = StringCache(strings, _tag)
        #: DEPREL of a word whose head is 0: spaCy's `ROOT` written `root`.
        self.root = StringCache(strings, lambda dep: _tag("root" if dep == "ROOT" else dep))
        #: (POS, tag, features) → "UPOS\tXPOS\tFEATS"; `unparsed` adds "\t_\t_\t_" (no
        #: HEAD, DEPREL, DEPS), what a Doc without a parse has after them.
        self.columns = _Columns(self, "")
        self.unparsed = _Columns(self, "\t_\t_\t_")
        #: The whitespace after a word that is not a Doc's last → its MISC.
        self.after: Dict[str, str] = _AfterMisc()

    def _form(self, text: str) -> str:
        form = _form(text)
        if form != text:
            self.in_token[self.vocab.strings[text]] = "SpacesInToken=" + escape_spaces(text)
        return form


class _Columns(Dict[Tuple[int, int, int], str]):
    """(POS, tag, features) → "UPOS\tXPOS\tFEATS" + `tail`."""

    def __init__(self, caches: _Caches, tail: str):
        super().__init__()
        self.caches = caches
        self.tail = tail

    def __missing__(self, key: Tuple[int, int, int]) -> str:
        pos, tag, morph = key
        c = self.caches
        value = self[key] = f"{c.pos[pos]}\t{c.tag[tag]}\t{c.morph[morph]}{self.tail}"
        return value


class _AfterMisc(Dict[str, str]):
    def __init__(self) -> None:
        super().__init__({"": "SpaceAfter=No", " ": "_"})

    def __missing__(self, key: str) -> str:
        value = self[key] = "SpacesAfter=" + escape_spaces(key)
        return value


def _read_from_conllu(doc: Doc) -> bool:
    """Whether `doc` carries what the CoNLL-U reader keeps (kept lines or MISC)."""
    return KEPT_LINES_KEY in doc.user_data or MISC_KEY in doc.user_data


def _filled(values: Any, n: int) -> Optional[List[str]]:
    """A per-token user_data list (a tuple after DocBin) with `_` for empty values; None if
    absent or not one value a token (retokenized)."""
    if not isinstance(values, (list, tuple)) or len(values) != n:
        return None
    return [value or "_" for value in values]


def _kept_key(line: str) -> Tuple[int, int]:
    """Where a kept line goes in its sentence: comments first, a range `a-b` before word
    a, an empty node `k.m` after word k (`0.m` before word 1); word k itself is (k, 1)."""
    if line.startswith("#"):
        return (-1, 0)
    ident = line.split("\t", 1)[0]
    if "-" in ident:
        return (int(ident.split("-", 1)[0]), 0)
    return (int(ident.split(".", 1)[0]), 2)


def doc_to_conllu(doc: Doc, **options: Any) -> str:
    """One Doc as CoNLL-U text (options as for `ConlluWriter`)."""
    out = io.StringIO()
    ConlluWriter(out, **options).write(doc)
    return out.getvalue()
