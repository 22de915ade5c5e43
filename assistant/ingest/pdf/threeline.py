"""Tables ruled by horizontal lines only: three-line tables (a rule above, one under the header, one below).

Guidelines print their scoring scales and definitions this way: no vertical lines, so `tables.find_tables`
sees no grid, and read as loose lines a row's wrapped cells ran together with the next row's. Here the
columns are found from the characters themselves: vertical whitespace bands (gutters) between the
rules that no line crosses. A block of ordinary paragraphs between two rules (a letterhead's rule and
the one above 抄送) has no such band, its lines run across the page; a table also needs every column
to hold text on at least two lines, and two lines with text in two columns or more.

Rows: when rows are set apart by cell padding, a blank band across the table taller than the leading
of a cell's wrapped lines separates two rows (so a first cell wrapped onto two lines stays one row, and
a cell centred in a tall row stays in it); when they are set close, a line with text in the first
column opens a row and a line without continues the row above (a wrapped cell).

A table running onto the next page is read as Word prints it: the first page holds the top rule, the
header and the header's rule, no rule below (open at the bottom); the next page holds the rest and the
bottom rule only (open at the top, found only when the page before ended with such a table of as many
columns). A row cut by the page break continues on the next page without first-column text: the
table is marked `open_top` and `tables.place_tables` joins that part to the row it continues.

Pure functions over `tables.Segment`s (path boxes) and `lines.Char`s, PDF points, y downwards.
Known limit: a table spanning three pages or more (a middle page with no rule at all) is not found.
"""
from __future__ import annotations

import statistics
from typing import NamedTuple, Sequence

from assistant.ingest.pdf.furniture import is_page_number
from assistant.ingest.pdf.lines import Char, char_lines
from assistant.ingest.pdf.tables import _SNAP, _TOUCH, Segment, Table, cell_text, rulings

_MIN_LENGTH = 72.0  # pt: a shorter rule is an underline or a signature line, not a table's
_SAME_EXTENT = 6.0  # pt: rules whose ends are this close belong to one table
_GUTTER_EM = 0.8  # × the characters' height: a blank band this wide between columns (cells' padding)
_ROW_GAP = 1.5  # × the leading between a cell's wrapped lines: a blank this tall between rows is cell padding
_EDGE_ZONE = 0.15  # fraction of the page height at top and bottom: running headers, footers, page numbers


class Rule(NamedTuple):
    y: float
    x0: float
    x1: float


def horizontal_rules(boxes: Sequence[Segment], tables: Sequence[Table]) -> list[Rule]:
    """Horizontal rules outside the ruled tables, pieces drawn end to end joined (Word draws a rule as
    one stroke per cell border), top to bottom."""
    horizontal, _ = rulings(boxes)
    pieces = sorted(((s.y0 + s.y1) / 2, s.x0, s.x1) for s in horizontal
                    if not any(t.x0 - _TOUCH <= s.x0 and s.x1 <= t.x1 + _TOUCH and t.y0 - _TOUCH <= s.y0 <= t.y1 + _TOUCH
                               for t in tables))
    rules: list[list[float]] = []
    for y, x0, x1 in sorted(pieces, key=lambda p: (round(p[0] / _SNAP), p[1])):
        last = rules[-1] if rules else None
        if last and abs(last[0] - y) <= _SNAP and x0 <= last[2] + _TOUCH:
            last[2] = max(last[2], x1)
        else:
            rules.append([y, x0, x1])
    return sorted((Rule(*r) for r in rules if r[2] - r[1] >= _MIN_LENGTH), key=lambda r: r.y)


def find_rule_tables(boxes: Sequence[Segment], chars: Sequence[Char], height: float,
                     ruled: Sequence[Table] = (), carried: int = 0) -> list[Table]:
    """The tables ruled only by horizontal lines on a page (see the module docstring). `chars` are the
    page's characters outside the ruled tables `ruled`; `carried` is the number of columns of such a
    table left open at the bottom of the page before (0: none)."""
    rules = horizontal_rules(boxes, ruled)
    if not rules:
        return []
    upright = rulings(boxes)[1]
    rows = char_lines([ch for ch in chars if not ch.text.isspace()])
    found: list[Table] = []
    done_to = -1.0  # rules above this y belong to a table already found (or one left as lines)
    complex_: set[int] = set()  # rules inside a table too complex to read (see _clear), left as lines
    for i, rule in enumerate(rules):
        above = next((j for j in range(i - 1, -1, -1) if _same_extent(rules[j], rule)), None)
        if above is not None and (above in complex_ or any(not _same_extent(r, rule) for r in rules[above + 1:i])):
            complex_.add(i)  # a shorter rule (under a spanning header cell) since the last rule of this length
        if rule.y <= done_to or i in complex_:
            continue
        # no table runs past a line of unbroken text across the rule: looking further is in vain
        stop = next((min(ch.y0 for ch in row) for row in rows if min(ch.y0 for ch in row) > rule.y and _solid(row, rule)),
                    height)
        same = [r for r in rules[i + 1:] if _same_extent(rule, r) and r.y < stop]
        tries = []  # the largest block first
        if carried and not found:  # the rest of a table begun on the page before, over its bottom rule
            upper = rules[i - 1].y if i else 0.0
            tries.append(lambda: _open_above(chars, rule, upper, height, carried))
        for k in range(len(same) - 1, 0, -1):  # top, header rule(s), bottom
            tries.append(lambda k=k: _closed(chars, rule, same[:k + 1]))
        if same and not any(_same_extent(same[0], r) for r in rules if r.y > same[0].y):
            after = [r.y for r in rules if r.y > same[0].y]  # top and header rules only: the rest is overleaf
            tries.append(lambda: _open_below(chars, rule, same[0], after[0] if after else height, height))
        for attempt in tries:
            table = attempt()
            if table is None:
                continue
            if _clear(table, rule, rules, upright):
                found.append(table)
            # a table too complex to read (see _clear) is left as lines, and none is looked for inside it
            done_to = max(done_to, table.y1 + _SNAP)
            break
    return found


