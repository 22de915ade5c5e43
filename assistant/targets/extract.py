"""A document's targets from its clauses: table rows by their headers, the rest as sentences (pure)."""
from __future__ import annotations

from typing import Iterable

from assistant.models import Clause, Document
from assistant.targets.context import context_of
from assistant.targets.model import Target
from assistant.targets.prose import read_prose
from assistant.targets.tables import cells_of, is_row, read_row
from assistant.targets.values import view_of

# Raised whenever what extraction yields for the same text changes: a generation whose records were extracted
# by another version is brought up to date by `build` (the records only: nothing is embedded again).
EXTRACTOR_VERSION = "targets-1"


def extract(document: Document, clauses: Iterable[Clause]) -> list[Target]:
    """Every quantified statement of `document` found in its (whole) clauses, in text order."""
    context = context_of(document)
    out: list[Target] = []
    seen: set[tuple] = set()

    def add(clause: Clause, start: int, end: int, indicator: str, scope: str, year: str, number: float, unit: str,
            comparator: str, kind: str, prop: str, statement: str) -> None:
        start, end = clause.start + start, clause.start + end
        key = (start, end, indicator, year, kind)
        if key in seen or not indicator:
            return
        seen.add(key)
        out.append(Target(document.source, clause.label, indicator, scope, year, document.text[start:end], number,
                          unit, comparator, kind, prop, start, end, statement))

    for clause in clauses:
        if clause.part:  # a part of a split clause: its whole clause is read instead
            continue
        view = view_of(clause.text)
        rows = []
        at = 0
        for line in view.split("\n"):
            cells = cells_of(line)
            if is_row(cells):
                rows.append((at, at + len(line)))
                for r in read_row(view, at, cells, context):
                    f = r.figure
                    add(clause, f.start, f.end, r.indicator, "", r.year, f.number, r.unit, f.comparator, r.kind,
                        r.property, "table")
            at += len(line) + 1
        for found in read_prose(view, rows, context):
            f = found.figure
            add(clause, f.start, f.end, found.indicator, found.scope, found.year, f.number, f.unit, f.comparator,
                found.kind, "", found.statement)
    out.sort(key=lambda t: (t.start, t.end))
    return out
