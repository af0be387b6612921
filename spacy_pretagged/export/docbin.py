"""spaCy's `.spacy` format (a serialized `DocBin`), written with flat memory.

Why not `DocBin.to_disk`: a `DocBin` keeps every Doc's token table (13 attributes, 8 bytes
each: 104 bytes a token) until it is written, and `to_bytes` then holds four copies of it
at once (the per-Doc arrays, their `vstack`, its `tobytes`, the msgpack message) before
zlib shrinks it 15-fold: 0.8 GB for one month of People's Daily. `DocBin.add` also makes a
Token object per token to collect the strings. This writer produces the same bytes as
`DocBin(attrs, store_user_data).to_bytes()` (test_files.py compares) with none of that:

- each Doc's token table (`doc.to_array(attrs)`, the same columns DocBin stores) goes to
  an anonymous temporary file next to the output as it comes, zlib-compressed at level 1
  (mostly zeros: about 12× smaller), so neither memory nor disk holds it raw;
- the strings are collected from the distinct hashes of each Doc's columns (one NumPy
  `unique` per Doc) instead of 9 string properties of every token; user data and span
  groups are packed by one reused msgpack packer (srsly makes one per call);
- the message is msgpack's encoding of the dict `DocBin.to_bytes` builds, written piece by
  piece (a map header, then key and value; the token table's `bin` header carries its
  length, known at the end, and the table streams from the temporary file) through one
  `zlib.compressobj`, whose output is the same as `zlib.compress` of the whole.

Span groups and user data (paragraph ids; a CoNLL-U file's MISC and comments) are spooled
the same way. What stays in memory is small: the whitespace flags (1 byte a token), one
length, cats and flags dict a Doc, and the string set.
"""
from __future__ import annotations

import struct
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any, Dict, Iterable, Iterator, List, Optional, Set, Union

import numpy
import srsly
from spacy.attrs import (
    DEP,
    ENT_ID,
    ENT_KB_ID,
    ENT_TYPE,
    LEMMA,
    MORPH,
    NORM,
    ORTH,
    SPACY,
    TAG,
    intify_attr,
)
from spacy.tokens import Doc, MorphAnalysis
from spacy.tokens._serialize import ALL_ATTRS

PathLike = Union[str, Path]
#: The string attributes DocBin collects the strings of (`DocBin.add`); MORPH apart, as
#: its string is `str(token.morph)`, not the string of its hash.
_STRING_ATTRS: List[Union[int, str]] = [ORTH, TAG, LEMMA, NORM, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID]
#: Temporary file: zlib level 1 (fast; the table is mostly zeros), read back in blocks of
#: at most 4 MB.
_SPOOL_LEVEL = 1
_BLOCK = 1 << 22
_GATHER = 1 << 20


