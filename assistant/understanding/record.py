"""What is understood of one question before anything is searched: the record retrieval and the strategies read."""
from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.models import Intent
from assistant.query import Query


@dataclass(frozen=True)
class Understanding:
    """One question read against the collection (QuestionReader.understand), once.

    `query` is the question parsed (folded text, tokens, places, years, indicators, clause numbers, topic phrases,
    and what a follow-up carries over from earlier turns); `topic` is its topic without the words that only name a
    document the question names ('贵州八大工程里对DRG…' asks about DRG, not 八大工程)."""

    question: str  # as asked
    query: Query
    topic: tuple[str, ...]
    intent: Intent
    named: tuple[str, ...] = ()  # documents the question names: about a place it names, or by title or file
    pinned: tuple[str, ...] = ()  # documents to search: those named, and those mentioning a place named in passing
    # Several documents about one place named, none of whose titles the question matches better: retrieval keeps the
    # one with the best clause ('a place is one document's'), and drops the others from `named` and `pinned`.
    alternatives: tuple[tuple[str, ...], ...] = ()
    incidental_places: tuple[str, ...] = ()  # places named that documents only mention: a clause must name them
    unknown_places: tuple[str, ...] = ()  # places named that no document mentions
    absent: tuple[str, ...] = ()  # documents named that the collection only cites (catalogue.cited_not_held)
    uncovered: tuple[str, ...] = ()  # subjects of a kind the collection covers that no title is about (Catalogue)
    off_topic: bool = False  # nothing the question asks about occurs in the collection at all
    scope: frozenset[str] | None = None  # the documents of the collection asked (None: all)

    @property
    def asked(self) -> Query:
        """The query with the topic the question asks about (document names taken out)."""
        return replace(self.query, topic=self.topic)
