"""Scoring the assistant against the evaluation set, with a regression gate.

Three layers, each usable on its own:

- loading: `load_set` reads and validates `eval/questions.jsonl` (format in eval/README.md);
- scoring (pure, no model): `expected_spans`, `coverage_rank`, `keys_present`, `score_item`,
  `compute_metrics`, `breakdown`, `compare_to_baseline` work on hand-made items and answers;
- running and reporting: `evaluate` asks every item through `Assistant.ask` (the library API the
  UI uses), `write_report` writes report.md, by_kind.png, metrics.json and results.jsonl, and
  `run` / `run_cli` tie it together behind `python -m assistant eval`.

Exit codes of `run`: 0 = no regression (or baseline missing / just updated), 1 = a headline
metric fell below baseline − tolerance, 2 = malformed set or baseline.
"""
from __future__ import annotations

import json
import math
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence, TextIO

from assistant.config import PROJECT_ROOT
from assistant.models import Answer, Citation, Clause, Document

KINDS = (
    "lookup",
    "figure",
    "paraphrase",
    "cross_script",
    "english",
    "followup",
    "comparison",
    "clause_ref",
    "unanswerable",
)
FIELDS = ("id", "kind", "question", "history", "expected", "keys", "unanswerable")
REQUIRED_FIELDS = ("id", "kind", "question")
NO_DOCUMENT = "none"  # the "document" of an unanswerable item in the per-document breakdown

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
DEFAULT_TOLERANCE = 0.02
TOLERANCE_NOTE = (
    "absolute: `eval` exits 1 when a metric is below (baseline - tolerance), or below (baseline - tolerances[metric]) "
    "where one is given; "
    "rewrite deliberately with `python -m assistant eval --update-baseline`"
)

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_USAGE = 2

_WS = re.compile(r"\s+")

Span = tuple[int, int]


class EvalSetError(ValueError):
    """The evaluation set or baseline is malformed; the message names the file and line."""


# ---------------------------------------------------------------------------------------------
# The set


@dataclass(frozen=True)
class Expected:
    source: str  # file name inside the corpus folder
    label: str  # a whole clause's label, as in Assistant.outline(source)


@dataclass(frozen=True)
class EvalItem:
    id: str
    kind: str
    question: str
    history: tuple[str, ...] = ()
    expected: tuple[Expected, ...] = ()
    keys: tuple[str, ...] = ()
    unanswerable: bool = False
    line: int = 0  # line number in the set file, for messages

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents the item is about (each expected source once), or ("none",)."""
        if self.unanswerable:
            return (NO_DOCUMENT,)
        return tuple(dict.fromkeys(e.source for e in self.expected))


def parse_item(obj: object, line: int = 0, where: str = "") -> EvalItem:
    """One validated item from a decoded JSON line; EvalSetError with a one-line reason."""
    prefix = f"{where}line {line}: " if line else where

    def fail(message: str) -> EvalSetError:
        return EvalSetError(prefix + message)

    if not isinstance(obj, dict):
        raise fail("each line must be a JSON object")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise fail(f"unknown field(s) {', '.join(map(repr, unknown))} (allowed: {', '.join(FIELDS)})")
    missing = [name for name in REQUIRED_FIELDS if name not in obj]
    if missing:
        raise fail(f"missing field(s) {', '.join(map(repr, missing))}")
    item_id, kind, question = obj["id"], obj["kind"], obj["question"]
    if not isinstance(item_id, str) or not item_id.strip():
        raise fail('"id" must be a non-empty string')
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
    if not isinstance(question, str) or not question.strip():
        raise fail('"question" must be a non-empty string')
    history = obj.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise fail('"history" must be a list of earlier questions (strings)')
    keys = obj.get("keys", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) and k.strip() for k in keys):
        raise fail('"keys" must be a list of non-empty strings')
    unanswerable = obj.get("unanswerable", kind == "unanswerable")
    if not isinstance(unanswerable, bool):
        raise fail('"unanswerable" must be true or false')
    raw_expected = obj.get("expected", [])
    if not isinstance(raw_expected, list):
        raise fail('"expected" must be a list of {"source": …, "label": …}')
    expected = []
    for exp in raw_expected:
        if not isinstance(exp, dict) or set(exp) != {"source", "label"}:
            raise fail('each "expected" entry must be exactly {"source": …, "label": …}')
        if not all(isinstance(exp[k], str) and exp[k] for k in ("source", "label")):
            raise fail('"source" and "label" of an expected clause must be non-empty strings')
        expected.append(Expected(exp["source"], exp["label"]))
    if unanswerable and (expected or keys):
        raise fail('an unanswerable item must have empty "expected" and "keys"')
    if not unanswerable and not expected:
        raise fail('an answerable item needs at least one "expected" clause')
    return EvalItem(item_id, kind, question, tuple(history), tuple(expected), tuple(keys), unanswerable, line)


def parse_set(lines: Iterable[str], where: str = "") -> list[EvalItem]:
    """Items from JSON lines (blank lines skipped); ids must be unique."""
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}line {number}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        item = parse_item(obj, number, where)
        if item.id in seen:
            raise EvalSetError(f"{where}line {number}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = number
        items.append(item)
    return items


def load_set(path: Path) -> list[EvalItem]:
    """The validated items of a set file; EvalSetError if it is missing, empty or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalSetError(f"{path}: evaluation set not found") from None
    except UnicodeDecodeError:
        raise EvalSetError(f"{path}: not UTF-8 text") from None
    items = parse_set(text.splitlines(), f"{path} ")
    if not items:
        raise EvalSetError(f"{path}: the evaluation set has no items")
    return items


