"""Targets written out for people and scripts: JSON (the stable contract), CSV and XLSX (one header row, one row
per record, the same rows in both), at the edge only."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Sequence

from assistant.targets.model import KIND_NAMES, Target

# The contract of `indicators --json` and of the columns of both spreadsheets, in order.
FIELDS = ("source", "collection", "label", "indicator", "scope", "year", "value", "number", "unit", "comparator",
          "kind", "property", "start", "end")
HEADERS = {"source": "文件", "collection": "文件夹", "label": "条款", "indicator": "指标", "scope": "范围", "year": "年份",
           "value": "数值（原文）", "number": "数值", "unit": "单位", "comparator": "比较", "kind": "类型",
           "property": "指标性质", "start": "起始位置", "end": "结束位置"}


def as_json(targets: Sequence[Target]) -> str:
    return json.dumps([t.to_json() for t in targets], ensure_ascii=False, indent=1)


def rows(targets: Sequence[Target]) -> list[list]:
    """A header row (Chinese) and one row per record, `kind` in Chinese (目标 / 基期 / 实际)."""
    out: list[list] = [[HEADERS[f] for f in FIELDS]]
    for t in targets:
        record = t.to_json()
        record["kind"] = KIND_NAMES.get(t.kind, t.kind)
        out.append([record[f] for f in FIELDS])
    return out


def csv_text(targets: Sequence[Target]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(targets))
    return buffer.getvalue()


def write_csv(targets: Sequence[Target], path: Path) -> None:
    path.write_text("\ufeff" + csv_text(targets), encoding="utf-8")  # a BOM, so Excel reads the Chinese as UTF-8


def write_xlsx(targets: Sequence[Target], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    for row in rows(targets):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMN", (30, 16, 10, 30, 16, 10, 14, 8, 8, 6, 6, 8, 8, 8)):
        sheet.column_dimensions[column].width = width
    book.save(path)
