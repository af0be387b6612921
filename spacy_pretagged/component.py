"""What the two rule components (`pretagged_tag_mapper`, `pretagged_entities`) share:
spaCy's `Pipe` (its `pipe` with the pipeline's error handler, `initialize`, `labels`), our
parts serialization with a `cfg` that records the package version that saved it, and scoring
with the configured scorer."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Tuple

import srsly
from spacy.pipeline import Pipe
from spacy.training import Example
from spacy.vocab import Vocab

from .about import __version__
from .serialize import PartsSerializable

#: The key of a saved `cfg` that records which version of the package saved the pipeline.
MADE_BY = "spacy_pretagged_version"


def json_bytes(data: Any) -> bytes:
    """A saved part as readable JSON."""
    return srsly.json_dumps(data, indent=1).encode("utf-8")


class RuleComponent(PartsSerializable, Pipe):
    cfg: Dict[str, Any]

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

    def _saved_cfg(self, parts: Dict[str, bytes]) -> Tuple[Dict[str, Any], Optional[str]]:
        """(settings, version) from the loaded parts; the current ones if `cfg` was not
        among them (excluded)."""
        if "cfg" not in parts:
            return dict(self.cfg), self.made_by
        cfg = srsly.json_loads(parts["cfg"])
        return cfg, cfg.pop(MADE_BY, None)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
        # Not Pipe.score: it would pass our cfg (tagset, overrides, ...) to the scorer.
        if self.scorer is None:
            raise ValueError(f"[{self.name}] has no scorer configured")
        return self.scorer(examples, **kwargs)
