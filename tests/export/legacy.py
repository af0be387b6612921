"""The writers as they were before they worked from `doc.to_array` columns (commit
749fd71): a Token object per token, spaCy's `doc.to_json()`. Kept as the reference
definition of the output: the array writers must write the same bytes (test_same_output.py).
Not used by the package."""
import json
import unicodedata
from typing import Callable, Dict, List, Optional, Set, TextIO, Tuple

from spacy.tokens import Doc, Span, Token

from spacy_pretagged import doc_keys
from spacy_pretagged.export.conllu import _ID_UNSAFE, escape_spaces
from spacy_pretagged.formats import SPACE_TAG, write_tokens

DocId = Callable[[Doc, int], str]


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


class LegacyConlluWriter:
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
    ):
        self.out = out
        self.doc_id_prefix = doc_id_prefix
        self.doc_id = doc_id
        self.newdoc = newdoc
        self.nfc = nfc
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


def legacy_to_pretagged(
    doc: Doc,
    format: str = "concatenated",
    separator: str = "/",
    *,
    title_prefix: Optional[str] = "#",
    item_separator: str = " ",
    compound_slash: bool = False,
) -> str:
    """Write a spaCy `Doc` as pre-tagged text: titles from `doc.spans["title"]`, compounds
    from `doc.spans["compounds"]`, paragraph ids from `doc.user_data`, pinyin from
    `token._.pinyin`."""
    titles = doc.spans[doc_keys.TITLES] if doc_keys.TITLES in doc.spans else ()
    compounds = doc.spans[doc_keys.COMPOUNDS] if doc_keys.COMPOUNDS in doc.spans else ()
    ids = {i: (pid, tag) for i, pid, tag in doc.user_data.get(doc_keys.IDS_KEY, ())}
    pinyin = {t.i: t._.pinyin for t in doc if t._.pinyin is not None}
    return write_tokens(
        [(t.text, t.whitespace_, t.tag_) for t in doc],
        format=format,
        separator=separator,
        title_starts={span.start for span in titles},
        title_prefix=title_prefix,
        compounds=[(span.start, span.end, span.label_) for span in compounds],
        ids=ids,
        pinyin=pinyin,
        item_separator=item_separator,
        compound_slash=compound_slash,
    )


def legacy_jsonl_line(doc: Doc) -> str:
    """One line of `write_jsonl` before: spaCy's own `to_json`."""
    return json.dumps(doc.to_json(), ensure_ascii=False) + "\n"


def legacy_pretagged_file(docs, **options) -> str:
    """What `write_pretagged` wrote before for these Docs."""
    out = []
    last = "\n"
    for doc in docs:
        text = legacy_to_pretagged(doc, **options)
        if text:
            if last not in "\r\n":
                out.append("\n")
            out.append(text)
            last = text[-1]
    return "".join(out)
