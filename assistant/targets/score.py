"""Extraction measured against a gold file of targets written by reading the documents (eval/targets/).

A gold record and an extracted one are the same statement when they are of the same document and year and state
the same value (as written once spaces are dropped, or the same number), and
- for a document whose gold evidence was copied from the file itself (`seeds/…`): the extracted value stands
  inside the evidence in the file;
- for a plan read from its PDF (`plans/…`, evidence copied from a text excerpt made by another converter): the
  indicators are alike (`model.similarity`), and only what lies in the excerpt's stretch of the PDF is scored.
Each gold record is matched once (best indicator first, then the value written as the gold's). Offsets are exact when the extracted value, spaces
dropped, is the gold value (for a table cell: its figure, the symbol kept).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from assistant.models import Document
from assistant.targets.model import Target, fold_indicator, similarity
from assistant.textnorm import fold

INDICATOR_FLOOR = 0.5  # plans only: how alike two indicators must be to be one statement


@dataclass(frozen=True)
class Gold:
    source: str
    indicator: str
    year: str
    value: str
    number: float
    kind: str
    statement: str
    evidence: str


@dataclass
class Tally:
    gold: int = 0
    found: int = 0  # gold records matched
    extracted: int = 0
    right: int = 0  # extracted records matched
    exact: int = 0  # matched pairs whose offsets hold exactly the gold value
    same_kind: int = 0

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        return self.right / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None


@dataclass
class Score:
    by_document: dict[str, Tally] = field(default_factory=dict)
    by_statement: dict[str, Tally] = field(default_factory=dict)  # recall by the gold's statement, precision by ours
    total: Tally = field(default_factory=Tally)
    misses: list[tuple[Gold, str]] = field(default_factory=list)  # (gold record, why) for the report
    wrong: list[Target] = field(default_factory=list)
    inexact: list[tuple[Gold, Target]] = field(default_factory=list)  # matched, but the offsets hold another value


def load_gold(path: Path) -> list[Gold]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            rows.append(Gold(r["source"], r["indicator"], r["year"], r["value"], float(r["number"]), r["kind"],
                             r["statement"], r["evidence"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name} line {n}: not a gold record ({exc})") from None
    return rows


def squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def _year(year: str) -> str:
    return re.sub(r"[-–~～至]", "—", year.strip())


def _same_value(t: Target, g: Gold) -> bool:
    value = squash(g.value).replace("#", "")
    return squash(t.value) == value or abs(t.number - g.number) < 1e-6


def _squashed(text: str) -> tuple[str, list[int]]:
    """The text folded character by character with spaces dropped, and where each kept character stands."""
    kept = [(i, ch) for i, c in enumerate(text) for ch in fold(c) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def _spans(document: Document, evidence: str) -> list[tuple[int, int]]:
    """Where the evidence stands in the document's text, spaces ignored on both sides."""
    squashed, at_of = _squashed(document.text)
    wanted = squash(evidence)
    spans, at = [], squashed.find(wanted)
    while at >= 0 and wanted:
        spans.append((at_of[at], at_of[at + len(wanted) - 1] + 1))
        at = squashed.find(wanted, at + 1)
    return spans


def region(document: Document, excerpt: str) -> tuple[int, int]:
    """The stretch of the document's text an excerpt of it covers: from where its first words stand to where its last
    do (page numbers aside); the whole text when they cannot be found."""
    squashed, at_of = _squashed(document.text)
    words = re.sub(r"\d+\s*$", "", squash(excerpt))
    start = squashed.find(words[:16])
    if start < 0:
        return 0, len(document.text)
    for size in (16, 12, 9):
        at = squashed.rfind(words[-size:].replace("#", ""))
        if at > start:
            return at_of[start], at_of[at + size - 1] + 1
    return at_of[start], len(document.text)


