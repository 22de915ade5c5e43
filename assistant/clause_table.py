"""Clause records held as columns: what opening a 10⁵-part index reads in milliseconds.

A clause's text is its document's `text[start:end]` (the invariant `Clause` states), so the table keeps
no text of its own: per row it keeps integers (document, offsets, part, page) and ids into string tables
(labels, titles, heading paths) that hold each distinct string once. A `Clause` is made when a row is
read, which retrieval does for the few hundred rows a question ranks. Reading 10⁵ parts from JSON lines
and making a Clause of each took ~2 s of every start and ~150 MB.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator, Mapping, Sequence, overload

import numpy as np
import orjson

from assistant.models import Clause, Document

_INTS = ("document", "start", "end", "part", "parts", "page", "label", "title", "path")


@dataclass(frozen=True, eq=False)
class ClauseTable(Sequence[Clause]):
    documents: Mapping[str, Document]  # by source: where each row's text is read from
    sources: tuple[str, ...]  # the documents' names, indexed by the `document` column
    columns: dict[str, np.ndarray]  # each of _INTS (int32 or int64) and "ocr" (bool), one value per row
    labels: tuple[str, ...]
    titles: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    texts: dict[int, str]  # the rare row whose text is not its document's slice (none from this parser)

    @classmethod
    def of(cls, clauses: Sequence[Clause], documents: Mapping[str, Document]) -> "ClauseTable":
        if isinstance(clauses, ClauseTable) and clauses.documents is documents:
            return clauses
        return assemble([clauses], documents)

    def __len__(self) -> int:
        return len(self.columns["start"])

    @overload
    def __getitem__(self, row: int) -> Clause: ...
    @overload
    def __getitem__(self, row: slice) -> tuple[Clause, ...]: ...

    def __getitem__(self, row):
        if isinstance(row, slice):
            return tuple(self[i] for i in range(*row.indices(len(self))))
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        c = self.columns
        source = self.sources[c["document"][row]]
        start, end = int(c["start"][row]), int(c["end"][row])
        text = self.texts.get(row)
        if text is None:
            text = self.documents[source].text[start:end]
        return Clause(source, self.labels[c["label"][row]], self.paths[c["path"][row]], self.titles[c["title"][row]],
                      text, start, end, int(c["part"][row]), int(c["parts"][row]), int(c["page"][row]), bool(c["ocr"][row]))

    def __iter__(self) -> Iterator[Clause]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    @cached_property
    def label_of_row(self) -> np.ndarray:
        """Each row's label as a numpy string array (for vectorised label tests)."""
        return np.asarray(self.labels, dtype=str)[self.columns["label"]] if len(self) else np.zeros(0, dtype=str)

    def of_document(self, source: str) -> tuple[Clause, ...]:
        """The clauses of one document, in row order."""
        return tuple(self[int(row)] for row in self.rows_of(source))

    def rows_of(self, source: str) -> np.ndarray:
        """The rows of one document, in order."""
        start, end = self._bounds.get(source, (0, 0))
        return self._by_document[start:end]

    def keys(self) -> list[tuple[str, int, int]]:
        """Each row's (source, start, end), without making its Clause."""
        return _keys(self.sources, self.columns)

    @cached_property
    def _by_document(self) -> np.ndarray:  # the rows grouped by document (a build writes them so already)
        return np.argsort(self.columns["document"], kind="stable")

    @cached_property
    def _bounds(self) -> dict[str, tuple[int, int]]:
        grouped = self.columns["document"][self._by_document]
        order = np.arange(len(self.sources))
        starts, ends = np.searchsorted(grouped, order, "left"), np.searchsorted(grouped, order, "right")
        return {s: (int(a), int(b)) for s, a, b in zip(self.sources, starts, ends) if b > a}

    def save(self, path: Path) -> None:
        tables = {"sources": list(self.sources), "labels": list(self.labels), "titles": list(self.titles),
                  "paths": [list(p) for p in self.paths], "texts": {str(r): t for r, t in self.texts.items()}}
        with open(path, "wb") as out:  # a file object: np.savez would add ".npz" to a name without it
            np.savez(out, tables=np.frombuffer(orjson.dumps(tables), dtype=np.uint8), **self.columns)

    @classmethod
    def load(cls, path: Path, documents: Mapping[str, Document], alike: "ClauseTable | None" = None) -> "ClauseTable":
        """The saved table; the strings it shares with `alike` (the parts' labels, titles and paths are
        mostly their whole clauses') are held once (~15 MB at 10⁵ parts)."""
        with np.load(path, allow_pickle=False) as data:
            tables = orjson.loads(data["tables"].tobytes())
            columns = {name: data[name] for name in (*_INTS, "ocr")}
        if alike is not None:
            for name, held in (("labels", alike.labels), ("titles", alike.titles)):
                same = {text: text for text in held}
                tables[name] = [same.get(text, text) for text in tables[name]]
            same_path = {path: path for path in alike.paths}
            tables["paths"] = [same_path.get(p, p) for p in map(tuple, tables["paths"])]
        sources = tuple(tables["sources"])
        missing = set(sources) - set(documents)
        if missing:
            raise ValueError(f"{path.name} names documents the generation does not hold: {sorted(missing)[:3]}")
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"{path.name} has columns of different lengths")
        return cls(documents, sources, columns, tuple(tables["labels"]), tuple(tables["titles"]),
                   tuple(tuple(p) for p in tables["paths"]), {int(r): t for r, t in tables["texts"].items()})


