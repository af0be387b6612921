"""`pretagged_tag_mapper`: the given fine tag → Universal POS, UD features and lemma.

spaCy's own answer is `attribute_ruler.load_from_tag_map`, which runs a Matcher with one
pattern per tag and sets attributes span by span, and writes an empty MORPH over features
that were there (spacy_anchors.md 4.5, P8). Here the table is turned once into
tag-hash → POS-id / morph-hash lookups, and each Doc is one `to_array` / `from_array` round:
the work per Doc is a lookup per *distinct* tag plus NumPy indexing. Short Docs (`SHORT_DOC`)
take the same steps on Python lists, where NumPy's cost per call would be most of the time.
"""
from __future__ import annotations

import struct
import unicodedata
import warnings
from itertools import compress
from operator import or_
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy
from spacy.attrs import IS_SPACE, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc, MorphAnalysis
from spacy.vocab import Vocab

from . import tagsets
from .component import RuleComponent, is_str_map
from .doc_keys import (
    GIVEN_TAGS_KEY,
    GIVEN_UPOS_KEY,
    POS_IDS,
    SOURCE_DTYPE,
    SOURCE_GIVEN,
    SOURCE_OVERRIDE,
    SOURCE_RULE,
    SOURCE_SPACE,
    SOURCE_TABLE,
    SOURCE_UNKNOWN,
    UPOS_SOURCE_KEY,
)
from .formats import SPACE_TAG
from .serialize import Parts

UNKNOWN = ("X", "raise")
Override = Union[str, Dict[str, str]]

#: Docs up to this many tokens are mapped with Python lists and dict lookups
#: (`PretaggedTagMapper._map_short`). Each NumPy call costs about 1 µs whatever its length,
#: and the array path makes some twenty per Doc: on the one-line Docs `--doc-per line`
#: makes, those calls, not the tokens, were the mapper's time. Past a few dozen tokens the
#: per-token Python work costs more than the calls; the result is the same either way
#: (tests/pipeline/test_mapper.py compares the two paths on random Docs).
SHORT_DOC = 48


