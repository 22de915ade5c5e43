"""Pages set in two columns: the left column read top to bottom, then the right one.

Word and WPS set a section in columns for newsletters, briefings and some notices; a title or a
table across the page may stand above or below. Read line by line across the page, the two columns'
lines would interleave; read in content order (as LibreOffice writes them) every column line looked
like a paragraph's end, the document's margins being the page's.

A page is in two columns where a vertical blank band (the gutter) near the middle of the page runs
through a stretch of its lines: at least _MIN_ROWS lines with text on both sides of it and none
across it. Lines crossing it (a title, a full-width paragraph or table row) are one-column parts of
the page, read in their place above or below. A borderless two-column table also shows such a band;
it is told apart by its cells' ragged ends (text columns are filled, most of their lines reaching the
gutter on the left and the page's right edge on the right) and by its other columns (a column of text
has no blank band of its own).

Column lines are handed on with x measured from their column's left edge and kind "column", so the
re-flow (`reflow.py`) measures one column's margins for all of them.

Pure functions over `lines.Char`s, PDF points, y downwards.
"""
from __future__ import annotations

import statistics
from typing import NamedTuple, Sequence

from assistant.ingest.pdf.lines import Char, Line, char_lines, group_chars, reading_order
from assistant.ingest.pdf.threeline import gutters

_MIDDLE = (0.3, 0.7)  # the gutter lies within this part of the page's width
_GAP_EM = 0.8  # × the characters' height: a blank this wide between two characters can be a gutter
_MIN_ROWS = 6  # lines with text on both sides of the gutter: fewer make no columns
_FILLED_EM = 1.5  # a column line ending this close to its column's edge is a full line
_FILLED_SHARE = 0.5  # ... and at least this share of a column's lines are full


class Part(NamedTuple):
    """A stretch of the page to read in one piece: one column of a two-column stretch (`left` its left
    edge), or lines across the page (`left` None)."""

    chars: list[Char]
    left: float | None


def split_columns(chars: Sequence[Char], width: float) -> list[Part] | None:
    """The page's parts in reading order, or None when the page has no two-column stretch."""
    rows = char_lines([ch for ch in chars if not ch.text.isspace()])
    if len(rows) < _MIN_ROWS:
        return None
    em = statistics.median(ch.y1 - ch.y0 for row in rows for ch in row)
    gutter = _gutter(rows, width, em)
    if gutter is None:
        return None
    stretches = _stretches(rows, gutter)
    if not any(two for two, _ in stretches):
        return None
    where = {id(ch): n for n, (_, members) in enumerate(stretches) for row in members for ch in row}
    grouped: list[list[Char]] = [[] for _ in stretches]
    at = 0
    for ch in chars:  # content order kept; a space goes with the character before it
        at = where.get(id(ch), at)
        grouped[at].append(ch)
    parts: list[Part] = []
    for (two, _), members in zip(stretches, grouped):
        if not two:
            parts.append(Part(members, None))
            continue
        for side in ([ch for ch in members if _left_of(ch, gutter)], [ch for ch in members if not _left_of(ch, gutter)]):
            visible = [ch for ch in side if not ch.text.isspace()]
            if visible:
                parts.append(Part(side, min(ch.x0 for ch in visible)))
    return parts


def part_lines(part: Part) -> list[Line]:
    """A part's visual lines in reading order; a column's with x from its left edge, kind "column"."""
    lines = reading_order(group_chars(part.chars))
    if part.left is None:
        return lines
    return [ln._replace(x0=ln.x0 - part.left, x1=ln.x1 - part.left, kind="column") for ln in lines]


def _left_of(ch: Char, gutter: float) -> bool:
    return (ch.x0 + ch.x1) / 2 < gutter


def _gaps(row: Sequence[Char], em: float) -> list[tuple[float, float]]:
    """The blanks at least _GAP_EM wide between a line's characters."""
    out, reach = [], row[0].x1
    for ch in row[1:]:
        if ch.x0 - reach >= _GAP_EM * em:
            out.append((reach, ch.x0))
        reach = max(reach, ch.x1)
    return out


def _gutter(rows: Sequence[Sequence[Char]], width: float, em: float) -> float | None:
    """The x in the middle of the page that most lines leave blank between text on both sides, if at
    least _MIN_ROWS do and the columns on either side are filled with text (see the module docstring)."""
    gaps = [_gaps(row, em) for row in rows]
    best, best_x = _most_covered([(max(a, _MIDDLE[0] * width), min(b, _MIDDLE[1] * width)) for g in gaps for a, b in g])
    if best_x is None or best < _MIN_ROWS:
        return None
    split = [row for row, g in zip(rows, gaps) if any(a < best_x < b for a, b in g)]
    # the middle of the band these lines leave blank
    lo = max(max(ch.x1 for ch in row if _left_of(ch, best_x)) for row in split)
    hi = min(min(ch.x0 for ch in row if not _left_of(ch, best_x)) for row in split)
    gutter = (lo + hi) / 2
    lefts = [max(ch.x1 for ch in row if _left_of(ch, gutter)) for row in split]
    rights = [max(ch.x1 for ch in row) for row in split]
    if not (_filled(lefts, max(lefts), em) and _filled(rights, max(rights), em)):
        return None  # ragged: a borderless table's cells, not running text
    for side in (True, False):  # a column of text has no blank band of its own: a table's columns do
        if gutters([[ch for ch in row if _left_of(ch, gutter) == side] for row in split]):
            return None
    return gutter


def _most_covered(spans: Sequence[tuple[float, float]]) -> tuple[int, float | None]:
    """The x inside the most of the open intervals `spans` (the middle of that stretch), and how many."""
    events = sorted([(a, 1) for a, b in spans if a < b] + [(b, -1) for a, b in spans if a < b])
    best, best_x, count = 0, None, 0
    for n, (x, change) in enumerate(events):
        count += change
        if count > best and n + 1 < len(events):
            best, best_x = count, (x + events[n + 1][0]) / 2
    return best, best_x


def _filled(ends: Sequence[float], edge: float, em: float) -> bool:
    return sum(edge - e <= _FILLED_EM * em for e in ends) >= _FILLED_SHARE * len(ends)


def _stretches(rows: Sequence[Sequence[Char]], gutter: float) -> list[tuple[bool, list[Sequence[Char]]]]:
    """Rows top to bottom cut into stretches: (True, rows) where no row crosses the gutter and at least
    _MIN_ROWS have text on both sides; (False, rows) for the one-column stretches between."""
    runs: list[tuple[bool, list[Sequence[Char]]]] = []
    for row in rows:
        across = any(ch.x0 < gutter < ch.x1 for ch in row)
        if runs and runs[-1][0] == (not across):
            runs[-1][1].append(row)
        else:
            runs.append((not across, [row]))
    out: list[tuple[bool, list[Sequence[Char]]]] = []
    for clear, members in runs:
        both = sum(any(_left_of(ch, gutter) for ch in r) and any(not _left_of(ch, gutter) for ch in r) for r in members)
        two = clear and both >= _MIN_ROWS
        if out and not out[-1][0] and not two:
            out[-1][1].extend(members)
        else:
            out.append((two, list(members)))
    return out
