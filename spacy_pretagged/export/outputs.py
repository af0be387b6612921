"""Outputs that appear whole or not at all: the one place every command and the Dask client
write through.

A conversion of tens of millions of tokens runs for minutes to hours; it may fail on a bad
line, run out of disk, or be stopped with Ctrl-C. Whatever happens, the user's files must be
as they were before the run: the inputs untouched, an earlier output either replaced by a
complete new one or left exactly as it was, and nothing on disk that looks like a finished
output when it is not. Three rules give that:

1. `refuse_overlap`: before anything is opened, an output that is an input, lies inside an
   input folder (it would be read as input by this or the next run) or contains an input
   (replacing it would delete the input) is refused, comparing resolved paths (symlinks
   followed) and, where both exist, the files themselves (hard links).
2. `replacing_file`: the writer writes to a temporary name beside the target, which is
   renamed over the target (`os.replace`) only when the writer returned. On any exception,
   `KeyboardInterrupt` or other interruption included, the temporary file is removed and the
   target is untouched.
3. `replacing_folder`: a shard folder is built as a new folder beside the target and swapped
   in as a whole, so no shard of an earlier run survives into the new one; the old folder is
   removed only after the swap, and only if it holds nothing but names this tool writes
   there (anything else stops the run before it starts, and nothing is deleted).

Why the temporary name is *beside* the target: `rename(2)` replaces one directory entry by
another in a single step when both are on the same file system: another process sees the
old file or the new one, never a mix or a missing file. Across file systems there is no such
step: `os.replace` fails with `EXDEV`, and a move becomes copy-then-delete, which can be cut
in the middle. A temporary file in the target's own folder is always on the target's file
system (the target's path is resolved first, so a symlinked output is written where the link
points). Before the rename the data are flushed (`fsync`), so a power cut cannot leave a
renamed but empty file; after it the folder is flushed too.

A folder cannot be swapped in one step: POSIX `rename` replaces only an empty folder and
Python has no `renameat2(RENAME_EXCHANGE)`. So the swap is two renames, old → a hidden name,
new → target, then the old is deleted; a crash between the two renames leaves the old output
under `.<name>.<random>.old` and the new one under `.<name>.<random>.tmp`, both complete and
nothing lost. Temporary names start with a dot and end in `.tmp` / `.old`, which spaCy's
`Corpus`, our corpus reader and shell globs such as `*.spacy` all skip.

A new file gets the permissions `open()` would have given it (the umask's), an existing one
keeps its own; owner and group are the running user's (as for any new file).

Temporaries a killed run leaves (`kill -9`, the out-of-memory killer, a power cut: no code
of ours runs) would pile up beside the target unseen, a month's CoNLL-U is 57 MB. So every
temporary name says which run made it: `.<name>.<pid>-<start>.<random>.tmp` (`.old`; the
pool's parts folder `.<name>.parts-<pid>-<start>.<random>.tmp`), with the process id and its
start time (clock ticks since boot, `/proc/<pid>/stat`; 0 where there is no `/proc`), so a
reused process id is not taken for the run. Before a run creates its own temporary it
removes those of the same target whose run is gone (`remove_stale`), and says so in one
line (a `logging` warning: what was removed and its size). Only names of that exact pattern
are touched, and never one whose process still runs with that start time (a live run, here
or in another shell), nor, where a run was killed between the two renames of a folder swap
(the target missing), its `.old` and `.tmp`: those are the complete old and new outputs.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Pattern, Sequence, Tuple, Union

from .. import stop_signals

PathLike = Union[str, Path]

logger = logging.getLogger(__name__)


class OutputError(ValueError):
    """An output the run refuses to write (one line: what and why)."""


def _real(path: PathLike) -> Path:
    return Path(path).resolve()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overlap(output: PathLike, inputs: Sequence[PathLike],
                   files: Iterable[PathLike] = ()) -> None:
    """Raise `OutputError` if writing `output` could overwrite, delete or be read as one of
    `inputs` (files or folders, as the user gave them) or `files` (the files the run will
    read, e.g. a folder's, which may be symlinks to elsewhere)."""
    out = _real(output)
    for given in inputs:
        real = _real(given)
        if real == out or _same_file(Path(given), Path(output)):
            raise OutputError(f"the output {output} is also an input; write it elsewhere")
        if real.is_dir() and out.is_relative_to(real):
            raise OutputError(f"the output {output} is inside the input folder {given}, so it "
                              "would be read as input; write it elsewhere")
        if real.is_relative_to(out):
            raise OutputError(f"the input {given} is inside the output folder {output}, "
                              "which the output replaces; write it elsewhere")
    for file in files:
        real = _real(file)
        if real == out or real.is_relative_to(out) or _same_file(Path(file), Path(output)):
            raise OutputError(f"the input {file} is the output {output} or inside it; write "
                              "the output elsewhere")


def _start_time(pid: int) -> Optional[Tuple[str, int]]:
    """(state, start time in clock ticks since boot) of a process (Linux `/proc`), or None
    if there is no such process or no `/proc`."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[19])  # the fields 3 (state) and 22 (starttime) of stat(5)


def run_tag(pid: Optional[int] = None) -> str:
    """`<pid>-<start time>` of this process (or `pid`): what names a run's temporaries."""
    pid = os.getpid() if pid is None else pid
    known = _start_time(pid)
    return f"{pid}-{known[1] if known else 0}"


def run_is_gone(tag: str) -> bool:
    """Whether the process a `run_tag` names has ended: no process of that id, a zombie,
    or one of that id started at another time (the id was reused). Without `/proc` (start
    time 0) only the process id is known: a process of that id counts as the run."""
    pid, start = (int(part) for part in tag.split("-"))
    if not Path("/proc/self/stat").exists() or start == 0:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    known = _start_time(pid)
    return known is None or known[0] in ("Z", "X") or known[1] != start


def _new_name(target: Path, suffix: str, kind: str = "") -> Path:
    return target.with_name(f".{target.name}.{kind}{run_tag()}.{secrets.token_hex(4)}{suffix}")


def _temporaries(target: Path) -> "re.Pattern[str]":
    """The names of `target`'s temporaries (`_new_name`): groups kind, run tag, suffix."""
    return re.compile(re.escape(f".{target.name}.") +
                      r"(parts-)?(\d+-\d+)\.[0-9a-f]{8}\.(tmp|old)")


def _size(path: Path) -> int:
    if path.is_dir() and not path.is_symlink():
        return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())
    return path.lstat().st_size


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def remove_stale(target: PathLike) -> List[Tuple[Path, int]]:
    """Remove the temporaries of `target` (beside it) that runs now gone left (killed
    outright: nothing of theirs could clean up); return them with their sizes, and log one
    warning line naming them. A live run's are never touched, nor the `.old` / `.tmp` pair
    of a run killed in the middle of a folder swap while the target is missing (complete
    old and new outputs: the warning names them instead)."""
    target = _real(target)
    pattern = _temporaries(target)
    runs: Dict[str, List[Tuple[Path, str]]] = {}
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        m = pattern.fullmatch(name)
        if m is not None:
            runs.setdefault(m.group(2), []).append((target.parent / name, m.group(3)))
    removed: List[Tuple[Path, int]] = []
    kept: List[Path] = []
    for tag, paths in sorted(runs.items()):
        if not run_is_gone(tag):
            continue
        if not target.exists() and any(suffix == "old" for _, suffix in paths):
            kept.extend(path for path, _ in paths)
            continue
        for path, _ in sorted(paths):
            try:
                size = _size(path)
            except OSError:
                size = 0
            _remove(path)
            if not path.exists():
                removed.append((path, size))
    if removed:
        total = sum(size for _, size in removed)
        logger.warning(f"removed what killed runs left beside {target.name} "
                       f"({_megabytes(total)}): " +
                       ", ".join(f"{p.name} ({_megabytes(n)})" for p, n in removed))
    if kept:
        logger.warning(f"a run killed while it swapped {target.name} in left the earlier "
                       f"and the new output, both complete: {', '.join(p.name for p in kept)}")
    return removed


