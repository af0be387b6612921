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

from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Tuple, TypeVar, Union

from spacy.util import from_bytes, to_bytes

PathLike = Union[str, Path]
Self = TypeVar("Self", bound="PartsSerializable")


class PartsSerializable:
    #: Every part `_load_parts` understands, in the order it is given them.
    PARTS: Tuple[str, ...] = ("cfg",)

    def _save_parts(self) -> Dict[str, Callable[[], bytes]]:
        """Each part's name and a function that makes its bytes."""
        raise NotImplementedError

    def _load_parts(self, parts: Dict[str, bytes]) -> None:
        """Take the parts that were found (any subset of PARTS)."""
        raise NotImplementedError

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return to_bytes(self._save_parts(), exclude)

    def from_bytes(self: Self, data: bytes, *, exclude: Iterable[str] = tuple()) -> Self:
        parts: Dict[str, bytes] = {}
        from_bytes(data, {name: _collect(parts, name) for name in self.PARTS}, exclude)
        self._load_parts(parts)
        return self

    def to_disk(self, path: PathLike, *, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, make in self._save_parts().items():
            if name not in exclude:
                (path / name).write_bytes(make())

    def from_disk(self: Self, path: PathLike, *, exclude: Iterable[str] = tuple()) -> Self:
        # spaCy calls this even when the pipeline was saved with exclude=[<this part>]:
        # parts that are not there are not loaded.
        path = Path(path)
        parts = {name: (path / name).read_bytes() for name in self.PARTS
                 if name not in exclude and (path / name).is_file()}
        self._load_parts(parts)
        return self


def _collect(parts: Dict[str, bytes], name: str) -> Callable[[Any], None]:
    def take(value: Any) -> None:
        parts[name] = value

    return take
