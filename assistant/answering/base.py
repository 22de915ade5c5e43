"""The answer layer's frame: the understood question, what strategies may read, and the registry.

A question is understood once (`understand`): its Query (folded, tokenised, places, years,
indicators, topic), the documents it names and its intent. Each intent has one strategy; a
strategy may return None when the question turns out not to be of its kind (an outline question
naming no heading that has parts), and the look-up strategy answers instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, ClassVar, Iterable, Iterator, Mapping, Protocol, Sequence

from assistant.answering.intent import classify
from assistant.answering.kind_examples import from_examples
from assistant.catalogue import FILE_WORDS
from assistant.models import Answer, Citation, Clause, Document, Intent
from assistant.parser import PREAMBLE
from assistant.query import Query
from assistant.hits import Hit, Retrieval
from assistant.targets import Targets
from assistant.textnorm import fold

Idf = Callable[[str], float]


@dataclass(frozen=True)
class Understood:
    """Everything known about one question before it is answered."""

    question: str  # as asked
    query: Query
    intent: Intent
    retrieval: Retrieval  # as searched (its query keeps the whole topic)
    named: tuple[str, ...]  # documents the question names (by place or title), in the order named

    def hits_in(self, source: str, keep: Callable[[str], bool] | None = None) -> Iterator[Hit]:
        """This document's candidates, best first, each made when it is read; given `keep`, only those
        whose folded text (`AnswerContext.folded`) it keeps."""
        return iter(self.retrieval.of_document(source, keep))


@dataclass(frozen=True)
class AnswerContext:
    """What strategies read besides the question: the corpus, its outlines, how telling a term is."""

    documents: Mapping[str, Document]
    outline: Callable[[str], Sequence[Clause]]  # a document's whole clauses, in order
    idf: Idf
    folded: Callable[[Clause], str]  # a clause's headings and text, folded, no whitespace (computed at start-up)
    folded_document: Callable[[str], str]  # a whole document's text, the same way
    top_k: int = 5
    # The documents that hold every CJK bigram or character given (whitespace removed), None if unknown:
    # a which-documents question reads only those of 2 000 that could name its topic.
    documents_with: Callable[[Iterable[str]], "set[str] | None"] = lambda terms: None
    targets: Targets = Targets(())  # every quantified statement of the documents (assistant/targets/)
    synonyms: Callable[[str], Sequence[str]] = lambda word: ()  # words a dictionary glosses alike ('孩子' → 儿童)
    place_of: Callable[[str], str | None] = lambda source: None  # where a document is from, when its title says not
    # the kind most of a question's nearest labelled examples have, and its share (answering/kind_examples.py)
    kind_of: Callable[[str], "tuple[Intent, float]"] = lambda question: (Intent.LOOKUP, 0.0)

    def named_as(self, source: str) -> str:
        """A document as a list of documents names it: its title, and its place when the title does not say it
        ('《卫生健康服务能力提升“八大工程”行动计划(2019—2022年)》（贵州）'): among many plans, whose it is."""
        place = self.place_of(source)
        return f"《{self.documents[source].title}》" + (f"（{place}）" if place else "")

    def cite(self, clause: Clause, quotes: tuple[tuple[int, int], ...] = (), score: float = 1.0) -> Citation:
        return Citation(clause, self.documents[clause.source].title, score, quotes)


class Strategy(Protocol):
    intent: ClassVar[Intent]

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None: ...


STRATEGIES: dict[Intent, Strategy] = {}


def register(cls):
    """Class decorator: one strategy per intent, instantiated once."""
    if cls.intent in STRATEGIES:
        raise ValueError(f"two strategies for intent {cls.intent!r}")
    STRATEGIES[cls.intent] = cls()
    return cls


def understand(question: str, retrieval: Retrieval, documents: Mapping[str, Document],
               kind_of: Callable[[str], "tuple[Intent, float]"] | None = None) -> Understood:
    """The question's intent and the documents it names; words that only name those documents
    ('贵州八大工程里对DRG…' → 八大工程) are taken out of its topic. Given `kind_of` (the kind its nearest labelled
    examples have), a question the rules leave to the look-up may take that kind (kind_examples.from_examples)."""
    named = tuple(retrieval.named)
    names = [fold(documents[s].title) + "｜" + fold(s) for s in named]  # a document is named by its file too
    topic = tuple(p for p in retrieval.query.topic if not any(all(names_document(w, [n]) for w in p.split())
                                                               for n in names))
    query = replace(retrieval.query, topic=topic)
    titles = [fold(documents[s].title) for s in named]
    intent = classify(query, len(named), titles)
    if kind_of is not None and intent is Intent.LOOKUP:
        intent = from_examples(intent, kind_of(question))
    return Understood(question, query, intent, retrieval, named)


def names_document(word: str, names: Iterable[str]) -> bool:
    """Whether a word of the question only names a document: it stands in one of `names` (folded titles and file
    paths), or it says how a file is kept ('扫描件', 'Excel', '文件夹')."""
    return bool(FILE_WORDS.match(word)) or any(word in name for name in names)


def dispatch(understood: Understood, context: AnswerContext) -> Answer:
    """The answer of the question's strategy, or of the look-up when that strategy does not apply.

    A place no document is about ('成都市2023年…') is refused by the look-up's checks whatever was asked.
    """
    first = Intent.LOOKUP if understood.retrieval.unknown_places else understood.intent
    for intent in (first, Intent.LOOKUP):
        answer = STRATEGIES[intent].answer(understood, context)
        if answer is not None:
            return answer
    raise AssertionError("the look-up strategy always answers")


def target_document(understood: Understood) -> str | None:
    """The one document a question is about: the one it names, else the best clause's; None for several."""
    if len(understood.named) == 1:
        return understood.named[0]
    if not understood.named and understood.retrieval.hits:
        return understood.retrieval.hits[0].clause.source
    return None


def children(outline: Sequence[Clause], parent: Clause | None) -> list[Clause]:
    """The parts directly under `parent` (the document's top level for None), in order, each once."""
    prefix = parent.path if parent else ()
    out, seen = [], set()
    for clause in outline:
        if len(clause.path) == len(prefix) + 1 and clause.path[: len(prefix)] == prefix:
            if clause.label != PREAMBLE and clause.label not in seen:
                seen.add(clause.label)
                out.append(clause)
    return out


_TABLE_ROW = re.compile(r"表\d+行\d+$")  # the parser's label of a table row: '三（二）表1行3'


def is_table_row(clause: Clause) -> bool:
    return _TABLE_ROW.search(clause.label) is not None


def numbered_lines(lines: Sequence[str], numbers: Sequence[int]) -> str:
    """'text[n]' per line, for the plain-text form of a list answer."""
    return "\n".join(f"{line}[{n}]" if n else line for line, n in zip(lines, numbers))
