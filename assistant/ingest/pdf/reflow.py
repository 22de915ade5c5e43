"""Visual lines → paragraphs: where a printed line ends a paragraph and where it only wraps.

Re-flow rule (`breaks_before`). "Room" is the space the previous line left before the right margin
minus the width of this line's first unbreakable piece (a Latin word or number, or one character
with the punctuation that may not start a line): room > 0 means the typesetter would have put that
piece on the previous line had the paragraph gone on. A line starts a new paragraph when, in order:
  1. the step from the previous line's top is > 1.3 × the usual line pitch (paragraph spacing, blank
     lines, headings; not across a page break) — unless the document sets some paragraphs wider
     (`wrap_pitch`), the step is no wider than that, the previous line is full and stops mid-sentence,
     and this one, at the margin, has no numbering marker;
  2. it opens with a numbering marker the parser knows (第X条, 一、, （一）, 1., （1）, ①), unless the
     previous line has no room and ends mid-sentence (a character, ，or 、): an inline list wrapped
     at its marker ("…包括下列" / "（二）…");
  3. (joins) the previous line is centred and spans most of the column and this one is centred too,
     with no stop between: a long title wrapped onto a second line;
  4. it is indented by > 0.9 em (a first-line indent, a centred or right-aligned line);
  5. room > 0.5 em (a heading, a title, a date, the end of a paragraph);
  6. the previous line ends a sentence (。！？；：… before any closing quotes/brackets) and room > 0.15 em;
otherwise it continues the previous line: joined with no space, or one space between Latin words.
Page breaks use rules 2-6, so a paragraph running onto the next page is joined. Widths are estimated
from the characters (CJK 1 em, Latin about half) and "em" is measured as the median advance per
character of the document's longer lines; the margins are the outermost x reached by at least 3 lines
(2 % of a long document), so one overflowing URL or wide table row does not move them. One layout
serves all text-layer pages; each OCR'd page gets its own (a scan sits on the glass its own way).
Known limit: with no indent and no paragraph spacing, a paragraph whose last line happens to fill the
line is joined to the next (nothing on the page tells them apart).
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, replace
from typing import Sequence

from assistant.ingest.pdf.lines import Line
from assistant.parser import match_marker

_FEW_LINES = 8  # fewer lines than this do not show a column's margins well
_GAP = 1.3  # × usual line pitch: a vertical gap between paragraphs
_FIRST_INDENT_EM = 2.5  # a body line starts at the margin or a first-line indent of two characters
_HANGING_EM = 6.0  # a hanging indent lines up with the text after a marker ('（11）'): a few characters in
_WIDE_SHARE = 0.05  # of the steps after a full line stopping mid-sentence: this many at one wider pitch make a spacing
_INDENT_EM = 0.9
_ROOM_EM = 0.5  # the next line's first word would have fitted with this much to spare: a paragraph end
_ROOM_SENTENCE_EM = 0.15  # ... the same after a full stop, where less doubt is needed
_TERMINAL = "。！？!?；;：:…"
_CLOSERS = "”’」』）)》〉】〕〗］｝]}\"'"


@dataclass(frozen=True)
class Layout:
    """A text column as its lines show it: margins, the size of a character, the usual line pitch."""

    left: float
    right: float
    em: float
    pitch: float
    body: float = 0.0  # the body text's line height (0: not known); smaller type gets a smaller gap
    wrap: float = 0.0  # the pitch at which this document's paragraphs wrap, when it sets them wider (1.5-spaced)



def _char_weight(ch: str) -> float:
    """Advance of a character in em, as common CJK fonts and their Latin companions draw it."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in ",.:;!|'`ilj":
        return 0.3
    if ch in "%@":
        return 0.85
    return 0.75 if ch.isupper() else 0.55


