"""HanLP 2.x `Document`s as JSON (`format = "hanlp_json"`): words, tags, entities, the parse.

HanLP 2.x returns a `Document` (hanlp_common/document.py), a dict of task → annotation:
`tok/fine` or `tok/coarse` (the words), `pos/ctb` / `pos/pku` / `pos/863` (tags in one
standard each), `ner/msra` etc. (`[text, label, start, end]`, token offsets, end exclusive),
`dep` (`[head, relation]` per word, heads 1-based, 0 the root). A Document holds several
sentences (lists of lists) or one (flat lists). LTP 4, jiagu and LAC output is written in
the same shape (docs/formats.md shows how).

Files hold one object per line (what `json.dumps(doc)` per line writes), or one object or
a list of them spread over lines (`doc.to_json()`, `json.dump(docs, f, indent=2)`), which
is read whole. Each Document becomes the tokens of one line of `word/tag` text: its words,
then a line-break token (`_SP`), so document units, `convert`, `validate`, `stats` and the
corpus reader treat a Document as they treat a line.

The Document has no raw text: the words are joined as Chinese is written, without spaces.
Where the objects carry the text under `text_key`, the words are aligned to it: a single
space after a word is the token's whitespace, other whitespace a whitespace token (inside
a sentence attached to the word before it, `dep`), and text the words do not match is a
problem. Which settings pick what: `tokens_key` the words; `pos/<tagset>` the tags (else
the Document's only `pos` or `pos/*` key, its tags checked against the table as any are;
no such key: untagged, see `untagged`); the first `ner` or `ner/*` key the entities; `dep`
the parse.

Problems name the file, the line the object starts on and its key path
(`dep[1][4]: head 12 is outside the sentence of 9 words`). A Document whose words cannot be
read is skipped; a sentence whose heads make no tree keeps its words without a parse; an
entity that does not fit is dropped; each is reported (or raised, `on_error = "raise"`).
"""
from __future__ import annotations

import json
from typing import Any, Collection, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from .reader import read_whole, split_lines
from .records import SPACE_TAG, PretaggedFormatError, Problem, Reading, excerpt
from .settings import ReaderSettings
from .trees import heads_in_reading, tree_error

#: The dependency key of HanLP 2.x (and of the LTP/jiagu snippets in docs/formats.md).
DEP_KEY = "dep"
#: The relation of a whitespace token inside a sentence to the word before it (UD's
#: unspecified dependency): the sentence stays one tree.
SPACE_DEP = "dep"


class _Skip(Exception):
    """The Document cannot be read (its problem has been reported)."""


