"""Ruled tables: the page's ruling lines → a grid of cells → one line per row naming its columns.

Word and LibreOffice draw a table's borders as thin path objects (on the guidelines printed here:
1 pt high or wide strokes, some cells as rectangles). Read as loose lines, a table's cells were run
together across the row, a cell's wrapped text broke into paragraphs, the header row became a
heading and numbered rows became clauses. Here a table is found from its rulings alone (no guessing
from text alignment), its characters are taken out of the page's lines, and each row is written as
one line `表头1：值；表头2：值` (see `assistant.table_rows.table_row_text`), so a quoted row says which
column each value is in. Cells merged across rows repeat their text in every row they span; cells
merged across columns are written once, under their first column's header (or each column of a series:
`table_rows`).

Pure functions over plain values: `Segment`s (path boxes) and `lines.Char`s, PDF points, y downwards.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

from assistant.ingest.pdf.lines import Char, Line, group_chars
from assistant.table_rows import table_row_text

_THIN = 2.5  # pt: a stroke this thin is a ruling, not a shape
_MIN_RULE = 6.0  # pt: shorter strokes are ticks, underlines of a character, bullets
_SNAP = 2.0  # pt: rulings this close are the same grid line
_TOUCH = 3.0  # pt: rulings this close to each other's ends meet
_SLANT = 0.5  # pt: a line moving this much both ways is slanted, not level or upright


class Segment(NamedTuple):
    """A path object's box (x0 < x1, y0 < y1)."""

    x0: float
    x1: float
    y0: float
    y1: float


class Table(NamedTuple):
    """A ruled table: its box and its cells' texts row by row (merged cells already resolved into
    `None` for the later columns of a horizontal span)."""

    x0: float
    x1: float
    y0: float
    y1: float
    row_tops: tuple[float, ...]
    row_bottoms: tuple[float, ...]
    cells: tuple[tuple[str | None, ...], ...]
    open_top: bool = False  # its first row is the rest of the last row on the page before (`threeline`)
    open_bottom: bool = False  # it runs on at the top of the next page, its bottom rule there (`threeline`)


def straight_path(segments: Sequence[tuple[str, float, float]]) -> bool:
    """Whether a path's segments (kind "move"/"line"/"curve", x, y) could draw rulings: straight and
    level or upright (a stroke, a rectangle, a cell's borders). A path with a curve is a shape (a
    glyph outline, a logo, a circle), and one with a slanted edge an arrow or a watermark: their boxes
    are no table's borders."""
    for (_, x0, y0), (kind, x1, y1) in zip(segments, segments[1:]):
        if kind == "curve":
            return False
        if kind == "line" and abs(x1 - x0) > _SLANT and abs(y1 - y0) > _SLANT:
            return False
    return not segments or segments[0][0] != "curve"


def rulings(boxes: Sequence[Segment]) -> tuple[list[Segment], list[Segment]]:
    """(horizontal, vertical) rulings among path boxes; a rectangle counts as its four edges."""
    horizontal, vertical = [], []
    for b in boxes:
        w, h = b.x1 - b.x0, b.y1 - b.y0
        if h <= _THIN and w >= _MIN_RULE:
            horizontal.append(b)
        elif w <= _THIN and h >= _MIN_RULE:
            vertical.append(b)
        elif w >= _MIN_RULE and h >= _MIN_RULE:
            horizontal += [Segment(b.x0, b.x1, b.y0, b.y0), Segment(b.x0, b.x1, b.y1, b.y1)]
            vertical += [Segment(b.x0, b.x0, b.y0, b.y1), Segment(b.x1, b.x1, b.y0, b.y1)]
    return horizontal, vertical


def _meets(a: Segment, b: Segment) -> bool:
    return (a.x0 - _TOUCH <= b.x1 and b.x0 - _TOUCH <= a.x1 and a.y0 - _TOUCH <= b.y1 and b.y0 - _TOUCH <= a.y1)


