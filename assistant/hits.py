"""What retrieval hands to answering: the candidate clauses of one question, each with its scores and checks, and
the documents searched, with the Understanding they were searched for. Records only: `retrieval.Retriever` makes them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from assistant.models import Clause, Intent
from assistant.query import Query
from assistant.understanding.record import Understanding


@dataclass(frozen=True)
class Hit:
    clause: Clause
    score: float  # what hits are ranked by
    dense: float  # cosine similarity of question and clause
    lexical: float  # BM25 relative to the best clause for this question (0..1)
    coverage: float  # share of the question's content terms found in the clause
    years_ok: bool  # every year the question names appears in the clause or its document title
    places_ok: bool  # every place the question names is the clause's document's place or in the clause
    exact: bool = False  # the question named this clause's number


@dataclass(frozen=True)
class Retrieval:
    understanding: Understanding  # what was searched for
    hits: tuple[Hit, ...]
    pinned: tuple[str, ...]  # documents searched (of several about one place named, the one with the best clause)
    ranked: tuple[Hit, ...] = ()  # the best candidates, best first (`hits` is its top k)
    named: tuple[str, ...] = ()  # documents the question names (Understanding.named, alternatives settled)
    # Every candidate of one document, best first, each made when it is read (a comparison reads each
    # side's ranking until a clause states its topic); given `keep`, only those whose folded text it keeps.
    of_document: Callable[..., Iterable[Hit]] = lambda source, keep=None: ()

    @property
    def query(self) -> Query:  # the question as searched: its whole topic, document names included
        return self.understanding.query

    @property
    def compares(self) -> bool:
        """The question names several documents: each is answered for. Documents merely mentioning a place named
        ('胶原', which the segmenter tags as one) are searched, not compared; nor are two named for one's reason
        ('C肽为什么比胰岛素更能…', understood as a look-up)."""
        return len(self.named) > 1 and self.understanding.intent is not Intent.LOOKUP

    @property
    def unknown_places(self) -> tuple[str, ...]:
        return self.understanding.unknown_places

    @property
    def off_topic(self) -> bool:
        return self.understanding.off_topic

    @property
    def absent(self) -> tuple[str, ...]:
        return self.understanding.absent

    @property
    def uncovered(self) -> tuple[str, ...]:
        return self.understanding.uncovered