class HanLPJsonReader:
    """A configured reader of HanLP 2.x JSON; `read` and `stream` as `formats.Reader`'s."""

    def __init__(self, tags: Collection[str], settings: ReaderSettings):
        if settings.format != "hanlp_json":
            raise ValueError(f"HanLPJsonReader reads format 'hanlp_json', not {settings.format!r}")
        self.settings = settings
        self.tags = frozenset(tags)
        self.pos_key = f"pos/{settings.tagset}"

    def __reduce__(self):
        return (HanLPJsonReader, (sorted(self.tags), self.settings))

    def read(self, text: str, source: Optional[str] = None) -> Reading:
        """The whole of `text` as one Reading (`stream` over one piece)."""
        return read_whole(self.stream, text, source)

    def stream(self, pieces: Iterable[str], source: Optional[str] = None) -> Iterator[Reading]:
        """Read JSON text arriving in pieces, a line at a time, yielding the Reading being built
        (always the same object) after each line and once at the end; every token in it is
        final when it is yielded (the protocol of `Reader.stream`, which `stream.Units`
        cuts). A value spread over lines is held until its last line (one whose first
        character closes it, `}` or `]`, or the end of the text)."""
        out = Reading()
        held: List[str] = []  # the lines of a value spread over lines
        held_from = 0  # its first line
        line_no = 0
        for line, brk in split_lines(pieces):
            line_no += 1
            if line_no == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if held:
                held.append(line + brk)
                if line[:1] in ("}", "]"):
                    if self._value("".join(held), held_from, source, out, final=False):
                        held = []
            elif line.strip():
                if not self._value(line, line_no, source, out, final=False):
                    held, held_from = [line + brk], line_no
            yield out
        if held:
            self._value("".join(held), held_from, source, out, final=True)
        yield out

    def _value(self, text: str, line: int, source: Optional[str], out: Reading,
               final: bool) -> bool:
        """Read the JSON value `text` (from `line` on) into `out`; False if it is incomplete
        and more lines may complete it (`final`: none will)."""
        start = len(text) - len(text.lstrip())
        try:
            value, end = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError as e:
            incomplete = e.pos >= len(text.rstrip()) and text.lstrip()[:1] in ("{", "[")
            if incomplete and not final:
                return False
            where = line + text.count("\n", 0, e.pos)
            message = ("the JSON value starting here does not end" if incomplete else
                       f"not JSON: {e.msg}")
            self._problem(out, Problem("bad_json", message, where if not incomplete else line,
                                       _col(text, e.pos if not incomplete else start),
                                       _line_at(text, e.pos)), source)
            return True
        rest = text[end:]
        if rest.strip():
            at = end + len(rest) - len(rest.lstrip())
            self._problem(out, Problem("bad_json", "text after the JSON value",
                                       line + text.count("\n", 0, at), _col(text, at),
                                       _line_at(text, at)), source)
        if isinstance(value, dict):
            self._document(value, "", line, _col(text, start), source, out)
        elif isinstance(value, list):
            for i, (offset, item) in enumerate(_elements(text, start)):
                where = line + text.count("\n", 0, offset)
                if isinstance(item, dict):
                    self._document(item, f"[{i}]", where, _col(text, offset), source, out)
                else:
                    self._problem(out, Problem("not_a_document", f"[{i}]: a Document is a "
                                               f"JSON object, not {_kind(item)}", where,
                                               _col(text, offset), _shown(item)), source)
        else:
            self._problem(out, Problem("not_a_document", f"a Document is a JSON object, not "
                                       f"{_kind(value)}", line, _col(text, start),
                                       _shown(value)), source)
        return True

    def _document(self, doc: Dict[str, Any], path: str, line: int, col: int,
                  source: Optional[str], out: Reading) -> None:
        """One Document's tokens, entities and parse onto `out`, then a line-break token."""
        problems: List[Problem] = []

        def report(kind: str, key: str, message: str, value: Any) -> None:
            problems.append(Problem(kind, f"{path}{key}: {message}", line, col, _shown(value),
                                    source))

        try:
            document = _read_document(self, doc, report)
        except _Skip:
            document = None
        for problem in problems:
            self._problem(out, problem, source)
        if document is not None:
            document.append_to(out, line, col)

    def _problem(self, out: Reading, problem: Problem, source: Optional[str]) -> None:
        if source is not None and problem.source is None:
            problem = problem._replace(source=source)
        if self.settings.on_error == "raise":
            raise PretaggedFormatError(problem)
        out.problems.append(problem)


