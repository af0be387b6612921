"""Scale-out on Dask: `python -m spacy_pretagged convert … --engine dask [--scheduler ADDR]`.

The only module that imports dask, and only inside functions: the package works without the
`dask` extra, and the CLI says what to install when it is missing.

How the work is cut (`plan`): every input file is split into chunks of about `chunk_bytes`,
each cut at a line start (never inside a line, never between the `\\r` and `\\n` of a `\\r\\n`:
the cutter matches the reader's own line breaks, `\\r\\n`, `\\r`, `\\n`, on the bytes). With
`doc_per="article"` a cut is moved on to the next line that opens a different PKU article
(`YYYYMMDD-PP-AAA-SSS`: date-page-article-paragraph, as `PretaggedCorpus.units` groups
them), so no article is split; with `doc_per="file"` a file is one chunk. Files in encodings
whose line breaks are not single ASCII bytes (UTF-16, UTF-32) or that carry state across
lines (UTF-7, HZ, ISO-2022) are not cut either.

Each chunk is one partition of a `dask.bag` and one output shard, `part-NNNNN.<ext>`,
numbered in input order (the inputs as given, a folder's files sorted, then chunk order), so
the shards read in name order hold exactly the Docs of a single-process `convert` (CoNLL-U
doc ids are `part-NNNNN-docK`, so sent_ids stay unique across shards). `manifest.json` is
written last: a folder without one is an unfinished or failed run. In strict mode
(`on_error="raise"`) the error reported is the first in input order, as a single process
would report it; later partitions are cancelled.

Exactness at a cut. What the reader makes of a line can depend on the line before it: a
line break and the whitespace around it become one `_SP` token (a concatenated line's
leading whitespace joins the break before it), and a jieba `\\n/x` first in a line takes
the break before it as its word. So a worker reads, besides its own lines, the *context*
before them: the last line before the cut that has tokens, and the blank lines after it. It
drops the Docs and problems of the context lines (they belong to the previous shard) and
keeps the rest, which is then what the whole file would have given.

Line numbers. A worker counts the lines of its own bytes and reports its problems relative
to its first line; the client adds up the counts in file order, so the manifest and the
errors carry the file's real line numbers without anyone reading a file twice.

Workers build the pipeline the way the CLI does (`cli.build_nlp`, from the settings: the
`nlp` is never pickled) once per worker thread, read with `PretaggedCorpus`'s reader and
units, run `nlp.pipe` and stream into the chosen writer (`export.WRITERS`), writing to a
temporary name and renaming at the end, so a task dask retries on another worker leaves one
complete shard. Inputs and OUTPUT must be at the same path on every worker (one machine, or
a shared file system).
"""
from __future__ import annotations

import codecs
import json
import os
import re
import threading
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path
from typing import (Any, BinaryIO, Callable, Dict, Iterator, List, NamedTuple, Optional,
                    Sequence, Tuple, Union)

from .formats import SPACE_TAG, PretaggedFormatError, Problem, Reader

#: Default size of a chunk (one partition, one shard) of an input file: about 450,000 tokens
#: of People's Daily, a worker peaks at about 0.4 GB, and a month of it (10.7 MB) makes 3
#: partitions.
DEFAULT_CHUNK_BYTES = 4 * 2 ** 20
#: Shard file extension per `--to` format.
EXTENSIONS = {"spacy": ".spacy", "conllu": ".conllu", "jsonl": ".jsonl", "pretagged": ".txt"}
INSTALL_HINT = "--engine dask needs: pip install 'spacy-pretagged[dask]'"
MANIFEST = "manifest.json"
#: The reader's line breaks (formats/reader.py `_LINE_BREAK`), on bytes.
_BREAK = re.compile(rb"\r\n|\r|\n")
_TEXT_BREAK = re.compile(r"\r\n|\r|\n")
_OURS = re.compile(r"^(part-\d{5,}\.(spacy|conllu|jsonl|txt)|\.part-\d{5,}\..*\.tmp|"
                   + re.escape(MANIFEST) + r")$")
_BLOCK = 1 << 16

PathLike = Union[str, Path]


