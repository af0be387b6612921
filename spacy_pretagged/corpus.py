"""`spacy_pretagged.PretaggedCorpus.v1`: pre-tagged files as training data for `spacy train`.

spaCy's own `Corpus` makes the predicted Doc with `nlp.make_doc(reference.text)`, i.e. it
would run our tokenizer on text without tags (spacy_anchors.md P12). This reader yields
`Example(predicted, reference)` where the predicted Doc has the reference's words and spaces
and nothing else, and the reference carries the corpus' tags plus what the pipeline's rule
components derive from them (POS, morph, lemma, entities, sentence starts), so a trained
`tagger` learns the corpus' fine tags and `spacy evaluate` can score POS and entities.

With `given_tags`, the predicted Doc is instead what the pipeline itself makes of the same
pre-tagged text — its tokenizer's Doc and its mapper's POS, without the parse and the
entities — so components trained over given tags (a parser whose tok2vec reads TAG and
POS) see in training what they see at run time. spaCy's training loop runs no rule
component on the predicted Docs it is given, so they must carry this already.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Tuple, Union

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from . import tagsets
from .entities import PretaggedEntities
from .formats import Problem, ReaderSettings, Reading
from .formats.stream import DOC_PER, Units, decoded_blocks, has_words, unit_ranges
from .mapper import PretaggedTagMapper
from .tokenizer import doc_from_lists

#: The rule components that annotate the reference Docs, by factory name, in the order they
#: run; the pipeline's own are used when it has them (their config applies), else these.
ANNOTATORS: Tuple[str, ...] = ("pretagged_tag_mapper", "pretagged_entities", "sentencizer")


class PretaggedCorpus:
    """The files under `path` read with `settings`, cut into document units (`doc_per`)."""

    def __init__(
        self,
        path: Union[str, Path],
        settings: Optional[ReaderSettings] = None,
        *,
        encoding: str = "utf-8",
        doc_per: str = "line",
        limit: int = 0,
        given_tags: bool = False,
    ):
        if doc_per not in DOC_PER:
            raise ValueError(f"doc_per must be one of {DOC_PER}, not {doc_per!r}")
        self.path = Path(path)
        if not self.path.exists():
            raise ValueError(f"no such file or folder: {self.path}")
        self.settings = settings or ReaderSettings()
        self.encoding = encoding
        self.doc_per = doc_per
        self.limit = limit
        self.given_tags = given_tags
        self.reader = tagsets.make_reader(self.settings)

    @property
    def tagset(self) -> str:
        return self.settings.tagset

    def files(self) -> List[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(p for p in self.path.rglob("*") if p.is_file() and
                      not p.name.startswith("."))

    def stream(self, path: Union[str, Path],
               on_problem: Optional[Callable[[Problem], None]] = None) -> Iterator[Reading]:
        """The document units of one file, each yielded as soon as the file has been read
        past it: memory holds one unit (`doc_per="file"`: the file), never the whole file
        for `line` and `article` (formats/stream.py). Each unit carries the problems of its
        lines; `on_problem` gets every problem of the file, also those of lines in no unit,
        in file order. Problems name the file and its real line numbers; undecodable bytes
        raise `FileDecodeError` (a UnicodeDecodeError with the position in the file)."""
        with Path(path).open("rb") as f:
            pieces = decoded_blocks(f, self.encoding)
            lines = self.reader.stream(pieces, source=str(path))
            yield from Units(self.doc_per, on_problem)(lines)

    def readings(self, on_problem: Optional[Callable[[Problem], None]] = None
                 ) -> Iterator[Reading]:
        """One Reading per document unit, in file order (`stream` over `files()`)."""
        for path in self.files():
            yield from self.stream(path, on_problem)

    def split(self, reading: Reading) -> Iterator[Reading]:
        """The document units of a file's Reading read whole (`doc_per`); units without words
        are skipped (blank lines). What `stream` gives while it reads, by definition."""
        yield from reading.split([(start, end) for start, end in self.units(reading)
                                  if has_words(reading, start, end)])

    def units(self, reading: Reading) -> List[Tuple[int, int]]:
        """[start, end) of the document units of a whole file's Reading (`unit_ranges`)."""
        return unit_ranges(reading, self.doc_per)

    def annotators(self, nlp: Language) -> List[Callable[[Doc], Doc]]:
        """The pipeline's own rule components (by factory name), so that what its config says
        (overrides, labels, word_rules) holds for the reference Docs too; defaults for this
        corpus' tagset where the pipeline has none."""
        factories = {nlp.get_pipe_meta(name).factory: name for name in nlp.component_names}
        defaults = {"pretagged_tag_mapper": lambda: PretaggedTagMapper(nlp.vocab,
                                                                       tagset=self.tagset),
                    "pretagged_entities": lambda: PretaggedEntities(nlp.vocab,
                                                                    tagset=self.tagset),
                    "sentencizer": Sentencizer}
        return [nlp.get_pipe(factories[factory]) if factory in factories
                else defaults[factory]() for factory in ANNOTATORS]

    def __call__(self, nlp: Language) -> Iterator[Example]:
        annotate = self.annotators(nlp)
        mapper = annotate[ANNOTATORS.index("pretagged_tag_mapper")]
        tokenizer = getattr(nlp.tokenizer, "doc_from_reading", None)
        for n, reading in enumerate(self.readings()):
            if self.limit and n >= self.limit:
                break
            reference = (tokenizer(reading) if tokenizer else
                         doc_from_lists(nlp.vocab, reading))
            for component in annotate:
                reference = component(reference)
            if self.given_tags:
                # What the pipeline makes of the same pre-tagged text: its tokenizer's Doc
                # (words, tags, sentence starts) and its mapper's POS, no parse, no entities.
                given = replace(reading, heads=None, deps=None, entities=[])
                predicted = mapper(tokenizer(given) if tokenizer else
                                   doc_from_lists(nlp.vocab, given))
            else:
                predicted = Doc(nlp.vocab, words=reading.words, spaces=reading.spaces)
            yield Example(predicted, reference)


@registry.readers("spacy_pretagged.PretaggedCorpus.v1")
def create_pretagged_corpus(
    path: Union[str, Path],
    format: str = "auto",
    tagset: str = "hanlp",
    separator: str = "/",
    item_separator: Optional[str] = None,
    encoding: str = "utf-8",
    doc_per: str = "line",
    limit: int = 0,
    on_error: str = "raise",
    title_prefix: Optional[str] = "#",
    brackets: bool = True,
    pinyin: bool = True,
    paragraph_ids: bool = True,
    untagged: str = "raise",
    tokens_key: str = "tok/fine",
    text_key: Optional[str] = None,
    given_tags: bool = False,
) -> Callable[[Language], Iterable[Example]]:
    """Training data for `[corpora.*]`: the reader parameters are `ReaderSettings`' fields
    (point them at `${nlp.tokenizer.*}` to read as the pipeline does). `given_tags`: the
    predicted Docs carry the corpus' tags and the mapper's POS, as the pipeline's tokenizer
    and mapper give them at run time (to train a parser over given tags); false: words
    only (to train a tagger that learns the tags)."""
    settings = ReaderSettings.pick(locals())  # the parameters, by name
    return PretaggedCorpus(path, settings, encoding=encoding, doc_per=doc_per, limit=limit,
                           given_tags=given_tags)
