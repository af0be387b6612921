"""Where our annotations live on a Doc: every span-group name, `user_data` key, extension
and problem-row shape, in one place.

The tokenizer writes them, the components and exports read them; keeping the names here
means no module reaches up into another for a constant. Values in `user_data` are plain
lists (or bytes) so `doc.to_bytes()`, `DocBin(store_user_data=True)` and
`nlp.pipe(n_process=2)` carry them.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

import numpy
from spacy.parts_of_speech import IDS as _POS_ENUMS
from spacy.tokens import Doc, Token

from .formats import Problem

#: UPOS name → id (what `token.pos` holds), as plain ints: spaCy's are an IntEnum, whose
#: Python-level attribute lookup NumPy runs when one meets an array, swallowing whatever it
#: raises — a Ctrl-C included (`stop_signals`).
POS_IDS = {name: int(value) for name, value in _POS_ENUMS.items()}

#: Span group of title lines (`#` lines of HanLP output).
TITLES = "title"
#: Span group of PKU bracket compounds (`[中央/n 人民/n]nt`), labelled with the compound tag.
COMPOUNDS = "compounds"
#: Problems found in lenient mode, as [kind, line, col, text] rows.
PROBLEMS_KEY = "pretagged_problems"
#: PKU paragraph ids, as [index of the line's first token, id, tag] rows.
IDS_KEY = "pretagged_ids"
#: Set when `untagged != "raise"`: the tags the input gave, the TAG hash per token as uint64
#: bytes, 0 where the tag did not come from the input (segmented or character tokens). A
#: tagger later fills TAG on exactly those; the mapper reads this to tell given tags from
#: predicted ones.
GIVEN_TAGS_KEY = "pretagged_given_tags"
#: Entity conflicts `pretagged_entities` resolved, as [kind, start, end, label, text] rows.
ENTITY_PROBLEMS_KEY = "pretagged_entity_problems"
#: Lines a parsed file carries besides its tokens (CoNLL-U comments, multiword-token
#: ranges, empty nodes), as [index of the token they stand before, line] rows.
KEPT_LINES_KEY = "pretagged_kept_lines"
#: CoNLL-U MISC per token, as written (a list of strings; set only where any is given).
MISC_KEY = "pretagged_misc"
#: UD FEATS per token as written, kept only where spaCy's MORPH string differs from it.
FEATS_KEY = "pretagged_feats"
#: The UPOS the input gave (CoNLL-U), one byte a token (its spaCy POS id; 0: none given):
#: `pretagged_tag_mapper` keeps these words' POS, features and lemma instead of mapping.
GIVEN_UPOS_KEY = "pretagged_given_upos"
#: CoNLL-U DEPS (enhanced dependencies) per token as written (set only where any is given).
ENHANCED_KEY = "pretagged_enhanced"
#: `token._.pinyin`: pinyin from `看{kan4}/v` (None where the input has none). An extension
#: rather than part of the word: the word stays `看`, so matching, lemmas and exports see
#: the word the corpus tagged. Values are in doc.user_data: DocBin needs store_user_data.
PINYIN = "pinyin"

if not Token.has_extension(PINYIN):
    Token.set_extension(PINYIN, default=None)

#: `token._.upos_source`: what decided the token's POS, as `pretagged_tag_mapper` set it —
#: `table:<tag>` (the tag table's row for the token's tag), `override:<tag>` (the mapper's
#: `overrides`), `unknown:<tag>` (a tag in no table: X), `given` (the input's own UPOS,
#: kept), `rule:<key>` (the word rule with that key, `tagsets.WordRule.key`:
#: tagset:word:tag:prev:next) or `space` (a whitespace token); None where the mapper did
#: not run (or ran with `upos_source = false`) or the Doc was retokenized after it.
UPOS_SOURCE = "upos_source"
#: Where its values live: [codes, rule keys]. `codes` is one little-endian uint16 per token
#: (bytes: 2 bytes a token, what DocBin, `doc.to_bytes` and pickling carry at no cost per
#: token); codes below `SOURCE_RULE` are the kinds below, code `SOURCE_RULE + k` is the rule
#: `rule keys[k]` (only the rules that fired in this Doc are listed).
UPOS_SOURCE_KEY = "pretagged_upos_source"
SOURCE_NONE, SOURCE_SPACE, SOURCE_TABLE, SOURCE_OVERRIDE, SOURCE_UNKNOWN, SOURCE_GIVEN = range(6)
SOURCE_RULE = 8
SOURCE_DTYPE = "<u2"
_KINDS = {SOURCE_TABLE: "table:", SOURCE_OVERRIDE: "override:", SOURCE_UNKNOWN: "unknown:"}


def upos_sources(doc: Doc) -> List[Optional[str]]:
    """`token._.upos_source` of every token of `doc`, decoded once (what exports and
    `stats` use instead of one extension call per token)."""
    data = doc.user_data.get(UPOS_SOURCE_KEY)
    if not _valid(data, len(doc)):
        return [None] * len(doc)
    codes, keys = data  # type: ignore[misc]
    out: List[Optional[str]] = []
    for token, code in zip(doc, numpy.frombuffer(codes, dtype=SOURCE_DTYPE).tolist()):
        out.append(_label(code, token, keys))
    return out


def _valid(data: object, n_tokens: int) -> bool:
    return (isinstance(data, (list, tuple)) and len(data) == 2
            and isinstance(data[0], bytes) and len(data[0]) == 2 * n_tokens)


def _label(code: int, token: Token, keys: Sequence[str]) -> Optional[str]:
    if code >= SOURCE_RULE:
        return "rule:" + keys[code - SOURCE_RULE]
    if code == SOURCE_SPACE:
        return "space"
    if code == SOURCE_GIVEN:
        return "given"
    kind = _KINDS.get(code)
    return None if kind is None else kind + token.tag_


def _upos_source(token: Token) -> Optional[str]:
    data = token.doc.user_data.get(UPOS_SOURCE_KEY)
    if not _valid(data, len(token.doc)):
        return None
    codes, keys = data  # type: ignore[misc]
    i = 2 * token.i
    return _label(int.from_bytes(codes[i:i + 2], "little"), token, keys)


if not Token.has_extension(UPOS_SOURCE):
    Token.set_extension(UPOS_SOURCE, getter=_upos_source)


def problem_rows(problems: Sequence[Problem]) -> List[list]:
    """The `PROBLEMS_KEY` rows of reader problems."""
    return [[p.kind, p.line, p.col, p.text] for p in problems]