class DistributedError(ValueError):
    """A one-line reason the conversion stopped (the CLI prints it as `error: …`)."""


class Chunk(NamedTuple):
    """One partition: bytes [start, end) of a file, read after its context [context, start)."""

    index: int  # shard number, global, in input order
    source: str  # the path as the user gave it (messages, manifest)
    path: str  # absolute path, what a worker opens
    chunk: int  # index of the chunk within its file
    start: int
    end: int
    context: int  # == start: no context (first chunk of a file)

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"


def parse_size(text: Union[str, int]) -> int:
    """`2000`, `64k`, `16M`, `1G` (also `16MB`, `16MiB`; binary multiples) → bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)(?:i?[bB])?\s*", str(text))
    if not m or int(m.group(1)) < 1:
        raise DistributedError(f"--chunk-bytes must be a size such as 2000, 64k or 16M, "
                               f"not {text!r}")
    return int(m.group(1)) * 1024 ** " KMG".index(m.group(2).upper() or " ")


# --- planning: where to cut (runs on the client, reads only around the cuts) --------------

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

    def __init__(self, reader: Reader, encoding: str):
        self.reader = Reader(sorted(reader.tags), **{**reader.settings, "on_error": "warn"})
        self.encoding = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding

    def __call__(self, raw: bytes) -> Tuple[bool, Optional[str]]:
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


def plan(files: Sequence[Tuple[str, PathLike]], reader: Reader, encoding: str, doc_per: str,
         chunk_bytes: int) -> List[Chunk]:
    """The chunks of `files` ((source as given, path) pairs, in order)."""
    chunks: List[Chunk] = []
    peek = _LinePeek(reader, encoding)
    for source, path in files:
        path = Path(path).resolve()
        size = path.stat().st_size
        cuts: List[Tuple[int, int]] = []  # (start, context) of each chunk after the first
        if doc_per != "file" and _splittable(encoding) and size > chunk_bytes:
            with path.open("rb") as f:
                start = 0
                while start + chunk_bytes < size:
                    cut = _find_cut(f, start + chunk_bytes, size, doc_per, peek)
                    if cut is None:
                        break
                    cuts.append(cut)
                    start = cut[0]
        bounds = [(0, 0)] + cuts + [(size, size)]
        for k in range(len(bounds) - 1):
            (start, context), end = bounds[k], bounds[k + 1][0]
            chunks.append(Chunk(len(chunks), source, str(path), k, start, end, context))
    return chunks


# --- the worker side ------------------------------------------------------------------------

_local = threading.local()


def _corpus(path: PathLike, settings: Dict[str, Any]):
    """A `PretaggedCorpus` with the settings the CLI's `convert` reads with."""
    from .cli import make_corpus

    return make_corpus(Path(path), **{key: settings[key] for key in (
        "format", "tagset", "separator", "item_separator", "encoding", "doc_per", "on_error")})


def _worker_state(settings: Dict[str, Any]):
    """(corpus, nlp) for these settings, built once per worker thread."""
    key = json.dumps(settings, sort_keys=True)
    state = getattr(_local, "state", None)
    if state is None or state[0] != key:
        from .cli import build_nlp

        corpus = _corpus(".", settings)
        nlp = build_nlp(settings["format"], settings["tagset"], settings["separator"],
                        settings["item_separator"], settings["on_error"])
        state = _local.state = (key, corpus, nlp)
    return state[1], state[2]


def _decode(data: bytes, encoding: str, at_file_start: bool) -> str:
    if not at_file_start and codecs.lookup(encoding).name == "utf-8-sig":
        encoding = "utf-8"  # a BOM is only skipped at the start of the file
    return data.decode(encoding)


