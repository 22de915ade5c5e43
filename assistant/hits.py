"""What retrieval hands to answering: the candidate clauses of one question, each with its scores and checks, and
the documents the question is about. Records only: `retrieval.Retriever` makes them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from assistant.models import Clause
from assistant.query import Query


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
    query: Query
    hits: tuple[Hit, ...]
    pinned: tuple[str, ...]  # documents the question is about, by the places it names
    unknown_places: tuple[str, ...]  # places named that no document mentions
    off_topic: bool = False  # nothing the question asks about occurs in the corpus at all
    ranked: tuple[Hit, ...] = ()  # the best candidates, best first (`hits` is its top k)
    named: tuple[str, ...] = ()  # documents the question names: about a place it names, or by a title's name
    # Every candidate of one document, best first, each made when it is read (a comparison reads each
    # side's ranking until a clause states its topic); given `keep`, only those whose folded text it keeps.
    of_document: Callable[..., Iterable[Hit]] = lambda source, keep=None: ()
    absent: tuple[str, ...] = ()  # documents the question names that the collection only cites (catalogue.cited_not_held)
    uncovered: tuple[str, ...] = ()  # subjects of a kind the collection covers that no title is about (Catalogue)