def _groups(segments: list[Segment]) -> list[list[Segment]]:
    """Rulings that touch, transitively: one group per table."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(segments)), key=lambda i: segments[i].y0)
    for n, i in enumerate(order):  # only segments overlapping in y can meet: a sweep keeps this near-linear
        for j in order[n + 1:]:
            if segments[j].y0 - _TOUCH > segments[i].y1:
                break
            if _meets(segments[i], segments[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Segment]] = {}
    for i, s in enumerate(segments):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def _snap(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def find_tables(boxes: Sequence[Segment], chars: Sequence[Char]) -> list[Table]:
    """The ruled tables on a page with at least two rows and two columns, their cells filled from
    `chars` (a character belongs to the cell holding its centre)."""
    horizontal, vertical = rulings(boxes)
    tables = []
    for group in _groups(horizontal + vertical):
        hs = [s for s in group if s.y1 - s.y0 <= _THIN]
        vs = [s for s in group if s.y1 - s.y0 > _THIN]
        ys = _snap([(s.y0 + s.y1) / 2 for s in hs])
        xs = _snap([(s.x0 + s.x1) / 2 for s in vs])
        if len(ys) < 3 or len(xs) < 3:  # fewer than 2 rows or 2 columns: a frame or a rule, not a table
            continue
        tables.append(_fill(ys, xs, hs, vs, chars))
    return sorted(tables, key=lambda t: t.y0)


def _covers(rules: Sequence[Segment], along_x: bool, at: float, lo: float, hi: float) -> bool:
    """Whether a ruling stands at `at` (y for horizontal, x for vertical) across the middle of lo..hi."""
    mid = (lo + hi) / 2
    for s in rules:
        pos = (s.y0 + s.y1) / 2 if along_x else (s.x0 + s.x1) / 2
        start, end = (s.x0, s.x1) if along_x else (s.y0, s.y1)
        if abs(pos - at) <= _SNAP and start - _TOUCH <= mid <= end + _TOUCH:
            return True
    return False


def _fill(ys: list[float], xs: list[float], hs: list[Segment], vs: list[Segment], chars: Sequence[Char]) -> Table:
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(k):
        while parent[k] != k:
            k = parent[k]
        return k

    def join(a, b):  # keep the top-left cell as the span's owner
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covers(vs, False, xs[c + 1], ys[r], ys[r + 1]):
                join((r, c), (r, c + 1))
            if r + 1 < rows and not _covers(hs, True, ys[r + 1], xs[c], xs[c + 1]):
                join((r, c), (r + 1, c))
    owned: dict[tuple[int, int], list[Char]] = {}
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
        if ch.text.isspace() or not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        r = next(i for i in range(rows) if cy <= ys[i + 1])
        c = next(i for i in range(cols) if cx <= xs[i + 1])
        owned.setdefault(find((r, c)), []).append(ch)
    texts = {key: cell_text(cs) for key, cs in owned.items()}
    cells = []
    for r in range(rows):
        row: list[str | None] = []
        for c in range(cols):
            owner = find((r, c))
            # a span across columns is written once; down the rows it repeats in every row
            row.append(None if c > 0 and find((r, c - 1)) == owner else texts.get(owner, ""))
        cells.append(tuple(row))
    return Table(xs[0], xs[-1], ys[0], ys[-1], tuple(ys[:-1]), tuple(ys[1:]), tuple(cells))


def cell_text(chars: Sequence[Char]) -> str:
    """A cell's characters as one paragraph: its wrapped lines joined (a space only between Latin words)."""
    out = ""
    for line in group_chars(chars):
        out = join_text(out, line.text)
    return out


def join_text(before: str, after: str) -> str:
    """Two pieces of one cell's text, with a space only between two Latin words or numbers."""
    if before and before[-1].isascii() and before[-1].isalnum() and after[:1].isascii() and after[:1].isalnum():
        return before + " " + after
    return before + after


