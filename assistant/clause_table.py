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
        if isinstance(clauses, ClauseTable):
            return clauses
        sources = tuple(documents)
        ids = {"document": {s: i for i, s in enumerate(sources)}, "label": {}, "title": {}, "path": {}}
        rows = {name: np.zeros(len(clauses), dtype=np.int64) for name in _INTS}
        ocr = np.zeros(len(clauses), dtype=bool)
        texts = {}
        for i, c in enumerate(clauses):
            for name, value in (("document", c.source), ("label", c.label), ("title", c.title), ("path", c.path)):
                rows[name][i] = ids[name].setdefault(value, len(ids[name]))
            rows["start"][i], rows["end"][i], rows["part"][i], rows["parts"][i], rows["page"][i] = (
                c.start, c.end, c.part, c.parts, c.page)
            ocr[i] = c.ocr
            if documents[c.source].text[c.start:c.end] != c.text:
                texts[i] = c.text
        columns = {name: _narrow(values) for name, values in rows.items()} | {"ocr": ocr}
        return cls(documents, sources, columns, tuple(ids["label"]), tuple(ids["title"]), tuple(ids["path"]), texts)

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
        """The rows of one document, in row order."""
        if source not in self._bounds:
            return ()
        start, end = self._bounds[source]
        return tuple(self[int(row)] for row in self._by_document[start:end])

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

    @classmethod
    def of(cls, whole: Mapping[str, Sequence[Clause]], documents: Mapping[str, Document]) -> "Outline":
        if isinstance(whole, Outline):
            return whole
        return cls(ClauseTable.of([c for source in documents for c in whole.get(source, ())], documents))


def row_keys(path: Path) -> list[tuple[str, int, int]]:
    """Each row's (source, start, end) from a saved table, without its documents."""
    with np.load(path, allow_pickle=False) as data:
        sources = orjson.loads(data["tables"].tobytes())["sources"]
        document, start, end = data["document"], data["start"], data["end"]
    return list(zip((sources[d] for d in document.tolist()), start.tolist(), end.tolist()))
