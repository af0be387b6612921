"""Scale-out on Dask: what `python -m spacy_pretagged convert … --engine dask` runs.

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
doc ids are `part-NNNNN-docK`, so sent_ids stay unique across shards). The shards go into a
new folder beside the output, `manifest.json` last, and that folder replaces the output as a
whole only when every chunk converted (`export.outputs.replacing_folder`): a failed run
leaves an earlier output as it was, and the output never mixes shards of two runs. In
strict mode (`on_error="raise"`) the error reported is the first in input order, as a
single process would report it; later partitions are cancelled.

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

Workers build the pipeline the way the CLI does (`pipeline.Conversion`, which is what they
are sent: the `nlp` is never pickled) once per worker thread, read with `PretaggedCorpus`'s
reader and units, run `nlp.pipe` and stream into the chosen writer (`export.WRITERS`),
writing to a temporary name and renaming at the end, so a task dask retries on another
worker leaves one complete shard. Inputs and the output folder must be at the same path on
every worker (one machine, or a shared file system).

The package has four modules, in the order the work flows: `plan` (where to cut; no dask),
`worker` (one chunk → one shard), `client` (submit to Dask, collect, manifest) and `pool`
(the same plan and worker on a local process pool, the parts joined into one file:
`convert --n-process N`). It imports nothing
from the command line; its errors are `DistributedError`s with a one-line reason.
"""
from .client import convert
from .plan import (
                   DEFAULT_CHUNK_BYTES,
                   EXTENSIONS,
                   INSTALL_HINT,
                   MANIFEST,
                   Chunk,
                   DistributedError,
                   parse_size,
                   plan,
)
from .worker import convert_chunk

__all__ = ["DEFAULT_CHUNK_BYTES", "EXTENSIONS", "INSTALL_HINT", "MANIFEST", "Chunk",
           "DistributedError", "convert", "convert_chunk", "parse_size", "plan"]
