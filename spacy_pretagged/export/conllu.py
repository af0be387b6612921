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
from typing import Any, Callable, Dict, List, Optional, Set, TextIO, Tuple

from spacy.tokens import Doc, Span, Token

from ..doc_keys import upos_sources
from ..formats import SPACE_TAG

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


class ConlluWriter:
    """Writes Docs to an open text stream (open files with `newline=""`: UD wants LF only).

    State is what makes ids unique within one output: the Doc count and the ids used.
    `docs`, `sentences`, `tokens` count what went through (sentences and tokens as written).
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
        self.newdoc = newdoc
        self.nfc = nfc
        self.misc_upos_source = misc_upos_source
        self.docs = self.sentences = self.tokens = 0
        self._ids: Set[str] = set()

    def _next_id(self, doc: Doc) -> str:
        raw = self.doc_id(doc, self.docs) if self.doc_id else f"{self.doc_id_prefix}{self.docs}"
        doc_id = _ID_UNSAFE.sub("_", str(raw)) or "_"
        if doc_id in self._ids:
            raise ValueError(f"doc id {doc_id!r} used twice in one CoNLL-U output; "
                             "sent_ids would not be unique")
        self._ids.add(doc_id)
        return doc_id

    def write(self, doc: Doc) -> Tuple[int, int]:
        """Write one Doc; returns (sentences, tokens) written for it."""
        self.docs += 1
        before, after, last = _spaces(doc)
        if last is None:
            return 0, 0
        doc_id = self._next_id(doc)
        parsed = doc.has_annotation("DEP")
        sources = upos_sources(doc) if self.misc_upos_source else None
        n_sents = n_tokens = 0
        for sent in sentences(doc):
            words = [t for t in sent if not is_whitespace_token(t)]
            if not words:
                continue
            n_sents += 1
            ids = {t.i: k for k, t in enumerate(words, 1)}
            lines = [f"# newdoc id = {doc_id}"] if self.newdoc and n_sents == 1 else []
            lines.append(f"# sent_id = {doc_id}-{n_sents}")
            text: List[str] = []
            rows: List[str] = []
            for k, t in enumerate(words):
                form = _form(t.text)
                ws = after[t.i]
                text.append(form + (" " if ws and k + 1 < len(words) else ""))
                misc = []
                if t.i == words[0].i and n_sents == 1 and before:
                    misc.append("SpacesBefore=" + escape_spaces(before))
                if form != t.text:
                    misc.append("SpacesInToken=" + escape_spaces(t.text))
                if t.i == last:
                    if ws:
                        misc.append("SpacesAfter=" + escape_spaces(ws))
                elif not ws:
                    misc.append("SpaceAfter=No")
                elif ws != " ":
                    misc.append("SpacesAfter=" + escape_spaces(ws))
                source = sources[t.i] if sources is not None else None
                if source is not None:
                    misc.append("UposSource=" + escape_spaces(source))
                head, dep = _head(t, ids) if parsed else ("_", "_")
                rows.append("\t".join((
                    str(ids[t.i]), form, _form(t.lemma_) or "_", _tag(t.pos_), _tag(t.tag_),
                    _tag(str(t.morph)), head, dep, "_", "|".join(misc) or "_",
                )))
            lines.append("# text = " + "".join(text))
            lines.extend(rows)
            block = "\n".join(lines) + "\n\n"
            self.out.write(unicodedata.normalize("NFC", block) if self.nfc else block)
            n_tokens += len(words)
        self.sentences += n_sents
        self.tokens += n_tokens
        return n_sents, n_tokens


def _spaces(doc: Doc) -> Tuple[str, Dict[int, str], Optional[int]]:
    """Whitespace before the first word, whitespace after each word (its own plus following
    whitespace tokens, across sentence boundaries), and the index of the last word."""
    before = ""
    after: Dict[int, str] = {}
    prev: Optional[int] = None
    for t in doc:
        if is_whitespace_token(t):
            if prev is None:
                before += t.text_with_ws
            else:
                after[prev] += t.text_with_ws
        else:
            after[t.i] = t.whitespace_
            prev = t.i
    return before, after, prev


def _head(token: Token, ids: Dict[int, int]) -> Tuple[str, str]:
    head = token.head
    for _ in range(len(token.doc)):  # a whitespace head: climb to a word (bounded: no cycles)
        if not is_whitespace_token(head) or head.head.i == head.i:
            break
        head = head.head
    if head.i == token.i or head.i not in ids:
        dep = "root" if token.dep_ == "ROOT" else token.dep_
        return "0", _tag(dep)
    return str(ids[head.i]), _tag(token.dep_)


def doc_to_conllu(doc: Doc, **options: Any) -> str:
    """One Doc as CoNLL-U text (options as for `ConlluWriter`)."""
    out = io.StringIO()
    ConlluWriter(out, **options).write(doc)
    return out.getvalue()