# ---------------------------------------------------------------------------------------------
# Pure scoring


def squash(text: str) -> str:
    """All whitespace removed: the source writes `18/10 万`, a key says `18/10万`."""
    return _WS.sub("", text)


def keys_present(keys: Sequence[str], text: str) -> bool:
    """Every key occurs in the text, whitespace ignored on both sides."""
    flat = squash(text)
    return all(squash(key) in flat for key in keys)


def missing_keys(keys: Sequence[str], text: str) -> tuple[str, ...]:
    flat = squash(text)
    return tuple(key for key in keys if squash(key) not in flat)


def overlaps(a: Span, b: Span) -> bool:
    """Half-open spans [start, end) share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def expected_spans(item: EvalItem, outline: Callable[[str], Sequence[Clause]]) -> dict[Expected, tuple[Span, ...]]:
    """Where each expected clause lies in its file; a label may occur more than once (two 前言).

    `outline` is `Assistant.outline`. EvalSetError names the line when a label is not a clause.
    """
    spans: dict[Expected, tuple[Span, ...]] = {}
    for exp in item.expected:
        clauses = outline(exp.source)
        if not clauses:
            raise EvalSetError(f"line {item.line} ({item.id}): no document {exp.source!r} in the index")
        found = tuple((c.start, c.end) for c in clauses if c.label == exp.label)
        if not found:
            raise EvalSetError(f"line {item.line} ({item.id}): no clause labelled {exp.label!r} in {exp.source}")
        spans[exp] = found
    return spans


def _requirement_groups(item: EvalItem, spans: Mapping[Expected, tuple[Span, ...]]) -> list[list[tuple[str, Span]]]:
    """Groups of (source, span) of which every group must be covered by some citation.

    A comparison needs each of its documents (one group per document); otherwise any one expected
    clause is enough (several clauses of one document state the same fact).
    """
    if item.kind == "comparison":
        by_source: dict[str, list[tuple[str, Span]]] = defaultdict(list)
        for exp in item.expected:
            by_source[exp.source].extend((exp.source, s) for s in spans[exp])
        return list(by_source.values())
    return [[(exp.source, s) for exp in item.expected for s in spans[exp]]]


def citation_hits(citation: Citation, group: Sequence[tuple[str, Span]]) -> bool:
    return any(citation.source == source and overlaps((citation.start, citation.end), span) for source, span in group)


def coverage_rank(item: EvalItem, citations: Sequence[Citation], spans: Mapping[Expected, tuple[Span, ...]]) -> int | None:
    """1-based rank at which the item's expected clauses are covered, or None if never.

    A citation covers an expected clause when its source matches and its span overlaps the
    clause's span (so any part of a split clause counts). A comparison needs a clause from each
    of its n documents, so it cannot be covered before rank n: its rank counts from there (both
    documents in the first two citations is rank 1), else it could never count as a hit@1.
    """
    if item.unanswerable:
        return None
    groups = _requirement_groups(item, spans)
    worst = 0
    for group in groups:
        rank = next((i for i, c in enumerate(citations, 1) if citation_hits(c, group)), None)
        if rank is None:
            return None
        worst = max(worst, rank)
    return worst - (len(groups) - 1)


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
    rank: int | None  # where the expected clause(s) got covered; None = not within the citations
    keys_missing: tuple[str, ...]
    latency_ms: float
    effective_question: str = ""
    error: str = ""  # the assistant refused the question as invalid
    needed: int = 1  # best possible rank: 1, or the number of documents a comparison needs

    @property
    def refused(self) -> bool:
        return not self.found

    def hit(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0

    @property
    def correct(self) -> bool:
        """Answerable: found and every key in the answer. Unanswerable: refused."""
        if self.item.unanswerable:
            return self.refused
        return self.found and not self.keys_missing

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
        else:
            if not self.found:
                out.append("false refusal")
            if self.rank is None:
                out.append(f"expected clause not cited (top {len(self.citations)})")
            elif self.rank > self.needed:
                out.append(f"expected clause only at rank {self.rank}" + (f" (best possible {self.needed})" if self.needed > 1 else ""))
            if self.found and self.keys_missing:
                out.append("keys missing from answer: " + ", ".join(self.keys_missing))
        inexact = len(self.citations) - self.exact_citations
        if inexact:
            out.append(f"{inexact} citation(s) not verbatim")
        return tuple(out)

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
            "found": self.found,
            "answer": self.answer,
            "effective_question": self.effective_question,
            "citations": [asdict(c) for c in self.citations],
            "rank": self.rank,
            "correct": self.correct,
            "keys_missing": list(self.keys_missing),
            "latency_ms": round(self.latency_ms, 1),
            "problems": list(self.problems),
            **({"error": self.error} if self.error else {}),
        }


def score_item(
    item: EvalItem,
    answer: Answer,
    spans: Mapping[Expected, tuple[Span, ...]],
    documents: Mapping[str, Document],
    latency_ms: float = 0.0,
) -> ItemResult:
    """Score one answer against its item (pure: no model, no index)."""
    returned = tuple(
        Returned(c.source, c.clause.label, c.start, c.end, round(float(c.score), 4), citation_is_exact(c, documents))
        for c in answer.citations
    )
    return ItemResult(
        item=item,
        found=bool(answer.found),
        answer=answer.text,
        citations=returned,
        rank=coverage_rank(item, answer.citations, spans),
        keys_missing=() if item.unanswerable else missing_keys(item.keys, answer.text),
        latency_ms=latency_ms,
        effective_question=answer.effective_question,
        needed=1 if item.unanswerable else len(_requirement_groups(item, spans)),
    )


def invalid_result(item: EvalItem, message: str, latency_ms: float = 0.0) -> ItemResult:
    """An item the assistant rejected as an invalid question: a refusal with nothing cited."""
    return ItemResult(item, False, "", (), None, tuple(item.keys), latency_ms, error=message)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


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
    answerable: int
    unanswerable: int
    hit_at_1: float | None
    hit_at_5: float | None
    mrr: float | None
    answer_accuracy: float | None
    false_refusal_rate: float | None
    refusal_precision: float | None
    refusal_recall: float | None
    citation_exactness: float | None
    citations: int
    refused: int
    failed: int
    latency_median_ms: float | None
    latency_p95_ms: float | None

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
            "refused": self.refused,
            "citations": self.citations,
            "failed": self.failed,
        }


def compute_metrics(results: Sequence[ItemResult]) -> Metrics:
    """Retrieval (hit@1, hit@5, MRR) and answer accuracy over answerable items; refusal
    precision/recall against unanswerable items; citation exactness over all citations."""
    answerable = [r for r in results if not r.item.unanswerable]
    unanswerable = [r for r in results if r.item.unanswerable]
    refused = [r for r in results if r.refused]
    refused_rightly = sum(r.item.unanswerable for r in refused)
    citations = sum(len(r.citations) for r in results)
    latencies = [r.latency_ms for r in results]
    n = len(answerable)
    return Metrics(
        items=len(results),
        answerable=n,
        unanswerable=len(unanswerable),
        hit_at_1=_ratio(sum(r.hit(1) for r in answerable), n),
        hit_at_5=_ratio(sum(r.hit(5) for r in answerable), n),
        mrr=sum(r.reciprocal_rank for r in answerable) / n if n else None,
        answer_accuracy=_ratio(sum(r.correct for r in answerable), n),
        false_refusal_rate=_ratio(sum(r.refused for r in answerable), n),
        refusal_precision=_ratio(refused_rightly, len(refused)),
        refusal_recall=_ratio(refused_rightly, len(unanswerable)),
        citation_exactness=_ratio(sum(r.exact_citations for r in results), citations),
        citations=citations,
        refused=len(refused),
        failed=sum(r.failed for r in results),
        latency_median_ms=statistics.median(latencies) if latencies else None,
        latency_p95_ms=percentile(latencies, 95),
    )


def breakdown(results: Sequence[ItemResult], by: str) -> dict[str, Metrics]:
    """Metrics per "kind" (in KINDS order) or per "document" (expected source; unanswerable
    items under "none"; a comparison counts under each of its documents)."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        names = (r.item.kind,) if by == "kind" else r.item.documents
        for name in names:
            groups[name].append(r)
    if by == "kind":
        order = [k for k in KINDS if k in groups] + sorted(set(groups) - set(KINDS))
    else:
        order = sorted(set(groups) - {NO_DOCUMENT}) + ([NO_DOCUMENT] if NO_DOCUMENT in groups else [])
    return {name: compute_metrics(groups[name]) for name in order}