class _Document:
    """What one Document gives, checked, before it is appended: the tokens (words and
    whitespace), their tags, sentence starts, heads (1-based per sentence) and entities."""

    def __init__(self) -> None:
        self.words: List[str] = []
        self.spaces: List[bool] = []
        self.tags: List[str] = []
        self.starts: List[bool] = []
        #: Per token: its head's token number in this Document, or None (no parse).
        self.heads: List[Optional[int]] = []
        self.deps: List[str] = []
        self.entities: List[Tuple[int, int, str]] = []
        self.parsed = False

    def add(self, word: str, tag: str, start: bool = False) -> int:
        self.words.append(word)
        self.spaces.append(False)
        self.tags.append(tag)
        self.starts.append(start)
        self.heads.append(None)
        self.deps.append("")
        return len(self.words) - 1

    def append_to(self, out: Reading, line: int, col: int) -> None:
        first = len(out)
        n = len(self.words)
        out.extend(self.words, self.spaces, self.tags, line, [col] * n)
        for i, start in enumerate(self.starts):
            out.sent_starts[first + i] = True if start else None
        if self.parsed and out.heads is None:
            out.heads = list(range(first))
            out.deps = [""] * first
        if out.heads is not None and out.deps is not None:
            out.heads += [first + (i if h is None else h) for i, h in enumerate(self.heads)]
            out.deps += self.deps
        out.entities += [(first + a, first + b, label) for a, b, label in self.entities]
        # The Document ends as a line of text does: a line-break token, outside any unit.
        out.append("\n", False, SPACE_TAG, line, col)
        out.sent_starts[-1] = False
        if out.heads is not None and out.deps is not None:
            out.heads.append(len(out) - 1)
            out.deps.append("")


def _read_document(reader: HanLPJsonReader, doc: Dict[str, Any], report) -> _Document:
    settings = reader.settings
    tokens_key = settings.tokens_key
    if tokens_key not in doc:
        keys = ", ".join(repr(k) for k in doc if str(k).startswith("tok")) or "none"
        report("no_tokens", "", f"no {tokens_key!r} key (tokens_key); its word keys: {keys}",
               list(doc)[:10])
        raise _Skip
    sentences, flat = _sentences(doc[tokens_key], tokens_key, report)
    lengths = [len(s) for s in sentences]

    pos_keys = [k for k in doc if k == "pos" or str(k).startswith("pos/")]
    pos_key = reader.pos_key if reader.pos_key in doc else \
        pos_keys[0] if len(pos_keys) == 1 else None
    tags: Optional[List[List[Any]]] = None
    if pos_key is not None:
        tags = _column(doc[pos_key], pos_key, flat, lengths, report)
    elif pos_keys or settings.untagged == "raise":
        hint = (f"; it has {', '.join(map(repr, pos_keys))}: set the tagset to one of them"
                if pos_keys else "")
        report("no_tags", "", f"no {reader.pos_key!r} key{hint}", list(doc)[:10])
        raise _Skip
    dep = _column(doc[DEP_KEY], DEP_KEY, flat, lengths, report) if DEP_KEY in doc else None
    ner_key = next((k for k in doc if k == "ner" or str(k).startswith("ner/")), None)
    ner = _sentence_lists(doc[ner_key], ner_key, flat, len(sentences), report) \
        if ner_key is not None else None
    text = None
    if settings.text_key is not None:
        text = doc.get(settings.text_key)
        if not isinstance(text, str):
            report("no_text", "", f"no text under {settings.text_key!r} (text_key)",
                   list(doc)[:10])
            raise _Skip

    out = _Document()
    aligner = _Aligner(text, settings.text_key or "", report) if text is not None else None
    for s, words in enumerate(sentences):
        index: List[int] = []
        for w, word in enumerate(words):
            tag = "" if tags is None else tags[s][w]
            if not isinstance(tag, str):
                report("bad_tag", f"{pos_key}{_at(flat, s, w)}", "a tag is a string", tag)
                raise _Skip
            if tags is not None and tag not in reader.tags:
                report("unknown_tag", f"{pos_key}{_at(flat, s, w)}",
                       f"unknown tag {tag!r} (tagset {settings.tagset!r})", word)
            if aligner is not None:
                aligner.before(out, word, w == 0, index, _at(flat, s, w))
            index.append(out.add(word, tag, start=w == 0))
        if dep is not None:
            _parse(out, dep[s], index, flat, s, report)
        if ner is not None:
            _entities(out, ner[s], ner_key or "", words, index, flat, s, report)
    if aligner is not None:
        aligner.finish(out)
    return out


