"""A figure asked of a table row whose cell for that year (or for the base level) states no number: '持续提高',
'上升趋势减缓', '—'. The row has numbers in other cells, so the clause passes every check that looks for a figure,
and was quoted as if it answered; the honest answer says what the cell says (pure).

    指标：失眠现患率（%）；基期水平：2016年为15；2022年目标值：上升趋势减缓；2030年目标值：上升趋势减缓
    指标：地表水质量达到或好于Ⅲ类水体比例(%) 2015 年：66 2020 年：＞70 2030 年：持续改善
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from assistant.models import Clause
from assistant.textnorm import fold

# A column's header before its cell: a year's ('2030年目标值：', '2030 年：') or the base level's ('基期水平：').
_HEADER = re.compile(r"((?:19|20)\d\d)\s*年[^：:；;\s\d]{0,6}\s*[：:]|(基期水平|基期值|基期|基线|现状值|现状)\s*[：:]")
_NAME = re.compile(r"指标(?:名称)?[：:]\s*([^；;\n：:]+?)(?=[；;\n]|\s+(?:19|20)\d\d\s*年|\s*$)")


@dataclass(frozen=True)
class UnsetCell:
    """The cell of the row asked about that states no number."""

    indicator: str  # the row's indicator cell, as written ('失眠现患率（%）'), or ""
    header: str  # '2030年目标值', '基期水平'
    value: str  # '上升趋势减缓', '—'


def cells(row: str) -> list[tuple[str, str, str]]:
    """(year or '', header as written, cell) of each year or base-level column of one row's text."""
    found = list(_HEADER.finditer(row))
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(row)
        value = re.split(r"[；;\n]", row[m.end():end], maxsplit=1)[0].strip()
        out.append((m.group(1) or "", re.sub(r"\s+", "", m.group(0)).rstrip("：:"), value))
    return out


def unset_cell(clause: Clause, nouns: Sequence[Sequence[str]], year: str, baseline: bool) -> UnsetCell | None:
    """The cell the question asks (the column of `year`, or the base level's) of the clause's row naming most of the
    `nouns` (each with its synonyms), when that cell states no number; None otherwise (or when no row is named)."""
    if not nouns or (not year and not baseline):
        return None
    rows = [r for r in clause.text.split("\n") if _HEADER.search(r)]
    named = [r for r in rows if 2 * sum(any(w in fold(r) for w in words) for words in nouns) > len(nouns)]
    if len(named) != 1:
        return None
    row = named[0]
    for column_year, header, value in cells(row):
        asked = column_year == year if year else not column_year
        if asked and value and not re.search(r"\d", value):
            name = _NAME.search(row)
            return UnsetCell(name.group(1).strip() if name else "", header, value)
    return None
