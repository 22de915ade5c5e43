"""A document's targets from its clauses: table rows by their headers, the rest as sentences (pure)."""
from __future__ import annotations

import re
from typing import Iterable

from assistant.models import Clause, Document
from assistant.targets.context import context_of
from assistant.targets.model import Target
from assistant.targets.prose import read_prose
from assistant.targets.tables import cells_of, is_row, read_row
from assistant.targets.values import view_of

# Raised whenever what extraction yields for the same text changes: a generation whose records were extracted
# by another version is brought up to date by `build` (the records only: nothing is embedded again).
EXTRACTOR_VERSION = "targets-8"  # 8: a requirement's modal and sign are no part of its name ('阳性检出率应≥95%')
HEADLINE = 40  # characters: a clause's first line this short is its heading
_MARKER = re.compile(r"^(?:[①-⑳]|[(（]?\d{1,2}[)）])")
NAMED = 5  # characters: an indicator this long names what is measured, not only what is counted


def as_written(text: str, view: str, name: str, lo: int, hi: int) -> str:
    """`name` (read from the folded view, spaces dropped) in the document's own characters (Traditional stays
    Traditional), taken from where it stands in text[lo:hi]; `name` itself when it stands nowhere as one piece."""
    lo, hi = max(0, lo), min(len(view), hi)
    kept = [i for i in range(lo, hi) if not view[i].isspace()]
    at = "".join(view[i] for i in kept).rfind(name)
    if at < 0 or not name:
        return name
    return "".join(text[i] for i in kept[at:at + len(name)])


def extract(document: Document, clauses: Iterable[Clause]) -> list[Target]:
    """Every quantified statement of `document` found in its (whole) clauses, in text order."""
    context = context_of(document)
    out: list[Target] = []
    seen: set[tuple] = set()

    def add(clause: Clause, view: str, start: int, end: int, indicator: str, scope: str, year: str, number: float, unit: str,
            comparator: str, kind: str, prop: str, statement: str) -> None:
        if view is not clause.text:  # read from the folded view: said again in the document's own characters
            indicator = as_written(clause.text, view, indicator, start - 120, end + 60)
            scope = as_written(clause.text, view, scope, start - 160, end)
        indicator = _MARKER.sub("", indicator)  # '①孕产妇系统管理率' (the view reads ① as 1): the item's marker
        start, end = clause.start + start, clause.start + end
        key = (start, end, indicator, year, kind)
        if key in seen or not indicator:
            return
        seen.add(key)
        out.append(Target(document.source, clause.label, indicator, scope, year, document.text[start:end], number,
                          unit, comparator, kind, prop, start, end, statement))

    for clause in clauses:  # a clause interrupted (by a page number, a sub-item) comes in parts, each read
        view = view_of(clause.text)
        rows = []
        at = 0
        for line in view.split("\n"):
            cells = cells_of(line)
            if is_row(cells):
                rows.append((at, at + len(line)))
                for r in read_row(view, at, cells, context):
                    f = r.figure
                    add(clause, view, f.start, f.end, r.indicator, "", r.year, f.number, r.unit, f.comparator, r.kind,
                        r.property, "table")
            at += len(line) + 1
        for found in read_prose(view, rows, context):
            f = found.figure
            if _headline_restated(view, f.start, f.end):
                continue
            add(clause, view, f.start, f.end, found.indicator, found.scope, found.year, f.number, f.unit, f.comparator,
                found.kind, "", found.statement)
    out.sort(key=lambda t: (t.start, t.end))
    return said_once(out)


def _headline_restated(view: str, start: int, end: int) -> bool:
    """A figure in a clause's heading line that its body states again ('人均期望寿命达83.18岁' over a paragraph saying
    '人均期望寿命达83.18岁(2021年)'): the body's statement, with its year, is the record."""
    first = view.find("\n")
    if first < 0 or end > first or HEADLINE < len(view[:first].strip()):
        return False
    value = re.sub(r"\s+", "", view[start:end])
    return value in re.sub(r"\s+", "", view[first:])


def said_once(records: list[Target]) -> list[Target]:
    """Each target once: a figure a later clause states again (a summary's targets restated in their section) for
    the same indicator, year and kind is the earlier record's, not another target. A short name is what is counted
    (乡镇分院, 市(州)), not an indicator: eleven 乡镇分院 in two sections are two statements."""
    kept: list[Target] = []
    seen: dict[tuple, str] = {}
    for t in records:
        key = (t.folded, t.year, t.kind, "".join(t.value.split()))
        if len(t.folded) >= NAMED and seen.get(key, t.label) != t.label:
            continue
        seen.setdefault(key, t.label)
        kept.append(t)
    return kept
