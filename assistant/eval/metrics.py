"""Aggregating item results: headline metrics, breakdowns by kind, document and half.

Each ratio names the items forming its denominator; an empty denominator gives None, never 0.0,
so "nothing to count" is never mistaken for "all wrong".
"""
from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Sequence

from assistant.eval.load import KINDS, NO_DOCUMENT, UNNAMED
from assistant.eval.score import ItemResult

# The gated metrics, in display order. Latency is reported but never gated (machine-dependent).
HEADLINE = (
    "hit@1",
    "hit@5",
    "mrr",
    "answer_accuracy",
    "refusal_precision",
    "refusal_recall",
    "citation_exactness",
)

# Thresholds were calibrated on the odd-numbered ids; the even ones are the held-out check.
HALVES = ("odd", "even")
HALF_NAMES = {"odd": "odd ids (calibration)", "even": "even ids (held out)"}
_ID_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Ratio:
    """The share of a pool of results that hits; None for an empty pool."""

    pool: Callable[[ItemResult], bool]
    hit: Callable[[ItemResult], bool]

    def __call__(self, results: Sequence[ItemResult]) -> float | None:
        pool = [r for r in results if self.pool(r)]
        return sum(map(self.hit, pool)) / len(pool) if pool else None


def _cites(r: ItemResult) -> bool:
    return r.item.expects_clauses


def _counted_refusal(r: ItemResult) -> bool:
    # A greeting answered without citations is no refusal, whatever `found` says.
    return r.refused and not r.item.is_conversation


HIT_AT_1 = Ratio(_cites, lambda r: r.hit(1))
HIT_AT_5 = Ratio(_cites, lambda r: r.hit(5))
ANSWER_ACCURACY = Ratio(lambda r: r.item.expects_answer, lambda r: r.correct)
FALSE_REFUSAL = Ratio(_cites, lambda r: r.refused)
REFUSAL_PRECISION = Ratio(_counted_refusal, lambda r: r.item.unanswerable)
REFUSAL_RECALL = Ratio(lambda r: r.item.unanswerable, lambda r: r.refused)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Metrics:
    """Aggregates over a group of item results. A ratio with an empty denominator is None."""

    items: int
    answerable: int  # items that name clauses to cite (the pool of hit@k and MRR)
    unanswerable: int
    hit_at_1: float | None
    hit_at_5: float | None
    mrr: float | None
    answer_accuracy: float | None  # over answerable and conversation items
    false_refusal_rate: float | None
    refusal_precision: float | None
    refusal_recall: float | None
    citation_exactness: float | None
    citations: int
    refused: int
    failed: int  # items with any problem
    latency_median_ms: float | None
    latency_p95_ms: float | None
    conversation: int = 0
    invalid: int = 0  # items that could not be asked at all

    def headline(self) -> dict[str, float | None]:
        return {
            "hit@1": self.hit_at_1,
            "hit@5": self.hit_at_5,
            "mrr": self.mrr,
            "answer_accuracy": self.answer_accuracy,
            "refusal_precision": self.refusal_precision,
            "refusal_recall": self.refusal_recall,
            "citation_exactness": self.citation_exactness,
        }

    def to_json(self) -> dict:
        def r(value, digits=4):
            return None if value is None else round(value, digits)

        return {
            **{name: r(value) for name, value in self.headline().items()},
            "false_refusal_rate": r(self.false_refusal_rate),
            "latency_median_ms": r(self.latency_median_ms, 1),
            "latency_p95_ms": r(self.latency_p95_ms, 1),
            "items": self.items,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "conversation": self.conversation,
            "refused": self.refused,
            "citations": self.citations,
            "failed": self.failed,
            "invalid": self.invalid,
        }


