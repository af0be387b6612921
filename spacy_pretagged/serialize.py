"""Serialization for components whose whole state is a small JSON settings dict.

spaCy calls `to_disk/from_disk/to_bytes/from_bytes(…, exclude=…)` on the tokenizer and on
every component; both of ours keep only settings (the tables ship with the package), so
both save `cfg` and rebuild from it with `_configure`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, Union

import srsly
from spacy.util import from_bytes, to_bytes


class SettingsSerializable:
    cfg: Dict[str, Any]

    def _configure(self, cfg: Dict[str, Any]) -> None:
        raise NotImplementedError

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return to_bytes({"cfg": lambda: srsly.json_dumps(self.cfg)}, exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()):
        cfg: Dict[str, Any] = {}
        from_bytes(data, {"cfg": lambda b: cfg.update(srsly.json_loads(b))}, exclude)
        if cfg:
            self._configure(cfg)
        return self

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg", self.cfg)

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()):
        # spaCy calls this even when the pipeline was saved with exclude=[<this part>].
        cfg_path = Path(path) / "cfg"
        if cfg_path.exists():
            self._configure(srsly.read_json(cfg_path))
        return self