def convert_chunk(chunk: Chunk, settings: Dict[str, Any], output: str) -> Dict[str, Any]:
    """Read, tokenize, run the pipeline on and write one chunk; runs in a dask worker.

    Returns counts, the number of lines of its own bytes, and its problems with line numbers
    relative to its first line (1 = first line); a format error (strict mode) or undecodable
    bytes come back as `error`, not raised, so the client can report the first one in input
    order."""
    from .export import WRITERS

    began = time.perf_counter()
    corpus, nlp = _worker_state(settings)
    result: Dict[str, Any] = {"index": chunk.index, "error": None}
    with open(chunk.path, "rb") as f:
        f.seek(chunk.context)
        context = f.read(chunk.start - chunk.context)
        own = f.read(chunk.end - chunk.start)
    encoding = settings["encoding"]
    texts = []
    for data, at in ((context, chunk.context), (own, chunk.start)):
        try:
            texts.append(_decode(data, encoding, at == 0))
        except UnicodeDecodeError as e:
            result["error"] = {"kind": "decode", "reason": e.reason, "byte": at + e.start}
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
    units = [(start, end) for start, end in corpus.units(reading)
             if reading.lines[end - 1] > skip
             and any(tag != SPACE_TAG for tag in reading.tags[start:end])]
    result["problems"] = [[p.kind, p.message, p.line - skip, p.col, p.text]
                          for p in reading.problems if p.line > skip]

    def docs():
        for part in reading.split(units):
            part.problems = []  # reported once, in the manifest
            yield nlp.tokenizer.doc_from_reading(part)

    to = settings["to"]
    options: Dict[str, Any] = {}
    if to == "conllu":
        options["doc_id_prefix"] = f"{chunk.name}-doc"  # sent_ids unique across shards
    final = Path(output) / (chunk.name + EXTENSIONS[to])
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            counts = WRITERS[to](nlp.pipe(docs(), batch_size=settings["batch_size"]), tmp,
                                 **options)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    result.update(docs=counts.docs, sentences=counts.sentences, tokens=counts.tokens,
                  seconds=round(time.perf_counter() - began, 3))
    return result


# --- the client side ------------------------------------------------------------------------

def _prepare_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise DistributedError(f"{output} is a file; with --engine dask OUTPUT is a folder "
                               "(shards and manifest.json)")
    output.mkdir(parents=True, exist_ok=True)
    for old in output.iterdir():  # shards of an earlier run would mix with ours
        if old.is_file() and _OURS.match(old.name):
            old.unlink()


def _error_message(chunk: Chunk, error: Dict[str, Any], first_line: Optional[int],
                   encoding: str) -> str:
    if error["kind"] == "format":
        kind, message, line, col, text = error["problem"]
        return str(Problem(kind, message, (first_line or 1) + line - 1, col, text, chunk.source))
    if error["kind"] == "decode":
        return (f"{chunk.source}: not {encoding} ({error['reason']} at byte {error['byte']}); "
                "try --encoding gb18030 (GBK/GB2312 files) or --encoding utf-8-sig")
    return f"{chunk.source} bytes {chunk.start}-{chunk.end}: {error['message']}"


def _run(client, chunks: List[Chunk], settings: Dict[str, Any], output: Path,
         progress: Optional[Callable[[Dict[str, Any]], None]]) -> Dict[int, Dict[str, Any]]:
    """Results by chunk index. Stops at the first error in input order: later partitions
    are cancelled, earlier ones finished (one of them may have an earlier error)."""
    import dask.bag as db
    from distributed import as_completed

    bag = db.from_sequence(chunks, partition_size=1).map(
        convert_chunk, settings=settings, output=str(output))
    futures = client.compute(bag.to_delayed())
    index = {future.key: i for i, future in enumerate(futures)}
    results: Dict[int, Dict[str, Any]] = {}
    first_error: Optional[int] = None
    try:
        for future in as_completed(futures):
            i = index[future.key]
            if first_error is not None and i > first_error:
                continue
            try:
                result = future.result()[0]
            except Exception as e:  # a bug or a lost worker: no traceback on the CLI
                message = f"{type(e).__name__}: {e}".strip().splitlines()[0]
                result = {"index": i, "error": {"kind": "exception", "message": message}}
            results[i] = result
            if result["error"] is not None and (first_error is None or i < first_error):
                first_error = i
                client.cancel([f for j, f in enumerate(futures) if j > i])
            if progress is not None:
                progress(result)
            if first_error is not None and all(j in results for j in range(first_error)):
                break
    finally:
        client.cancel([f for f in futures if not f.done()])
    return results


