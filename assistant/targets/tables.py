"""Figures stated in table rows (pure).

The readers keep a table row as one line naming its column headers ("指标：…；基期水平：…；2022年目标值：…；
指标性质：预期性", or "领域：健康水平 指标：人均预期寿命(岁) 2015 年：76.34 2020 年：77.3"), so a cell's year is its
column's, its kind the column's (基期水平 is a baseline; a year before the document's is one too), and the
row's 指标性质 is every cell's property.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.targets.context import DocumentContext
from assistant.targets.values import Figure, cell_figure

# A header just before a colon: a year column ("2022年目标值", "2015 年") or a word ("指标", "基期水平").
_KEY = re.compile(r"(?:20\d\d\s*年[\u4e00-\u9fff]{0,4}|[\u4e00-\u9fffA-Za-z（）()%‰]{1,12})\s*:")
_INDICATOR_KEYS = ("指标名称", "指标", "名称", "项目", "内容")
_BASE_KEYS = ("基期", "基线", "现状", "基数", "基础")
_PROPERTY = re.compile(r"约束性|预期性|倡导性")
_UNIT_IN_NAME = re.compile(r"[（(]\s*([^()（）]{1,8})\s*[)）]\s*$")


@dataclass(frozen=True)
class Cell:
    key: str
    start: int  # of the cell's text in the line's view
    end: int


@dataclass(frozen=True)
class RowFigure:
    figure: Figure  # offsets in the clause's view
    indicator: str
    year: str
    kind: str
    property: str
    unit: str


def cells_of(line: str) -> list[Cell]:
    """The header:value cells of a line; fewer than two when the line is no table row."""
    keys = []
    for m in _KEY.finditer(line):
        before = line[m.start() - 1:m.start()] if m.start() else ""
        if m.start() and before not in (";", " ", "\t", "\u3000") and not (before.isdigit() or before in "%‰)）"):
            # a key starts a cell: at the line's start, after ; or a space, or right after the previous cell's figure
            continue
        keys.append(m)
    cells = []
    for i, m in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(line)
        cells.append(Cell(re.sub(r"[\s:]", "", m.group(0)), m.end(), end))
    return cells


def is_row(cells: list[Cell]) -> bool:
    """A table row: two cells or more, one of them a column of figures (a year, a base level) or the indicator's."""
    return len(cells) >= 2 and any(re.search(r"20\d\d|基期|基线|现状|目标|指标|性质", c.key) for c in cells)


def read_row(view: str, at: int, cells: list[Cell], context: DocumentContext) -> list[RowFigure]:
    """The figures of one row; `at` is where the row's line starts in the clause's view."""
    line = view[at:at + (cells[-1].end if cells else 0)]
    text = lambda c: line[c.start:c.end].rstrip("; \t\u3000")
    name_cell = next((c for k in _INDICATOR_KEYS for c in cells if c.key == k), None)
    if name_cell is None:
        return []
    indicator = re.sub(r"\s+", "", text(name_cell))
    unit = ""
    m = _UNIT_IN_NAME.search(indicator)
    if m:
        unit = _unit_of(m.group(1))
        indicator = indicator[:m.start()]
    prop = next((p.group(0) for c in cells if "性质" in c.key for p in [_PROPERTY.search(text(c))] if p), "")
    year_columns = sorted(int(y) for c in cells for y in re.findall(r"20\d\d", c.key))
    out = []
    for c in cells:
        if c is name_cell or "性质" in c.key:
            continue
        column_year = re.search(r"20\d\d", c.key)
        is_base = any(k in c.key for k in _BASE_KEYS)
        if not column_year and not is_base and "目标" not in c.key:
            continue
        cell = text(c)
        fig = cell_figure(cell)
        if fig is None:
            continue
        year = column_year.group(0) if column_year else ""
        own = re.search(r"(20\d\d)\s*年", cell)  # 2013年为17.2, 89.6(2014 年): the cell's own year
        period = re.search(r"(20\d\d)\s*[-—–~～至]\s*(20\d\d)\s*年", cell)  # 2002—2012年平均每年增长约5.3%
        marked = next((y for mark, y in context.marks if mark in cell), "")  # ≥70# with a note '#为2020年目标值'
        if period:
            year = f"{period.group(1)}—{period.group(2)}"
        elif own and not re.match(r"\s*比", cell):
            year = own.group(1)
        elif marked:
            year = marked
        elif is_base and not year:
            year = context.base_year
        kind = "target"
        if is_base:
            kind = "baseline"
        elif column_year and "目标" not in c.key:
            y = int(column_year.group(0))
            earlier = y < context.year if context.year else (len(year_columns) > 1 and y == year_columns[0])
            kind = "baseline" if earlier else "target"
        start = at + c.start + fig.start
        placed = Figure(start, at + c.start + fig.end, fig.number, fig.unit or unit, fig.comparator)
        out.append(RowFigure(placed, indicator, year, kind, prop, fig.unit or unit))
    return out


def _unit_of(written: str) -> str:
    """The unit an indicator's name gives in brackets: (%) (‰) (岁) (1/10 万) -> /10万, (亿人), (g)."""
    written = re.sub(r"\s+", "", written)
    if written.startswith("1/"):
        return "/" + written[2:]
    return written
