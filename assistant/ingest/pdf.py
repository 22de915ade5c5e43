"""PDF: the text layer re-flowed into paragraphs, scanned pages read by OCR.

Library. PDFium through pypdfium2 (PDFium: BSD-3/Apache-2.0; pypdfium2: Apache-2.0/BSD-3), not
pdfplumber (MIT, on pdfminer.six). PDFium is Chrome's PDF engine, in C++: on a 13-page printed law
here it gave its raw text at ~120 pages/s and this whole reader (Python layout work included) runs at
~50 pages/s, where pdfplumber's line extraction managed ~8 pages/s and warned about every CJK font.
PDFium also opens the odd files government sites publish the way a browser does, reports a wrong
password as its own error code, and renders scanned pages for OCR: one library for both paths.

Pipeline: characters with their boxes → visual lines → page furniture dropped → lines re-flowed into
paragraphs across the whole document. Everything after the PDFium calls is a pure function over
`Line(text, x0, x1, y0, y1)` (PDF points, y growing downwards), tested on plain values; OCR boxes feed
the same functions. Lines keep PDFium's content order, sorted top to bottom when no two lines stand
side by side (one column); with columns or tables the content order is kept.

Re-flow rule (`breaks_before`). "Room" is the space the previous line left before the right margin
minus the width of this line's first unbreakable piece (a Latin word or number, or one character
with the punctuation that may not start a line): room > 0 means the typesetter would have put that
piece on the previous line had the paragraph gone on. A line starts a new paragraph when, in order:
  1. the step from the previous line's top is > 1.3 × the usual line pitch (paragraph spacing, blank
     lines, headings; not across a page break);
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

Page furniture (`strip_furniture`): among the two top-most and two bottom-most lines of each page (in
its outer 15 %), a line is dropped when it is a page number (`3`, `- 3 -`, `第3页`, `第3页 共10页`,
`3/10`, `Page 3 of 10`), or when the same text with digits masked stands there on at least half of
the pages (and at least 2): running headers and footers. A header cannot repeat in a one-page file,
so a top line is also dropped when it is set much smaller than the page's body lines (under 0.75 of
their median height) and stands apart above them, as running headers are (a title is set larger).

OCR (RapidOCR with the PP-OCRv4 Chinese models shipped in its wheel; offline; made once, on first
use). A page is OCR'd when its text layer has no readable characters (none, or mostly unmapped
glyphs), or has fewer than 30 (a page number stamped on a scan) and an image covers half the page.
It is rendered at scale 3 (216 dpi), and RapidOCR's 2000 px size cap is raised so the models see
those 216 dpi: on the test page (a 200 dpi scan of a printed plan) scale 2, 2.5, 3 and 3.5 gave a
character error rate (full/half width folded) of 0.2 %, 0.1 %, 0 % and 0.1 %, while the default cap
(which shrinks a scale-3 A4 page back to 171 dpi) cut the ends off long lines: 4.4 %. Boxes are
grouped into lines top to bottom, left to right, and re-flowed as above. Known limit: the model's
dictionary is Simplified Chinese; on a Traditional Chinese page (corpus 001) it drops or simplifies
many characters (貧 監 參 …), CER ≈ 9 %.
Confidence: RapidOCR drops boxes scoring below 0.5 itself; we drop those below `MIN_CONFIDENCE` = 0.6.
On the test scans every real line scored ≥ 0.95 (Simplified Chinese) or ≥ 0.8 (Traditional, which
the model reads worse); a box below 0.6 has several characters wrong or is not text at all, and is
noise in a citation. The threshold stays low so a real line with a few doubtful characters is kept;
the page is listed in `ocr_pages` either way, so answers can say the text was recognised.

Bad files raise CorpusError with one line naming the file: no `%PDF` header, no `%%EOF` near the end
(PDFium would rebuild a cut-off file from what is left and return part of its text), PDFium's own
errors (damaged structure, password, unknown security handler), more than `max_pages` pages, no text
even after OCR; anything unexpected is reported the same way, never as a traceback.
"""
from __future__ import annotations

import ctypes
import re
import statistics
import sys
import threading
import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Iterable, NamedTuple, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from assistant.ingest.base import CorpusError, Extracted
from assistant.parser import match_marker