class PretaggedTagMapper(RuleComponent):
    """Sets `pos`, `morph` (merged, never erased) and `lemma` (= the word, where unset), and
    with `upos_source` what decided each POS (`token._.upos_source`). A word whose POS is
    already set (the input gave its UPOS: CoNLL-U) is left as it is — POS, features and
    lemma (`given`) — unless `remap` is set: then every word is mapped from its tag.

    Its data — the tag table and the word rules — is loaded from the package when the
    component is made from a config, and saved with the pipeline (`tags.tsv`,
    `word_rules.tsv`, like `AttributeRuler` saves its patterns): a loaded pipeline maps with
    the tables it was saved with, whatever version of the package is installed. The rules
    of both convention profiles are saved; `conventions` picks the ones that apply."""

    PARTS = ("cfg", "tags.tsv", "word_rules.tsv")
    CFG_CHECKS = {
        "tagset": (lambda v: isinstance(v, str), "a tagset's name"),
        "overrides": (lambda v: isinstance(v, dict) and all(
            isinstance(o, str) or is_str_map(o) for o in v.values()),
            "tag → UPOS or {POS, MORPH}"),
        "unknown": (lambda v: isinstance(v, str), "a string"),
        "word_rules": (lambda v: isinstance(v, bool), "true or false"),
        "conventions": (lambda v: isinstance(v, str), "a string"),
        "keep_given_tags": (lambda v: isinstance(v, bool), "true or false"),
        "upos_source": (lambda v: isinstance(v, bool), "true or false"),
    }
    CFG_OPTIONAL = ("word_rules", "conventions", "keep_given_tags", "upos_source")

    def __init__(
        self,
        vocab: Vocab,
        name: str = "pretagged_tag_mapper",
        *,
        tagset: str = "hanlp",
        overrides: Optional[Dict[str, Override]] = None,
        unknown: str = "X",
        word_rules: bool = True,
        conventions: str = "gsd",
        keep_given_tags: bool = True,
        upos_source: bool = True,
        remap: bool = False,
        scorer: Optional[Callable] = None,
    ):
        super().__init__(vocab, name, scorer)
        cfg = {"tagset": tagset, "overrides": dict(overrides or {}), "unknown": unknown,
               "word_rules": word_rules, "conventions": conventions,
               "keep_given_tags": keep_given_tags, "upos_source": upos_source,
               "remap": remap}
        self._configure(cfg, tagsets.load(tagset), tagsets.word_rules(tagset))

    def _configure(self, cfg: Dict[str, Any], table: tagsets.Tagset,
                   rules: Sequence[tagsets.WordRule]) -> None:
        if cfg["unknown"] not in UNKNOWN:
            raise ValueError(f"unknown must be one of {UNKNOWN}, not {cfg['unknown']!r}")
        # Pipelines saved before a setting existed get its default.
        cfg.setdefault("word_rules", True)
        cfg.setdefault("conventions", "gsd")
        cfg.setdefault("keep_given_tags", True)
        cfg.setdefault("upos_source", True)
        cfg.setdefault("remap", False)
        if cfg["conventions"] not in tagsets.CONVENTIONS:
            raise ValueError(f"conventions must be one of {', '.join(tagsets.CONVENTIONS)}, "
                             f"not {cfg['conventions']!r}")
        tag_map = {tag: {"POS": row.upos, "MORPH": row.feats} for tag, row in table.rows.items()}
        for tag, value in cfg["overrides"].items():
            tag_map[tag] = _check_override(tag, value)
        self.cfg = cfg
        self.table = table
        self.rules = tuple(rules)
        self.tag_map: Dict[str, Dict[str, str]] = tag_map
        strings, morphology = self.vocab.strings, self.vocab.morphology
        entries = {strings.add(tag): (POS_IDS[e["POS"]], morphology.add(e["MORPH"]),
                                      SOURCE_OVERRIDE if tag in cfg["overrides"] else SOURCE_TABLE)
                   for tag, e in tag_map.items()}
        entries[strings.add(SPACE_TAG)] = (POS_IDS["SPACE"], morphology.add(""), SOURCE_SPACE)
        # The table as sorted hash keys with parallel POS / MORPH / source columns: one
        # `searchsorted` maps a whole Doc, with no Python work per token or per tag.
        # A last key above every hash makes every `searchsorted` index valid.
        keys = sorted(entries)
        self._empty_morph = morphology.add("")
        self._keys = numpy.array(keys + [2 ** 64 - 1], dtype="uint64")
        self._key_pos = numpy.array([entries[k][0] for k in keys] + [POS_IDS["X"]],
                                    dtype="uint64")
        self._key_morph = numpy.array([entries[k][1] for k in keys] + [self._empty_morph],
                                      dtype="uint64")
        self._key_source = numpy.array([entries[k][2] for k in keys] + [SOURCE_UNKNOWN],
                                       dtype=SOURCE_DTYPE)
        # The same table as a dict, for short Docs (`_map_short`); a tag in none maps as the
        # sentinel key does.
        self._entries: Dict[int, Tuple[int, int, int]] = entries
        self._no_entry = (POS_IDS["X"], self._empty_morph, SOURCE_UNKNOWN)
        self._merged: Dict[tuple, int] = {}
        self._rules = _CompiledRules(self.vocab, self.active_rules if cfg["word_rules"] else ())
        self._attrs = [TAG, IS_SPACE, MORPH, LEMMA, ORTH, *self._rules.flags]

    # Saved: the settings with the version that saved them, the table and the rules as TSV.
    def _save_parts(self) -> Dict[str, Callable[[], bytes]]:
        return {
            "cfg": self._cfg_bytes,
            "tags.tsv": lambda: tagsets.table_text(self.table).encode("utf-8"),
            "word_rules.tsv": lambda: tagsets.rules_text(self.rules).encode("utf-8"),
        }

    def _load_parts(self, parts: Parts) -> None:
        cfg, made_by = self._saved_cfg(parts)
        tagset = cfg["tagset"]
        # A part that was not found is one a 0.1.0 pipeline never saved (anything else
        # missing is an error) or one excluded: the installed package's, as when the
        # pipeline was made, or what this mapper has.
        if "tags.tsv" in parts:
            table = tagsets.from_text(tagset, parts.text("tags.tsv"), parts.where("tags.tsv"))
        else:
            with self._naming(parts):
                table = self.table if tagset == self.table.name else tagsets.load(tagset)
        if "word_rules.tsv" in parts:
            rules: Sequence[tagsets.WordRule] = tagsets.parse_rules(
                parts.text("word_rules.tsv"), parts.where("word_rules.tsv"),
                check_tagsets=False)
        else:
            rules = self.rules if tagset == self.table.name else tagsets.word_rules(tagset)
        with self._naming(parts):
            self._configure(cfg, table, rules)
        self.made_by = made_by

    @property
    def tagset(self) -> str:
        return self.cfg["tagset"]

    @property
    def active_rules(self) -> Tuple[tagsets.WordRule, ...]:
        """The word rules of the `conventions` profile, in file order (what the mapper
        applies when `word_rules` is on)."""
        conventions = self.cfg["conventions"]
        return tuple(r for r in self.rules if r.applies_to(conventions))

    def rule(self, key: str) -> Optional[tagsets.WordRule]:
        """The active rule with this `WordRule.key` (`token._.upos_source` is `rule:<key>`),
        None if there is none."""
        return self._rules.by_rule_key.get(key)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # A UPOS the input gave (CoNLL-U) is kept with its features and lemma, as given;
        # only words without one are mapped (all of them with `remap`).
        given_pos = None if self.cfg["remap"] else given_upos(doc)
        if given_pos is not None and given_pos.all():
            return self._keep_given(doc, given_pos)
        arr = doc.to_array(self._attrs)
        if len(doc) <= SHORT_DOC and self._nothing_given(doc):
            return self._map_short(doc, arr)
        tags, is_space, morph, lemma, orth = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4]
        given = None if given_pos is None else given_pos != 0
        out_attrs = [POS, MORPH, LEMMA]
        if self.cfg["keep_given_tags"] and self._restore_given(doc, tags):
            out_attrs.append(TAG)
        at = numpy.searchsorted(self._keys, tags)
        pos = self._key_pos[at]  # a tag in no table: X, no features
        table_morph = self._key_morph[at]
        unknown = self._keys[at] != tags
        table_morph[unknown] = self._empty_morph  # not the features of the key it fell by
        if given is not None:
            unknown &= ~given
        source = self._key_source[at] if self.cfg["upos_source"] else None
        if unknown.any():
            first = int(numpy.argmax(unknown))
            pos[unknown] = self._unknown(doc, first, int(tags[first]))
            if source is not None:
                source[unknown] = SOURCE_UNKNOWN
        fired: List[str] = []
        if self._rules:
            fired = self._rules.apply(orth, tags, is_space, arr[:, 5:], pos, table_morph,
                                      source)
        spaces = is_space.astype(bool)
        pos[spaces] = POS_IDS["SPACE"]
        if source is not None:
            source[spaces] = SOURCE_SPACE
            doc.user_data[UPOS_SOURCE_KEY] = [source.tobytes(), fired]
        else:
            doc.user_data.pop(UPOS_SOURCE_KEY, None)  # from an earlier run: stale now
        if morph.any():
            new_morph = numpy.where(morph == 0, table_morph, morph)
            # Features already on the token (from the input, or a component before us) win;
            # the table's are added beside them.
            both = (morph != 0) & (table_morph != self._empty_morph)
            for i in numpy.flatnonzero(both).tolist():
                new_morph[i] = self._merge(int(morph[i]), int(table_morph[i]))
        else:
            new_morph = table_morph
        new_lemma = numpy.where(lemma == 0, orth, lemma) if lemma.any() else orth
        if given is not None:
            pos[given] = given_pos[given]  # type: ignore[index]
            new_morph[given] = morph[given]
            new_lemma[given] = lemma[given]
            if source is not None:
                source[given] = SOURCE_GIVEN
                doc.user_data[UPOS_SOURCE_KEY][0] = source.tobytes()
        columns = [pos, new_morph, new_lemma] + ([tags] if len(out_attrs) == 4 else [])
        doc.from_array(out_attrs, numpy.stack(columns, axis=1))  # type: ignore[arg-type]
        return doc

    def _keep_given(self, doc: Doc, given_pos: numpy.ndarray) -> Doc:
        """`__call__` for a Doc whose every word came with its UPOS (a UD file): what the
        array path gives then — each POS, features and lemma as given, the source `given`,
        given tags restored — without mapping the tags and running the rules, whose results
        it would throw away (half the cost of reading CoNLL-U, one Doc a sentence)."""
        columns = [given_pos]
        out_attrs = [POS]
        if self.cfg["keep_given_tags"] and GIVEN_TAGS_KEY in doc.user_data:
            tags = doc.to_array(TAG)
            if self._restore_given(doc, tags):
                out_attrs.append(TAG)
                columns.append(tags)
        if self.cfg["upos_source"]:
            doc.user_data[UPOS_SOURCE_KEY] = [
                numpy.full(len(doc), SOURCE_GIVEN, dtype=SOURCE_DTYPE).tobytes(), []]
        else:
            doc.user_data.pop(UPOS_SOURCE_KEY, None)
        doc.from_array(out_attrs, numpy.stack(columns, axis=1))  # type: ignore[arg-type]
        return doc

    def _nothing_given(self, doc: Doc) -> bool:
        """Whether the input gave neither UPOS that would be kept nor tags that would be
        restored: what `_map_short` leaves to the array path, which handles both."""
        ud = doc.user_data
        return (self.cfg["remap"] or GIVEN_UPOS_KEY not in ud) and \
            not (self.cfg["keep_given_tags"] and GIVEN_TAGS_KEY in ud)

    def _map_short(self, doc: Doc, arr: numpy.ndarray) -> Doc:
        """`__call__` for a short Doc with nothing given (`SHORT_DOC`, `_nothing_given`):
        the same steps on Python lists, three NumPy calls instead of some twenty."""
        tags, is_space, morph, lemma, orth, *flags = zip(*arr.tolist())
        entries, no_entry = self._entries, self._no_entry
        rows = [entries.get(tag, no_entry) for tag in tags]
        pos = [row[0] for row in rows]
        table_morph = [row[1] for row in rows]
        source = [row[2] for row in rows]
        # The steps below test each token with C-level `map`s and `compress`, and go into
        # Python only at the few tokens they pick (an unknown tag, a rule's word, a space).
        if not entries.keys() >= set(tags):
            i = next(i for i, tag in enumerate(tags) if tag not in entries)
            pos[i] = self._unknown(doc, i, tags[i])  # raises if so set, for the first one
        fired: List[str] = []
        if self._rules:
            picked = map(self._rules.word_set.__contains__, orth)
            if flags:  # or a rule's shape (a lexeme flag, 0 or 1)
                picked = map(or_, picked, flags[0])
            candidates = list(compress(range(len(orth)), picked))
            if candidates:
                hits, new_pos, new_morph, codes, fired = self._rules.decide(
                    candidates, [orth[i] for i in candidates], [tags[i] for i in candidates],
                    tags, is_space)
                for i, p, m, code in zip(hits, new_pos, new_morph, codes):
                    pos[i], table_morph[i], source[i] = p, m, code
        space_pos = POS_IDS["SPACE"]
        for i in compress(range(len(is_space)), is_space):
            pos[i], source[i] = space_pos, SOURCE_SPACE
        if self.cfg["upos_source"]:
            doc.user_data[UPOS_SOURCE_KEY] = [struct.pack(f"<{len(source)}H", *source), fired]
        else:
            doc.user_data.pop(UPOS_SOURCE_KEY, None)
        empty = self._empty_morph
        new_morph = table_morph if not any(morph) else \
            [t if m == 0 else self._merge(m, t) if t != empty else m
             for m, t in zip(morph, table_morph)]
        new_lemma = orth if not any(lemma) else \
            [o if lem == 0 else lem for lem, o in zip(lemma, orth)]
        doc.from_array(_OUT, numpy.array(  # type: ignore[arg-type]
            list(zip(pos, new_morph, new_lemma)), dtype="uint64"))
        return doc

    def _restore_given(self, doc: Doc, tags: numpy.ndarray) -> bool:
        """Put back the tags the input gave (a tagger with `overwrite = true` replaces them);
        `tags` is changed in place. The tokenizer records them when it accepts untagged
        text, the only pipelines that run a tagger."""
        given = doc.user_data.get(GIVEN_TAGS_KEY)
        if given is None:
            return False
        given = numpy.frombuffer(given, dtype="uint64")
        if len(given) != len(tags):
            warnings.warn(f"[{self.name}] the Doc has {len(tags)} tokens but the tokenizer "
                          f"gave {len(given)} (a component between them retokenized): the "
                          f"given tags are not restored", UserWarning, stacklevel=2)
            return False
        restore = (given != 0) & (given != tags)
        if not restore.any():
            return False
        tags[restore] = given[restore]
        return True

    def _unknown(self, doc: Doc, i: int, tag_hash: int) -> int:
        if self.cfg["unknown"] == "raise":
            tag = self.vocab.strings[tag_hash] if tag_hash else ""
            raise ValueError(
                f"[{self.name}] tag {tag!r} of token {i} ({doc[i].text!r}) is not in the "
                f"{self.tagset!r} table and has no override; add it to `overrides` or set "
                f'unknown = "X"'
            )
        return POS_IDS["X"]

    def _merge(self, existing: int, table: int) -> int:
        key = (existing, table)
        merged = self._merged.get(key)
        if merged is None:
            feats = MorphAnalysis(self.vocab, self.vocab.strings[table]).to_dict()
            feats.update(MorphAnalysis(self.vocab, self.vocab.strings[existing]).to_dict())
            merged = self._merged[key] = self.vocab.morphology.add(feats)
        return merged