class DocBinWriter:
    """Collects Docs as `DocBin(attrs, store_user_data)` would; `write(path)` writes the
    `.spacy` file `DocBin.to_disk(path)` would write."""

    def __init__(self, attrs: Iterable[Union[str, int]] = ALL_ATTRS,
                 store_user_data: bool = False, spool_dir: Optional[PathLike] = None):
        ints = [intify_attr(attr) for attr in attrs]
        if None in ints:
            raise KeyError(f"unknown attribute in {list(attrs)}")
        # DocBin's order: sorted, ORTH first, SPACY apart.
        self.attrs: List[Union[int, str]] = [ORTH]
        self.attrs += [a for a in sorted(ints) if a not in (ORTH, SPACY)]
        self.store_user_data = store_user_data
        # The token table, and the lists DocBin keeps one bytes object a Doc in (each item
        # as msgpack packs it): spooled, so memory stays flat however many Docs come. A
        # Doc read from CoNLL-U carries its MISC and comment lines in user data, as much
        # again as its tokens.
        self._spool = _Spool(spool_dir)
        self._span_groups = _Spool(spool_dir)
        self._user_data = _Spool(spool_dir)
        self._spaces = bytearray()
        self._lengths: List[int] = []
        self.cats: List[dict] = []
        self.flags: List[dict] = []
        self.strings: Set[str] = set()
        self._seen: Set[int] = set()  # hashes whose string is in `strings`
        self._seen_morph: Set[int] = set()
        string_attrs = [ORTH, TAG, LEMMA, NORM, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID]
        self._string_columns: Optional[List[int]] = None
        if set(string_attrs + [MORPH]) <= set(self.attrs):
            self._string_columns = [self.attrs.index(a) for a in string_attrs]
            self._morph_column = self.attrs.index(MORPH)
        # srsly's packer (its numpy extension included), made once: `srsly.msgpack_dumps`
        # makes one per call, which costs more than packing a Doc's user data.
        self._pack = srsly.msgpack.Packer(use_bin_type=True).pack

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, doc: Doc) -> None:
        """What `DocBin.add(doc)` keeps, kept so."""
        both = doc.to_array(self.attrs + [SPACY])  # the table and the spaces in one call
        table = both[:, :-1]
        self._spool.write(table.tobytes("C"))
        self._spaces += both[:, -1].astype(bool).tobytes()
        self._lengths.append(len(table))
        self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        if len(doc):
            self._add_strings(doc, table)
        self.cats.append(doc.cats)
        if self.store_user_data:
            self._user_data.write(self._pack(self._pack(doc.user_data)))
        self._span_groups.write(self._pack(self._packed_spans(doc)))
        strings = doc.vocab.strings
        for group in doc.spans.values():
            for span in group:
                self.strings.add(span.label_)
                if span.kb_id in strings:
                    self.strings.add(span.kb_id_)
                if span.id in strings:
                    self.strings.add(span.id_)

    def add_docbin(self, msg: Dict[str, Any]) -> None:
        """Append the Docs of another DocBin, given as its message (what `DocBin.to_bytes`
        packs: `srsly.msgpack_loads(zlib.decompress(data))`), as if each had been `add`ed:
        `convert -n` joins its workers' parts so, one part in memory at a time. The
        attributes and `store_user_data` must be this writer's."""
        if msg["attrs"] != self.attrs or ("user_data" in msg) != self.store_user_data:
            raise ValueError("a DocBin of other attributes or user data cannot be joined")
        self._spool.write(msg["tokens"])
        self._spaces += msg["spaces"]
        self._lengths.extend(numpy.frombuffer(msg["lengths"], dtype="int32").tolist())
        self.strings.update(msg["strings"])
        self.cats.extend(msg["cats"])
        self.flags.extend(msg["flags"])
        for packed in msg["span_groups"]:
            self._span_groups.write(self._pack(packed))
        if self.store_user_data:
            for packed in msg["user_data"]:
                self._user_data.write(self._pack(packed))

    def _add_strings(self, doc: Doc, table: numpy.ndarray) -> None:
        """The strings of every token's text, tag_, lemma_, norm_, dep_, ent_type_,
        ent_kb_id_, ent_id_ and str(morph), as DocBin.add collects them; from the columns
        of `table` (the Doc's DocBin array) when it has them all."""
        vocab = doc.vocab
        if self._string_columns is not None:
            hashes, morph = table[:, self._string_columns], table[:, self._morph_column]
        else:
            hashes, morph = doc.to_array(_STRING_ATTRS), doc.to_array(MORPH)
        # A set of the column's values, not `numpy.unique`: on the few dozen tokens of a
        # sentence its sort and calls cost several times the set.
        new = set(hashes.ravel().tolist())
        new -= self._seen
        if new:
            self.strings.update(map(vocab.strings.__getitem__, new))
            self._seen |= new
        morphs = set(morph.tolist())
        morphs -= self._seen_morph
        if morphs:
            self.strings.update(str(MorphAnalysis.from_id(vocab, key)) for key in morphs)
            self._seen_morph |= morphs

    def _packed_spans(self, doc: Doc) -> bytes:
        """`doc.spans.to_bytes()`, the same bytes, packed by our one packer: srsly makes a
        packer for every call (and asks catalogue for its extensions, ~0.1 ms), and spaCy's
        `SpanGroups.to_bytes` makes one for the Doc and one for each group — 0.5 ms a Doc,
        which was a third of writing the month. The message is spaCy's (span_group.pyx,
        _dict_proxies.py): {group bytes: [keys]}, a group {"name", "attrs", "spans"}, a
        span `struct.pack(">QQQllll", id, kb_id, label, start, end, start_char, end_char)`."""
        if not len(doc.spans):
            return doc.spans._EMPTY_BYTES
        msg: Dict[bytes, List[str]] = {}
        for key, group in doc.spans.items():
            spans = [struct.pack(">QQQllll", span.id, span.kb_id, span.label, span.start,
                                 span.end, span.start_char, span.end_char) for span in group]
            packed = self._pack({"name": group.name, "attrs": group.attrs, "spans": spans})
            msg.setdefault(packed, []).append(key)
        return self._pack(msg)

    def write(self, path: PathLike, level: int = -1) -> None:
        """Write the file (what `DocBin.to_disk(path)` writes) and close the spool. `level`:
        zlib's; the default is `DocBin.to_bytes`' (6), and gives its bytes. A part that is
        read back at once (`convert -n`) is written at 1: the same message, sooner."""
        with open(path, "wb") as f:
            compress = zlib.compressobj(level)
            for piece in self._message():
                f.write(compress.compress(piece))
            f.write(compress.flush())
        self.close()

    def close(self) -> None:
        for spool in (self._spool, self._span_groups, self._user_data):
            spool.close()

    def _message(self) -> Iterator[bytes]:
        """msgpack of DocBin.to_bytes' dict, key by key, the token table streamed."""
        fields = ["version", "attrs", "tokens", "spaces", "lengths", "strings", "cats",
                  "flags", "span_groups"] + (["user_data"] if self.store_user_data else [])
        yield bytes([0x80 | len(fields)])  # fixmap: fewer than 16 keys
        pack = srsly.msgpack_dumps
        for key in fields:
            yield pack(key)
            if key == "version":
                yield pack("0.1")
            elif key == "attrs":
                yield pack(self.attrs)
            elif key == "tokens":
                yield _bin_header(self._spool.size)
                yield from self._spool.read()
            elif key == "spaces":
                yield _bin_header(len(self._spaces))
                yield bytes(self._spaces)
            elif key == "lengths":
                yield pack(numpy.asarray(self._lengths, dtype="int32").tobytes("C"))
            elif key == "strings":
                yield pack(sorted(self.strings))
            elif key in ("span_groups", "user_data"):
                spool = self._span_groups if key == "span_groups" else self._user_data
                yield _array_header(spool.items)
                yield from spool.read()
            else:
                yield pack(getattr(self, key))


