"""CoNLL-U (and CoNLL-X: the same 10 tab-separated columns) in, a `Reading` out.

What is kept, per token: FORM (the word), XPOS (the tag; the Reading's `tags`), UPOS,
LEMMA, FEATS, HEAD and DEPREL (the parse: `heads` as token indices, a root its own head),
MISC as written; the spacing comes from `SpaceAfter=No` in MISC (a multiword token's range
line gives the spacing of its last word) and is checked against `# text` where the file has
one. `_` is "not given" ("" in the Reading). DEPS (enhanced dependencies; CoNLL-X's PHEAD)
is kept as written in `enhanced`. Lines that are no syntactic word — comments,
multiword-token ranges (`1-2`), empty nodes (`8.1`) — are kept in `kept_lines`, with the
index of the sentence's token they belong to (a comment: the sentence's first token; a range
`a-b`: word a; an empty node `k.m`: word k, word 1 for `0.m`), so that a writer puts each
back where it stood (`export/conllu.py`: comments first, a range before its first word, an
empty node after its word). The words of a multiword token are the Doc's tokens.

Sentences start where the file's do (`sent_starts`); `# newdoc` comments mark documents
(`doc_per = "article"`). `Reading.sentence_units` tells `stream.Units` to cut this Reading
at sentences, not at line-break tokens (it has none).

Problems (strict: the first raises `PretaggedFormatError` with file:line:col; lenient: each
is reported and the reader goes on): a token line without 10 columns, an ID out of sequence,
an empty FORM, a HEAD that is no number or points outside the sentence, heads that do not
form a tree (no root, two roots, a cycle), HEADs given for some words of a sentence but not
all, a `# text` the words and their spacing do not make. In lenient mode a sentence with a
broken line is skipped whole (its problem says so), a sentence whose heads form no tree
keeps its words, tags and columns but not its parse (HEAD/DEPREL as if not given), and a
`# text` mismatch keeps the words as the token lines give them.

Why not the `conllu` package (which the tests use as a reference): it builds a dict per
token and a TokenList per sentence, parses FEATS and MISC into dicts (their text is then
written back in its own order and spelling, not byte for byte), and reads a string whole.
This reader splits each line on tabs once, keeps every column as written, and reads a file
block by block, one sentence at a time, so memory stays flat in the file's size.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import chain
from typing import Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from .reader import read_whole, split_lines
from .records import PretaggedFormatError, Problem, Reading
from .settings import ReaderSettings
from .trees import heads_in_reading, tree_error

#: The 17 Universal POS tags (tagsets.UPOS; repeated here: formats sits below tagsets).
UPOS = frozenset(
    "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
)
_TEXT = "# text = "


def _no_space(misc: str) -> bool:
    return misc != "_" and "SpaceAfter=No" in misc.split("|")


#: "1", "2", "3", …: the IDs of a plain sentence's word lines, grown as needed.
_IDS: List[str] = []


def _line_batches(pieces: Iterable[str]) -> Iterator[List[str]]:
    """The lines of the text the pieces make, a list of them per piece, the last line (""
    after a final line break) included: what `split_lines` yields, without a Python step
    per line. CoNLL-U breaks lines at LF; from the first piece with a CR on, `split_lines`
    decides (`\r\n` and a lone `\r` are line breaks there), in lists of 4096 lines."""
    head = ""
    pieces = iter(pieces)
    for piece in pieces:
        if "\r" in piece:
            batch: List[str] = []
            for line, _brk in split_lines(chain((head + piece,), pieces)):
                batch.append(line)
                if len(batch) == 4096:
                    yield batch
                    batch = []
            yield batch
            return
        lines = piece.split("\n")
        lines[0] = head + lines[0]
        head = lines.pop()
        yield lines
    yield [head]


@lru_cache(maxsize=4096)
def _space_after(misc: str) -> bool:
    """Whether a word's MISC lets a space follow it (no `SpaceAfter=No`); cached, as a
    file has few distinct MISC values."""
    return not _no_space(misc)


_BLANK = {"_": ""}


def _blanks(column: Sequence[str]) -> List[str]:
    """The column with `_` (not given) as ""."""
    return list(map(_BLANK.get, column, column))


class _Sentence:
    """The lines of one sentence, until its blank line."""

    __slots__ = ("comments", "rows", "extra", "first_line", "broken")

    def __init__(self) -> None:
        self.comments: List[str] = []
        self.rows: List[Tuple[int, List[str]]] = []  # (line number, 10 fields) of the words
        self.extra: List[Tuple[int, str]] = []  # (word number it belongs to, range/empty line)
        self.first_line = 0
        self.broken = False

    def __bool__(self) -> bool:
        return bool(self.comments or self.rows or self.extra or self.broken)


class ConlluReader:
    """A configured CoNLL-U reader with the line reader's interface (`read`, `stream`),
    so `stream.Units`, the corpus, the tokenizer and the commands use it unchanged."""

    def __init__(self, settings: Optional[ReaderSettings] = None):
        self.settings = settings or ReaderSettings(format="conllu")
        self.on_error = self.settings.on_error
        self.tags: frozenset = frozenset()

    def __reduce__(self):
        return (ConlluReader, (self.settings,))

    def read(self, text: str, source: Optional[str] = None) -> Reading:
        """The whole of `text` as one Reading (`stream` over one piece)."""
        return read_whole(self.stream, text, source)

    def stream(self, pieces: Iterable[str], source: Optional[str] = None) -> Iterator[Reading]:
        """Read a file that arrives in pieces; yields the Reading being built (always the
        same object) after each sentence and once at the end. Every token in it is final
        when it is yielded: a consumer may take whole sentences off its front."""
        out = Reading()
        out.sentence_units = True
        for name in Reading.COLUMNS:
            setattr(out, name, [])
        block: List[str] = []  # the lines of the sentence being gathered
        first = 0  # the line number of its first line
        line_no = 0  # lines before the batch
        for lines in _line_batches(pieces):
            if not line_no and lines and lines[0].startswith("\ufeff"):
                lines[0] = lines[0][1:]
            at = 0
            # Blank lines end sentences; a C-speed scan, the lines between taken as slices.
            for end in [i for i, line in enumerate(lines) if not line or line.isspace()]:
                if at < end:
                    if not block:
                        first = line_no + at + 1
                    block += lines[at:end]
                if block:
                    self._sentence(block, first, out, source)
                    block = []
                    yield out
                at = end + 1
            if at < len(lines):
                if not block:
                    first = line_no + at + 1
                block += lines[at:]
            line_no += len(lines)
        if block:
            self._sentence(block, first, out, source)
        yield out

    def _sentence(self, lines: List[str], first: int, out: Reading,
                  source: Optional[str]) -> None:
        """Read the lines of one sentence (`first`: the line number of the first) into
        `out`. A sentence of comments and plain word lines — 10 columns, IDs 1, 2, 3, …, a
        FORM each: nearly every sentence of a treebank — is taken whole; any other goes
        line by line (`_sentence_by_line`), which reports what is wrong where."""
        c = 0
        while c < len(lines) and lines[c][:1] == "#":
            c += 1
        rows = [line.split("\t") for line in lines[c:]]
        n = len(rows)
        if n and set(map(len, rows)) == {10}:
            if len(_IDS) < n:
                _IDS.extend(map(str, range(len(_IDS) + 1, n + 1)))
            if [f[0] for f in rows] == _IDS[:n] and all(f[1] for f in rows):
                sentence = _Sentence()
                sentence.first_line = first
                sentence.comments = lines[:c]
                sentence.rows = list(zip(range(first + c, first + c + n), rows))
                self._finish(sentence, out, source)
                return
        self._sentence_by_line(lines, first, out, source)

    def _sentence_by_line(self, lines: List[str], first: int, out: Reading,
                          source: Optional[str]) -> None:
        sentence = _Sentence()
        sentence.first_line = first
        for line_no, line in enumerate(lines, first):
            if sentence.broken:
                break  # reported once, at its first broken line; skipped whole
            if line[0] == "#" and not sentence.rows and not sentence.extra:
                sentence.comments.append(line)
                continue
            fields = line.split("\t")
            if len(fields) != 10:
                self._line_problem(sentence, out, source, Problem(
                    "conllu_columns", f"{len(fields)} tab-separated columns, CoNLL-U has 10"
                    + ("" if line[0] != "#" else " (a comment after a sentence's words)"),
                    line_no, 1, line))
                continue
            word_id = fields[0]
            if word_id.isdigit():
                if int(word_id) != len(sentence.rows) + 1:
                    self._line_problem(sentence, out, source, Problem(
                        "conllu_id", f"word ID {word_id} out of sequence, expected "
                        f"{len(sentence.rows) + 1}", line_no, 1, line))
                    continue
                if not fields[1]:
                    self._line_problem(sentence, out, source, Problem(
                        "conllu_form", "empty FORM", line_no, len(word_id) + 2, line))
                    continue
                sentence.rows.append((line_no, fields))
            elif "-" in word_id or "." in word_id:
                # Multiword-token range or empty node: kept, placed by its ID on writing.
                low = word_id.split("-" if "-" in word_id else ".")[0]
                if not low.isdigit():
                    self._line_problem(sentence, out, source, Problem(
                        "conllu_id", f"not a word ID, range or empty node: {word_id!r}",
                        line_no, 1, line))
                    continue
                sentence.extra.append((max(int(low), 1), line))
            else:
                self._line_problem(sentence, out, source, Problem(
                    "conllu_id", f"not a word ID, range or empty node: {word_id!r}", line_no,
                    1, line))
        self._finish(sentence, out, source)

    def _line_problem(self, sentence: _Sentence, out: Reading, source: Optional[str],
                      problem: Problem) -> None:
        sentence.broken = True
        self._problem(out, problem._replace(
            message=problem.message + ("" if self.on_error == "raise"
                                       else "; the sentence is skipped")), source)

    def _problem(self, out: Reading, problem: Problem, source: Optional[str]) -> None:
        if source is not None:
            problem = problem._replace(source=source)
        if self.on_error == "raise":
            raise PretaggedFormatError(problem)
        out.problems.append(problem)

    def _finish(self, sentence: _Sentence, out: Reading, source: Optional[str]) -> None:
        """Append a complete sentence to `out` (all its tokens at once)."""
        rows = sentence.rows
        start = len(out.words)
        if sentence.broken:
            return
        if not rows:
            self._problem(out, Problem(
                "conllu_no_words", "lines with no word line after them (a sentence needs at "
                "least one)" + ("" if self.on_error == "raise" else "; skipped"),
                sentence.first_line, 1, (sentence.comments or [x for _, x in sentence.extra])[0]),
                source)
            return
        n = len(rows)
        # The columns at once (one `zip`), and "_" → "" by a C-level `map` over a dict:
        # a treebank's sentence is a Doc, so the Python steps per token are the cost.
        ids, forms, lemma, upos_col, xpos, feats, head, deprel, deps_col, misc = \
            zip(*[f for _, f in rows])
        words = list(forms)
        spaces = list(map(_space_after, misc))
        # A multiword token's range line decides the spacing of its last word; its other
        # words are written together.
        ranges: List[Tuple[int, int, str, str]] = []
        for _, line in sentence.extra:
            ident = line.split("\t", 1)[0]
            if "-" in ident:
                low, _sep, high = ident.partition("-")
                if low.isdigit() and high.isdigit() and 1 <= int(low) <= int(high) <= n:
                    fields = line.split("\t")
                    ranges.append((int(low), int(high), fields[1], fields[-1]))
        for a, b, _form, range_misc in ranges:
            for k in range(a - 1, b - 1):
                spaces[k] = False
            spaces[b - 1] = not _no_space(range_misc)
        lines = [line_no for line_no, _ in rows]
        self._check_text(sentence, words, spaces, ranges, out, source)
        heads, deps = self._tree(rows, head, deprel, start, out, source)
        if UPOS.issuperset(upos_col):  # every word has its UPOS: the tags are the XPOS
            upos = list(upos_col)
            tags = _blanks(xpos)
        else:
            upos, tags = [], []
            for u, x in zip(upos_col, xpos):
                if u in UPOS:
                    upos.append(u)
                    tags.append("" if x == "_" else x)
                else:  # `_`, or CoNLL-X's CPOSTAG: not given; the tag as spaCy's reader has it
                    upos.append("")
                    tags.append(x if x != "_" else ("" if u == "_" else u))
        out.extend(words, spaces, tags, 0, [1] * n)
        out.lines[start:] = lines
        out.sent_starts[start:] = [True] + [False] * (n - 1)
        out.upos += upos  # type: ignore[operator]
        out.lemmas += _blanks(lemma)  # type: ignore[operator]
        out.feats += _blanks(feats)  # type: ignore[operator]
        out.heads += heads  # type: ignore[operator]
        out.deps += deps  # type: ignore[operator]
        out.misc += _blanks(misc)  # type: ignore[operator]
        out.enhanced += _blanks(deps_col)  # type: ignore[operator]
        out.kept_lines += [(start, line) for line in sentence.comments]
        out.kept_lines += [(start + k - 1, line) for k, line in sentence.extra]

    def _check_text(self, sentence: _Sentence, words: List[str], spaces: List[bool],
                    ranges: List[Tuple[int, int, str, str]], out: Reading,
                    source: Optional[str]) -> None:
        """`# text` must be the words (a multiword token's FORM for its words) with their
        spacing; the last word's space is not part of it."""
        given = next((c[len(_TEXT):] for c in sentence.comments if c.startswith(_TEXT)), None)
        if given is None:
            return
        surface: List[str] = []
        skip: Set[int] = set()
        starts = {a: (b, form) for a, b, form, _ in ranges}
        for k, word in enumerate(words, 1):
            if k in skip:
                continue
            if k in starts:
                b, word = starts[k]
                skip.update(range(k + 1, b + 1))
                k = b
            surface.append(word + (" " if spaces[k - 1] else ""))
        made = "".join(surface).rstrip(" ")
        if made != given.rstrip(" "):
            at = next((i for i, (a, b) in enumerate(zip(made, given)) if a != b),
                      min(len(made), len(given)))
            self._problem(out, Problem(
                "conllu_text", f"`# text` differs from the words and their SpaceAfter at "
                f"character {at + 1}: the words make {made[max(0, at - 10):at + 10]!r}",
                sentence.first_line + next(i for i, c in enumerate(sentence.comments)
                                           if c.startswith(_TEXT)),
                len(_TEXT) + at + 1, given), source)

    def _tree(self, rows: List[Tuple[int, List[str]]], given: Sequence[str],
              deprel: Sequence[str], start: int, out: Reading,
              source: Optional[str]) -> Tuple[List[int], List[str]]:
        """Heads as token indices of `out` and DEPRELs (`given`: the HEAD column, `deprel`
        the DEPREL column); a sentence without HEADs (all `_`) or whose heads form no tree
        (a reported problem) gets none: each word its own head, DEPREL ""."""
        n = len(rows)
        none = (list(range(start, start + n)), [""] * n)
        if given.count("_") == n:
            return none
        if not (all(map(str.isdigit, given)) and max(map(int, given)) <= n):
            # The first HEAD that is no word number of the sentence is the problem.
            (line_no, f), h = next(((row, h) for row, h in zip(rows, given)
                                    if not h.isdigit() or int(h) > n))
            what = "no HEAD (HEADs given for other words of the sentence)" if h == "_" \
                else f"HEAD {h!r} is not a word of the sentence (0 to {n})"
            self._tree_problem(out, source, line_no, f, what)
            return none
        heads = list(map(int, given))
        fault = tree_error(heads)
        if fault is not None:
            k, what = fault
            self._tree_problem(out, source, rows[k][0], rows[k][1], what)
            return none
        return heads_in_reading(heads, range(start, start + n)), _blanks(deprel)

    def _tree_problem(self, out: Reading, source: Optional[str], line_no: int,
                      fields: List[str], what: str) -> None:
        kept = "" if self.on_error == "raise" else \
            "; the sentence is kept without its parse"
        self._problem(out, Problem("conllu_tree", f"heads do not form a tree: {what}{kept}",
                                   line_no, 1, "\t".join(fields)), source)

