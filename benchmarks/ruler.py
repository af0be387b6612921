"""spaCy's own way to do `pretagged_tag_mapper`'s job: an `AttributeRuler`.

The benchmark times the mapper against this, so it must give the same POS on every token:
`load_from_tag_map(mapper.tag_map)` plus the rules the mapper has beyond its table, written
as Matcher patterns. The AttributeRuler applies its rules in the order they were added, a
later one over an earlier one, so they are added least specific first:

1. the tag map (one `{"TAG": tag}` pattern per tag);
2. a tag in no table, or no tag: X;
3. the word rules (`word_rules.tsv`), if the mapper applies them, in reverse precedence;
4. whitespace tokens: SPACE (the mapper's last step too).
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import Dict, List

from spacy.language import Language
from spacy.pipeline import AttributeRuler


def tag_map_ruler(nlp: Language, tag_map: Dict[str, Dict[str, str]],
                  word_rules=()) -> AttributeRuler:
    ruler = AttributeRuler(nlp.vocab, "attribute_ruler")  # same vocab, or E084
    ruler.load_from_tag_map(tag_map)
    ruler.add([[{"TAG": {"NOT_IN": sorted(tag_map)}}]], {"POS": "X"})
    for rule in _by_ascending_precedence(word_rules):
        ruler.add([_rule_pattern(rule)], {"POS": rule.upos, "MORPH": rule.feats}, index=0)
    ruler.add([[{"IS_SPACE": True}]], {"POS": "SPACE"})
    return ruler


def _by_ascending_precedence(rules) -> List:
    """The mapper tries, first match wins: conditional before plain, then word+tag, word+*,
    shape+tag, shape+* (file order within each); the ruler's last match wins, so reverse."""
    def rank(indexed):
        i, r = indexed
        return (r.next != "*", not r.word.startswith("@"), r.tag != "*", -i)

    return [r for _, r in sorted(enumerate(rules), key=rank)]


def _rule_pattern(rule) -> List[Dict]:
    first: Dict = dict(_word_spec(rule.word))
    if rule.tag != "*":
        first["TAG"] = rule.tag
    if rule.next == "*":
        return [first]
    # The condition is on the next token that is not whitespace.
    nxt = ({"REGEX": "^" + re.escape(rule.next[:-1])} if rule.next.endswith("*")
           else rule.next)
    return [first, {"IS_SPACE": True, "OP": "*"}, {"TAG": nxt}]


def _word_spec(word: str) -> Dict:
    if word == "@PUNCT":
        return {"IS_PUNCT": True}  # spaCy's is_punct: every character of category P*
    if word == "@DIGITS":
        return {"IS_DIGIT": True}  # str.isdigit, as the mapper
    if word == "@SYM":
        return {"ORTH": {"REGEX": f"^[{_category_class('S')}]+$"}}
    return {"ORTH": word}


@lru_cache(maxsize=None)
def _category_class(major: str) -> str:
    """A regex character class of every code point whose Unicode category starts with
    `major` (Python's `re` has no \\p{S})."""
    ranges, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)).startswith(major):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append((start, prev))
            start = None
    if start is not None:
        ranges.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in ranges)