def convert(
    inputs: Sequence[PathLike],
    output: PathLike,
    *,
    to: str = "spacy",
    format: str = "auto",
    tagset: str = "hanlp",
    separator: str = "/",
    item_separator: Optional[str] = None,
    encoding: str = "utf-8",
    doc_per: str = "line",
    on_error: str = "warn",
    batch_size: int = 256,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    n_workers: int = 2,
    scheduler: Optional[str] = None,
    client=None,
    progress: Optional[Callable[[Dict[str, Any]], None]] = None,
) -> Dict[str, Any]:
    """Convert `inputs` into shards in the folder `output` on a Dask cluster; returns the
    manifest (also written to `output/manifest.json`).

    The cluster: `client` if given (left open), else a `distributed.Client(scheduler)` if
    given, else a `LocalCluster` of `n_workers` one-thread worker processes; what this
    function opens it closes. Raises `DistributedError` with a one-line message on bad
    settings, a format error (`on_error="raise"`, the first in input order, with the file's
    line and column) or undecodable bytes; `ImportError` without dask."""
    from .export import WRITERS

    if to not in WRITERS:
        raise DistributedError(f"--to must be one of {', '.join(WRITERS)}, not {to!r}")
    if chunk_bytes < 1 or n_workers < 1:
        raise DistributedError("chunk_bytes and n_workers must be at least 1")
    settings = {"to": to, "format": format, "tagset": tagset, "separator": separator,
                "item_separator": item_separator, "encoding": encoding, "doc_per": doc_per,
                "on_error": on_error, "batch_size": batch_size}
    try:
        corpora = [_corpus(path, settings) for path in inputs]
        codecs.lookup(encoding)
    except (ValueError, LookupError) as e:
        raise DistributedError(str(e)) from None
    import dask.bag  # noqa: F401  (fail before any work if the extra is missing)
    import distributed

    files = [(str(path), path) for corpus in corpora for path in corpus.files()]
    chunks = plan(files, corpora[0].reader, encoding, doc_per, chunk_bytes) if files else []
    output = Path(output).resolve()
    _prepare_output(output)

    began = time.perf_counter()
    opened: List[Any] = []
    try:
        if client is None and scheduler:
            try:
                client = distributed.Client(scheduler)
            except Exception as e:  # OSError, TimeoutError, ValueError (bad address)
                raise DistributedError(f"cannot reach the dask scheduler at {scheduler}: "
                                       f"{e}".splitlines()[0]) from None
            opened.append(client)
        elif client is None:
            cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1,
                                               processes=True, dashboard_address=":0")
            opened.append(cluster)
            client = distributed.Client(cluster)
            opened.append(client)
        try:
            client.wait_for_workers(1, timeout=120)
        except Exception:  # TimeoutError (asyncio's before Python 3.11)
            raise DistributedError(f"no dask worker joined {scheduler or 'the LocalCluster'}"
                                   " in 120 s") from None
        workers = client.nthreads()
        started = time.perf_counter()
        results = _run(client, chunks, settings, output, progress) if chunks else {}
        timing = (started - began, time.perf_counter() - started)
    finally:
        for thing in reversed(opened):
            thing.close()

    # Each chunk's first line in its file, from the line counts of the chunks before it.
    first_lines: Dict[int, int] = {}
    line = 1
    for chunk in chunks:
        if chunk.chunk == 0:
            line = 1
        first_lines[chunk.index] = line
        done = results.get(chunk.index)
        if done is None or done["error"] is not None:
            break
        line += done["lines"]
    errors = sorted(i for i, r in results.items() if r["error"] is not None)
    if errors:
        chunk = chunks[errors[0]]
        raise DistributedError(_error_message(chunk, results[chunk.index]["error"],
                                              first_lines.get(chunk.index), encoding))
    manifest = _manifest(chunks, results, first_lines, settings, chunk_bytes, scheduler,
                         workers, timing)
    (output / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                   encoding="utf-8")
    return manifest


