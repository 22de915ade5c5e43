"""Scoring one answer against one item: pure functions of hand-made records, no model, no index.

An item is met by its citations when every *requirement* is covered: a citation from the same file
whose span overlaps one of the requirement's spans. How an item's expected clauses form
requirements depends on its kind (eval/README.md, "Scoring"): an outline needs every part, a
comparison, which-documents or summary item every document, any other item any one clause.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Callable, Mapping, Sequence

from assistant.eval.load import EvalItem, EvalSetError, Expected
from assistant.models import Answer, Citation, Clause, Document, Intent, Prose
from assistant.textnorm import fold

Span = tuple[int, int]
ExpectedSpans = Mapping[Expected, tuple[Span, ...]]

EVERY_CLAUSE = frozenset({"outline"})  # each listed part must be cited
EVERY_DOCUMENT = frozenset({"comparison", "which_documents", "summary", "across"})  # each listed document must be cited

_WS = re.compile(r"\s+")
_PLAN_FILE = re.compile(r"\d{3}_[0-9a-f]+\.\w+")


def squash(text: str) -> str:
    """All whitespace removed: the source writes `18/10 万`, a key says `18/10万`."""
    return _WS.sub("", text)


def keys_present(keys: Sequence[str], text: str) -> bool:
    """Every key occurs in the text, whitespace ignored on both sides."""
    return not missing_keys(keys, text)


def missing_keys(keys: Sequence[str], text: str) -> tuple[str, ...]:
    """The keys the answer lacks, whitespace and script aside: an answer quoting 《…欽州市…》 names 钦州."""
    flat = squash(fold(text))
    return tuple(key for key in keys if squash(fold(key)) not in flat)


def overlaps(a: Span, b: Span) -> bool:
    """Half-open spans [start, end) share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def short_source(source: str) -> str:
    """`003…` for the plan files (a number and a hash); any other file name whole."""
    return source[:3] + "…" if _PLAN_FILE.fullmatch(source) else source


def _folded_chars(text: str) -> tuple[str, list[int]]:
    """`text` width-folded (NFKC) without whitespace, and each folded character's offset in `text`."""
    chars, at = [], []
    for i, ch in enumerate(text):
        for folded in unicodedata.normalize("NFKC", ch):
            if not folded.isspace():
                chars.append(folded)
                at.append(i)
    return "".join(chars), at


def evidence_span(text: str, evidence: str) -> Span | None:
    """Where a passage copied from the document stands in the reader's text, whatever the whitespace, line
    breaks and character widths between them; None when the reader's text does not hold it."""
    haystack, at = _folded_chars(text)
    needle, _ = _folded_chars(evidence)
    found = haystack.find(needle) if needle else -1
    if found < 0:
        return _cells_span(haystack, at, evidence)
    return at[found], at[found + len(needle) - 1] + 1


CELLS_REACH = 3  # a row's cells stand within this many times their own length (the reader names each column)


def _cells_span(haystack: str, at: list[int], evidence: str) -> Span | None:
    """A table row copied cell by cell, one per line ('SV40\n乳多孔\n…\n40-50'), where the reader writes the row
    with its column headers ('病毒：SV40；科：乳多孔；…'): every cell found, in order, close together."""
    cells = [c for c in (_folded_chars(line)[0] for line in evidence.splitlines()) if c]
    if len(cells) < 2:
        return None
    start = haystack.find(cells[0])
    reach = CELLS_REACH * sum(map(len, cells))
    while start >= 0:
        end, ok = start + len(cells[0]), True
        for cell in cells[1:]:
            end = haystack.find(cell, end, start + reach)
            if end < 0:
                ok = False
                break
            end += len(cell)
        if ok:
            return at[start], at[end - 1] + 1
        start = haystack.find(cells[0], start + 1)
    return None


def expected_spans(
    item: EvalItem,
    outline: Callable[[str], Sequence[Clause]],
    documents: Mapping[str, Document] | None = None,
) -> dict[Expected, tuple[Span, ...]]:
    """Where each expected clause or metadata value lies in its file.

    `outline` is `Assistant.outline`, `documents` `Assistant.documents` (needed for `@field` labels
    only). A clause label may occur more than once (two 前言): every occurrence counts. EvalSetError
    names the item and line when a label is no clause, or a document lacks the metadata value.
    """
    spans: dict[Expected, tuple[Span, ...]] = {}
    for exp in item.expected:
        where = f"line {item.line} ({item.id}): "
        if exp.evidence:
            doc = (documents or {}).get(exp.source)
            if doc is None:
                raise EvalSetError(f"{where}no document {exp.source!r} in the index")
            # Not found: the reader lost or garbled the passage, so no citation can cover it and the item fails.
            found = evidence_span(doc.text, exp.evidence)
            spans[exp] = (found,) if found else ()
            continue
        if exp.field_name is not None:
            doc = (documents or {}).get(exp.source)
            if doc is None:
                raise EvalSetError(f"{where}no document {exp.source!r} in the index")
            value = doc.field(exp.field_name)
            if value is None:
                raise EvalSetError(f"{where}{exp.source} has no {exp.label} (Document.field({exp.field_name!r}) is empty)")
            spans[exp] = ((value.start, value.end),)
            continue
        clauses = outline(exp.source)
        if not clauses:
            raise EvalSetError(f"{where}no document {exp.source!r} in the index")
        found = tuple((c.start, c.end) for c in clauses if c.label == exp.label)
        if not found:
            raise EvalSetError(f"{where}no clause labelled {exp.label!r} in {exp.source}")
        spans[exp] = found
    return spans