def _create(target: Path, folder: bool, kind: str = "") -> Path:
    """A new hidden file or folder beside `target`, made with the permissions a plain
    `open()` / `mkdir()` would give it (0o666 / 0o777 less the umask; `tempfile`'s are
    private, 0o600 / 0o700, and an output is not a secret). Stale temporaries of `target`
    are removed first (`remove_stale`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    while True:
        path = _new_name(target, ".tmp", kind)
        try:
            if folder:
                os.mkdir(path, 0o777)
            else:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return path
        except FileExistsError:
            continue


def _keep_mode(target: Path, new: Path) -> None:
    """An output that replaces an earlier one keeps the earlier one's permissions, as
    rewriting it in place would."""
    try:
        os.chmod(new, stat.S_IMODE(target.stat().st_mode))
    except FileNotFoundError:
        pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(path: Path) -> None:
    """Make a rename in `path` durable; some file systems cannot fsync a folder, and the
    rename has happened anyway."""
    try:
        _fsync(path)
    except OSError:
        pass


def _remove(path: Path) -> None:
    """Remove a temporary file or folder of ours; never raises (the run's own error, or its
    interruption, is what the user must see)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


@contextmanager
def temporary_folder(target: PathLike, kind: str = "parts-") -> Iterator[Path]:
    """A new hidden folder beside `target` for a run's intermediate files (the pool's
    parts), named as the run's (so a killed run's is found and removed by the next), removed
    with what it holds when the block ends, however it ends."""
    target = _real(target)
    path: Optional[Path] = None
    try:
        with stop_signals.deferred():  # as in `replacing_file`
            path = _create(target, folder=True, kind=kind)
        yield path
    finally:
        if path is not None:
            _remove(path)