def _clear(table: Table, rule: Rule, rules: Sequence[Rule], upright: Sequence[Segment]) -> bool:
    """No upright line inside the table (frames and forms that are no grid `find_tables` could read) and
    no rule of another length across it (a header cell spanning columns, a total's rule: a table too
    complex to read from its text alone, left as lines)."""
    inside = (table.y0 + _SNAP, table.y1 - _SNAP)
    if any(v.x1 >= table.x0 - _TOUCH and v.x0 <= table.x1 + _TOUCH and v.y1 > inside[0] and v.y0 < inside[1]
           for v in upright):
        return False
    return all(_same_extent(rule, r) for r in rules if inside[0] < r.y < inside[1])


def _solid(row: Sequence[Char], rule: Rule) -> bool:
    """A line of text over most of the rule's length with no blank in it that could be a gutter."""
    inside = [ch for ch in row if rule.x0 - _TOUCH <= (ch.x0 + ch.x1) / 2 <= rule.x1 + _TOUCH]
    if not inside or max(ch.x1 for ch in inside) - min(ch.x0 for ch in inside) < 0.8 * (rule.x1 - rule.x0):
        return False
    return not gutters([inside])


def _same_extent(a: Rule, b: Rule) -> bool:
    return abs(a.x0 - b.x0) <= _SAME_EXTENT and abs(a.x1 - b.x1) <= _SAME_EXTENT


def _inside(chars: Sequence[Char], rule: Rule, top: float, bottom: float) -> list[Char]:
    return [ch for ch in chars if top < (ch.y0 + ch.y1) / 2 < bottom
            and rule.x0 - _TOUCH <= (ch.x0 + ch.x1) / 2 <= rule.x1 + _TOUCH]


def _closed(chars: Sequence[Char], top: Rule, below: Sequence[Rule]) -> Table | None:
    """A table from `top` to the last of `below`, the first of them under its header."""
    bottom = below[-1]
    lines = char_lines(_inside(chars, top, top.y, bottom.y))
    if any(_across(ch, top) for ch in chars if top.y < (ch.y0 + ch.y1) / 2 < bottom.y and not ch.text.isspace()):
        return None  # text running past the rules' ends: the rules frame something else
    return _build(lines, top, top.y, bottom.y, [r.y for r in below[:-1]], header=True)


def _open_below(chars: Sequence[Char], top: Rule, header_rule: Rule, limit: float, height: float) -> Table | None:
    """A table whose top and header rules are on this page and whose bottom is on the next one: its
    rows run to the foot of the page, nothing but furniture under them."""
    outward = _until_page_number(char_lines([ch for ch in chars if header_rule.y < (ch.y0 + ch.y1) / 2 < limit]), height)
    header = char_lines(_inside(chars, top, top.y, header_rule.y))
    for k in range(len(outward), 0, -1):
        if all(line[0].y0 >= (1 - _EDGE_ZONE) * height for line in outward[k:]):
            lines = header + outward[:k]
            if all(not _across(ch, top) for line in lines for ch in line):
                table = _build(lines, top, top.y, max(ch.y1 for ch in lines[-1]), [header_rule.y], header=True)
                if table is not None:
                    return table._replace(open_bottom=True)
    return None


def _open_above(chars: Sequence[Char], bottom: Rule, limit: float, height: float, columns: int) -> Table | None:
    """The rest of a table carried over from the page before: its rows from the head of the page (under
    nothing but furniture) down to its bottom rule."""
    outward = _until_page_number(char_lines([ch for ch in chars if limit < (ch.y0 + ch.y1) / 2 < bottom.y])[::-1], height)[::-1]
    for k in range(len(outward)):
        if all(line[0].y1 <= _EDGE_ZONE * height for line in outward[:k]):
            lines = outward[k:]
            if lines and all(not _across(ch, bottom) for line in lines for ch in line):
                table = _build(lines, bottom, min(ch.y0 for ch in lines[0]), bottom.y, [], header=False)
                if table is not None and len(table.cells[0]) == columns:
                    return table._replace(open_top=not table.cells[0][0])
    return None