@dataclass(frozen=True)
class Requirement:
    """Something a citation must cover: any one of these (source, span) places."""

    name: str  # for messages: "003… 二（二）4" (one clause) or "003…" (one document)
    places: tuple[tuple[str, Span], ...]

    def covered_by(self, citation: Citation) -> bool:
        cited = (citation.start, citation.end)
        return any(citation.source == source and overlaps(cited, span) for source, span in self.places)


def requirements(item: EvalItem, spans: ExpectedSpans) -> tuple[Requirement, ...]:
    """The requirements every one of which some citation must cover; none for an item citing nothing."""
    if not item.expects_clauses:
        return ()
    if item.kind in EVERY_CLAUSE:
        return tuple(Requirement(f"{short_source(e.source)} {e.label or e.evidence[:12] + '…'}", tuple((e.source, s) for s in spans[e]))
                     for e in item.expected)
    if item.kind in EVERY_DOCUMENT:
        by_source: dict[str, list[tuple[str, Span]]] = defaultdict(list)
        for e in item.expected:
            by_source[e.source].extend((e.source, s) for s in spans[e])
        return tuple(Requirement(short_source(source), tuple(places)) for source, places in by_source.items())
    return (Requirement("the expected clause", tuple((e.source, s) for e in item.expected for s in spans[e])),)


def first_covering(requirement: Requirement, citations: Sequence[Citation]) -> int | None:
    """1-based rank of the first citation covering the requirement, None if none does."""
    return next((i for i, c in enumerate(citations, 1) if requirement.covered_by(c)), None)


def combined_rank(ranks: Sequence[int | None]) -> int | None:
    """The rank of an item from its requirements' first-covering ranks.

    n requirements cannot all be covered before rank n, so the rank counts from there (n documents
    in the first n citations is rank 1), else such an item could never count as a hit@1.
    """
    if not ranks or None in ranks:
        return None
    return max(ranks) - (len(ranks) - 1)


def coverage_rank(item: EvalItem, citations: Sequence[Citation], spans: ExpectedSpans) -> int | None:
    """1-based rank at which the item's requirements are all covered, or None if never.

    All citations count, however many a list answer carries.
    """
    return combined_rank([first_covering(r, citations) for r in requirements(item, spans)])


def citation_is_exact(citation: Citation, documents: Mapping[str, Document]) -> bool:
    """The cited text is exactly the file's characters at the cited offsets."""
    doc = documents.get(citation.source)
    return doc is not None and citation.clause.text == doc.text[citation.start : citation.end]


@dataclass(frozen=True)
class Returned:
    """One citation as returned, for reports."""

    source: str
    label: str
    start: int
    end: int
    score: float
    exact: bool