OCR_SCALE = 3.0  # render scale for OCR: 72 dpi × 3 = 216 dpi
_OCR_MAX_SIDE = 4000  # px: an A3 page at OCR_SCALE still fits
MIN_CONFIDENCE = 0.6  # OCR boxes scoring below this are dropped (see the module docstring)
_FEW_CHARS = 30  # a text layer this short on a page covered by an image is a stamp on a scan
_FEW_LINES = 8  # fewer lines than this do not show a column's margins well
_GAP = 1.3  # × usual line pitch: a vertical gap between paragraphs
_INDENT_EM = 0.9
_ROOM_EM = 0.5  # the next line's first word would have fitted with this much to spare: a paragraph end
_ROOM_SENTENCE_EM = 0.15  # ... the same after a full stop, where less doubt is needed
_FURNITURE_ZONE = 0.15  # fraction of the page height at the top and bottom where headers/footers live
_SMALL_HEADER = 0.75  # × the body lines' median height: a top line this small is a running header
_TERMINAL = "。！？!?；;：:…"
_CLOSERS = "”’」』）)》〉】〕〗］｝]}\"'"
_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe; a build may run in a background thread


class Line(NamedTuple):
    """One visual line: its text and box (PDF points, origin top-left, y growing downwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float


@dataclass(frozen=True)
class Layout:
    """A text column as its lines show it: margins, the size of a character, the usual line pitch."""

    left: float
    right: float
    em: float
    pitch: float


# ---------------------------------------------------------------- characters → lines


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


def _line(parts: list) -> Line:
    return Line(re.sub(r"\s+", " ", parts[0]).strip(), *parts[1:])


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


# ---------------------------------------------------------------- headers, footers, page numbers

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
    by_top = sorted(range(len(lines)), key=lambda i: lines[i].y0)
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
        result.append([ln for i, ln in enumerate(lines) if i not in drop])
    return result


def _small_header(lines: Sequence[Line], i: int, height: float) -> bool:
    """Whether lines[i], in the top band, is set much smaller than the body and stands above it with a gap."""
    line = lines[i]
    if line.y1 > _FURNITURE_ZONE * height or len(lines) < 4:
        return False
    body = statistics.median(ln.y1 - ln.y0 for ln in lines)
    below = [ln.y0 for ln in lines if ln.y0 >= line.y1]
    return line.y1 - line.y0 < _SMALL_HEADER * body and bool(below) and min(below) - line.y1 >= body


# ---------------------------------------------------------------- layout and re-flow


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
    row or overflowing URL does not move a margin."""
    ordered = sorted(values, reverse=not leftmost)
    return ordered[min(len(ordered) - 1, max(2, len(ordered) // 50))]


def measure(lines: Sequence[Line], pitches: Sequence[float] = (), page_width: float | None = None) -> Layout:
    """The column of a group of lines (one document's text pages, or one scanned page). `pitches` are
    the steps between the tops of consecutive lines on a page. With fewer than _FEW_LINES lines the
    right margin is taken no nearer than the left one mirrored on the page: two short paragraphs
    alone do not show where a full line would end."""
    if not lines:
        return Layout(0.0, 1.0, 1.0, 1.0)
    ems = [(ln.x1 - ln.x0) / w for ln in lines
           if len(ln.text) >= 8 and (w := sum(_char_weight(c) for c in ln.text if not c.isspace())) > 0]
    em = statistics.median(ems) if ems else statistics.median(ln.y1 - ln.y0 for ln in lines)
    em = max(em, 1e-3)
    usual = sorted(p for p in pitches if 0.8 * em <= p <= 5 * em)
    pitch = usual[len(usual) // 4] if usual else 1.5 * em  # lower quartile: lines inside paragraphs
    left, right = _edge([ln.x0 for ln in lines], True), _edge([ln.x1 for ln in lines], False)
    if page_width and len(lines) < _FEW_LINES:
        right = max(right, page_width - left)
    return Layout(left, right, em, pitch)


def page_pitches(lines: Sequence[Line]) -> list[float]:
    return [b.y0 - a.y0 for a, b in zip(lines, lines[1:])]


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
    if same_page and line.y0 - prev.y0 > _GAP * lay.pitch:
        return True
    room = (lay.right - prev.x1) - first_token_width(line.text, lay.em)  # > 0: it would have fitted
    if match_marker(line.text) is not None and not (room <= 0 and mid_sentence(prev.text)):
        return True
    if (same_page and _centred(prev, lay, 0.5) and _centred(line, lay, 1.5) and not ends_sentence(prev.text)
            and prev.x1 - prev.x0 >= 0.7 * (lay.right - lay.left)):
        return False
    if line.x0 - lay.left > _INDENT_EM * lay.em:
        return True
    if room > _ROOM_EM * lay.em:
        return True
    return ends_sentence(prev.text) and room > _ROOM_SENTENCE_EM * lay.em


def _joiner(before: str, after: str) -> str:
    """No space inside Chinese text; one between two Latin words or numbers ('of\\nthe' → 'of the')."""
    if before and after and before[-1].isascii() and before[-1] not in "-/" and after[0].isascii() and after[0].isalnum():
        return " "
    return ""


def reflow(pages: Sequence[Sequence[Line]], layouts: Sequence[Layout]) -> tuple[str, tuple[int, ...]]:
    """Pages of visual lines → text with one paragraph per line, and the offset where each page starts.

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
            elif breaks_before(prev, line, lay, same_page=prev_page == number):
                sep = "\n"
            else:
                sep = _joiner(parts[-1], line.text)
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


# ---------------------------------------------------------------- PDFium


def _open(name: str, data: bytes) -> pdfium.PdfDocument:
    """The document, or CorpusError saying in one line why it cannot be opened."""
    if b"%PDF-" not in data[:1024]:
        raise CorpusError(f"{name}: not a PDF file (no %PDF header); check the file or its suffix")
    if b"%%EOF" not in data[-1024:]:
        # PDFium rebuilds a cut-off file from what is left and would return part of its text.
        raise CorpusError(f"{name}: truncated PDF (its end is missing); copy or download the file again")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorpusError(f"{name}: {_open_reason(exc.err_code)}") from None


def _open_reason(code: int | None) -> str:
    return {
        pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF (password protected); save it without a password",
        pdfium_c.FPDF_ERR_SECURITY: "PDF protected by an unsupported security handler; save it without protection",
        pdfium_c.FPDF_ERR_FORMAT: "damaged PDF (PDFium cannot read its structure); save or export it again",
        pdfium_c.FPDF_ERR_FILE: "PDF could not be read (file error)",
    }.get(code, "damaged PDF (PDFium could not open it); save or export it again")


def _page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    """(char, x0, x1, y0, y1) in content order, y from the top; PDFium's own line breaks and rotated
    text (watermarks, stamps, side notes) are left out. A page whose text is all rotated (turned
    upright for display by /Rotate) is thus left without text and goes to OCR, which reads the page
    as rendered, upright.

    Horizontally the glyph's tight box joined with its loose box (its advance: full-width ，。、 are
    drawn in the left half of their em); vertically a box from the baseline and the font size, the
    same for every character of a line: tight boxes of flat glyphs (一, 、, …) are a sliver that would
    fall outside the line's band."""
    chars = []
    raw = textpage.raw
    matrix, loose = pdfium_c.FS_MATRIX(), pdfium_c.FS_RECTF()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    count = pdfium_c.FPDFText_CountChars(raw)
    for i in range(count):
        ch = _unicode(raw, i, count)
        if not ch or ch in "\r\n":
            continue
        if ch.isspace():
            chars.append(Char(" ", 0.0, 0.0, 0.0, 0.0))
            continue
        if pdfium_c.FPDFText_GetMatrix(raw, i, matrix) and _rotated(matrix):
            continue
        if not pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        if pdfium_c.FPDFText_GetLooseCharBox(raw, i, loose):  # the advance: where the pen stopped, not the ink
            x0, x1 = min(x0, loose.left), max(x1, loose.right)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        glyph = max(x1 - x0, y1 - y0)
        if size < 0.5 * glyph:  # a size not scaled by the text matrix: fall back on the glyph
            size = glyph
        if pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy):
            y0, y1 = oy.value - 0.15 * size, oy.value + 0.85 * size
        run = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value or 0
        chars.append(Char(clean_char(ch), x0, x1, height - y1, height - y0, run))
    return chars


def _rotated(m) -> bool:
    """A text matrix turning the glyphs by more than ~10° (or upside down): not part of the page's
    lines. Only the rotation term b counts: italics shear the glyphs through c, and stay."""
    return m.a <= 0 or abs(m.b) > 0.17 * m.a


def _unicode(raw, i: int, count: int) -> str:
    """Character i as a str; a UTF-16 surrogate pair (CJK Extension B names, 𠮷) read as one character
    on its high half, nothing on its low half or for a lone half."""
    code = pdfium_c.FPDFText_GetUnicode(raw, i)
    if 0xD800 <= code <= 0xDBFF:
        low = pdfium_c.FPDFText_GetUnicode(raw, i + 1) if i + 1 < count else 0
        return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)) if 0xDC00 <= low <= 0xDFFF else ""
    if not code or 0xDC00 <= code <= 0xDFFF or code > 0x10FFFF:
        return ""
    return chr(code)


