"""Page furniture: page numbers, running headers and footers dropped from each page's lines.

Page furniture (`strip_furniture`): among the two top-most and two bottom-most lines of each page (in
its outer 15 %), a line is dropped when it is a page number (`3`, `- 3 -`, `第3页`, `第3页 共10页`,
`3/10`, `Page 3 of 10`), or when the same text with digits masked stands there on at least half of
the pages (and at least 2): running headers and footers. A header cannot repeat in a one-page file,
so a top line is also dropped when it is set much smaller than the page's body lines (under 0.75 of
their median height) and stands apart above them, as running headers are (a title is set larger).
"""
from __future__ import annotations

import re
import statistics
from typing import Sequence

from assistant.ingest.pdf.lines import Line

_FURNITURE_ZONE = 0.15  # fraction of the page height at the top and bottom where headers/footers live
_SMALL_HEADER = 0.75  # × the body lines' median height: a top line this small is a running header

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～•·]*\d{1,4}[-—–－~～•·]*"
    r"|第\d{1,4}页(?:[,，/／]?共\d{1,4}页)?"
    r"|共\d{1,4}页[,，/／]?第\d{1,4}页"
    r"|\d{1,4}[/／]\d{1,4}"
    r"|(?:page|p\.?)\d{1,4}(?:(?:of|/)\d{1,4})?)$",
    re.IGNORECASE,
)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(re.sub(r"\s+", "", text)))


def _furniture_key(text: str) -> str:
    """Header/footer identity: the text without spaces, digits masked (so 'X · 3' matches 'X · 4')."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edge_lines(lines: Sequence[Line], height: float) -> list[int]:
    """Indexes of the two top-most and two bottom-most lines, when they lie in the page's outer bands."""
    by_top = sorted((i for i in range(len(lines)) if lines[i].kind != "row"), key=lambda i: lines[i].y0)
    top = [i for i in by_top[:2] if lines[i].y1 <= _FURNITURE_ZONE * height]
    bottom = [i for i in by_top[-2:] if lines[i].y0 >= (1 - _FURNITURE_ZONE) * height]
    return sorted(set(top + bottom))


def strip_furniture(pages: Sequence[Sequence[Line]], heights: Sequence[float]) -> list[list[Line]]:
    """Each page's lines without page numbers and running headers/footers (see the module docstring)."""
    edges = [_edge_lines(lines, h) for lines, h in zip(pages, heights)]
    counts: dict[str, int] = {}
    for lines, idx in zip(pages, edges):
        for key in {_furniture_key(lines[i].text) for i in idx}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {key for key, n in counts.items() if n >= needed}
    result = []
    for lines, idx, height in zip(pages, edges, heights):
        drop = {i for i in idx if is_page_number(lines[i].text) or _furniture_key(lines[i].text) in repeated
                or _small_header(lines, i, height)}
        drop |= _line_numbers(lines) | _contents(lines)
        result.append([ln for i, ln in enumerate(lines) if i not in drop])
    return result


# A contents entry: a heading, dotted (or dashed) leaders, a page number: "引言……………1", "一、范围 ........ 3".
_CONTENTS_ENTRY = re.compile(r"^\S.{0,80}?[.…·．・\-—_\s]{4,}\s*[(（]?\d{1,4}[)）]?$")
_CONTENTS_TITLE = re.compile(r"^目\s*录$|^contents$", re.IGNORECASE)
# Stamps ("此件公开发布", "不公开") are left to the parser, which drops them in every format alike.


def _contents(lines: Sequence[Line]) -> set[int]:
    """A contents page's entries (leaders and a page number) and its 目录 heading: they would
    otherwise be read as a second, empty outline of the document."""
    entries = {i for i, ln in enumerate(lines) if ln.kind != "row" and _CONTENTS_ENTRY.match(ln.text)
               and re.search(r"[.…·．・]{3,}|[\-—_]{4,}", ln.text)}
    if len(entries) < 2:
        return set()
    return entries | {i for i, ln in enumerate(lines) if _CONTENTS_TITLE.match(ln.text.strip())}


def _line_numbers(lines: Sequence[Line]) -> set[int]:
    """Word's line numbering: a number left of (nearly) every line, all ending at the same x, left of
    the text. Kept, they became the leftmost 'lines' of the page and broke every paragraph."""
    numbers = [i for i, ln in enumerate(lines) if re.fullmatch(r"\d{1,4}", ln.text)]
    if len(numbers) < 5:
        return set()
    ends = sorted(lines[i].x1 for i in numbers)
    edge = ends[len(ends) // 2]
    column = [i for i in numbers if abs(lines[i].x1 - edge) <= 3.0]
    others = [ln.x0 for i, ln in enumerate(lines) if i not in set(column)]
    if len(column) < 5 or not others or edge > statistics.median(others):
        return set()
    return set(column)


def _small_header(lines: Sequence[Line], i: int, height: float) -> bool:
    """Whether lines[i], in the top band, is set much smaller than the body and stands above it with a gap."""
    line = lines[i]
    if line.y1 > _FURNITURE_ZONE * height or len(lines) < 4:
        return False
    body = statistics.median(ln.y1 - ln.y0 for ln in lines)
    below = [ln.y0 for ln in lines if ln.y0 >= line.y1]
    return line.y1 - line.y0 < _SMALL_HEADER * body and bool(below) and min(below) - line.y1 >= body