def score(gold: Sequence[Gold], extracted: dict[str, list[Target]], documents: dict[str, Document],
          by_evidence: Callable[[str], bool]) -> Score:
    """`extracted` and `documents` by gold source name; `by_evidence(source)`: whether its gold evidence is the
    file's own text (then matched by place) or an excerpt of another converter's (then by indicator)."""
    result = Score()
    for source in sorted({g.source for g in gold}):
        golds = [g for g in gold if g.source == source]
        records = extracted.get(source, [])
        document = documents[source]
        tally = Tally(gold=len(golds), extracted=len(records))
        pairs = []
        for gi, g in enumerate(golds):
            spans = _spans(document, g.evidence) if by_evidence(source) else []
            for ti, t in enumerate(records):
                if _year(t.year) != _year(g.year) or not _same_value(t, g):
                    continue
                alike = similarity(fold_indicator(g.indicator), t.folded)
                if by_evidence(source):
                    if not any(a <= t.start and t.end <= b for a, b in spans):
                        continue
                elif alike < INDICATOR_FLOOR:
                    continue
                pairs.append((-alike, squash(t.value) != squash(g.value).replace("#", ""), gi, ti))
        taken_g, taken_t = {}, set()
        for *_, gi, ti in sorted(pairs):  # the most alike indicator first, then the value written alike
            if gi in taken_g or ti in taken_t:
                continue
            taken_g[gi] = ti
            taken_t.add(ti)
        statements = {}
        for gi, g in enumerate(golds):
            per = statements.setdefault(g.statement, Tally())
            per.gold += 1
            achieved = statements.setdefault("achieved", Tally()) if g.kind == "achieved" else None
            if achieved is not None:
                achieved.gold += 1
            if gi in taken_g:
                t = records[taken_g[gi]]
                hit = Tally(found=1, exact=int(squash(t.value) == squash(g.value).replace("#", "")),
                            same_kind=int(t.kind == g.kind))
                tally.add(hit)
                per.add(hit)
                if achieved is not None:
                    achieved.add(hit)
                if not hit.exact:
                    result.inexact.append((g, t))
            else:
                near = [t for t in records if _same_value(t, g)]
                why = "no record of this value" if not near else "value found, but " + "; ".join(
                    sorted({f"{t.indicator}@{t.year or '-'}" for t in near})[:3])
                result.misses.append((g, why))
        for ti, t in enumerate(records):
            for name in [t.statement] + (["achieved"] if t.kind == "achieved" else []):
                per = statements.setdefault(name, Tally())
                per.extracted += 1
                per.right += int(ti in taken_t)
            if ti in taken_t:
                tally.right += 1
            else:
                result.wrong.append(t)
        result.by_document[source] = tally
        for name, per in statements.items():
            result.by_statement.setdefault(name, Tally()).add(per)
        result.total.add(tally)
    return result


def report(result: Score) -> str:
    """The figures as a plain-text table."""
    fmt = lambda x: "  -  " if x is None else f"{x:.3f}"
    lines = [f"{'':58} {'gold':>5} {'found':>6} {'recall':>7} {'records':>8} {'right':>6} {'precision':>9} {'exact':>6} {'kind':>6}"]

    def row(name: str, t: Tally) -> str:
        exact = t.exact / t.found if t.found else None
        kind = t.same_kind / t.found if t.found else None
        return (f"{name[:58]:58} {t.gold:5} {t.found:6} {fmt(t.recall):>7} {t.extracted:8} {t.right:6} "
                f"{fmt(t.precision):>9} {fmt(exact):>6} {fmt(kind):>6}")

    lines += [row(name, t) for name, t in result.by_document.items()]
    lines.append(row("by statement: list", result.by_statement.get("list", Tally())))
    lines.append(row("by statement: sentence", result.by_statement.get("sentence", Tally())))
    lines.append(row("by statement: table", result.by_statement.get("table", Tally())))
    lines.append(row("achieved values", result.by_statement.get("achieved", Tally())))
    lines.append(row("all", result.total))
    return "\n".join(lines)