_OUT = [POS, MORPH, LEMMA]


def given_upos(doc: Doc) -> Optional[numpy.ndarray]:
    """The UPOS ids the input gave (`GIVEN_UPOS_KEY`, 0 where none), None if it gave none
    or the Doc was retokenized since."""
    data = doc.user_data.get(GIVEN_UPOS_KEY)
    if not isinstance(data, bytes) or len(data) != len(doc):
        return None
    ids = numpy.frombuffer(data, dtype="uint8").astype("uint64")
    return ids if ids.any() else None


def _punct(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c)[0] == "P" for c in text)


def _sym(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c)[0] == "S" for c in text)


def _digits(text: str) -> bool:
    return text.isdigit()


def _latin_letter(c: str) -> bool:
    return c.isalpha() and (c.isascii() or "LATIN" in unicodedata.name(c, ""))


def _latin(text: str) -> bool:
    """A word in Latin letters (`Katherine`, `U.S.`, `O'Neil`): a letter first, then
    letters or `.-'`. UD Chinese tags such foreign words X (GSD FW)."""
    return bool(text) and _latin_letter(text[0]) and \
        all(_latin_letter(c) or c in ".-'" for c in text)


#: The word shapes rules may name, in the order they are tried.
SHAPES: Dict[str, Callable[[str], bool]] = {"@PUNCT": _punct, "@SYM": _sym, "@DIGITS": _digits,
                                            "@LATIN": _latin}