class _Spool:
    """Bytes written to an anonymous temporary file, zlib-compressed at level 1 a block at a
    time, and read back once, in blocks of at most `_BLOCK` bytes (a block of the spool
    expands about 12-fold). The pieces (a Doc's token table, its user data, its spans: three
    a Doc) are gathered to `_GATHER` bytes before zlib sees them: a `compress` call per
    piece cost more than the compression of the month's 124 MB."""

    def __init__(self, spool_dir: Optional[PathLike]):
        self._file: IO[bytes] = tempfile.TemporaryFile(
            dir=None if spool_dir is None else str(spool_dir))
        self._packer = zlib.compressobj(_SPOOL_LEVEL)
        self._pending: List[bytes] = []
        self._pending_size = 0
        self.size = 0  # bytes written, before compression
        self.items = 0  # pieces written

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        self.size += len(data)
        self.items += 1
        if self._pending_size >= _GATHER:
            self._compress_pending()

    def _compress_pending(self) -> None:
        self._file.write(self._packer.compress(b"".join(self._pending)))
        self._pending.clear()
        self._pending_size = 0

    def read(self) -> Iterator[bytes]:
        self._compress_pending()
        self._file.write(self._packer.flush())
        self._file.seek(0)
        unpack = zlib.decompressobj()
        while True:
            block = self._file.read(_BLOCK >> 4)
            if not block:
                break
            yield unpack.decompress(block, _BLOCK)
            while unpack.unconsumed_tail:
                yield unpack.decompress(unpack.unconsumed_tail, _BLOCK)
        yield unpack.flush()

    def close(self) -> None:
        self._file.close()


def _array_header(n: int) -> bytes:
    """msgpack's header of an array of n items (the smallest that fits)."""
    if n < 16:
        return bytes([0x90 | n])
    if n < 1 << 16:
        return struct.pack(">BH", 0xDC, n)
    return struct.pack(">BI", 0xDD, n)


def _bin_header(n: int) -> bytes:
    """msgpack's header of a `bin` of n bytes (the smallest that fits, as msgpack packs)."""
    if n < 1 << 8:
        return struct.pack(">BB", 0xC4, n)
    if n < 1 << 16:
        return struct.pack(">BH", 0xC5, n)
    if n < 1 << 32:
        return struct.pack(">BI", 0xC6, n)
    raise ValueError("a DocBin's token table cannot exceed 4 GB (msgpack); write shards")
