"""Characters → visual lines: PDFium's characters (or OCR boxes) grouped into lines, in reading order.

Everything here is a pure function over `Char`/`Line` values (PDF points, origin top-left, y growing
downwards), so OCR boxes feed the same steps as a text layer.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, NamedTuple, Sequence


class Line(NamedTuple):
    """One visual line: its text and box (PDF points, origin top-left, y growing downwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    kind: str = ""  # "row": a table row written by tables.row_lines, a paragraph of its own; "column": see columns.py
    column: float = 0.0  # for a line of a text column: the column's left edge (its right edge is `column` + its width)


def clean_char(ch: str) -> str:
    """Fix what PDF text layers get wrong: Kangxi radicals and compatibility ideographs that fonts
    share with ordinary ideographs (⾏ → 行), ligatures (ﬁ → fi), PDFium's 0x02 for a soft hyphen."""
    code = ord(ch)
    if 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF or 0xFB00 <= code <= 0xFB06:
        return unicodedata.normalize("NFKC", ch)
    if ch == "\x02":
        return "-"
    return ch


def _is_bad(ch: str) -> bool:
    """An unmapped glyph: private use, a replacement character, a control character."""
    return "\ue000" <= ch <= "\uf8ff" or ch in "\ufffd\ufffe\uffff" or (ch < " " and ch not in "\t\r\n")


def readable(text: str) -> bool:
    """Whether a text layer reads as text: some visible characters, mostly mapped to Unicode."""
    visible = [ch for ch in text if not ch.isspace()]
    return bool(visible) and sum(map(_is_bad, visible)) <= 0.3 * len(visible)


class Char(NamedTuple):
    """One character with its box (like Line) and the text object that drew it."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    run: int = 0


def dedupe_chars(chars: Iterable[Char]) -> list[Char]:
    """Drop a character drawn again on top of itself by another text object (fake bold: the same text
    painted twice, offset by a fraction of a point), which would otherwise read twice. Characters of
    one object sharing a box are kept: a ligature such as the 2-em dash glyph of '——' is two of them."""
    seen: dict[tuple[str, int, int], int] = {}
    kept = []
    for char in chars:
        if char.text.isspace():
            kept.append(char)
            continue
        cx, cy = round((char.x0 + char.x1) / 2), round((char.y0 + char.y1) / 2)
        if not _has_twin(seen, char.text, cx, cy, char.run):
            seen.setdefault((char.text, cx, cy), char.run)
            kept.append(char)
    return kept


def _has_twin(seen: dict[tuple[str, int, int], int], text: str, cx: int, cy: int, run: int) -> bool:
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            other = seen.get((text, cx + dx, cy + dy))
            if other is not None and other != run:
                return True
    return False


def group_chars(chars: Iterable[Char]) -> list[Line]:
    """Characters in content order → visual lines. A character joins the current line when its middle
    lies within the line's height and it does not jump back left (a ligature's later characters share
    the first one's box); spaces carry no box of use."""
    lines: list[Line] = []
    cur: list | None = None  # [text, x0, x1, y0, y1]
    last = (0.0, 0.0)  # x0, x1 of the previous visible character
    for ch, x0, x1, y0, y1, *_ in chars:
        if ch.isspace():
            if cur is not None:
                cur[0] += " "
            continue
        mid, height = (y0 + y1) / 2, max(y1 - y0, 1.0)
        ligature = abs(x0 - last[0]) < 0.5 and abs(x1 - last[1]) < 0.5
        if cur is not None and cur[3] <= mid <= cur[4] and (x0 >= cur[2] - 0.5 * height or ligature):
            cur[0] += ch
            cur[2], cur[3], cur[4] = max(cur[2], x1), min(cur[3], y0), max(cur[4], y1)
        else:
            if cur is not None:
                lines.append(_line(cur))
            cur = [ch, x0, x1, y0, y1]
        last = (x0, x1)
    if cur is not None:
        lines.append(_line(cur))
    return [ln for ln in lines if ln.text]


def char_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters → visual lines (each left to right, spaces kept), top to bottom: a character joins a
    line when its middle lies within the line's height."""
    lines: list[list[Char]] = []
    bands: list[list[float]] = []
    for ch in sorted(chars, key=lambda c: (c.y0 + c.y1) / 2):
        mid = (ch.y0 + ch.y1) / 2
        if bands and bands[-1][0] <= mid <= bands[-1][1]:
            lines[-1].append(ch)
            bands[-1] = [min(bands[-1][0], ch.y0), max(bands[-1][1], ch.y1)]
        else:
            lines.append([ch])
            bands.append([ch.y0, ch.y1])
    return [sorted(line, key=lambda c: (c.x0, c.x1)) for line in lines if any(not c.text.isspace() for c in line)]


_CJK = "\u3400-\u9fff\uf900-\ufaff"
# Three or more CJK characters each standing alone between spaces are letter-spaced ("指 挥 部 办 公 室",
# "硝 酸 纤 维 素 膜"), one word; a space between two phrases ("少生病 全周期") is the author's and stays.
_SPACED = re.compile(rf"(?<![{_CJK}])[{_CJK}](?: +[{_CJK}](?![{_CJK}])){{2,}}")


def _line(parts: list) -> Line:
    text = re.sub(r"\s+", " ", parts[0]).strip()
    return Line(_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text), *parts[1:])


def group_boxes(boxes: Iterable[tuple[str, float, float, float, float]]) -> list[Line]:
    """OCR boxes (any order) → lines: boxes whose heights overlap by half are one line, read left to
    right; lines read top to bottom."""
    rows: list[list[tuple[str, float, float, float, float]]] = []
    for box in sorted(boxes, key=lambda b: (b[3] + b[4]) / 2):
        text, x0, x1, y0, y1 = box
        if rows:
            last = rows[-1]
            top, bottom = min(b[3] for b in last), max(b[4] for b in last)
            overlap = min(bottom, y1) - max(top, y0)
            if overlap > 0.5 * min(bottom - top, y1 - y0):
                last.append(box)
                continue
        rows.append([box])
    lines = []
    for row in rows:
        row.sort(key=lambda b: b[1])
        text = " ".join(b[0].strip() for b in row if b[0].strip())
        if text:
            lines.append(Line(text, min(b[1] for b in row), max(b[2] for b in row),
                              min(b[3] for b in row), max(b[4] for b in row)))
    return sorted(lines, key=lambda ln: ln.y0)


def reading_order(lines: Sequence[Line]) -> list[Line]:
    """Top to bottom when no two lines stand side by side (one column: fixes producers that write the
    footer or header first); otherwise the content order, which keeps columns and table cells together."""
    ordered = sorted(lines, key=lambda ln: ln.y0)
    for a, b in zip(ordered, ordered[1:]):
        if min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.y1 - a.y0, b.y1 - b.y0):
            return list(lines)
    return ordered
