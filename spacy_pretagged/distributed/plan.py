"""Where to cut the input files into chunks (one partition, one shard each).

Runs on the client and reads only around the cuts; no dask import. See the package's
docstring for the rules (line starts, articles, context lines).
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import BinaryIO, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from ..formats import Reader
from ..formats.conllu import ConlluReader
from ..formats.hanlp_json import HanLPJsonReader

#: Default size of a chunk (one partition, one shard) of an input file: about 450,000 tokens
#: of People's Daily, a worker peaks at about 0.4 GB, and a month of it (10.7 MB) makes 3
#: partitions.
DEFAULT_CHUNK_BYTES = 4 * 2 ** 20
#: Shard file extension per `--to` format.
EXTENSIONS = {"spacy": ".spacy", "conllu": ".conllu", "jsonl": ".jsonl", "pretagged": ".txt"}
#: What to install for the Dask conversion.
INSTALL_HINT = "pip install 'spacy-pretagged[dask]'"
MANIFEST = "manifest.json"
#: The reader's line breaks (formats/reader.py `_LINE_BREAK`), on bytes.
_BREAK = re.compile(rb"\r\n|\r|\n")
_BLOCK = 1 << 16

PathLike = Union[str, Path]
class DistributedError(ValueError):
    """A one-line reason the conversion stopped (the CLI prints it as `error: …`)."""


class Chunk(NamedTuple):
    """One partition: bytes [start, end) of a file, read after its context [context, start)."""

    number: int  # shard number, global, in input order
    source: str  # the path as the user gave it (messages, manifest)
    path: str  # absolute path, what a worker opens
    chunk: int  # index of the chunk within its file
    start: int
    end: int
    context: int  # == start: no context (first chunk of a file)

    @property
    def name(self) -> str:
        return f"part-{self.number:05d}"


def parse_size(text: Union[str, int]) -> int:
    """`2000`, `64k`, `16M`, `1G` (also `16MB`, `16MiB`; binary multiples) → bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)(?:i?[bB])?\s*", str(text))
    if not m or int(m.group(1)) < 1:
        raise DistributedError(f"chunk size must be a size such as 2000, 64k or 16M, "
                               f"not {text!r}")
    return int(m.group(1)) * 1024 ** " KMG".index(m.group(2).upper() or " ")


def _splittable(encoding: str) -> bool:
    """Line breaks are the single bytes \\r and \\n, never part of another character, and
    each line decodes on its own (UTF-8, GB18030/GBK, Big5; not UTF-16/32 nor the
    stateful UTF-7, HZ and ISO-2022 encodings)."""
    name = codecs.lookup(encoding).name
    return not name.startswith(("utf-16", "utf-32", "utf-7", "hz", "iso2022"))


def _lines(f: BinaryIO, pos: int) -> Iterator[Tuple[int, bytes, int]]:
    """(start, bytes without the break, start of the next line) for each line from `pos`."""
    f.seek(pos)
    buf, at, scan, size, eof = b"", pos, 0, _BLOCK, False
    while True:
        m = _BREAK.search(buf, scan)
        # A `\r` at the end of what was read may be the first half of a `\r\n`.
        if m and (eof or m.end() < len(buf) or m.group() != b"\r"):
            yield at, buf[:m.start()], at + m.end()
            at += m.end()
            buf, scan, size = buf[m.end():], 0, _BLOCK
            continue
        if eof:
            if buf:
                yield at, buf, at + len(buf)
            return
        block = f.read(size)
        eof = not block
        scan = max(0, len(buf) - 1)
        buf += block
        size = min(size * 2, 1 << 24)  # long lines: fewer, bigger reads