def compute_metrics(results: Sequence[ItemResult]) -> Metrics:
    """Retrieval (hit@1, hit@5, MRR) over items naming clauses; answer accuracy over every item
    expecting an answer; refusal precision/recall against unanswerable items; citation exactness
    over all citations."""
    citing = [r for r in results if _cites(r)]
    citations = sum(len(r.citations) for r in results)
    latencies = [r.latency_ms for r in results]
    return Metrics(
        items=len(results),
        answerable=len(citing),
        unanswerable=sum(r.item.unanswerable for r in results),
        hit_at_1=HIT_AT_1(results),
        hit_at_5=HIT_AT_5(results),
        mrr=sum(r.reciprocal_rank for r in citing) / len(citing) if citing else None,
        answer_accuracy=ANSWER_ACCURACY(results),
        false_refusal_rate=FALSE_REFUSAL(results),
        refusal_precision=REFUSAL_PRECISION(results),
        refusal_recall=REFUSAL_RECALL(results),
        citation_exactness=sum(r.exact_citations for r in results) / citations if citations else None,
        citations=citations,
        refused=sum(map(_counted_refusal, results)),
        failed=sum(r.failed for r in results),
        latency_median_ms=statistics.median(latencies) if latencies else None,
        latency_p95_ms=percentile(latencies, 95),
        conversation=sum(r.item.is_conversation for r in results),
        invalid=sum(r.invalid for r in results),
    )


def kind_accuracy(kind: str, metrics: Metrics) -> tuple[str, float | None]:
    """The one figure that says how a kind does: refusal recall for unanswerable items, else
    answer accuracy. The per-kind gate and the per-kind chart use it."""
    if kind == "unanswerable":
        return "refusal_recall", metrics.refusal_recall
    return "answer_accuracy", metrics.answer_accuracy


def half_of(item_id: str) -> str | None:
    """"odd" for q201, "even" for q202; None for an id without a number."""
    match = _ID_NUMBER.search(item_id)
    return None if match is None else HALVES[int(match.group(1)) % 2 == 0]


def breakdown(results: Sequence[ItemResult], by: str) -> dict[str, Metrics]:
    """Metrics per "kind" (in KINDS order), per "document" (expected or silent source; items about
    no document under "none"; a comparison counts under each of its documents) or per "half"
    (odd, even id numbers)."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        if by == "kind":  # a question naming no document is also counted in a group of its own
            names: tuple[str, ...] = (r.item.kind,) + ((UNNAMED,) if r.item.named is False else ())
        elif by == "document":
            names = r.item.documents
        elif by == "half":
            half = half_of(r.item.id)
            names = () if half is None else (half,)
        else:
            raise ValueError(f"unknown breakdown {by!r} (kind, document, half)")
        for name in names:
            groups[name].append(r)
    if by == "kind":
        order = [k for k in KINDS if k in groups] + sorted(set(groups) - set(KINDS))
    elif by == "half":
        order = [h for h in HALVES if h in groups]
    else:
        order = sorted(set(groups) - {NO_DOCUMENT}) + ([NO_DOCUMENT] if NO_DOCUMENT in groups else [])
    return {name: compute_metrics(groups[name]) for name in order}


@dataclass(frozen=True)
class Evaluation:
    """One run: every item's result and the aggregates the report and the gate read."""

    results: tuple[ItemResult, ...]
    metrics: Metrics
    by_kind: dict[str, Metrics]
    by_document: dict[str, Metrics]
    seconds: float = 0.0
    by_half: dict[str, Metrics] = field(default_factory=dict)  # "odd", "even"

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.results if r.failed]

    @property
    def invalid(self) -> list[ItemResult]:
        return [r for r in self.results if r.invalid]

    def to_json(self) -> dict:
        return {
            "metrics": self.metrics.to_json(),
            "by_kind": {k: m.to_json() for k, m in self.by_kind.items()},
            "by_document": {k: m.to_json() for k, m in self.by_document.items()},
            "halves": {k: m.to_json() for k, m in self.by_half.items()},
            "failures": [_failure_json(r) for r in self.failures],
            "seconds": round(self.seconds, 1),
        }


def _failure_json(r: ItemResult) -> dict:
    return {
        "id": r.item.id,
        "kind": r.item.kind,
        "question": r.item.question,
        "history": list(r.item.history),
        "expected": [f"{e.source} {e.label}" for e in r.item.expected],
        "keys": list(r.item.keys),
        "not_stated": list(r.item.not_stated),
        "problems": list(r.problems),
        "found": r.found,
        "intent": r.intent,
        "answer_not_stated": list(r.not_stated),
        "answer": r.answer,
        "top_citations": [f"{c.source} {c.label}" for c in r.citations],
    }


def summarize(results: Sequence[ItemResult], seconds: float = 0.0) -> Evaluation:
    return Evaluation(tuple(results), compute_metrics(results), breakdown(results, "kind"),
                      breakdown(results, "document"), seconds, breakdown(results, "half"))
