"""`to_bytes` / `from_bytes` / `to_disk` / `from_disk` for our tokenizer and components, from
one list of named parts.

A part is a name and its bytes: the settings (`cfg`, JSON, the file name spaCy users know
from other components), and for the components the tag table and word rules they were made
with (TSV, readable in the saved pipeline's folder). spaCy's `exclude` names parts, as for
its own components. On disk each part is a file of that name; in bytes one msgpack map. A
part that is missing on loading — a pipeline saved before the part existed, or with it
excluded — keeps what the object already has, which is what the config built it with.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, TypeVar, Union

import srsly

PathLike = Union[str, Path]
Self = TypeVar("Self", bound="PartsSerializable")


class Parts(Dict[str, bytes]):
    """The parts found on loading, name → bytes (a 0.1.0 `cfg` in bytes is a str), with the
    names asked for and where they come from: the folder on disk, the object's name for
    bytes."""

    def __init__(self, origin: str, wanted: Iterable[str]):
        super().__init__()
        self.origin = origin
        self.wanted = tuple(wanted)

    def where(self, name: str) -> str:
        """The part as errors name it: `<folder>/tags.tsv`."""
        return f"{self.origin}/{name}"

    def missing(self) -> List[str]:
        """Parts asked for and not found."""
        return [name for name in self.wanted if name not in self]

    def text(self, name: str) -> str:
        """The part as UTF-8 text; a ValueError naming it if it is not."""
        data: Any = self[name]
        if isinstance(data, str):
            return data
        if not isinstance(data, bytes):
            raise ValueError(f"{self.where(name)}: not a file's bytes but "
                             f"{type(data).__name__}")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"{self.where(name)}: not UTF-8 text (byte {e.start}: "
                             f"{e.reason})") from None

    def json(self, name: str) -> Any:
        """The part as JSON; a ValueError naming it if it is not."""
        text = self.text(name)
        try:
            return srsly.json_loads(text)
        except ValueError as e:
            reason = str(e).strip().splitlines()[0] if str(e).strip() else "invalid"
            raise ValueError(f"{self.where(name)}: not JSON ({reason})") from None


class PartsSerializable:
    #: Every part `_load_parts` understands, in the order it is given them.
    PARTS: Tuple[str, ...] = ("cfg",)

    def _save_parts(self) -> Dict[str, Callable[[], bytes]]:
        """Each part's name and a function that makes its bytes."""
        raise NotImplementedError

    def _load_parts(self, parts: Parts) -> None:
        """Take the parts that were found (any subset of PARTS)."""
        raise NotImplementedError

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        exclude = tuple(exclude)
        return srsly.msgpack_dumps({name: make() for name, make in self._save_parts().items()
                                    if not excluded(name, exclude)})

    def from_bytes(self: Self, data: bytes, *, exclude: Iterable[str] = tuple()) -> Self:
        parts = self._parts(str(getattr(self, "name", type(self).__name__)), exclude)
        try:
            msg = srsly.msgpack_loads(data)
        except (ValueError, TypeError) as e:
            raise ValueError(f"{parts.origin}: not the bytes of a saved "
                             f"{type(self).__name__} ({e or type(e).__name__})") from None
        if not isinstance(msg, dict):
            raise ValueError(f"{parts.origin}: not the bytes of a saved "
                             f"{type(self).__name__} (no map of parts)")
        parts.update((name, msg[name]) for name in parts.wanted if name in msg)
        self._load_parts(parts)
        return self

    def to_disk(self, path: PathLike, *, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        exclude = tuple(exclude)
        path.mkdir(parents=True, exist_ok=True)
        for name, make in self._save_parts().items():
            if not excluded(name, exclude):
                (path / name).write_bytes(make())

    def from_disk(self: Self, path: PathLike, *, exclude: Iterable[str] = tuple()) -> Self:
        # spaCy calls this even when the pipeline was saved with exclude=[<this part>]:
        # what a part that is not there means is for `_load_parts` to say.
        path = Path(path)
        parts = self._parts(str(path), exclude)
        for name in parts.wanted:
            data = read_regular_file(path / name)
            if data is not None:
                parts[name] = data
        self._load_parts(parts)
        return self

    def _parts(self, origin: str, exclude: Iterable[str]) -> Parts:
        exclude = tuple(exclude)
        return Parts(origin, (name for name in self.PARTS if not excluded(name, exclude)))


def excluded(name: str, exclude: Iterable[str]) -> bool:
    """spaCy's rule: a part is excluded by its name or by its name before the dot (`labels`
    for labels.json, as spaCy's own `meta` for meta.json)."""
    return name in exclude or name.split(".")[0] in exclude


def read_regular_file(path: Path) -> Optional[bytes]:
    """The bytes of the regular file `path` (links followed); None if there is none. Opened
    without blocking and checked on the open file, so a FIFO or a device is refused before
    anything is read from it, and nothing can be swapped in between."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ValueError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{path}: not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)