def _shaped(text: str) -> bool:
    return _punct(text) or _sym(text) or _digits(text) or _latin(text)


def _shape_flag(vocab: Vocab) -> int:
    """The lexeme flag that marks words with a rule shape. A flag is computed once per word,
    when the word enters the vocab (`Vocab.add_flag`), so `to_array` hands over a Doc's
    shaped tokens with no Python work per token. It takes the highest free bit, away from
    spaCy's own flags (1–18)."""
    # `lex_attr_getters` is a Vocab attribute spaCy's type stubs do not list.
    getters: Dict[int, Callable] = vocab.lex_attr_getters  # type: ignore[attr-defined]
    for flag_id, getter in getters.items():
        if getter is _shaped:
            return flag_id
    free = [bit for bit in range(63, 18, -1) if bit not in getters]
    if not free:
        raise ValueError("no free lexeme flag for the word-rule shapes")
    return vocab.add_flag(_shaped, free[0])


class _CompiledRules:
    """The word rules as hash lookups. Tokens whose word a rule names (one `searchsorted`)
    or that have a shape (a lexeme flag) are the candidates; what a (word, tag) pair gets is
    decided once and cached, so the work per candidate is one dict lookup (and, for rules
    with a condition, a look at the neighbours' tags)."""

    def __init__(self, vocab: Vocab, rules: Iterable[tagsets.WordRule]):
        strings, morphology = vocab.strings, vocab.morphology
        self.strings = strings
        # key: (word or shape, tag hash or 0 for *) →
        #   [(prev condition or None, next condition or None, (pos, morph, rule key))]
        self.by_key: Dict[tuple, list] = {}
        self.by_rule_key: Dict[str, tagsets.WordRule] = {}
        shapes = set()
        for r in rules:
            word = r.word if r.word.startswith("@") else strings.add(r.word)
            key = (word, 0 if r.tag == "*" else strings.add(r.tag))
            prev = None if r.prev == "*" else r.prev
            cond = None if r.next == "*" else r.next
            entry = (POS_IDS[r.upos], morphology.add(r.feats), r.key)
            self.by_key.setdefault(key, []).append((prev, cond, entry))
            self.by_rule_key.setdefault(r.key, r)
            if r.word.startswith("@"):
                shapes.add(r.word)
        self.word_set = {k[0] for k in self.by_key if isinstance(k[0], int)}
        self.words = numpy.array(sorted(self.word_set), dtype="uint64")
        self.shapes = [shape for shape in SHAPES if shape in shapes]
        self.flags = [_shape_flag(vocab)] if self.shapes else []
        # (word, tag) → (options with a condition, first plain entry or None)
        self._decided: Dict[Tuple[int, int], Tuple[list, Optional[tuple]]] = {}
        # (condition, tag hash) → whether a neighbour with that tag meets it
        self._meets: Dict[Tuple[str, int], bool] = {}

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def apply(self, orth, tags, is_space, shape_flags, pos, morph, source) -> List[str]:
        """Set `pos` and `morph` (and `source`, unless None) of the tokens a rule decides;
        returns the keys of the rules that fired, in the order of their source codes."""
        if len(self.words):
            at = numpy.minimum(numpy.searchsorted(self.words, orth), len(self.words) - 1)
            candidates = self.words[at] == orth
            if self.flags:
                candidates |= shape_flags[:, 0].astype(bool)
        else:
            candidates = shape_flags[:, 0].astype(bool)
        idx = numpy.flatnonzero(candidates)
        if not len(idx):
            return []
        # The Doc's tags and spaces as lists: a rule's condition looks at a neighbour,
        # and a NumPy scalar costs more to read and hash than the whole list costs to make.
        hits, new_pos, new_morph, codes, fired = self.decide(
            idx.tolist(), orth[idx].tolist(), tags[idx].tolist(), tags.tolist(),
            is_space.tolist())
        pos[hits] = new_pos
        morph[hits] = new_morph
        if source is not None:
            source[hits] = codes
        return fired

    def decide(self, idx: Sequence[int], words: Sequence[int], idx_tags: Sequence[int],
               tags: Sequence[int], is_space: Sequence[int]
               ) -> Tuple[List[int], List[int], List[int], List[int], List[str]]:
        """For the candidate tokens `idx` (their `words` and `idx_tags`; `tags` and
        `is_space` of the whole Doc): the ones a rule decides, their POS, features and
        source codes, and the keys of the rules that fired, in the order of their codes.
        Both paths of the mapper (arrays, short lists) share it."""
        decided, n = self._decided, len(tags)
        hits: List[int] = []
        new_pos: List[int] = []
        new_morph: List[int] = []
        codes: List[int] = []
        fired: Dict[str, int] = {}
        for i, word, tag in zip(idx, words, idx_tags):
            conditional, plain = decided.get((word, tag)) or self._decide(word, tag)
            entry = plain
            for prev, cond, option in conditional:
                if (prev is None or self._matches(prev, i, -1, n, tags, is_space)) and \
                        (cond is None or self._matches(cond, i, 1, n, tags, is_space)):
                    entry = option
                    break
            if entry is not None:
                hits.append(i)
                new_pos.append(entry[0])
                new_morph.append(entry[1])
                codes.append(fired.setdefault(entry[2], SOURCE_RULE + len(fired)))
        return hits, new_pos, new_morph, codes, list(fired)

    def _decide(self, word: int, tag: int) -> Tuple[list, Optional[tuple]]:
        """Most specific first: conditional rules (word+tag, word, shape+tag, shape), then
        the first plain one in the same order."""
        keys: List[Tuple[Union[int, str], int]] = [(word, tag), (word, 0)]
        text = self.strings[word]
        shape = next((s for s in self.shapes if SHAPES[s](text)), None)
        if shape is not None:
            keys += [(shape, tag), (shape, 0)]
        options = [o for key in keys for o in self.by_key.get(key, ())]
        conditional = [o for o in options if o[0] is not None or o[1] is not None]
        plain = next((entry for prev, cond, entry in options if prev is None and cond is None),
                     None)
        decided = self._decided[(word, tag)] = (conditional, plain)
        return decided

    def _matches(self, cond: str, i: int, step: int, n: int, tags, is_space) -> bool:
        """Whether the tag of the nearest word before (step -1) or after (step 1) token `i`,
        whitespace tokens skipped, meets `cond`; never at the edge of the Doc. What a tag
        hash gives for a condition is worked out once (`_meets`)."""
        j = i + step
        while 0 <= j < n and is_space[j]:
            j += step
        if not 0 <= j < n:
            return False
        key = (cond, tags[j])
        met = self._meets.get(key)
        if met is None:
            tag = self.strings[key[1]] if key[1] else ""
            met = self._meets[key] = \
                tag.startswith(cond[:-1]) if cond.endswith("*") else tag == cond
        return met