def _edge(values: Sequence[float], leftmost: bool) -> float:
    """The outermost x reached by at least 3 lines (2 % of them in a long document): one wide table
    row or overflowing URL does not move a margin. Used for a handful of lines, see `_common_edge`."""
    ordered = sorted(values, reverse=not leftmost)
    return ordered[min(len(ordered) - 1, max(2, len(ordered) // 50))]


def _common_edge(values: Sequence[float], leftmost: bool, em: float) -> float:
    """Where the column's lines start (or end): the outermost half-em bin holding at least 30 % as many
    lines as the fullest bin, and the outermost x in it. Word tables reach into the margins (on a
    LibreOffice print of a guideline the body starts at x 79.5 and its tables at 59): taking the
    outermost few lines, as `_edge` does, made every body line look indented and broke every line."""
    width = 0.5 * em
    bins: dict[int, list[float]] = {}
    for v in values:
        bins.setdefault(int(v // width), []).append(v)
    fullest = max(len(b) for b in bins.values())
    kept = [k for k, b in bins.items() if len(b) >= 0.3 * fullest]
    chosen = bins[min(kept) if leftmost else max(kept)]
    return min(chosen) if leftmost else max(chosen)


def measure(lines: Sequence[Line], pitches: Sequence[float] = (), page_width: float | None = None) -> Layout:
    """The column of a group of lines (one document's text pages, or one scanned page). `pitches` are
    the steps between the tops of consecutive lines on a page. With fewer than _FEW_LINES lines the
    right margin is taken no nearer than the left one mirrored on the page: two short paragraphs
    alone do not show where a full line would end."""
    if not lines:
        return Layout(0.0, 1.0, 1.0, 1.0)
    body = body_height(lines)
    sized = [ln for ln in lines if _body_size(ln, body)] or list(lines)
    ems = [(ln.x1 - ln.x0) / w for ln in sized
           if len(ln.text) >= 8 and (w := sum(_char_weight(c) for c in ln.text if not c.isspace())) > 0]
    em = statistics.median(ems) if ems else statistics.median(ln.y1 - ln.y0 for ln in lines)
    em = max(em, 1e-3)
    usual = sorted(p for p in pitches if 0.8 * em <= p <= 5 * em)
    pitch = usual[len(usual) // 4] if usual else 1.5 * em  # lower quartile: lines inside paragraphs
    if len(lines) < _FEW_LINES:
        left, right = _edge([ln.x0 for ln in lines], True), _edge([ln.x1 for ln in lines], False)
        if page_width:
            right = max(right, page_width - left)
    else:
        left, right = _common_edge([ln.x0 for ln in lines], True, em), _common_edge([ln.x1 for ln in lines], False, em)
    return Layout(left, right, em, pitch, body)


def wrap_pitch(pages: Sequence[Sequence[Line]], lay: Layout) -> float:
    """The pitch at which some of the document's paragraphs wrap, when they are set wider than a paragraph gap
    (1.5-spaced among single-spaced ones): of the steps after a full line stopping mid-sentence, at least 3, one
    in twenty and most of the wide ones at one pitch; 0 otherwise. Such a step is then no paragraph break."""
    steps = []
    for lines in pages:
        for a, b in zip(lines, lines[1:]):
            room = (lay.right - a.x1) - first_token_width(b.text, lay.em)
            if _wraps(a, lay, room) and match_marker(b.text) is None and 0 < b.y0 - a.y0 < 3 * lay.pitch:
                steps.append(b.y0 - a.y0)
    wide = [x for x in steps if x > _GAP * lay.pitch]
    if not wide:
        return 0.0
    usual = statistics.median(wide)
    alike = [x for x in wide if abs(x - usual) <= 0.1 * lay.pitch]  # one spacing style, not assorted gaps
    if len(alike) < max(3, _WIDE_SHARE * len(steps), 0.6 * len(wide)):
        return 0.0
    return max(alike)


def body_height(lines: Sequence[Line]) -> float:
    """The line height most characters are set in (to a tenth of a point): the body text. The em and
    the pitch are measured on body lines only; a guideline's tables are set smaller and single-spaced,
    and their lines' lower-quartile pitch (15.6 pt against the body's 31.2) made every body line a gap."""
    weight: dict[float, int] = {}
    for ln in lines:
        key = round(ln.y1 - ln.y0, 1)
        weight[key] = weight.get(key, 0) + len(ln.text)
    return max(weight, key=weight.get) if weight else 0.0


def _body_size(line: Line, body: float) -> bool:
    return abs((line.y1 - line.y0) - body) <= 0.15 * body


def page_pitches(lines: Sequence[Line], body: float = 0.0) -> list[float]:
    """Steps between the tops of consecutive lines (only between body-size lines when `body` is given)."""
    return [b.y0 - a.y0 for a, b in zip(lines, lines[1:]) if not body or (_body_size(a, body) and _body_size(b, body))]


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def mid_sentence(text: str) -> bool:
    """A line ending inside a sentence: on a character or a comma, not on a stop or a closing bracket."""
    text = text.rstrip()
    return bool(text) and text[-1] not in _TERMINAL + _CLOSERS


def _centred(line: Line, lay: Layout, indent_em: float) -> bool:
    """Equally far from both margins, and at least `indent_em` from them."""
    left, right = line.x0 - lay.left, lay.right - line.x1
    return left > indent_em * lay.em and abs(left - right) < 1.5 * lay.em


_LATIN = r"[A-Za-z0-9](?:[A-Za-z0-9%‰+\-_@#&=/]|[.,:;'’](?=[A-Za-z0-9]))*"
_OPENERS = "“‘（《〈「『【〔〖［｛(["
_STICKY = "，。、；：？！…—）》〉」』】〕〗］｝”’,.;:?!)]%‰"  # marks a line may not start with: they stay with what precedes
# The start of a line up to its first break opportunity: a Latin word or number (never broken), or
# one character; with the opening marks before it and the closing marks after it. "务,2022" is one
# token: no break is allowed between a comma and the digits after it.
_FIRST_TOKEN = re.compile(
    rf"^[{re.escape(_OPENERS)}]*(?:{_LATIN}|\S(?:[,.:;](?={_LATIN}){_LATIN})?)[{re.escape(_STICKY)}]*"
)


def first_token_width(text: str, em: float) -> float:
    """How wide the start of a line is up to its first place a line may break, in PDF units."""
    m = _FIRST_TOKEN.match(text)
    token = m.group(0) if m else text[:1]
    return em * sum(_char_weight(c) for c in token)


def breaks_before(prev: Line, line: Line, lay: Layout, same_page: bool = True) -> bool:
    """Whether `line` starts a new paragraph after `prev` (the rule is in the module docstring)."""
    if line.kind == "row" or prev.kind == "row":  # a table row is a paragraph of its own
        return True
    scale = min(1.0, (prev.y1 - prev.y0) / lay.body) if lay.body else 1.0  # small type: a smaller gap
    room = (lay.right - prev.x1) - first_token_width(line.text, lay.em)  # > 0: it would have fitted
    step = line.y0 - prev.y0
    if same_page and step > _GAP * lay.pitch * scale:
        # A paragraph set 1.5-spaced in a single-spaced document: its lines stand apart as paragraphs do,
        # but a full line that stops mid-sentence goes on in the next one (not a numbered item).
        wraps = (_wraps(prev, lay, room) and match_marker(line.text) is None
                 and line.x0 - lay.left <= _INDENT_EM * lay.em)  # the next line is the body's, at the margin
        if not (wraps and step <= _GAP * lay.wrap * scale):
            return True
    if line.text[:1] in "，。、；：？！）》」』】〕":  # no paragraph opens on these: the typesetter pushed them down
        return False
    if match_marker(line.text) is not None and not (room <= 0 and mid_sentence(prev.text)):
        return True
    if (same_page and _centred(prev, lay, 0.5) and _centred(line, lay, 1.5) and not ends_sentence(prev.text)
            and prev.x1 - prev.x0 >= 0.7 * (lay.right - lay.left)):
        return False
    if line.x0 - lay.left > _INDENT_EM * lay.em:
        # an indented line after a full one that stops mid-sentence is the paragraph's hanging indent
        # ('（11）如配置可充电电池，提交充电模块的研究资料，包' / '    括充电效率…'), not a new paragraph
        return not _hangs(prev, line, lay, room)
    if room > _ROOM_EM * lay.em:
        return True
    return ends_sentence(prev.text) and room > _ROOM_SENTENCE_EM * lay.em


def _hangs(prev: Line, line: Line, lay: Layout, room: float) -> bool:
    """An indented line that goes on with a numbered item's text: the item's first line fills the column and
    stops mid-sentence, and this line lines up a few characters in, under the text after the marker
    ('（11）如配置可充电电池…包' / '括充电效率…'); or a later line of such an item, lined up with the one above."""
    if room > 0 or not mid_sentence(prev.text) or line.x0 - prev.x0 > _HANGING_EM * lay.em:
        return False
    if match_marker(prev.text) is not None:
        return prev.x0 - lay.left <= _FIRST_INDENT_EM * lay.em and line.x0 > prev.x0
    return abs(line.x0 - prev.x0) < 0.5 * lay.em


def _wraps(prev: Line, lay: Layout, room: float) -> bool:
    """A body line that fills the column and stops mid-sentence: the sentence goes on below. Not a centred or
    right-aligned line (a signature '…卫生局办公室' reaches the right margin too)."""
    return room <= 0 and mid_sentence(prev.text) and prev.x0 - lay.left <= _FIRST_INDENT_EM * lay.em


def _joiner(before: str, after: str) -> str:
    """No space inside Chinese text; one between two Latin words or numbers ('of\\nthe' → 'of the')."""
    if before and after and before[-1].isascii() and before[-1] not in "-/" and after[0].isascii() and after[0].isalnum():
        return " "
    return ""


def reflow(pages: Sequence[Sequence[Line]], layouts: Sequence[Layout],
           columns: Layout | None = None) -> tuple[str, tuple[int, ...]]:
    """Pages of visual lines → text with one paragraph per line, and the offset where each page starts.
    Lines of kind "column" (see `columns.py`) are judged by `columns`, in their column's frame.

    A page without lines starts where the next text will (so `pages` never decreases)."""
    parts: list[str] = []
    length = 0
    starts: list[int] = []
    prev: Line | None = None
    prev_page = -1
    for number, (lines, lay) in enumerate(zip(pages, layouts)):
        page_start = None
        for line in lines:
            if prev is None:
                sep = ""
            else:
                same = prev_page == number
                if columns and line.kind == "column":
                    new = breaks_before(in_column(prev), in_column(line), columns, same_page=same)
                else:
                    new = breaks_before(prev, line, lay, same_page=same)
                sep = "\n" if new else _joiner(parts[-1], line.text)
            if page_start is None:
                page_start = length + len(sep)
            parts.append(sep + line.text)
            length += len(sep) + len(line.text)
            prev, prev_page = line, number
        starts.append(page_start if page_start is not None else length + (1 if parts else 0))
    text = "".join(parts)
    return text, _non_decreasing(starts, len(text))


def _non_decreasing(starts: list[int], end: int) -> tuple[int, ...]:
    """An empty page's guessed start may pass the next page's real one; clamp from the end."""
    out = list(starts)
    limit = end
    for i in range(len(out) - 1, -1, -1):
        out[i] = min(out[i], limit)
        limit = out[i]
    return tuple(out)


def layouts_for(pages: Sequence[Sequence[Line]], ocr: Sequence[bool], widths: Sequence[float]) -> list[Layout]:
    """One layout for all text-layer pages (they share margins); one per OCR'd page (each scan sits
    on the glass a little differently), or one for all scans when a page has too few lines to tell."""
    def pooled(kind: bool) -> Layout:
        chosen = [i for i, o in enumerate(ocr) if o == kind]
        lines = [ln for i in chosen for ln in pages[i]]
        body = body_height(lines)
        pitches = [p for i in chosen for p in page_pitches(pages[i], body)]
        return measure(lines, pitches, statistics.median(widths[i] for i in chosen) if chosen else None)

    text_layout, scan_layout = pooled(False), pooled(True)
    text_pages = [lines for lines, o in zip(pages, ocr) if not o]
    text_layout = replace(text_layout, wrap=wrap_pitch(text_pages, text_layout))
    return [
        (measure(lines, page_pitches(lines, body_height(lines)), width) if len(lines) >= _FEW_LINES else scan_layout) if o else text_layout
        for lines, o, width in zip(pages, ocr, widths)
    ]


def column_layout(pages: Sequence[Sequence[Line]]) -> Layout | None:
    """One layout for the column lines of all pages, in their columns' frame (x from the column's left
    edge), None when there are none: a column's margins are not the page's text block's."""
    lines = [in_column(ln) for page in pages for ln in page if ln.kind == "column"]
    if not lines:
        return None
    body = body_height(lines)
    pitches = [p for page in pages for p in page_pitches([ln for ln in page if ln.kind == "column"], body)]
    return measure(lines, pitches)


def in_column(line: Line) -> Line:
    """A column's line with x measured from the column's left edge: every column of a page in one frame."""
    return line._replace(x0=line.x0 - line.column, x1=line.x1 - line.column) if line.kind == "column" else line
