"""The spacy-pkuseg model behind `untagged = "segment"`: loaded from a path, saved with the
pipeline.

Saving follows spaCy's `ChineseTokenizer` (spacy/lang/zh/__init__.py), so the layout is one
spaCy users already know and a packaged pipeline needs nothing else:
- on disk, inside `tokenizer/`: `pkuseg_model/` (features.msgpack, weights.npz) and
  `pkuseg_processors` (msgpack: user dictionary, post-processing switch and word lists);
- in bytes: the keys `pkuseg_features`, `pkuseg_weights`, `pkuseg_processors`.
Unlike spaCy, only paths are loaded: spacy_pkuseg downloads when given a model *name*
(`spacy_ontonotes`, `news`, …), which a pipeline must never do behind the user's back. And
only from features.msgpack: without it spacy_pkuseg unpickles features.pkl, and loading a
pipeline must never unpickle (bytes are always written out as features.msgpack).
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import srsly

#: What `spacy_pkuseg.train` writes and `spacy_pkuseg.pkuseg(path)` reads.
MODEL_FILES = ("features.msgpack", "weights.npz")
#: What spacy_pkuseg falls back to without features.msgpack: a pickle, never loaded here.
PICKLED_FEATURES = "features.pkl"
MODEL_DIR = "pkuseg_model"
PROCESSORS = "pkuseg_processors"
#: The `to_bytes` keys, as ChineseTokenizer names them.
BYTES_KEYS = ("pkuseg_features", "pkuseg_weights", "pkuseg_processors")

_INSTALL = 'pip install "spacy-pkuseg>=0.0.27,<0.1.0"'


def _spacy_pkuseg() -> Any:
    try:
        import spacy_pkuseg
    except ImportError:
        raise ImportError(f"untagged='segment' needs spacy-pkuseg: {_INSTALL}") from None
    return spacy_pkuseg


def load(model: Union[str, Path], user_dict: Optional[Union[str, Path]] = "default") -> Any:
    """A `spacy_pkuseg.pkuseg` from a folder made by `spacy_pkuseg.train`.

    user_dict: "default" (pkuseg's built-in word list, shipped with spacy-pkuseg), None (no
    dictionary) or the path of a dictionary file (a word, optionally TAB and a tag, a line).
    """
    path = Path(model)
    if not path.is_dir():
        raise ValueError(
            f"pkuseg_model must be the path of a folder made by spacy_pkuseg.train, not "
            f"{str(model)!r}, which is no folder (model names such as 'spacy_ontonotes' would "
            "download and are not accepted)")
    _check_model_folder(path, f"pkuseg_model {str(model)!r}")
    if user_dict is not None and user_dict != "default" and not Path(user_dict).is_file():
        raise ValueError(f"pkuseg_user_dict must be 'default', null or the path of a "
                         f"dictionary file, not {str(user_dict)!r}")
    if user_dict is not None and user_dict != "default":
        user_dict = str(Path(user_dict).resolve())
    # Absolute, so that a folder called `news` is never taken for the model name `news`.
    return _spacy_pkuseg().pkuseg(str(path.resolve()), user_dict=user_dict)


def _check_model_folder(path: Path, name: str) -> None:
    """Refuse a folder that spacy_pkuseg would load from anything but MODEL_FILES: without
    features.msgpack it unpickles `features.pkl` (which can run any code), or reads older
    formats and writes into the folder."""
    missing = [file for file in MODEL_FILES if not (path / file).is_file()]
    if MODEL_FILES[0] in missing and (path / PICKLED_FEATURES).exists():
        folder = str(path.resolve())
        raise ValueError(
            f"{name} has {PICKLED_FEATURES} but no {MODEL_FILES[0]}: it is not loaded, because "
            "unpickling a file can run any code. If you trust it, convert it once: python -c "
            f"\"import spacy_pkuseg; spacy_pkuseg.pkuseg({folder!r}, user_dict=None)"
            f".feature_extractor.save({folder!r})\"")
    if missing:
        raise ValueError(f"{name} is not a folder made by spacy_pkuseg.train: it has no "
                         f"{' or '.join(missing)}")


def to_disk(seg: Any, path: Path) -> None:
    model_dir = path / MODEL_DIR
    model_dir.mkdir(parents=True, exist_ok=True)
    seg.model.save(str(model_dir))
    seg.feature_extractor.save(str(model_dir))
    srsly.write_msgpack(path / PROCESSORS, _processors(seg))


def from_disk(path: Path) -> Optional[Any]:
    """The model saved by `to_disk` in `path`, or None if there is none."""
    model_dir = path / MODEL_DIR
    if not model_dir.is_dir():
        return None
    _check_model_folder(model_dir, f"the saved tokenizer's pkuseg model {str(model_dir)!r}")
    # user_dict=None: the dictionaries come from the processors file, not from pkuseg's.
    seg = _spacy_pkuseg().pkuseg(str(model_dir.resolve()), user_dict=None)
    if (path / PROCESSORS).is_file():
        _restore_processors(seg, srsly.read_msgpack(path / PROCESSORS))
    return seg


def to_parts(seg: Any) -> Dict[str, bytes]:
    """The model as bytes under `BYTES_KEYS` (pkuseg itself only saves to a folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        seg.feature_extractor.save(tmp)
        seg.model.save(tmp)
        features, weights = (Path(tmp, name).read_bytes() for name in MODEL_FILES)
    return {"pkuseg_features": features, "pkuseg_weights": weights,
            "pkuseg_processors": srsly.msgpack_dumps(_processors(seg))}


def from_parts(parts: Dict[str, bytes]) -> Optional[Any]:
    """The model from `to_parts` output, or None if its files are not there (excluded)."""
    if not parts.get("pkuseg_features") or not parts.get("pkuseg_weights"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        for name, key in zip(MODEL_FILES, ("pkuseg_features", "pkuseg_weights")):
            Path(tmp, name).write_bytes(parts[key])
        seg = _spacy_pkuseg().pkuseg(str(Path(tmp).resolve()), user_dict=None)
    if parts.get("pkuseg_processors"):
        _restore_processors(seg, srsly.msgpack_loads(parts["pkuseg_processors"]))
    return seg


def _processors(seg: Any) -> Tuple[List[Tuple[str, str]], bool, List[str], List[str]]:
    # ChineseTokenizer's tuple. A postprocesser built without dictionaries has no word sets.
    post = seg.postprocesser
    return (_trie_words(seg.preprocesser.trie), post.do_process,
            sorted(getattr(post, "common_words", ())), sorted(getattr(post, "other_words", ())))


def _restore_processors(seg: Any, data: Any) -> None:
    user_words, do_process, common_words, other_words = data
    seg.preprocesser = _spacy_pkuseg().Preprocesser([tuple(entry) for entry in user_words])
    seg.postprocesser.do_process = do_process
    seg.postprocesser.common_words = set(common_words)
    seg.postprocesser.other_words = set(other_words)


def _trie_words(root: Any) -> List[Tuple[str, str]]:
    """(word, tag) of the user dictionary, from pkuseg's trie (iterative: no depth limit)."""
    words = []
    stack = [("", root)]
    while stack:
        prefix, node = stack.pop()
        if node.isword:
            words.append((prefix, node.usertag))
        stack.extend((prefix + char, child) for char, child in node.children.items())
    return sorted(words)