def _sentences(value: Any, key: str, report) -> Tuple[List[List[str]], bool]:
    """The words, as sentences, and whether the Document is flat (one sentence)."""
    if isinstance(value, list) and all(isinstance(w, str) for w in value):
        sentences, flat = [value], True
    elif isinstance(value, list) and all(isinstance(s, list) for s in value):
        sentences, flat = value, False
    else:
        report("bad_tokens", key, "the words are a list of strings (one sentence) or of lists "
               "of strings (sentences)", value)
        raise _Skip
    for s, words in enumerate(sentences):
        for w, word in enumerate(words):
            if not isinstance(word, str) or not word:
                report("bad_tokens", f"{key}{_at(flat, s, w)}", "a word is a non-empty string",
                       word)
                raise _Skip
    return sentences, flat


def _sentence_lists(value: Any, key: str, flat: bool, n: int, report) -> List[List[Any]]:
    """A per-sentence annotation as a list of n lists (a flat Document's wrapped)."""
    if flat:
        value = [value]
    if not isinstance(value, list) or len(value) != n or \
            not all(isinstance(v, list) for v in value):
        report("bad_shape", key, f"not {'a list' if flat else f'{n} lists, one per sentence'} "
               "as the words are", value)
        raise _Skip
    return value


def _column(value: Any, key: str, flat: bool, lengths: List[int], report) -> List[List[Any]]:
    """A per-word annotation, checked to have one value per word of each sentence."""
    sentences = _sentence_lists(value, key, flat, len(lengths), report)
    for s, (values, n) in enumerate(zip(sentences, lengths)):
        if len(values) != n:
            report("bad_shape", f"{key}{'' if flat else f'[{s}]'}",
                   f"{len(values)} values for {n} words", values)
            raise _Skip
    return sentences


def _parse(out: _Document, arcs: List[Any], index: List[int], flat: bool, s: int,
           report) -> None:
    """One sentence's `[head, relation]` pairs onto its words, if they make a tree."""
    heads: List[Any] = []
    rels: List[str] = []
    for w, arc in enumerate(arcs):
        if not (isinstance(arc, list) and len(arc) == 2 and isinstance(arc[1], str)):
            report("bad_dep", f"{DEP_KEY}{_at(flat, s, w)}", "an arc is [head, relation]", arc)
            return
        heads.append(arc[0])
        rels.append(arc[1])
    error = tree_error(heads)
    if error is not None:
        w, message = error
        report("not_a_tree", f"{DEP_KEY}{_at(flat, s, w)}", f"{message}; the sentence is kept "
               "without a parse", arcs[w])
        return
    out.parsed = True
    for i, head, rel in zip(index, heads_in_reading(heads, index), rels):
        out.heads[i] = head
        out.deps[i] = rel
    # Whitespace tokens inside the sentence (from the raw text) hang on the word before.
    for i in range(index[0] + 1, index[-1]):
        if out.heads[i] is None:
            out.heads[i], out.deps[i] = i - 1, SPACE_DEP


def _entities(out: _Document, spans: List[Any], key: str, words: Sequence[str],
              index: List[int], flat: bool, s: int, report) -> None:
    """One sentence's `[text, label, start, end]` spans as entities; overlapping ones keep
    the longest (as HanLP's own display does), the others are reported."""
    n = len(words)
    good: List[Tuple[int, int, str, int]] = []
    for e, span in enumerate(spans):
        where = f"{key}{_at(flat, s, e)}"
        if not (isinstance(span, list) and len(span) == 4 and isinstance(span[1], str)
                and all(isinstance(x, int) and not isinstance(x, bool) for x in span[2:])):
            report("bad_entity", where, "an entity is [text, label, start, end]", span)
            continue
        text, label, start, end = span
        if not (0 <= start < end <= n):
            report("bad_entity", where, f"tokens [{start}, {end}) are not within the sentence "
                   f"of {n} words", span)
            continue
        if text not in ("".join(words[start:end]), " ".join(words[start:end])):
            report("bad_entity", where, f"its text is not that of words [{start}, {end}): "
                   f"{''.join(words[start:end])!r}", span)
            continue
        good.append((start, end, label, e))
    taken: List[Tuple[int, int]] = []
    for start, end, label, e in sorted(good, key=lambda g: (g[0] - g[1], g[0])):
        if any(start < b and a < end for a, b in taken):
            report("overlapping_entity", f"{key}{_at(flat, s, e)}", "overlaps a longer entity "
                   "(a Doc's entities do not overlap); dropped", spans[e])
            continue
        taken.append((start, end))
        out.entities.append((index[start], index[end - 1] + 1, label))
    out.entities.sort()