def in_table(ch: Char, tables: Sequence[Table]) -> bool:
    cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
    return any(t.x0 <= cx <= t.x1 and t.y0 <= cy <= t.y1 for t in tables)


def row_lines(table: Table, header: Sequence[str | None] | None = None) -> tuple[list[Line], tuple[str | None, ...]]:
    """The table's rows as `Line`s of kind "row", and the header they were named by.

    The first row is the header, unless `header` (a table continued from the page before) is given:
    then a first row repeating it is dropped, and any other first row is data."""
    rows, header = _data_rows(table, header)
    return [line for line, _ in rows if line is not None], header


def _data_rows(table: Table, header: Sequence[str | None] | None) -> tuple[list[tuple[Line | None, tuple]], tuple]:
    """(the row's Line, or None when it has no text; its cells) for each data row, and the header."""
    rows = list(table.cells)
    tops, bottoms = list(table.row_tops), list(table.row_bottoms)
    if header is not None and len(header) == len(rows[0]):
        if _same(rows[0], header):
            rows, tops, bottoms = rows[1:], tops[1:], bottoms[1:]
    else:
        header = rows[0]
        rows, tops, bottoms = rows[1:], tops[1:], bottoms[1:]
    out = []
    for row, top, bottom in zip(rows, tops, bottoms):
        text = table_row_text(_names(header), row)
        out.append((Line(text, table.x0, table.x1, top, bottom, "row") if text else None, row))
    return out, tuple(header)


def _names(header: Sequence[str | None]) -> list[str]:
    return [h if h is not None else "" for h in header]


def _same(a: Sequence[str | None], b: Sequence[str | None]) -> bool:
    return [(x or "").replace(" ", "") for x in a] == [(x or "").replace(" ", "") for x in b]


def place_tables(pages: Sequence[Sequence[Line]], tables: Sequence[Sequence[Table]]) -> list[list[Line]]:
    """Each page's lines with its tables' rows put where the tables stand (before the first line below
    a table's top). A table that opens a page, after a page that ended with a table of as many columns,
    continues it: named by that table's header, a repeated header row dropped; when the page break cut
    a row (`Table.open_top`), its rest is joined to that row, which keeps its place on the page before."""
    out: list[list[Line]] = []
    carried: tuple[str | None, ...] | None = None  # the header of a table that ended the previous page
    last: tuple[list[Line], int, tuple] | None = None  # that table's last row: its page's lines, index, cells
    for lines, page_tables in zip(pages, tables):
        merged = list(lines)
        last_header, page_last = None, None
        for n, table in enumerate(page_tables):
            opens_page = n == 0 and not any(ln.y1 <= table.y0 for ln in lines)
            header = carried if opens_page and carried and len(carried) == len(table.cells[0]) else None
            rows, last_header = _data_rows(table, header)
            if header is not None and table.open_top and rows and last is not None:
                _join_rows(last, rows.pop(0)[1], last_header)
            at = next((i for i, ln in enumerate(merged) if ln.kind != "row" and ln.y0 >= table.y0), len(merged))
            kept = [line for line, _ in rows if line is not None]
            merged[at:at] = kept
            page_last = (merged, at + len(kept) - 1, rows[-1][1]) if kept and rows[-1][0] is not None else None
        ends_with_table = bool(page_tables) and not any(ln.y0 >= page_tables[-1].y1 for ln in lines)
        carried = last_header if ends_with_table else None
        last = page_last if ends_with_table else None
        out.append(merged)
    return out


def _join_rows(last: tuple[list[Line], int, tuple], rest: tuple, header: tuple) -> None:
    """The rest of a row cut by a page break joined, cell by cell, to the row's line on the page before."""
    lines, at, cells = last
    joined = tuple(None if a is None and b is None else join_text(a or "", b or "") for a, b in zip(cells, rest))
    lines[at] = lines[at]._replace(text=table_row_text(_names(header), joined))