def _image_cover(page: pdfium.PdfPage, width: float, height: float) -> float:
    """The largest share of the page that one image covers."""
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = obj.get_pos()
        best = max(best, max(0.0, right - left) * max(0.0, top - bottom) / max(width * height, 1.0))
    return best


def _has_objects(page: pdfium.PdfPage) -> bool:
    return next(iter(page.get_objects()), None) is not None


# ---------------------------------------------------------------- OCR

_ENGINE = None
_ENGINE_LOCK = threading.Lock()  # held while the engine is made and while it reads a page: one page at a time


def _ocr_engine():
    """One RapidOCR for the process, made on first use: a corpus without scans never loads the models.
    Call with _ENGINE_LOCK held."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        # The size cap is raised so a page rendered at OCR_SCALE is not shrunk again (default 2000 px).
        _ENGINE = RapidOCR(max_side_len=_OCR_MAX_SIDE)
    return _ENGINE


def ocr_boxes(result: Iterable, scale: float,
              min_confidence: float = MIN_CONFIDENCE) -> list[tuple[str, float, float, float, float]]:
    """RapidOCR's [[4 corner points], text, score] → (text, x0, x1, y0, y1) in PDF points, confident ones only."""
    boxes = []
    for points, text, score in result or ():
        if float(score) < min_confidence or not str(text).strip():
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        text = "".join(clean_char(ch) for ch in str(text))
        boxes.append((text, min(xs) / scale, max(xs) / scale, min(ys) / scale, max(ys) / scale))
    return boxes