# ---------------------------------------------------------------------------------------------
# The regression gate


@dataclass(frozen=True)
class Baseline:
    metrics: dict[str, float]
    tolerance: float = DEFAULT_TOLERANCE
    # Per-metric allowed drops, where one item moves a metric by more than `tolerance`
    # (22 unanswerable items: one refusal is 0.045 of refusal recall).
    tolerances: dict[str, float] = field(default_factory=dict)

    def allowed_drop(self, metric: str) -> float:
        return self.tolerances.get(metric, self.tolerance)


@dataclass(frozen=True)
class Regression:
    metric: str
    baseline: float
    now: float | None
    tolerance: float

    def __str__(self) -> str:
        now = "n/a" if self.now is None else f"{self.now:.4f}"
        return f"{self.metric}: baseline {self.baseline:.4f}, now {now} (allowed drop {self.tolerance:g})"


def parse_baseline(data: object, where: str = "baseline") -> Baseline:
    """Accepts {"tolerance": t, "metrics": {...}} (as written by --update-baseline) or flat metrics."""
    if not isinstance(data, dict):
        raise EvalSetError(f"{where}: must be a JSON object")
    tolerance = data.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise EvalSetError(f"{where}: \"tolerance\" must be a number >= 0")
    raw = data.get("metrics", {k: v for k, v in data.items() if k in HEADLINE})
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: \"metrics\" must be an object")
    tolerances = data.get("tolerances", {})
    if not isinstance(tolerances, dict) or any(
        k not in HEADLINE or isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 for k, v in tolerances.items()
    ):
        raise EvalSetError(f"{where}: \"tolerances\" must map gated metrics to numbers >= 0")
    metrics = {}
    for name, value in raw.items():
        if name not in HEADLINE:
            raise EvalSetError(f"{where}: unknown metric {name!r} (gated: {', '.join(HEADLINE)})")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise EvalSetError(f"{where}: metric {name!r} must be a number")
        metrics[name] = float(value)
    return Baseline(metrics, float(tolerance), {k: float(v) for k, v in tolerances.items()})