@dataclass(frozen=True, eq=False)
class Rows:
    """Some rows of an existing table, to be taken into a new one by column (no Clause is made of them)."""

    table: ClauseTable
    rows: np.ndarray


def assemble(pieces: Sequence["Sequence[Clause] | Rows"], documents: Mapping[str, Document]) -> ClauseTable:
    """One table of the pieces, in order: clauses, or rows of an earlier table (a rebuild takes every unchanged
    document's rows so: making 2·10⁵ Clauses of them and reading them back took ~2.5 s of it at 10⁵ parts)."""
    sources = tuple(documents)
    ids: dict[str, dict] = {"document": {s: i for i, s in enumerate(sources)}, "label": {}, "title": {}, "path": {}}
    parts: list[dict[str, np.ndarray]] = []
    texts: dict[int, str] = {}
    remaps: dict[int, dict[str, np.ndarray]] = {}  # per earlier table: its ids -> this table's
    offset = 0
    for piece in pieces:
        if isinstance(piece, Rows):
            columns = _taken(piece, ids, remaps)
            if piece.table.texts:  # the rare rows with a text of their own
                texts.update({offset + i: piece.table.texts[int(r)] for i, r in enumerate(piece.rows) if int(r) in piece.table.texts})
        else:
            columns = _made(piece, documents, ids, texts, offset)
        parts.append(columns)
        offset += len(columns["start"])
    columns = {name: _narrow(np.concatenate([p[name] for p in parts]) if parts else np.zeros(0, dtype=np.int64))
               for name in _INTS}
    columns["ocr"] = np.concatenate([p["ocr"] for p in parts]) if parts else np.zeros(0, dtype=bool)
    return ClauseTable(documents, sources, columns, tuple(ids["label"]), tuple(ids["title"]), tuple(ids["path"]), texts)


def _made(clauses: Sequence[Clause], documents: Mapping[str, Document], ids: dict, texts: dict, offset: int) -> dict:
    columns = {name: np.zeros(len(clauses), dtype=np.int64) for name in _INTS}
    columns["ocr"] = np.zeros(len(clauses), dtype=bool)
    for i, c in enumerate(clauses):
        for name, value in (("document", c.source), ("label", c.label), ("title", c.title), ("path", c.path)):
            columns[name][i] = ids[name].setdefault(value, len(ids[name]))
        columns["start"][i], columns["end"][i], columns["part"][i], columns["parts"][i], columns["page"][i] = (
            c.start, c.end, c.part, c.parts, c.page)
        columns["ocr"][i] = c.ocr
        if documents[c.source].text[c.start:c.end] != c.text:
            texts[offset + i] = c.text
    return columns


def _taken(piece: Rows, ids: dict, remaps: dict) -> dict:
    table = piece.table
    if id(table) not in remaps:  # the earlier table's ids, said in this table's (every string once)
        remaps[id(table)] = {name: np.asarray([ids[name].setdefault(v, len(ids[name])) for v in values] or [0], dtype=np.int64)
                             for name, values in (("document", table.sources), ("label", table.labels),
                                                  ("title", table.titles), ("path", table.paths))}
    remap = remaps[id(table)]
    columns = {name: table.columns[name][piece.rows].astype(np.int64) for name in _INTS}
    for name in ("document", "label", "title", "path"):
        columns[name] = remap[name][columns[name]]
    columns["ocr"] = table.columns["ocr"][piece.rows]
    return columns


def _narrow(values: np.ndarray) -> np.ndarray:
    """int32 where the values fit (all of them, short of a 2 GB document)."""
    if not len(values) or (values.min() >= np.iinfo(np.int32).min and values.max() <= np.iinfo(np.int32).max):
        return values.astype(np.int32)
    return values


class Outline(Mapping[str, tuple[Clause, ...]]):
    """Each document's whole clauses (its outline), made from a table of them when a document is asked for."""

    def __init__(self, table: ClauseTable):
        self.table = table

    def __getitem__(self, source: str) -> tuple[Clause, ...]:
        if source not in self.table.documents:
            raise KeyError(source)
        return self.table.of_document(source)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.documents)

    def __len__(self) -> int:
        return len(self.table.documents)

    def holding(self, source: str, offset: int) -> Clause | None:
        """The whole clause of a document whose text holds the offset, by a binary search over its rows' starts
        (making a long document's every clause to find one took milliseconds)."""
        rows = self.table.rows_of(source)
        starts = self.table.columns["start"][rows]
        order = np.argsort(starts, kind="stable")  # a PDF's clause may go on after a table: rows are not by position
        rows, starts = rows[order], starts[order]
        at = int(np.searchsorted(starts, offset, side="right")) - 1
        clause = self.table[int(rows[at])] if at >= 0 else None
        return clause if clause is not None and clause.start <= offset < clause.end else None

    @classmethod
    def of(cls, whole: Mapping[str, "Sequence[Clause] | Rows"], documents: Mapping[str, Document]) -> "Outline":
        """Each document's outline: its clauses, or (`Rows`) an earlier outline's rows of it."""
        if isinstance(whole, Outline) and whole.table.documents is documents:
            return whole
        return cls(assemble([whole.get(source, ()) for source in documents], documents))


def row_keys(path: Path) -> list[tuple[str, int, int]]:
    """Each row's (source, start, end) from a saved table, without its documents."""
    with np.load(path, allow_pickle=False) as data:
        return _keys(orjson.loads(data["tables"].tobytes())["sources"], data)


def _keys(sources: Sequence[str], columns) -> list[tuple[str, int, int]]:
    return list(zip([sources[d] for d in columns["document"].tolist()], columns["start"].tolist(), columns["end"].tolist()))