@contextmanager
def replacing_file(target: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `target` to write the output to; when the block ends
    without an exception, flush it and rename it to `target`, replacing an earlier file. On
    an exception (any: also `KeyboardInterrupt`) remove it and re-raise: `target` is as it
    was. Raises `OutputError` if `target` is a folder."""
    given, target = target, _real(target)
    if target.is_dir():
        raise OutputError(f"the output {given} is a folder; this output is a single file")
    tmp: Optional[Path] = None
    try:
        with stop_signals.deferred():  # a Ctrl-C comes when `tmp` is known, not before
            tmp = _create(target, folder=False)
        yield tmp
        _keep_mode(target, tmp)
        _fsync(tmp)
        stop_signals.check()  # a stop whose exception was swallowed on the way
        os.replace(tmp, target)
    except BaseException:
        if tmp is not None:
            _remove(tmp)
        raise
    _fsync_folder(target.parent)


def foreign_entries(folder: Path, owned: Pattern[str]) -> List[str]:
    """Names in `folder` that are not files matching `owned` (what this tool writes there),
    sorted; a folder or a symlink inside is always foreign."""
    return sorted(p.name for p in folder.iterdir()
                  if not (owned.fullmatch(p.name) and p.is_file() and not p.is_symlink()))


def _check_folder(target: Path, owned: Pattern[str], given: PathLike) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"the output {given} is a file; this output is a folder (of shards)")
    if target.is_dir():
        foreign = foreign_entries(target, owned)
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more"
                                               if len(foreign) > 3 else "")
            raise OutputError(f"the output folder {given} holds {shown}, which this command "
                              "did not write; it replaces the folder as a whole, so give it "
                              "a new or an empty folder (nothing was changed)")


class _Kept(OutputError):
    """The run's new folder could not be swapped in and is kept under its temporary name."""


@contextmanager
def replacing_folder(target: PathLike, owned: Pattern[str]) -> Iterator[Path]:
    """Yield a new empty folder beside `target` to write the shards to; when the block ends
    without an exception, swap it in for `target` and delete the earlier folder. `owned`
    matches the file names this tool writes in such a folder: if `target` holds anything
    else, `OutputError` is raised before anything is created (and again at the end, keeping
    the new folder and naming it, if something else appeared in `target` during the run). On
    an exception the new folder is removed and `target` is as it was."""
    given, target = target, _real(target)
    _check_folder(target, owned, given)
    tmp: Optional[Path] = None
    try:
        with stop_signals.deferred():  # as in `replacing_file`
            tmp = _create(target, folder=True)
        yield tmp
        _keep_mode(target, tmp)
        for path in tmp.iterdir():
            _fsync(path)
        _fsync_folder(tmp)
        try:
            _check_folder(target, owned, given)
        except OutputError as e:
            raise _Kept(f"{e}; the new output is in {tmp}") from None
        stop_signals.check()  # as in `replacing_file`
        _swap_in(tmp, target, owned)
    except _Kept:
        raise
    except BaseException:
        if tmp is not None:
            _remove(tmp)  # nothing if it is already in place
        raise
    _fsync_folder(target.parent)


def _swap_in(new: Path, target: Path, owned: Pattern[str]) -> None:
    """Rename `new` to `target`; an existing `target` (holding only `owned` names) is moved
    aside first and deleted after."""
    if not target.exists():
        os.rename(new, target)
        return
    old = _new_name(target, ".old")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    try:
        for path in old.iterdir():
            if owned.fullmatch(path.name):  # checked before: only names we write
                path.unlink()
        old.rmdir()
    except OSError:  # something appeared there just now, or cannot be deleted: keep it
        pass