def _manifest(chunks, results, first_lines, settings, chunk_bytes, scheduler, workers,
              timing) -> Dict[str, Any]:
    from . import __version__

    shards = []
    files: Dict[str, Dict[str, Any]] = {}
    totals: Dict[str, Any] = {"shards": 0, "docs": 0, "sentences": 0, "tokens": 0}
    problems_total: Counter = Counter()
    for chunk in chunks:
        r = results[chunk.index]
        first = first_lines[chunk.index]
        problems = [{"kind": kind, "line": first + line - 1, "col": col, "text": text,
                     "message": message}
                    for kind, message, line, col, text in r["problems"]]
        by_kind = Counter(p["kind"] for p in problems)
        shards.append({
            "shard": chunk.name + EXTENSIONS[settings["to"]], "source": chunk.source,
            "chunk": chunk.chunk, "bytes": [chunk.start, chunk.end], "first_line": first,
            "lines": r["lines"], "docs": r["docs"], "sentences": r["sentences"],
            "tokens": r["tokens"], "problems": dict(by_kind.most_common()),
            "problem_list": problems, "seconds": r["seconds"],
        })
        f = files.setdefault(chunk.source, {"shards": [], "bytes": 0, "docs": 0,
                                            "sentences": 0, "tokens": 0, "problems": Counter(),
                                            "problem_list": []})
        f["shards"].append(shards[-1]["shard"])
        f["bytes"] = chunk.end
        for key in ("docs", "sentences", "tokens"):
            f[key] += r[key]
            totals[key] += r[key]
        f["problems"].update(by_kind)
        f["problem_list"].extend(problems)
        problems_total.update(by_kind)
        totals["shards"] += 1
    for f in files.values():
        f["problems"] = dict(f["problems"].most_common())
    totals["problems"] = dict(problems_total.most_common())
    # Conversion time from the first task submitted to the last result (what tokens/s is
    # measured on), and the time it took to start or reach the cluster before it.
    totals["seconds"] = round(timing[1], 3)
    totals["tokens_per_second"] = round(totals["tokens"] / max(timing[1], 1e-9))
    totals["cluster_start_seconds"] = round(timing[0], 3)
    return {
        "version": __version__,
        "engine": {"engine": "dask", "scheduler": scheduler or "LocalCluster",
                   "workers": len(workers), "threads": sum(workers.values()),
                   "chunk_bytes": chunk_bytes, **settings},
        "totals": totals,
        "files": files,
        "shards": shards,
    }


def cli_convert(inputs: Sequence[Path], output: Path, *, chunk_bytes: Optional[str],
                n_workers: int, scheduler: Optional[str], **settings) -> None:
    """`convert --engine dask` for cli.py: progress bar, summary, one-line errors."""
    from tqdm import tqdm
    from wasabi import msg

    from .cli import _print_problems, fail

    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        fail(INSTALL_HINT)
    try:
        size = parse_size(chunk_bytes) if chunk_bytes is not None else DEFAULT_CHUNK_BYTES
    except DistributedError as e:
        fail(str(e))
    bars: List[Any] = []  # made at the first result: errors before it come without a bar

    def progress(result: Dict[str, Any]) -> None:
        if not bars:
            bars.append(tqdm(unit=" tokens", unit_scale=True, desc="convert (dask)",
                             leave=False))
        bars[0].update(result.get("tokens", 0))

    try:
        manifest = convert(inputs, output, chunk_bytes=size, n_workers=n_workers,
                           scheduler=scheduler, progress=progress, **settings)
    except DistributedError as e:
        for bar in bars:
            bar.close()
        fail(str(e))
    for bar in bars:
        bar.close()
    t, engine = manifest["totals"], manifest["engine"]
    msg.good(f"wrote {output}: {t['shards']} shard(s) and {MANIFEST}, {t['docs']:,} docs, "
             f"{t['sentences']:,} sentences, {t['tokens']:,} tokens "
             f"({t['tokens_per_second']:,} tokens/s on {engine['workers']} dask worker(s): "
             f"{t['seconds']:.1f} s, after {t['cluster_start_seconds']:.1f} s to start or "
             "reach the cluster)")
    _print_problems(Counter(t["problems"]))
