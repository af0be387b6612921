"""Where our annotations live on a Doc: every span-group name, `user_data` key, extension
and problem-row shape, in one place.

The tokenizer writes them, the components and exports read them; keeping the names here
means no module reaches up into another for a constant. Values in `user_data` are plain
lists (or bytes) so `doc.to_bytes()`, `DocBin(store_user_data=True)` and
`nlp.pipe(n_process=2)` carry them.
"""
from __future__ import annotations

from typing import List, Sequence

from spacy.tokens import Token

from .formats import Problem

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
#: `token._.pinyin`: pinyin from `看{kan4}/v` (None where the input has none). An extension
#: rather than part of the word: the word stays `看`, so matching, lemmas and exports see
#: the word the corpus tagged. Values are in doc.user_data: DocBin needs store_user_data.
PINYIN = "pinyin"

if not Token.has_extension(PINYIN):
    Token.set_extension(PINYIN, default=None)


def problem_rows(problems: Sequence[Problem]) -> List[list]:
    """The `PROBLEMS_KEY` rows of reader problems."""
    return [[p.kind, p.line, p.col, p.text] for p in problems]