def _render(doc: pdfium.PdfDocument, index: int):
    """Page `index` as an RGB image at OCR_SCALE, upright (PDFium applies /Rotate)."""
    page = doc[index]
    try:
        bitmap = page.render(scale=OCR_SCALE)
        try:
            return bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer is freed below
        finally:
            bitmap.close()
    finally:
        page.close()


def _ocr_lines(image) -> list[Line]:
    """The lines OCR reads on a page image, in PDF points."""
    import numpy as np

    with _ENGINE_LOCK:  # two pages at once on a 2-core machine are no faster, and RapidOCR keeps state
        result, _ = _ocr_engine()(np.asarray(image)[:, :, ::-1])  # it takes arrays as OpenCV's BGR
    return group_boxes(ocr_boxes(result, OCR_SCALE))


# ---------------------------------------------------------------- the reader


@dataclass
class _Page:
    lines: list[Line]
    width: float
    height: float
    scan: bool = False  # no usable text layer: a page image
    ocr: bool = False  # its lines came from OCR


class PdfReader:
    """PDF → Extracted(text, pages, ocr_pages); CorpusError in one line for a file it cannot read."""

    suffixes: ClassVar[tuple[str, ...]] = (".pdf",)

    def __init__(self, max_pages: int = 400, ocr: bool = True, progress: bool = False):
        self.max_pages = max_pages
        self.ocr = ocr
        self.progress = progress

    def extract(self, name: str, data: bytes) -> Extracted:
        try:
            with _PDFIUM_LOCK:
                doc = _open(name, data)
            try:
                pages = self._read(name, doc)
            finally:
                with _PDFIUM_LOCK:
                    doc.close()
            return self._assemble(name, pages)
        except CorpusError:
            raise
        except Exception as exc:  # whatever else breaks is still reported as one line about the file
            raise CorpusError(f"{name}: PDF could not be read ({_one_line(exc)})") from exc

    def _read(self, name: str, doc: pdfium.PdfDocument) -> list[_Page]:
        """Every page's lines; PDFium is held only while it works, not while OCR runs."""
        with _PDFIUM_LOCK:
            count = len(doc)
            if count == 0:
                raise CorpusError(f"{name}: the PDF has no pages")
            if count > self.max_pages:
                raise CorpusError(f"{name}: {count} pages, more than the limit of {self.max_pages}; split the file")
            pages = [self._text_page(name, doc, index) for index in range(count)]
        scans = [i for i, page in enumerate(pages) if page.scan]
        if scans and self.ocr:
            for index in self._progress(scans, name):
                pages[index] = self._scanned_page(name, doc, index)
        return pages

    def _text_page(self, name: str, doc: pdfium.PdfDocument, index: int) -> _Page:
        """A page's text-layer lines, or an empty page marked as a scan when it should be OCR'd."""
        try:
            page = doc[index]
            textpage = page.get_textpage()
            try:
                width, height = page.get_size()
                chars = dedupe_chars(_page_chars(textpage, height))
                text = "".join(c.text for c in chars)
                if not readable(text):
                    return _Page([], width, height, scan=_has_objects(page))  # a page with nothing on it is blank
                if len(text.strip()) < _FEW_CHARS and _image_cover(page, width, height) >= 0.5:
                    return _Page([], width, height, scan=True)
                return _Page(reading_order(group_chars(chars)), width, height)
            finally:
                textpage.close()
                page.close()
        except pdfium.PdfiumError as exc:
            raise CorpusError(f"{name}: page {index + 1} cannot be read (damaged PDF: {_one_line(exc)})") from None

    def _scanned_page(self, name: str, doc: pdfium.PdfDocument, index: int) -> _Page:
        try:
            with _PDFIUM_LOCK:
                image = _render(doc, index)
            lines = _ocr_lines(image)
        except ImportError:
            raise CorpusError(f"{name}: page {index + 1} is a scan and OCR is not installed (rapidocr_onnxruntime)") from None
        except Exception as exc:  # an OCR or rendering failure is reported, never a traceback
            raise CorpusError(f"{name}: OCR of page {index + 1} failed ({_one_line(exc)})") from None
        return _Page(lines, image.width / OCR_SCALE, image.height / OCR_SCALE, scan=True, ocr=bool(lines))

    def _progress(self, items: list[int], name: str) -> Iterable[int]:
        if not self.progress:
            return items
        from tqdm import tqdm

        return tqdm(items, desc=f"OCR {name}", unit="page", file=sys.stderr)

    def _assemble(self, name: str, pages: list[_Page]) -> Extracted:
        cleaned = strip_furniture([p.lines for p in pages], [p.height for p in pages])
        layouts = _layouts(cleaned, [p.ocr for p in pages], [p.width for p in pages])
        text, starts = reflow(cleaned, layouts)
        if not text.strip():
            raise CorpusError(f"{name}: no text in the PDF ({self._why_empty(pages)})")
        return Extracted(text, starts, tuple(i + 1 for i, p in enumerate(pages) if p.ocr))

    def _why_empty(self, pages: list[_Page]) -> str:
        if not any(p.scan for p in pages):
            return "its pages are blank"
        if not self.ocr:
            return "scanned pages without a text layer, and OCR is off"
        return "scanned pages, and OCR recognised nothing on them"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _layouts(pages: Sequence[Sequence[Line]], ocr: Sequence[bool], widths: Sequence[float]) -> list[Layout]:
    """One layout for all text-layer pages (they share margins); one per OCR'd page (each scan sits
    on the glass a little differently), or one for all scans when a page has too few lines to tell."""
    def pooled(kind: bool) -> Layout:
        chosen = [i for i, o in enumerate(ocr) if o == kind]
        lines = [ln for i in chosen for ln in pages[i]]
        pitches = [p for i in chosen for p in page_pitches(pages[i])]
        return measure(lines, pitches, statistics.median(widths[i] for i in chosen) if chosen else None)

    text_layout, scan_layout = pooled(False), pooled(True)
    return [
        (measure(lines, page_pitches(lines), width) if len(lines) >= _FEW_LINES else scan_layout) if o else text_layout
        for lines, o, width in zip(pages, ocr, widths)
    ]
