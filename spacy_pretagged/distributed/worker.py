"""One chunk → one shard: what runs in a dask worker (or any worker process)."""
from __future__ import annotations

import codecs
import os
import re
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from ..corpus import PretaggedCorpus
from ..export import WRITERS
from ..formats import SPACE_TAG, PretaggedFormatError
from ..pipeline import Conversion, decode_error
from ..tokenizer import PretaggedTokenizer
from .plan import EXTENSIONS, Chunk

_TEXT_BREAK = re.compile(r"\r\n|\r|\n")
_local = threading.local()


def _worker_state(job: Conversion) -> Tuple[PretaggedCorpus, Language]:
    """(corpus, nlp) for this conversion, built once per worker thread."""
    state = getattr(_local, "state", None)
    if state is None or state[0] != job:
        state = _local.state = (job, job.corpus("."), job.nlp())
    return state[1], state[2]


def _decode(data: bytes, encoding: str, at_file_start: bool) -> str:
    if not at_file_start and codecs.lookup(encoding).name == "utf-8-sig":
        encoding = "utf-8"  # a BOM is only skipped at the start of the file
    return data.decode(encoding)


def convert_chunk(chunk: Chunk, job: Conversion, output: str, *,
                  joined: bool = False) -> Dict[str, Any]:
    """Read, tokenize, run the pipeline on and write one chunk; runs in a dask worker, or
    a pool worker (`joined`: the part is read back and joined into one file at once, so a
    `.spacy` part is compressed at zlib's fastest level: the join decompresses it anyway).

    Returns counts, the number of lines of its own bytes, and its problems with line numbers
    relative to its first line (1 = first line); a format error (strict mode) or undecodable
    bytes come back as `error`, not raised, so the client can report the first one in input
    order."""
    began = time.perf_counter()
    corpus, nlp = _worker_state(job)
    result: Dict[str, Any] = {"index": chunk.number, "error": None}
    with open(chunk.path, "rb") as f:
        f.seek(chunk.context)
        context = f.read(chunk.start - chunk.context)
        own = f.read(chunk.end - chunk.start)
    encoding = job.encoding
    texts = []
    for data, at in ((context, chunk.context), (own, chunk.start)):
        try:
            texts.append(_decode(data, encoding, at == 0))
        except UnicodeDecodeError as e:
            result["error"] = {"kind": "decode",
                               "message": decode_error(chunk.source, encoding, e, at)}
            return result
    context_text, own_text = texts
    skip = len(_TEXT_BREAK.findall(context_text))  # context lines (it ends with a break)
    result["lines"] = len(_TEXT_BREAK.findall(own_text))
    try:
        reading = corpus.reader.read(context_text + own_text, source=chunk.source)
    except PretaggedFormatError as e:
        p = e.problem
        result["error"] = {"kind": "format",
                           "problem": [p.kind, p.message, p.line - skip, p.col, p.text]}
        return result
    # An empty file is one empty unit with doc_per="file": no Doc, as one process makes.
    units = [(start, end) for start, end in corpus.units(reading)
             if end > start and reading.lines[end - 1] > skip
             and any(tag != SPACE_TAG for tag in reading.tags[start:end])]
    result["problems"] = [[p.kind, p.message, p.line - skip, p.col, p.text]
                          for p in reading.problems if p.line > skip]

    tokenizer: PretaggedTokenizer = nlp.tokenizer  # type: ignore[assignment]

    def docs() -> Iterator[Doc]:
        for part in reading.split(units):
            part.problems = []  # reported once, in the manifest
            yield tokenizer.doc_from_reading(part)

    to = job.to
    options: Dict[str, Any] = job.writer_options()
    if to == "conllu":
        options["doc_id_prefix"] = f"{chunk.name}-doc"  # sent_ids unique across shards
    if to == "spacy" and joined:
        options["compress_level"] = 1
    final = Path(output) / (chunk.name + EXTENSIONS[to])
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            counts = WRITERS[to](nlp.pipe(docs(), batch_size=job.batch_size), tmp,
                                 **options)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    result.update(docs=counts.docs, sentences=counts.sentences, words=counts.words,
                  whitespace=counts.whitespace, seconds=round(time.perf_counter() - began, 3))
    return result
