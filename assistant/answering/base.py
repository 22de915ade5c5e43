"""The answer layer's frame: the understood question, what strategies may read, and the registry.

A question is understood once, before the search (assistant/understanding: its Query, the documents it
names, its intent); `understand` hands strategies that record with what the search found. Each intent has one
strategy; a strategy may return None when the question turns out not to be of its kind (an outline question naming
no heading that has parts), and the look-up strategy answers instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterable, Iterator, Mapping, Protocol, Sequence

from assistant.models import Answer, Citation, Clause, Document, Intent
from assistant.parser import PREAMBLE
from assistant.query import Query
from assistant.hits import Hit, Retrieval
from assistant.targets import Targets

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
    clause_holding: Callable[[str, int], Clause | None] = lambda source, offset: None  # the whole clause at an offset

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


def understand(retrieval: Retrieval) -> Understood:
    """What strategies read of a question: what was understood of it before the search (its Understanding:
    the topic without document names, the intent) with the documents the search settled on."""
    understanding = retrieval.understanding
    return Understood(understanding.question, understanding.asked, understanding.intent, retrieval, retrieval.named)


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