class _Aligner:
    """Walks the raw text as the words are added, putting its whitespace on the tokens."""

    def __init__(self, text: str, key: str, report):
        self.text = text
        self.key = key
        self.report = report
        self.pos = 0

    def before(self, out: _Document, word: str, sentence_start: bool, index: List[int],
               where: str) -> None:
        text, pos = self.text, self.pos
        end = pos
        while end < len(text) and text[end].isspace():
            end += 1
        if not text.startswith(word, end):
            self.report("misaligned_text", self.key, f"word {where} {word!r} is not the text "
                        f"at character {end}: {text[end:end + len(word) + 10]!r}",
                        text[max(0, end - 10):end + len(word) + 10])
            raise _Skip
        self._space(out, text[pos:end], sentence_start, pos)
        self.pos = end + len(word)

    def finish(self, out: _Document) -> None:
        rest = self.text[self.pos:]
        if rest.strip():
            at = self.pos + len(rest) - len(rest.lstrip())
            self.report("misaligned_text", self.key, f"text after the last word at character "
                        f"{at}: {rest.strip()[:20]!r}", rest.strip())
            raise _Skip
        self._space(out, rest, True, self.pos)

    def _space(self, out: _Document, gap: str, boundary: bool, at: int) -> None:
        """Whitespace before a word (or after the last): a single space after a word is its
        whitespace, the rest a whitespace token. A line break inside a sentence would cut
        the sentence's tree where line breaks cut units (formats/stream.py): refused."""
        if not gap:
            return
        if out.words and gap[0] == " " and not out.spaces[-1] and out.tags[-1] != SPACE_TAG:
            out.spaces[-1] = True
            gap = gap[1:]
        if not gap:
            return
        if not boundary and ("\n" in gap or "\r" in gap):
            self.report("line_break_in_sentence", self.key, f"a line break inside a sentence "
                        f"at character {at}", self.text[max(0, at - 10):at + 10])
            raise _Skip
        out.add(gap, SPACE_TAG)


def _elements(text: str, start: int) -> Iterator[Tuple[int, Any]]:
    """(offset, value) of each element of the JSON list at `text[start]` (already parsed
    whole, so well formed): where each starts, for its line number."""
    decoder = json.JSONDecoder()
    pos = start + 1
    while True:
        while text[pos].isspace() or text[pos] == ",":
            pos += 1
        if text[pos] == "]":
            return
        value, end = decoder.raw_decode(text, pos)
        yield pos, value
        pos = end


def _at(flat: bool, s: int, w: int) -> str:
    """The key path of item w of sentence s: `[w]` in a flat Document, `[s][w]` otherwise."""
    return f"[{w}]" if flat else f"[{s}][{w}]"


def _col(text: str, pos: int) -> int:
    return pos - (text.rfind("\n", 0, pos) + 1) + 1


def _line_at(text: str, pos: int) -> str:
    begin = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[begin:end if end >= 0 else len(text)].rstrip("\r")


def _shown(value: Any) -> str:
    return excerpt(value if isinstance(value, str)
                   else json.dumps(value, ensure_ascii=False), 200)


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
