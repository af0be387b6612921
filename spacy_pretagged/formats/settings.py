"""How to read a text: one frozen settings object, and a preset of it per producer.

Every part that reads pre-tagged text — the tokenizer, the training corpus, the command line,
the Dask workers, the project scripts — takes a `ReaderSettings`. It is checked once, when it
is made, so a bad value fails where it was written with a clear message, not on the first
text. The registered functions (tokenizer, corpus) keep their explicit parameters, because
that is what confection validates and documents; they build a `ReaderSettings` from them and
pass it on. Nothing else lists the fields.

`PRESETS` are what each producer writes (the configs/*.cfg files are these, written out):
HanLP glues tags to the next word and marks titles with `#`; PKU (People's Daily 1998)
separates items with runs of spaces that vary; ICTCLAS, jieba, pkuseg and THULAC with exactly
one space; THULAC joins word and tag with `_`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Dict, Mapping, Optional, Tuple

FORMATS = ("auto", "concatenated", "spaced", "conllu", "hanlp_json")
ON_ERROR = ("raise", "warn")
#: What a line without any tag gets: an error, one token per character (spaCy's own
#: default Chinese segmentation), or the words of a segmenter (the tokenizer's pkuseg
#: model); the tokens get an empty tag either way.
UNTAGGED = ("raise", "characters", "segment")


def _check_choice(name: str, value: object, allowed: Tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


@dataclass(frozen=True)
class ReaderSettings:
    """What the reader needs to know about a text besides the text.

    format: "auto" decides per line between the two readings; "concatenated" is HanLP's
        glued output (`也/d即/v`), "spaced" whitespace-separated items (PKU, ICTCLAS, ...);
        "conllu" CoNLL-U / CoNLL-X (formats/conllu.py: the word/tag settings below do not
        apply; the tagset maps XPOS where UPOS is not given).
        "hanlp_json" HanLP 2.x `Document`s as JSON (formats/hanlp_json.py; also LTP 4, jiagu
        and LAC output written in that shape): the tags are the `pos/<tagset>` key's.
    separator: the one character between word and tag (`/`; THULAC `_`).
    tagset: the name of the tag table (`spacy_pretagged.tagsets.available()`); the reader
        knows tags from it, the mapper UPOS.
    title_prefix: a line starting with it is a title (HanLP's `#`); None: no titles.
    on_error: "raise" stops at the first problem; "warn" keeps going and reports them all.
    item_separator: None: any whitespace run between spaced items is markup (PKU); a
        whitespace string such as " ": exactly that is, and more whitespace is text.
    brackets, pinyin, paragraph_ids: read PKU bracket compounds `[...]nt`, pinyin in braces
        `看{kan4}/v` and paragraph ids `19980101-01-001-001/m` as markup.
    untagged: what a line with no tag gets (see UNTAGGED).
    tokens_key: hanlp_json: the key of the words (`tok/fine`, `tok/coarse`, `tok`).
    text_key: hanlp_json: the key of the raw text, if the objects carry it (HanLP's do not):
        the words are aligned to it and keep its spacing; None: words joined with no space.
    """

    format: str = "auto"
    separator: str = "/"
    tagset: str = "hanlp"
    title_prefix: Optional[str] = "#"
    on_error: str = "raise"
    item_separator: Optional[str] = None
    brackets: bool = True
    pinyin: bool = True
    paragraph_ids: bool = True
    untagged: str = "raise"
    tokens_key: str = "tok/fine"
    text_key: Optional[str] = None

    def __post_init__(self) -> None:
        _check_choice("format", self.format, FORMATS)
        _check_choice("on_error", self.on_error, ON_ERROR)
        _check_choice("untagged", self.untagged, UNTAGGED)
        if not isinstance(self.separator, str) or len(self.separator) != 1 \
                or self.separator.isspace():
            raise ValueError(f"separator must be one non-whitespace character, not "
                             f"{self.separator!r}")
        if not isinstance(self.tagset, str) or not self.tagset:
            raise ValueError(f"tagset must be the name of a tag table, not {self.tagset!r}")
        if self.title_prefix is not None and (not isinstance(self.title_prefix, str)
                                              or self.title_prefix == ""):
            raise ValueError("title_prefix must be a non-empty string or None")
        if self.item_separator is not None and (not isinstance(self.item_separator, str)
                                                or not self.item_separator
                                                or self.item_separator.strip()):
            raise ValueError(f"item_separator must be whitespace or None, not "
                             f"{self.item_separator!r}")
        if not isinstance(self.tokens_key, str) or not self.tokens_key:
            raise ValueError(f"tokens_key must be the key of the words, not {self.tokens_key!r}")
        if self.text_key is not None and (not isinstance(self.text_key, str)
                                          or not self.text_key):
            raise ValueError(f"text_key must be a key or None, not {self.text_key!r}")
        for name in ("brackets", "pinyin", "paragraph_ids"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")

    @classmethod
    def preset(cls, name: str, **changes: Any) -> "ReaderSettings":
        """The settings a producer's output is read with, with `changes` on top."""
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; available: {', '.join(PRESETS)}")
        return PRESETS[name].replace(**changes)

    @classmethod
    def for_tagset(cls, tagset: Optional[str] = None, preset: Optional[str] = None,
                   **changes: Any) -> "ReaderSettings":
        """The preset named `preset`, else the one of `tagset` (its producer: the preset of
        that name, else the first that reads that table), else hanlp's;
        then `changes` whose value is not None. What a command line with `--preset` and
        optional single-field options means."""
        name = preset or (tagset if tagset in PRESETS else None) \
            or next((key for key, value in PRESETS.items() if value.tagset == tagset), "hanlp")
        given = {key: value for key, value in changes.items() if value is not None}
        if tagset is not None:
            given["tagset"] = tagset
        return cls.preset(name, **given)

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any]) -> "ReaderSettings":
        """From a saved `to_dict()`; keys this version does not know are an error."""
        unknown = set(cfg) - FIELDS
        if unknown:
            raise ValueError(f"unknown reader setting(s): {', '.join(sorted(unknown))}")
        return cls(**cfg)

    @classmethod
    def pick(cls, arguments: Mapping[str, Any]) -> "ReaderSettings":
        """From a registered function's arguments (`locals()`), taking the fields and leaving
        the rest (a corpus' path, encoding): the signature that confection validates is the
        one list of the fields there, and this reads it by name."""
        return cls(**{key: value for key, value in arguments.items() if key in FIELDS})

    def replace(self, **changes: Any) -> "ReaderSettings":
        unknown = set(changes) - FIELDS
        if unknown:
            raise ValueError(f"unknown reader setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


#: The field names, for checks.
FIELDS = frozenset(f.name for f in fields(ReaderSettings))

PRESETS: Dict[str, ReaderSettings] = {
    "hanlp": ReaderSettings(format="auto", tagset="hanlp", title_prefix="#"),
    "pku": ReaderSettings(format="spaced", tagset="pku", title_prefix=None),
    "pku_fine": ReaderSettings(format="spaced", tagset="pku_fine", title_prefix=None),
    "ictclas": ReaderSettings(format="spaced", tagset="ictclas", title_prefix=None,
                              item_separator=" "),
    "jieba": ReaderSettings(format="spaced", tagset="jieba", title_prefix=None,
                            item_separator=" "),
    "pkuseg": ReaderSettings(format="spaced", tagset="pkuseg", title_prefix=None,
                             item_separator=" "),
    "thulac": ReaderSettings(format="spaced", separator="_", tagset="thulac",
                             title_prefix=None, item_separator=" "),
    # Today's tagsets (issue 17): CTB, 863, LAC, UPOS. One space between items (more
    # whitespace is text), and none of PKU's markup: these producers write no brackets,
    # pinyin or paragraph ids, and a `[/PU` item is a word. The snippet that writes each
    # text is in docs/tagsets-today.md.
    # spaCy zh_core_web_*: " ".join(f"{t.text}/{t.tag_}" for t in doc); Stanza (CTB
    # models) and CoreNLP's pipeline written the same way.
    "ctb": ReaderSettings(format="spaced", tagset="ctb", title_prefix=None,
                          item_separator=" ", brackets=False, pinyin=False,
                          paragraph_ids=False),
    # Stanford CoreNLP / the Stanford POS tagger with `-tagSeparator _`: 我_PN 爱_VV.
    "corenlp": ReaderSettings(format="spaced", separator="_", tagset="ctb",
                              title_prefix=None, item_separator=" ", brackets=False,
                              pinyin=False, paragraph_ids=False),
    # The Stanford POS tagger's Chinese models (their tagSeparator is #): 我#PN 爱#VV.
    "corenlp_hash": ReaderSettings(format="spaced", separator="#", tagset="ctb",
                                   title_prefix=None, item_separator=" ", brackets=False,
                                   pinyin=False, paragraph_ids=False),
    # jiagu: words = jiagu.seg(text); " ".join(f"{w}/{t}" for w, t in
    # zip(words, jiagu.pos(words))). 863 tags with jiagu's own (vl vu nhf ...).
    "jiagu": ReaderSettings(format="spaced", tagset="863", title_prefix=None,
                            item_separator=" ", brackets=False, pinyin=False,
                            paragraph_ids=False),
    # LTP 4: out = ltp.pipeline([text], tasks=["cws", "pos"]);
    # " ".join(f"{w}/{t}" for w, t in zip(out.cws[0], out.pos[0])). 863 tags.
    "ltp": ReaderSettings(format="spaced", tagset="863", title_prefix=None,
                          item_separator=" ", brackets=False, pinyin=False,
                          paragraph_ids=False),
    # Baidu LAC: words, tags = LAC(mode="lac").run(text);
    # " ".join(f"{w}/{t}" for w, t in zip(words, tags)). PER LOC ORG TIME are entities.
    "lac": ReaderSettings(format="spaced", tagset="lac", title_prefix=None,
                          item_separator=" ", brackets=False, pinyin=False,
                          paragraph_ids=False),
    # Tags that already are UPOS (Stanza, HanLP 2.x's UD model, a UD file's column):
    # "\n".join(" ".join(f"{w.text}/{w.upos}" for w in s.words) for s in doc.sentences).
    "ud": ReaderSettings(format="spaced", tagset="ud", title_prefix=None,
                         item_separator=" ", brackets=False, pinyin=False,
                         paragraph_ids=False),
    # UD treebanks and parsers' CoNLL-U; the tag table maps the XPOS of UD_Chinese-GSD
    # (and PUD), used only where a word has no UPOS.
    "conllu": ReaderSettings(format="conllu", tagset="gsd", title_prefix=None),
    # HanLP 2.x Documents as JSON lines (`print(json.dumps(doc, ensure_ascii=False))`): the
    # `pos/ctb` key (HanLP's default standard); other standards with --tagset pku | 863 | ud.
    "hanlp2": ReaderSettings(format="hanlp_json", tagset="ctb", title_prefix=None),
    # LTP 4's pipeline output written in the same shape, with its parse and the input text
    # under "text" (the snippet is in docs/formats.md): 863 tags, LTP's relations.
    "ltp_json": ReaderSettings(format="hanlp_json", tagset="863", title_prefix=None,
                               text_key="text"),
}