class _LinePeek:
    """What the reader makes of one line, as far as cutting is concerned: does it have
    tokens (so it flushes what came before it), and which article opens it (PKU ids)."""

    def __init__(self, reader: Union[Reader, HanLPJsonReader], encoding: str):
        # HanLP JSON: a Document stands alone, and a line opening with `{` starts one (an
        # object of a list is indented): cut there only, so no value is ever cut.
        self.json = isinstance(reader, HanLPJsonReader)
        self.reader = Reader(reader.tags, reader.settings.replace(on_error="warn"))
        self.encoding = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding

    def __call__(self, raw: bytes) -> Tuple[bool, Optional[str]]:
        if self.json:
            return raw[:1] == b"{", None
        # After a line break, as in the file: leading whitespace joins the break's token.
        reading = self.reader.read("\n" + raw.decode(self.encoding, errors="replace"))
        ranges = reading.line_ranges()
        if not ranges:
            return False, None
        article = {i: pid.rsplit("-", 1)[0] for i, pid, _ in reading.ids}
        return True, article.get(ranges[0][0])


def _find_cut(f: BinaryIO, target: int, size: int, doc_per: str,
              peek: _LinePeek) -> Optional[Tuple[int, int]]:
    """(cut, context start) at or after `target`, or None if the rest of the file is one
    chunk. The line `target` falls in is skipped (its start is unknown here); the cut comes
    after a line with tokens (the context), and for articles before a line whose article
    differs from the one before it."""
    first = next(_lines(f, target - 1))[2]  # the first line start >= target
    if first >= size:
        return None
    context = None  # start of the last line with tokens
    current = None  # article of the lines read so far (None: not known yet)
    for start, raw, _next in _lines(f, first):
        has_tokens, article = peek(raw)
        if not has_tokens:
            continue
        if context is not None:
            if doc_per == "line":
                return start, context
            if article is not None and current is not None and article != current:
                return start, context
        if article is not None:
            current = article
        context = start
    return None


def _find_block_cut(f: BinaryIO, target: int, size: int, doc_per: str
                    ) -> Optional[Tuple[int, int]]:
    """CoNLL-U: (cut, cut) at the first sentence start at or after `target` — a line with
    text after a blank line — (for articles: the first whose sentence opens with
    `# newdoc`), or None. Sentences stand alone: no context is read."""
    first = next(_lines(f, target - 1))[2]
    if first >= size:
        return None
    after_blank = False
    for start, raw, _next in _lines(f, first):
        if not raw.strip():
            after_blank = True
            continue
        if after_blank and (doc_per == "line" or raw.startswith(b"# newdoc")):
            return start, start
        if after_blank and not raw.startswith(b"#"):
            after_blank = False  # a sentence of the same document began
    return None


def plan(files: Sequence[Tuple[str, PathLike]],
         reader: Union[Reader, ConlluReader, HanLPJsonReader], encoding: str, doc_per: str,
         chunk_bytes: int) -> List[Chunk]:
    """The chunks of `files` ((source as given, path) pairs, in order); CoNLL-U files are
    cut between sentences (`_find_block_cut`)."""
    chunks: List[Chunk] = []
    conllu = isinstance(reader, ConlluReader)
    peek = None if conllu else _LinePeek(reader, encoding)  # type: ignore[arg-type]
    for source, path in files:
        path = Path(path).resolve()
        size = path.stat().st_size
        cuts: List[Tuple[int, int]] = []  # (start, context) of each chunk after the first
        if doc_per != "file" and _splittable(encoding) and size > chunk_bytes:
            with path.open("rb") as f:
                start = 0
                while start + chunk_bytes < size:
                    cut = (_find_block_cut(f, start + chunk_bytes, size, doc_per)
                           if peek is None else
                           _find_cut(f, start + chunk_bytes, size, doc_per, peek))
                    if cut is None:
                        break
                    cuts.append(cut)
                    start = cut[0]
        bounds = [(0, 0)] + cuts + [(size, size)]
        for k in range(len(bounds) - 1):
            (start, context), end = bounds[k], bounds[k + 1][0]
            chunks.append(Chunk(len(chunks), source, str(path), k, start, end, context))
    return chunks
