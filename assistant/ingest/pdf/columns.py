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

Column lines are handed on as kind "column" with their column's left edge, so the re-flow (`reflow.py`)
judges them against one column's margins (the columns are as wide as each other), and everything else
against the page's text block.

Pure functions over `lines.Char`s, PDF points, y downwards.
"""
from __future__ import annotations

import statistics
from typing import NamedTuple, Sequence

from assistant.ingest.pdf.lines import Char, Line, char_lines, group_chars, reading_order
from assistant.ingest.pdf.threeline import gutters

_MIDDLE = (0.3, 0.7)  # the gutter lies within this part of the page's width
_GAP_EM = 0.8  # × the characters' height: a blank this wide between two characters can be a gutter
_BAND_EM = 0.5  # ... and the band that all those lines leave blank is at least this wide
_MIN_ROWS = 6  # lines with text on both sides of the gutter: fewer make no columns
_FILLED_EM = 1.5  # a column line ending this close to its column's edge is a full line
_FILLED_SHARE = 0.5  # ... and at least this share of a column's lines are full
_EDGE_ZONE = 0.15  # fraction of the page height at top and bottom: running headers, footers, page numbers


class Gutter(NamedTuple):
    """The blank band between two columns: its middle, and the x where the left column's lines end and
    the right column's begin."""

    x: float
    lo: float
    hi: float


class Part(NamedTuple):
    """A stretch of the page to read in one piece: one column of a two-column stretch (`left` its left
    edge, `gutter` the band beside it), or lines across the page (`left` and `gutter` None)."""

    chars: list[Char]
    left: float | None = None
    gutter: Gutter | None = None


def split_columns(chars: Sequence[Char], width: float, height: float, carried: Gutter | None = None) -> list[Part] | None:
    """The page's parts in reading order, or None when the page has no two-column stretch. `carried`:
    the gutter of a two-column stretch that ran to the foot of the page before; at the head of this
    page its columns go on, and two lines standing on both sides of it are enough to show them."""
    rows = char_lines([ch for ch in chars if not ch.text.isspace()])
    if not rows:
        return None
    em = statistics.median(ch.y1 - ch.y0 for row in rows for ch in row)
    gutter = _gutter(rows, width, em) if len(rows) >= _MIN_ROWS else None
    head = carried is not None and (gutter is None or abs(gutter.x - carried.x) <= em)
    gutter = gutter or carried
    if gutter is None:
        return None
    stretches = _stretches(rows, gutter, em, height, head)
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
            parts.append(Part(members))
            continue
        for side in ([ch for ch in members if _left_of(ch, gutter.x)], [ch for ch in members if not _left_of(ch, gutter.x)]):
            visible = [ch for ch in side if not ch.text.isspace()]
            if visible:
                parts.append(Part(side, min(ch.x0 for ch in visible), gutter))
    return parts


def ends_in_columns(parts: Sequence[Part] | None, height: float) -> Gutter | None:
    """The gutter of the page's last two-column stretch when nothing but furniture (in the bottom 15 %
    of the page) follows it: the columns go on overleaf."""
    if not parts:
        return None
    last = max((n for n, p in enumerate(parts) if p.gutter is not None), default=None)
    if last is None:
        return None
    after = [ch for p in parts[last + 1:] for ch in p.chars if not ch.text.isspace()]
    return parts[last].gutter if all(ch.y0 >= (1 - _EDGE_ZONE) * height for ch in after) else None


def part_lines(part: Part) -> list[Line]:
    """A part's visual lines in reading order; a column's of kind "column", naming its left edge."""
    lines = reading_order(group_chars(part.chars))
    if part.left is None:
        return lines
    return [ln._replace(kind="column", column=part.left) for ln in lines]


def _left_of(ch: Char, gutter: float) -> bool:
    return (ch.x0 + ch.x1) / 2 < gutter


def _gaps(row: Sequence[Char], least: float) -> list[tuple[float, float]]:
    """The blanks at least `least` wide between a line's characters."""
    out, reach = [], row[0].x1
    for ch in row[1:]:
        if ch.x0 - reach >= least:
            out.append((reach, ch.x0))
        reach = max(reach, ch.x1)
    return out


def _gutter(rows: Sequence[Sequence[Char]], width: float, em: float) -> Gutter | None:
    """The x in the middle of the page that most lines leave blank between text on both sides, if at
    least _MIN_ROWS do and the columns on either side are filled with text (see the module docstring)."""
    gaps = [_gaps(row, _GAP_EM * em) for row in rows]
    best, best_x = _most_covered([(max(a, _MIDDLE[0] * width), min(b, _MIDDLE[1] * width)) for g in gaps for a, b in g])
    if best_x is None or best < _MIN_ROWS:
        return None
    split = [row for row, g in zip(rows, gaps) if any(a < best_x < b for a, b in g)]
    # the middle of the band these lines leave blank
    lo = max(max(ch.x1 for ch in row if _left_of(ch, best_x)) for row in split)
    hi = min(min(ch.x0 for ch in row if not _left_of(ch, best_x)) for row in split)
    if hi - lo < _BAND_EM * em:
        # blanks at different places that overlap by a sliver: the wide spaces of letter-spaced lines
        # ('领域：健康水平　　指标：…' in the 纲要's indicator list), not one band running down the page
        return None
    gutter = (lo + hi) / 2
    lefts = [max(ch.x1 for ch in row if _left_of(ch, gutter)) for row in split]
    rights = [max(ch.x1 for ch in row) for row in split]
    if not (_filled(lefts, max(lefts), em) and _filled(rights, max(rights), em)):
        return None  # ragged: a borderless table's cells, not running text
    for side in (True, False):  # a column of text has no blank band of its own: a table's columns do
        if gutters([[ch for ch in row if _left_of(ch, gutter) == side] for row in split]):
            return None
    return Gutter(gutter, lo, hi)


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


def _stretches(rows: Sequence[Sequence[Char]], gutter: Gutter, em: float, height: float,
               head: bool) -> list[tuple[bool, list[Sequence[Char]]]]:
    """Rows top to bottom cut into stretches: (True, rows) where no row runs across the gutter and at
    least _MIN_ROWS (2 at the head of a page continuing columns, `head`) have text on both sides;
    (False, rows) for the one-column stretches between."""
    runs: list[tuple[bool, list[Sequence[Char]]]] = []
    for row in rows:
        clear = not _across(row, gutter, em)
        if runs and runs[-1][0] == clear:
            runs[-1][1].append(row)
        else:
            runs.append((clear, [row]))
    out: list[tuple[bool, list[Sequence[Char]]]] = []
    for clear, members in runs:
        both = sum(any(_left_of(ch, gutter.x) for ch in r) and any(not _left_of(ch, gutter.x) for ch in r)
                   for r in members)
        first = head and all(ch.y1 <= _EDGE_ZONE * height for _, rs in out for r in rs for ch in r)
        two = clear and both >= (2 if first else _MIN_ROWS)
        if out and not out[-1][0] and not two:
            out[-1][1].extend(members)
        else:
            out.append((two, list(members)))
    return out


def _across(row: Sequence[Char], gutter: Gutter, em: float) -> bool:
    """Whether a line runs across the gutter: a character over its middle, and no blank of half an em
    in or beside it (punctuation hung at the end of a column line reaches into the gutter)."""
    if not any(ch.x0 < gutter.x < ch.x1 for ch in row):
        return False
    band = (gutter.lo - em, gutter.hi + em)
    return not any(a < band[1] and b > band[0] for a, b in _gaps(row, 0.5 * em))