def load_baseline(path: Path) -> Baseline | None:
    """The baseline, None if the file does not exist; EvalSetError if it is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalSetError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return parse_baseline(data, str(path))


def compare_to_baseline(headline: Mapping[str, float | None], baseline: Baseline) -> list[Regression]:
    """Headline metrics that fell below baseline − tolerance (compared at 4 decimals, as stored)."""
    regressions = []
    for name in HEADLINE:
        if name not in baseline.metrics:
            continue
        before, now = baseline.metrics[name], headline.get(name)
        if now is None:
            # Undefined now (e.g. precision with nothing refused) while the baseline had a figure.
            regressions.append(Regression(name, before, None, baseline.allowed_drop(name)))
        elif round(now, 4) < before - baseline.allowed_drop(name) - 1e-9:
            regressions.append(Regression(name, before, now, baseline.allowed_drop(name)))
    return regressions


def baseline_payload(metrics: Metrics, tolerance: float, set_path: Path | str = "", items: int | None = None,
                     tolerances: Mapping[str, float] | None = None) -> dict:
    data = {
        "tolerance": tolerance,
        "tolerances": dict(tolerances or {}),
        "tolerance_note": TOLERANCE_NOTE,
        "metrics": {name: (None if v is None else round(v, 4)) for name, v in metrics.headline().items()},
    }
    if set_path:
        data["set"] = str(set_path)
    data["items"] = metrics.items if items is None else items
    return data


# ---------------------------------------------------------------------------------------------
# Running


@dataclass(frozen=True)
class Evaluation:
    results: tuple[ItemResult, ...]
    metrics: Metrics
    by_kind: dict[str, Metrics]
    by_document: dict[str, Metrics]
    seconds: float = 0.0

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.results if r.failed]

    def to_json(self) -> dict:
        return {
            "metrics": self.metrics.to_json(),
            "by_kind": {k: m.to_json() for k, m in self.by_kind.items()},
            "by_document": {k: m.to_json() for k, m in self.by_document.items()},
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
        "problems": list(r.problems),
        "found": r.found,
        "answer": r.answer,
        "top_citations": [f"{c.source} {c.label}" for c in r.citations],
    }


def summarize(results: Sequence[ItemResult], seconds: float = 0.0) -> Evaluation:
    return Evaluation(tuple(results), compute_metrics(results), breakdown(results, "kind"), breakdown(results, "document"), seconds)


def resolve_spans(assistant, items: Sequence[EvalItem], where: str = "") -> list[dict[Expected, tuple[Span, ...]]]:
    """Expected spans of every item, checked against the loaded index before any question is asked."""
    out = []
    for item in items:
        try:
            out.append(expected_spans(item, assistant.outline))
        except EvalSetError as exc:
            raise EvalSetError(f"{where}{exc}") from None
    return out


def evaluate(assistant, items: Sequence[EvalItem], progress: bool = False, where: str = "") -> Evaluation:
    """Ask every item through `assistant.ask(question, history)`, timing each call, and score it."""
    from assistant.service import InvalidQuestion

    spans = resolve_spans(assistant, items, where)
    documents = assistant.documents
    bar = _progress(len(items)) if progress else None
    results = []
    began = time.perf_counter()
    for item, item_spans in zip(items, spans):
        start = time.perf_counter()
        try:
            answer = assistant.ask(item.question, list(item.history))
        except InvalidQuestion as exc:
            results.append(invalid_result(item, str(exc), (time.perf_counter() - start) * 1000))
        else:
            elapsed = (time.perf_counter() - start) * 1000
            results.append(score_item(item, answer, item_spans, documents, elapsed))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return summarize(results, time.perf_counter() - began)


def _progress(total: int):
    try:
        from tqdm import tqdm

        return tqdm(total=total, desc="eval", unit="q", file=sys.stderr, leave=False)
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _Counter(total)


class _Counter:
    def __init__(self, total: int):
        self.total, self.done = total, 0

    def update(self, n: int) -> None:
        self.done += n
        print(f"\reval {self.done}/{self.total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        print(file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Reporting


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


GROUP_COLUMNS = ("n", "hit@1", "hit@5", "MRR", "accuracy", "false refusal", "refusal P", "refusal R", "exact cites", "p50 ms", "p95 ms")


def _group_row(m: Metrics) -> list[str]:
    return [
        str(m.items),
        _fmt(m.hit_at_1),
        _fmt(m.hit_at_5),
        _fmt(m.mrr),
        _fmt(m.answer_accuracy),
        _fmt(m.false_refusal_rate),
        _fmt(m.refusal_precision) if m.unanswerable else "—",
        _fmt(m.refusal_recall),
        _fmt(m.citation_exactness),
        _ms(m.latency_median_ms),
        _ms(m.latency_p95_ms),
    ]


def _headline_rows(metrics: Metrics, baseline: Baseline | None) -> list[list[str]]:
    rows = []
    for name, value in metrics.headline().items():
        before = baseline.metrics.get(name) if baseline else None
        rows.append([name, _fmt(value), _fmt(before)])
    rows.append(["false_refusal_rate", _fmt(metrics.false_refusal_rate), "(not gated)"])
    rows.append(["latency median ms", _ms(metrics.latency_median_ms), "(not gated)"])
    rows.append(["latency p95 ms", _ms(metrics.latency_p95_ms), "(not gated)"])
    return rows


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(esc, row)) + " |" for row in rows]
    return "\n".join(lines)


def format_summary(evaluation: Evaluation, baseline: Baseline | None = None) -> str:
    """The human summary printed on stdout."""
    m = evaluation.metrics
    parts = [
        f"{m.items} items ({m.answerable} answerable, {m.unanswerable} unanswerable), "
        f"{m.failed} with problems, {evaluation.seconds:.1f}s",
        "",
        text_table(["metric", "now", "baseline"], _headline_rows(m, baseline)),
        "",
        text_table(["kind", *GROUP_COLUMNS], [[k, *_group_row(g)] for k, g in evaluation.by_kind.items()]),
        "",
        text_table(["document", *GROUP_COLUMNS], [[k, *_group_row(g)] for k, g in evaluation.by_document.items()]),
    ]
    return "\n".join(parts)


def format_report(evaluation: Evaluation, baseline: Baseline | None, titles: Mapping[str, str], set_path: str = "") -> str:
    """report.md: headline, per-kind and per-document tables, then every failed item."""
    m = evaluation.metrics
    out = [
        "# Evaluation report",
        "",
        f"Set: `{set_path}` — {m.items} items ({m.answerable} answerable, {m.unanswerable} unanswerable); "
        f"{m.citations} citations; {m.failed} items with problems; run {evaluation.seconds:.1f}s.",
        "",
        "Retrieval hit: a citation from the expected file overlapping the expected clause "
        "(comparison: every document covered; MRR uses the rank where the last one is covered). "
        "Accuracy: answerable items found with every key in the answer (whitespace ignored). "
        "Refusal = `found == false`. A comparison over two documents cannot have hit@1, so its "
        "hit@1 is 0 by construction.",
        "",
        "## Headline",
        "",
        markdown_table(["metric", "now", "baseline"], _headline_rows(m, baseline)),
        "",
        "## By kind",
        "",
        markdown_table(["kind", *GROUP_COLUMNS], [[k, *_group_row(g)] for k, g in evaluation.by_kind.items()]),
        "",
        "![per-kind retrieval and accuracy](by_kind.png)",
        "",
        "## By document",
        "",
        "A comparison item counts under each of its documents; unanswerable items are under `none`.",
        "",
        markdown_table(
            ["document", "title", *GROUP_COLUMNS],
            [[k, titles.get(k, ""), *_group_row(g)] for k, g in evaluation.by_document.items()],
        ),
        "",
        f"## Failures ({len(evaluation.failures)})",
        "",
    ]
    if not evaluation.failures:
        out.append("None.")
    for r in evaluation.failures:
        item = r.item
        out.append(f"### {item.id} · {item.kind}")
        out.append("")
        for h in item.history:
            out.append(f"- earlier: {h}")
        out.append(f"- question: {item.question}")
        if r.effective_question and r.effective_question != item.question:
            out.append(f"- understood as: {r.effective_question}")
        expected = "; ".join(f"`{e.source}` {e.label}" for e in item.expected) or "(unanswerable: a refusal)"
        out.append(f"- expected: {expected}" + (f" — keys {', '.join(item.keys)}" if item.keys else ""))
        out.append(f"- problems: {'; '.join(r.problems)}")
        out.append(f"- returned: found={str(r.found).lower()}, rank={r.rank if r.rank else '—'}")
        cites = "; ".join(f"[{i}] `{c.source[:3]}` {c.label}" for i, c in enumerate(r.citations, 1)) or "none"
        out.append(f"- citations: {cites}")
        answer = r.error or r.answer
        if len(answer) > 500:
            answer = answer[:500] + "…"
        out.append("")
        out.append("> " + answer.replace("\n", "\n> "))
        out.append("")
    return "\n".join(out) + "\n"


def plot_by_kind(by_kind: Mapping[str, Metrics], path: Path) -> None:
    """Grouped bars of hit@1, hit@5 and accuracy per kind (for `unanswerable`: refusal recall)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    kinds = list(by_kind)
    series = {
        "hit@1": [by_kind[k].hit_at_1 for k in kinds],
        "hit@5": [by_kind[k].hit_at_5 for k in kinds],
        "accuracy (unanswerable: refused)": [
            by_kind[k].refusal_recall if by_kind[k].answerable == 0 else by_kind[k].answer_accuracy for k in kinds
        ],
    }
    fig = Figure(figsize=(max(6.0, 1.1 * len(kinds) + 2), 4.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(kinds))]
        ax.bar(xs, [v or 0.0 for v in values], width, label=name)
    ax.set_xticks(range(len(kinds)))
    ax.set_xticklabels([f"{k}\n(n={by_kind[k].items})" for k in kinds], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of items")
    ax.set_title("Evaluation by kind", pad=24)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), frameon=False)
    fig.tight_layout()
    fig.savefig(path)


