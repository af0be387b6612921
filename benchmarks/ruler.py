"""spaCy's own way to do `pretagged_tag_mapper`'s job: an `AttributeRuler`.

The benchmark times the mapper against this, so it must give the same POS on every token:
`load_from_tag_map(mapper.tag_map)` plus the rules the mapper has beyond its table, written
as Matcher patterns. The AttributeRuler applies its rules in the order they were added, a
later one over an earlier one, so they are added least specific first:

1. the tag map (one `{"TAG": tag}` pattern per tag);
2. a tag in no table, or no tag: X;
3. the word rules (`word_rules.tsv`) the mapper applies (its `active_rules`: those of its
   conventions profile), in reverse precedence;
4. whitespace tokens: SPACE (the mapper's last step too).

A condition on the previous or next word skips whitespace tokens, as the mapper does. With
one condition the pattern is `prev, space*, word` (the word is the match's last token) or
`word, space*, next` (its first); with both, the word's place in the match varies with the
whitespace around it, so there is one pattern per case, 0 or 1 whitespace token on each
side (the tokenizer merges a whitespace run into one token).
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from spacy.language import Language
from spacy.pipeline import AttributeRuler


def tag_map_ruler(nlp: Language, tag_map: Dict[str, Dict[str, str]],
                  word_rules=()) -> AttributeRuler:
    ruler = AttributeRuler(nlp.vocab, "attribute_ruler")  # same vocab, or E084
    ruler.load_from_tag_map(tag_map)
    ruler.add([[{"TAG": {"NOT_IN": sorted(tag_map)}}]], {"POS": "X"})
    for rule in _by_ascending_precedence(word_rules):
        for pattern, index in _rule_patterns(rule):
            ruler.add([pattern], {"POS": rule.upos, "MORPH": rule.feats}, index=index)
    ruler.add([[{"IS_SPACE": True}]], {"POS": "SPACE"})
    return ruler


def _by_ascending_precedence(rules) -> List:
    """The mapper tries, first match wins: conditional before plain, then word+tag, word+*,
    shape+tag, shape+* (file order within each); the ruler's last match wins, so reverse."""
    def rank(indexed):
        i, r = indexed
        return (r.next != "*" or r.prev != "*", not r.word.startswith("@"), r.tag != "*", -i)

    return [r for _, r in sorted(enumerate(rules), key=rank)]


def _rule_patterns(rule) -> List[Tuple[List[Dict], int]]:
    """(Matcher pattern, index of the rule's word in the match) for one rule."""
    word: Dict = dict(_word_spec(rule.word))
    if rule.tag != "*":
        word["TAG"] = rule.tag
    prev, nxt = _tag_spec(rule.prev), _tag_spec(rule.next)
    space = {"IS_SPACE": True}
    if prev is None and nxt is None:
        return [([word], 0)]
    if prev is None:
        return [([word, {**space, "OP": "*"}, nxt], 0)]
    if nxt is None:
        return [([prev, {**space, "OP": "*"}, word], -1)]
    return [([prev, *[space] * before, word, *[space] * after, nxt], 1 + before)
            for before in (0, 1) for after in (0, 1)]


def _tag_spec(cond: str) -> Optional[Dict]:
    if cond == "*":
        return None
    return {"TAG": {"REGEX": "^" + re.escape(cond[:-1])} if cond.endswith("*") else cond}


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
