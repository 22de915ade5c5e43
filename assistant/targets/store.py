"""The targets of a generation: computed at build time per changed document, saved beside the clause table.

Stored as columns (one list per field, strings of the repeated fields held once by id), like the clause table:
a 10⁴-part collection holds a few thousand records, read in milliseconds.
"""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Mapping, Sequence

import orjson

from assistant.models import Clause, Document
from assistant.targets.extract import EXTRACTOR_VERSION, extract
from assistant.targets.model import Target, Targets

FILE = "targets.json"
_FIELDS = tuple(f.name for f in fields(Target))
_REPEATED = ("source", "label", "year", "unit", "comparator", "kind", "property", "statement")  # by id into a table


def save(folder: Path, targets: Targets) -> None:
    columns: dict[str, list] = {name: [] for name in _FIELDS}
    tables: dict[str, dict[str, int]] = {name: {} for name in _REPEATED}
    for t in targets:
        for name in _FIELDS:
            value = getattr(t, name)
            if name in tables:
                value = tables[name].setdefault(value, len(tables[name]))
            columns[name].append(value)
    payload = {"version": EXTRACTOR_VERSION, "columns": columns, "tables": {n: list(v) for n, v in tables.items()}}
    (folder / FILE).write_bytes(orjson.dumps(payload))


def load(folder: Path) -> tuple[str, Targets]:
    """(the extractor version that made them, the records); ValueError when the file is not such a table."""
    data = orjson.loads((folder / FILE).read_bytes())
    try:
        columns, tables = data["columns"], data["tables"]
        count = len(columns["start"])
        if any(len(columns[name]) != count for name in _FIELDS):
            raise ValueError(f"{FILE} has columns of different lengths")
        for name in _REPEATED:
            table = tables[name]
            columns[name] = [table[i] for i in columns[name]]
        records = [Target(**{name: columns[name][i] for name in _FIELDS}) for i in range(count)]
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{FILE} is not a table of targets ({type(exc).__name__})") from None
    return str(data.get("version", "")), Targets(records)


def compute(documents: Mapping[str, Document], outline: Mapping[str, Sequence[Clause]],
            earlier: Targets | None = None, earlier_documents: Mapping[str, Document] | None = None) -> Targets:
    """Every document's targets: those of a document unchanged since `earlier` (the same Document object the
    build took from the previous generation) are taken from it, the rest extracted from its whole clauses."""
    earlier_documents = earlier_documents or {}
    records: list[Target] = []
    for source, document in documents.items():
        if earlier is not None and earlier_documents.get(source) is document:
            records.extend(earlier.targets_of(source))
        else:
            records.extend(extract(document, outline[source]))
    return Targets(records)