def write_report(
    report_dir: Path,
    evaluation: Evaluation,
    baseline: Baseline | None = None,
    titles: Mapping[str, str] | None = None,
    set_path: str = "",
    gate: dict | None = None,
) -> Path:
    """report.md, by_kind.png, metrics.json and results.jsonl (every item as returned). Returns report.md."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / "report.md"
    report.write_text(format_report(evaluation, baseline, titles or {}, set_path), encoding="utf-8")
    plot_by_kind(evaluation.by_kind, report_dir / "by_kind.png")
    payload = {"set": set_path, **evaluation.to_json(), **({"gate": gate} if gate else {})}
    (report_dir / "metrics.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with open(report_dir / "results.jsonl", "w", encoding="utf-8") as fh:
        for r in evaluation.results:
            fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
    return report


# ---------------------------------------------------------------------------------------------
# Command line


def _default_path(relative: str) -> Path:
    """Relative to the working directory when it has an eval/ folder, else to the project."""
    here = Path.cwd()
    base = here if (here / "eval").exists() or not (PROJECT_ROOT / "eval").exists() else PROJECT_ROOT
    return base / relative


@dataclass(frozen=True)
class EvalOptions:
    set_path: Path = field(default_factory=lambda: _default_path("eval/questions.jsonl"))
    report_dir: Path = field(default_factory=lambda: _default_path("eval/reports"))
    baseline_path: Path = field(default_factory=lambda: _default_path("eval/baseline.json"))
    update_baseline: bool = False
    as_json: bool = False
    quiet: bool = False


def run(options: EvalOptions, open_assistant: Callable[[], object], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Load and check the set and baseline, evaluate, report, then gate (or update the baseline).

    `open_assistant` is called only once the set and baseline are known to be well formed.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    say = lambda message: print(message, file=err, flush=True)
    where = f"{options.set_path} "
    try:
        items = load_set(options.set_path)
        baseline = load_baseline(options.baseline_path)
    except EvalSetError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    assistant = open_assistant()
    try:
        evaluation = evaluate(assistant, items, progress=not options.quiet, where=where)
    except EvalSetError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE

    headline = evaluation.metrics.headline()
    if options.update_baseline:
        tolerance = baseline.tolerance if baseline else DEFAULT_TOLERANCE
        regressions: list[Regression] = []
        gate = {"status": "updated", "baseline": str(options.baseline_path), "tolerance": tolerance}
    elif baseline is None:
        regressions = []
        gate = {"status": "no baseline", "baseline": str(options.baseline_path)}
    else:
        regressions = compare_to_baseline(headline, baseline)
        gate = {
            "status": "fail" if regressions else "pass",
            "baseline": str(options.baseline_path),
            "tolerance": baseline.tolerance,
            "regressions": [asdict(r) for r in regressions],
        }

    titles = {source: doc.title for source, doc in assistant.documents.items()}
    report = write_report(options.report_dir, evaluation, baseline, titles, str(options.set_path), gate)
    say(f"report: {report} (with by_kind.png, metrics.json, results.jsonl in {report.parent})")

    if options.as_json:
        payload = {**evaluation.to_json(), "gate": gate, "report": str(report)}
        out.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(format_summary(evaluation, None if options.update_baseline else baseline) + "\n")
    out.flush()

    if options.update_baseline:
        options.baseline_path.parent.mkdir(parents=True, exist_ok=True)
        payload = baseline_payload(evaluation.metrics, gate["tolerance"], _display_path(options.set_path),
                                   tolerances=baseline.tolerances if baseline else None)
        options.baseline_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        say(f"baseline updated: {options.baseline_path} (tolerance {gate['tolerance']:g})")
        for name in HEADLINE:
            before = baseline.metrics.get(name) if baseline else None
            say(f"  {name}: {_fmt(before, 4)} -> {_fmt(headline[name], 4)}")
        return EXIT_OK
    if baseline is None:
        say(f"no baseline at {options.baseline_path}: nothing to compare against; "
            "run `python -m assistant eval --update-baseline` to record the current figures")
        return EXIT_OK
    if regressions:
        say(f"REGRESSION: {len(regressions)} metric(s) fell by more than the allowed drop:")
        for reg in regressions:
            say(f"  {reg}")
        return EXIT_REGRESSION
    special = "".join(f"; {name} {drop:g}" for name, drop in baseline.tolerances.items())
    say(f"gate passed: no headline metric more than {baseline.tolerance:g}{special} below {options.baseline_path}")
    return EXIT_OK


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def run_cli(args, config) -> int:
    """`python -m assistant eval`: the options from argparse, the assistant from the config."""
    defaults = EvalOptions()
    options = EvalOptions(
        set_path=args.eval_set or defaults.set_path,
        report_dir=args.report or defaults.report_dir,
        baseline_path=args.baseline or defaults.baseline_path,
        update_baseline=bool(args.update_baseline),
        as_json=bool(args.json),
        quiet=bool(args.quiet),
    )

    def open_assistant():
        from assistant.service import Assistant

        return Assistant.open(config, progress=not options.quiet)

    return run(options, open_assistant)