def _until_page_number(lines: list[list[Char]], height: float) -> list[list[Char]]:
    """Lines going away from a table's rule, up to a page number in the page's top or bottom band (and
    what lies beyond it): standing in the table's gutter, it would otherwise be read into a cell."""
    for n, line in enumerate(lines):
        top, bottom = min(ch.y0 for ch in line), max(ch.y1 for ch in line)
        if (bottom <= _EDGE_ZONE * height or top >= (1 - _EDGE_ZONE) * height) and is_page_number(_text(line)):
            return lines[:n]
    return lines


def _text(line: Sequence[Char]) -> str:
    return "".join(ch.text for ch in line)


def _across(ch: Char, rule: Rule) -> bool:
    """A character standing out past the rule's ends: body text, not the table's."""
    mid = (ch.x0 + ch.x1) / 2
    return mid < rule.x0 - _TOUCH or mid > rule.x1 + _TOUCH


def gutters(lines: Sequence[Sequence[Char]]) -> list[float]:
    """The x of each blank band at least _GUTTER_EM wide that no line crosses (its middle), left to right."""
    spans = sorted((ch.x0, ch.x1) for line in lines for ch in line if not ch.text.isspace())
    if not spans:
        return []
    em = statistics.median(ch.y1 - ch.y0 for line in lines for ch in line if not ch.text.isspace())
    out, reach = [], spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= _GUTTER_EM * em:
            out.append((reach + x0) / 2)
        reach = max(reach, x1)
    return out


def _build(lines: list[list[Char]], rule: Rule, y0: float, y1: float, header_rules: Sequence[float],
           header: bool) -> Table | None:
    """The table these lines make, or None when they do not make one (fewer than two body lines, fewer
    than two columns holding through every line, a column with text on one line only, fewer than two
    lines across columns)."""
    header_rules = header_rules if header else []
    # the columns are the body's: a header cell centred over a short column stands clear of its text
    body = [line for line in lines if not header_rules or min(ch.y0 for ch in line) > header_rules[0]]
    splits = gutters(body)
    if len(body) < 2 or not splits or any(ch.x0 < x < ch.x1 for line in lines for ch in line for x in splits):
        return None
    columns = [_cells(line, splits) for line in lines]
    filled = [[any(not ch.text.isspace() for ch in cs) for cs in row] for row in columns]
    if any(sum(f[c] for f in filled) < 2 for c in range(len(splits) + 1)) or sum(sum(f) >= 2 for f in filled) < 2:
        return None
    rows = _rows(lines, filled, header_rules)
    cells, tops, bottoms = [], [], []
    for members in rows:
        parts: list[list[Char]] = [[] for _ in range(len(splits) + 1)]
        for n in members:
            for c, cs in enumerate(columns[n]):
                parts[c] += cs
        cells.append(tuple(cell_text(p) for p in parts))
        tops.append(min(ch.y0 for n in members for ch in lines[n]))  # spaces sit on their line
        bottoms.append(max(ch.y1 for n in members for ch in lines[n]))
    return Table(rule.x0, rule.x1, y0, y1, tuple(tops), tuple(bottoms), tuple(cells))


def _cells(line: Sequence[Char], splits: Sequence[float]) -> list[list[Char]]:
    out: list[list[Char]] = [[] for _ in range(len(splits) + 1)]
    for ch in line:
        out[sum((ch.x0 + ch.x1) / 2 > x for x in splits)].append(ch)
    return out


def _rows(lines: Sequence[Sequence[Char]], filled: Sequence[Sequence[bool]], header_rules: Sequence[float]) -> list[list[int]]:
    """Line indexes grouped into rows: the header (above the first header rule) as one row, then the
    body's rows. Rows set apart by cell padding are cut where a blank band across the table is wider
    than the leading between a cell's wrapped lines (a cell's text centred in a tall row stands between
    another cell's lines: no band there); rows set close are opened by each line with first-column text."""
    tops = [min(ch.y0 for ch in line) for line in lines]
    bottoms = [max(ch.y1 for ch in line) for line in lines]
    in_header = [bool(header_rules) and top < header_rules[0] for top in tops]
    leading = min((tops[b] - bottoms[a] for c in range(len(filled[0]))
                   for a, b in _pairs([n for n in range(len(lines)) if filled[n][c] and not in_header[n]])
                   if tops[b] > bottoms[a]), default=0.0)
    blank = [tops[n] - max(bottoms[:n]) if n else 0.0 for n in range(len(lines))]
    cut = [blank[n] > _ROW_GAP * leading + 1.0 for n in range(len(lines))]
    spaced = any(cut[n] for n in range(1, len(lines)) if not in_header[n] and not in_header[n - 1])
    rows: list[list[int]] = []
    for n, top in enumerate(tops):
        if not rows or (n and any(tops[n - 1] < y < top for y in header_rules)):
            opens = True
        elif in_header[n]:
            opens = False
        else:
            opens = cut[n] if spaced else filled[n][0]
        if opens:
            rows.append([n])
        else:
            rows[-1].append(n)
    return rows


def _pairs(items: Sequence[int]) -> list[tuple[int, int]]:
    return list(zip(items, items[1:]))