def _check_override(tag: str, value: Override) -> Dict[str, str]:
    entry = {"POS": value, "MORPH": ""} if isinstance(value, str) else dict(value)
    extra = set(entry) - {"POS", "MORPH"}
    if extra or "POS" not in entry:
        raise ValueError(f"override for {tag!r} must be a UPOS string or "
                         f'{{"POS": ..., "MORPH": ...}}, not {value!r}')
    if entry["POS"] not in tagsets.UPOS:
        raise ValueError(f"override for {tag!r}: {entry['POS']!r} is not a UD UPOS tag")
    entry.setdefault("MORPH", "")
    return entry


@Language.factory(
    "pretagged_tag_mapper",
    default_config={
        "tagset": "hanlp",
        "overrides": {},
        "unknown": "X",
        "word_rules": True,
        "conventions": "gsd",
        "keep_given_tags": True,
        "upos_source": True,
        "remap": False,
        "scorer": {"@scorers": "spacy.morphologizer_scorer.v1"},
    },
    # token.tag: with keep_given_tags, the tags the input gave are put back over a
    # tagger's (see _restore_given).
    assigns=["token.pos", "token.morph", "token.lemma", "token.tag"],
    requires=["token.tag"],
    default_score_weights={"pos_acc": 1.0, "morph_acc": None, "morph_per_feat": None},
)
def make_tag_mapper(
    nlp: Language,
    name: str,
    tagset: str,
    overrides: Dict[str, Union[str, Dict[str, str]]],
    unknown: str,
    word_rules: bool,
    conventions: str,
    keep_given_tags: bool,
    upos_source: bool,
    remap: bool,
    scorer: Optional[Callable],
) -> PretaggedTagMapper:
    return PretaggedTagMapper(nlp.vocab, name, tagset=tagset, overrides=overrides,
                              unknown=unknown, word_rules=word_rules,
                              conventions=conventions, keep_given_tags=keep_given_tags,
                              upos_source=upos_source, remap=remap, scorer=scorer)
