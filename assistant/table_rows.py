"""A table row as every reader writes it (pure): one line naming its columns,
'指标：…；基期水平：…；指标性质：预期性'.

The .docx, .pptx and PDF readers all hand their rows here, so a row reads the same whatever the
format, and a quoted row says which column each value is in.
"""
from __future__ import annotations

import re
from typing import Sequence

_WS = " \t\r\u3000\xa0\ufeff"


def table_row_text(headers: Sequence[str], cells: Sequence[str | None]) -> str:
    """One table row as one line naming its columns.

    `None` cells are the later columns of a cell spanning several: written once, under the first, unless the
    columns it spans are of one series, each naming a year or differing only in their numbers (2022年目标值
    and 2030年目标值 merged over '≤5': one figure printed for both years), when it is said of each; empty cells are left out;
    a column without a header gives its value alone."""
    parts = []
    owner = None  # the column of the last cell written
    for at, (name, value) in enumerate(zip(headers, cells)):
        if value is None:
            if owner is None or not all(_one_kind(headers[owner], h) for h in headers[owner + 1:at + 1]):
                continue
            value = cells[owner] or ""
        else:
            owner = at
        value = re.sub(r"\s+", " ", value).strip(_WS)
        name = tidy_header(name or "")
        if value:
            parts.append(f"{name}：{value}" if name else value)
    return "；".join(parts)


def tidy_header(name: str) -> str:
    """A header cell as a key: letter-spacing between CJK characters removed ('序  号' → '序号'),
    and no colon or semicolon of its own (they delimit the row)."""
    name = re.sub(r"(?<=[\u3400-\u9fff])[\s\u3000]+(?=[\u3400-\u9fff])", "", name.strip(_WS + "\n"))
    return re.sub(r"[：:；;\s]+", " ", name).strip()


def _one_kind(a: str | None, b: str | None) -> bool:
    """Two headers of one series: each names a year ('2022年目标值', '远期目标（2035年）'), or the same words
    around different numbers ('第1季度', '第2季度')."""
    a, b = tidy_header(a or ""), tidy_header(b or "")
    if a == b:
        return False
    if _YEAR.search(a) and _YEAR.search(b):
        return True
    return bool(re.search(r"\d", a)) and re.sub(r"\d+", "#", a) == re.sub(r"\d+", "#", b)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
