"""What a document says about all its figures at once: its own year, the period its title states, whether it
reports what was done (pure)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Document
from assistant.textnorm import fold

_PERIOD = re.compile(r"(20\d\d)\s*(?:年)?\s*[-—–~～至]\s*(20\d\d)\s*年?")
_YEAR = re.compile(r"(20\d\d)\s*年")
_DATE = re.compile(r"(20\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# Titles of documents that report what was done (落实情况, 工作总结): their figures are achieved ones.
_REPORT = re.compile(r"落实情况|工作总结|总结|进展情况|完成情况|工作情况|年报")
# A table's note giving the year of its base levels that state none ('未写明年份的基线水平值，均为 2017 年数值'),
# and of cells it marks ('#为 2020 年目标值'): the document's own convention, read from its text.
_BASE_NOTE = re.compile(r"未(?:写|注|标|特别说)?明年份的(?:基线|基期|现状)[^。；;]{0,8}?为\s*(20\d\d)\s*年")
_MARKS = re.compile(r"[#＃*＊※△▲☆★]\s*(?:为|表示|指)")
_MARK_NOTE = re.compile(r"(?<![\w/])([#*※△▲☆★])\s*(?:为|表示|指)\s*(20\d\d)\s*年")


@dataclass(frozen=True)
class DocumentContext:
    year: int | None  # the year the document was written (its date, a date in it, or its title's first year)
    period: str  # the period or year its title states ("2019—2022", "2019"), "" when it states none
    reports: bool  # it reports what was done: a figure with no year of its own is achieved
    base_year: str = ""  # the year of a table's base levels that state none, when a note says it
    marks: tuple[tuple[str, str], ...] = ()  # (mark, year): a cell marked so is of that year ('#' -> 2020)


def context_of(document: Document) -> DocumentContext:
    title = _DATE.sub("", fold(document.title or ""))  # a title that is only a date states no period
    period = ""
    m = _PERIOD.search(title)
    if m:
        period = f"{m.group(1)}—{m.group(2)}"
    else:
        m = _YEAR.search(title)
        period = m.group(1) if m else ""
    year = None
    m = re.search(r"(20\d\d)", document.date or "")
    if m is None:  # a signature date at the head or the foot of the text
        m = _DATE.search(fold(document.text[:800])) or _DATE.search(fold(document.text[-800:]))
    if m is not None:
        year = int(m.group(1))
    if year is None and period:
        year = int(period[:4])
    text = document.text  # folded only when it may hold a note: folding a whole text costs more than extracting it
    base = _BASE_NOTE.search(fold(text)) if "年份" in text else None
    noted = _MARKS.search(text)
    marks = tuple(dict((m.group(1), m.group(2)) for m in _MARK_NOTE.finditer(fold(text))).items()) if noted else ()
    return DocumentContext(year, period, bool(_REPORT.search(title)), base.group(1) if base else "", marks)
