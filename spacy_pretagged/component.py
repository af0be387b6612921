"""What the two rule components (`pretagged_tag_mapper`, `pretagged_entities`) share:
spaCy's `Pipe` (its `pipe` with the pipeline's error handler, `initialize`, `labels`), our
parts serialization with a `cfg` that records the package version that saved it, and scoring
with the configured scorer.

Loading is strict about a saved pipeline's own data: a part that is missing, not a regular
file (serialize.py) or malformed is a one-line `ValueError` naming the file, never a quiet
fall back to the installed tables — a pipeline must tag as it did when it was saved. The
one exception is a pipeline saved by 0.1.0 (its `cfg` records no version): it saved the
settings only, and its tables come from the installed package, as when it was made."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, Optional, Tuple

import srsly
from spacy.pipeline import Pipe
from spacy.training import Example
from spacy.vocab import Vocab

from .about import __version__
from .serialize import Parts, PartsSerializable

#: The key of a saved `cfg` that records which version of the package saved the pipeline.
MADE_BY = "spacy_pretagged_version"


def json_bytes(data: Any) -> bytes:
    """A saved part as readable JSON."""
    return srsly.json_dumps(data, indent=1).encode("utf-8")


def is_str_map(value: Any) -> bool:
    """A JSON object of strings (labels, compound labels)."""
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


class RuleComponent(PartsSerializable, Pipe):
    cfg: Dict[str, Any]
    #: The saved cfg's settings, each with a check of its JSON value and what it must be.
    CFG_CHECKS: Dict[str, Tuple[Callable[[Any], bool], str]] = {}
    #: Settings a saved cfg may lack (saved before they existed; they get their default).
    CFG_OPTIONAL: Tuple[str, ...] = ()

    def __init__(self, vocab: Vocab, name: str, scorer: Optional[Callable]):
        self.vocab = vocab
        self.name = name
        self.scorer = scorer
        #: The version of spacy-pretagged whose tables the component holds: this one when
        #: made from a config; a loaded pipeline's, the one that saved it (None: saved
        #: before versions were recorded, by 0.1.0).
        self.made_by: Optional[str] = __version__

    def _cfg_bytes(self) -> bytes:
        return json_bytes({**self.cfg, MADE_BY: self.made_by})

    def _saved_cfg(self, parts: Parts) -> Tuple[Dict[str, Any], Optional[str]]:
        """(settings, version) from the loaded parts, checked; the current ones if `cfg`
        was excluded. A part asked for and not found is an error naming it, except the
        tables a 0.1.0 pipeline never saved (see the module docstring)."""
        missing = parts.missing()
        if "cfg" not in parts:
            if missing:
                raise ValueError(f"{parts.where(missing[0])}: missing")
            return dict(self.cfg), self.made_by
        cfg = parts.json("cfg")
        where = parts.where("cfg")
        if not isinstance(cfg, dict):
            raise ValueError(f"{where}: not a JSON object of settings")
        for key, (check, what) in self.CFG_CHECKS.items():
            if key not in cfg:
                if key not in self.CFG_OPTIONAL:
                    raise ValueError(f"{where}: setting {key!r} missing")
            elif not check(cfg[key]):
                raise ValueError(f"{where}: {key!r} must be {what}, not {cfg[key]!r:.80}")
        made_by = cfg.pop(MADE_BY, None)
        if made_by is not None and not isinstance(made_by, str):
            raise ValueError(f"{where}: {MADE_BY!r} must be a version string")
        if missing and made_by is not None:
            raise ValueError(f"{parts.where(missing[0])}: missing (spacy-pretagged "
                             f"{made_by} saved this pipeline with it)")
        return cfg, made_by

    @staticmethod
    @contextmanager
    def _naming(parts: Parts, name: str = "cfg") -> Iterator[None]:
        """A ValueError about loaded settings names the saved file they came from."""
        try:
            yield
        except ValueError as e:
            if name not in parts:
                raise
            raise ValueError(f"{parts.where(name)}: {e}") from None

    def score(self, examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
        # Not Pipe.score: it would pass our cfg (tagset, overrides, ...) to the scorer.
        if self.scorer is None:
            raise ValueError(f"[{self.name}] has no scorer configured")
        return self.scorer(examples, **kwargs)