@dataclass(frozen=True)
class ItemResult:
    item: EvalItem
    found: bool
    answer: str
    citations: tuple[Returned, ...]
    rank: int | None  # where the requirements got covered; None = not within the citations
    keys_missing: tuple[str, ...]
    latency_ms: float
    effective_question: str = ""
    error: str = ""  # the question could not be asked: rejected as invalid, or the assistant crashed
    needed: int = 1  # how many requirements: 1, or the parts / documents a list item needs
    intent: str = ""  # Answer.intent as returned ("" when nothing was returned)
    not_stated: tuple[str, ...] = ()  # Answer.not_stated: the sources the answer says are silent
    uncovered: tuple[str, ...] = ()  # names of the requirements no citation covers
    prose: Prose | None = None  # with a generator: the answer's prose as shown (or its fall-back)
    prose_unsupported: tuple[str, ...] = ()  # figures and marks of the shown prose its citations do not back
    prose_keys_missing: tuple[str, ...] = ()  # expected keys the shown prose does not state

    @property
    def refused(self) -> bool:
        return not self.found

    @property
    def invalid(self) -> bool:
        """Not a wrong answer but no answer at all; the gate does not trust a run with one."""
        return bool(self.error)

    def hit(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0

    @property
    def not_stated_missing(self) -> tuple[str, ...]:
        """Sources the item says are silent that the answer did not call silent."""
        return tuple(s for s in self.item.not_stated if s not in self.not_stated)

    @property
    def correct(self) -> bool:
        """Unanswerable: refused. Conversation: taken as conversation. Otherwise: found, every key in
        the answer, and every silent source named as such."""
        if self.item.unanswerable:
            return self.refused
        if self.item.is_conversation:
            return self.intent == Intent.CONVERSATION.value
        return self.found and not self.keys_missing and not self.not_stated_missing

    @property
    def exact_citations(self) -> int:
        return sum(c.exact for c in self.citations)

    @property
    def problems(self) -> tuple[str, ...]:
        """Why the item counts as failed; empty when it passed outright."""
        out = []
        if self.error:
            out.append(f"invalid question: {self.error}")
        if self.item.unanswerable:
            if self.found:
                out.append("answered an unanswerable question")
        elif self.item.is_conversation:
            if self.intent != Intent.CONVERSATION.value:
                out.append(f"not answered as conversation (intent {self.intent or '—'})")
        else:
            out.extend(self._answer_problems())
        inexact = len(self.citations) - self.exact_citations
        if inexact:
            out.append(f"{inexact} citation(s) not verbatim")
        return tuple(out)

    def _answer_problems(self) -> list[str]:
        out = []
        if not self.found:
            out.append("false refusal")
        if self.rank is None:
            if self.needed > 1 and self.uncovered:
                out.append(f"not cited: {'; '.join(self.uncovered)} (of {len(self.citations)} citations)")
            else:
                out.append(f"expected clause not cited (top {len(self.citations)})")
        elif self.rank > 1:
            if self.needed > 1:
                out.append(f"all {self.needed} covered only by citation {self.rank + self.needed - 1} (best possible {self.needed})")
            else:
                out.append(f"expected clause only at rank {self.rank}")
        if self.found and self.keys_missing:
            out.append("keys missing from answer: " + ", ".join(self.keys_missing))
        for source in self.not_stated_missing:
            out.append(f"did not say {short_source(source)} does not state it")
        expected_sources = {e.source for e in self.item.expected}
        for source in self.not_stated:
            if source in expected_sources:
                out.append(f"said {short_source(source)} does not state it, but an expected clause of it does")
        for source in dict.fromkeys(c.source for c in self.citations if c.source in self.item.not_stated):
            out.append(f"cited {short_source(source)}, which does not state it")
        return out

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def to_json(self) -> dict:
        item = self.item
        return {
            "id": item.id,
            "kind": item.kind,
            "question": item.question,
            "history": list(item.history),
            "expected": [asdict(e) for e in item.expected],
            "keys": list(item.keys),
            "unanswerable": item.unanswerable,
            "not_stated": list(item.not_stated),
            "found": self.found,
            "intent": self.intent,
            "answer": self.answer,
            "answer_not_stated": list(self.not_stated),
            "effective_question": self.effective_question,
            "citations": [asdict(c) for c in self.citations],
            "rank": self.rank,
            "correct": self.correct,
            "keys_missing": list(self.keys_missing),
            "uncovered": list(self.uncovered),
            "latency_ms": round(self.latency_ms, 1),
            "problems": list(self.problems),
            **({"error": self.error} if self.error else {}),
            **({"prose": {**self.prose.to_json(), "unsupported": list(self.prose_unsupported),
                          "keys_missing": list(self.prose_keys_missing)}} if self.prose is not None else {}),
        }


def score_item(
    item: EvalItem,
    answer: Answer,
    spans: ExpectedSpans,
    documents: Mapping[str, Document],
    latency_ms: float = 0.0,
) -> ItemResult:
    """Score one answer against its item (pure: no model, no index)."""
    returned = tuple(
        Returned(c.source, c.clause.label, c.start, c.end, round(float(c.score), 4), citation_is_exact(c, documents))
        for c in answer.citations
    )
    needs = requirements(item, spans)
    ranks = [first_covering(r, answer.citations) for r in needs]
    return ItemResult(
        item=item,
        found=bool(answer.found),
        answer=answer.text,
        citations=returned,
        rank=combined_rank(ranks),
        keys_missing=() if item.unanswerable else missing_keys(item.keys, answer.text),
        latency_ms=latency_ms,
        effective_question=answer.effective_question,
        needed=max(1, len(needs)),
        intent=str(getattr(answer.intent, "value", answer.intent)),
        not_stated=tuple(answer.not_stated),
        uncovered=tuple(r.name for r, rank in zip(needs, ranks) if rank is None),
        **_prose_fields(item, answer),
    )


def _prose_fields(item: EvalItem, answer: Answer) -> dict:
    prose = answer.prose
    if prose is None:
        return {}
    from assistant.generation.check import audit
    from assistant.generation.prompt import check_sources

    shown = prose.text
    return {"prose": prose,
            "prose_unsupported": audit(shown, check_sources(answer.citations)) if shown else (),
            "prose_keys_missing": missing_keys(item.keys, shown) if shown and not item.unanswerable else ()}


def invalid_result(item: EvalItem, message: str, latency_ms: float = 0.0) -> ItemResult:
    """An item the assistant could not answer at all: a refusal with nothing cited, marked invalid."""
    return ItemResult(item, False, "", (), None, tuple(item.keys), latency_ms, error=message)
