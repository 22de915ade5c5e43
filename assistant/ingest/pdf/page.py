"""PDFium I/O: opening a file (or saying in one line why not) and reading a page's characters.

Library. PDFium through pypdfium2 (PDFium: BSD-3/Apache-2.0; pypdfium2: Apache-2.0/BSD-3), not
pdfplumber (MIT, on pdfminer.six). PDFium is Chrome's PDF engine, in C++: on a 13-page printed law
here it gave its raw text at ~120 pages/s and this whole reader (Python layout work included) runs at
~50 pages/s, where pdfplumber's line extraction managed ~8 pages/s and warned about every CJK font.
PDFium also opens the odd files government sites publish the way a browser does, reports a wrong
password as its own error code, and renders scanned pages for OCR: one library for both paths.

Bad files raise CorpusError with one line naming the file: no `%PDF` header, no `%%EOF` near the end
(PDFium would rebuild a cut-off file from what is left and return part of its text), PDFium's own
errors (damaged structure, password, unknown security handler), more than `max_pages` pages, no text
even after OCR; anything unexpected is reported the same way, never as a traceback.
"""
from __future__ import annotations

import ctypes
import math
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from assistant.ingest.base import CorpusError
from assistant.ingest.pdf.lines import Char, clean_char
from assistant.ingest.pdf.tables import Segment, straight_path

PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe; a build may run in a background thread


def open_pdf(name: str, data: bytes) -> pdfium.PdfDocument:
    """The document, or CorpusError saying in one line why it cannot be opened."""
    if b"%PDF-" not in data[:1024]:
        raise CorpusError(f"{name}: not a PDF file (no %PDF header); check the file or its suffix")
    if b"%%EOF" not in data[-1024:]:
        # PDFium rebuilds a cut-off file from what is left and would return part of its text.
        raise CorpusError(f"{name}: truncated PDF (its end is missing); copy or download the file again")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorpusError(f"{name}: {open_reason(exc.err_code)}") from None


def open_reason(code: int | None) -> str:
    return {
        pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF (password protected); save it without a password",
        pdfium_c.FPDF_ERR_SECURITY: "PDF protected by an unsupported security handler; save it without protection",
        pdfium_c.FPDF_ERR_FORMAT: "damaged PDF (PDFium cannot read its structure); save or export it again",
        pdfium_c.FPDF_ERR_FILE: "PDF could not be read (file error)",
    }.get(code, "damaged PDF (PDFium could not open it); save or export it again")


def page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
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
        if ch.isspace():  # no box of its own: placed, zero-wide, where the character before it ends
            before = next((c for c in reversed(chars) if not c.text.isspace()), None)
            chars.append(Char(" ", before.x1, before.x1, before.y0, before.y1) if before else Char(" ", 0.0, 0.0, 0.0, 0.0))
            continue
        scaled = pdfium_c.FPDFText_GetMatrix(raw, i, matrix)
        if scaled and _rotated(matrix):
            continue
        if not pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        if pdfium_c.FPDFText_GetLooseCharBox(raw, i, loose):  # the advance: where the pen stopped, not the ink
            x0, x1 = min(x0, loose.left), max(x1, loose.right)
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * (_scale(matrix) if scaled else 1.0)
        glyph = max(x1 - x0, y1 - y0)
        if size < 0.5 * glyph:  # a size not scaled by the text matrix: fall back on the glyph
            size = glyph
        if pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy):
            y0, y1 = oy.value - 0.15 * size, oy.value + 0.85 * size
        run = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value or 0
        chars.append(Char(clean_char(ch), x0, x1, height - y1, height - y0, run))
    return chars


def _scale(m) -> float:
    """How much a text matrix scales the glyphs: PDFium's font size is the one set by `Tf`, and a file that
    sets `240 Tf` under a matrix of 0.05 prints 12-pt type (健康中国行动's tables: read as 240 pt, every line's
    band was 20 times too tall and its characters fell a row above their cells)."""
    return math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0


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


def image_cover(page: pdfium.PdfPage, width: float, height: float) -> float:
    """The largest share of the page that one image covers."""
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = obj.get_pos()
        best = max(best, max(0.0, right - left) * max(0.0, top - bottom) / max(width * height, 1.0))
    return best


def has_objects(page: pdfium.PdfPage) -> bool:
    return next(iter(page.get_objects()), None) is not None


def path_boxes(page: pdfium.PdfPage, height: float) -> list[Segment]:
    """The boxes of the page's ruling-like path objects (y from the top): where tables' rulings are.
    Paths with curves or slanted edges are left out (see `tables.straight_path`): a draft's diagonal
    征求意见稿 watermark is drawn as glyph outlines, and their boxes had made a "table" over the body."""
    boxes = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        if not straight_path(_path_segments(obj.raw)):
            continue
        left, bottom, right, top = obj.get_bounds() if hasattr(obj, "get_bounds") else obj.get_pos()
        boxes.append(Segment(left, right, height - top, height - bottom))
    return boxes


_SEGMENT_KIND = {pdfium_c.FPDF_SEGMENT_MOVETO: "move", pdfium_c.FPDF_SEGMENT_LINETO: "line",
                 pdfium_c.FPDF_SEGMENT_BEZIERTO: "curve"}


def _path_segments(raw) -> list[tuple[str, float, float]]:
    """A path object's segments as (kind, x, y), the points on the page (the object's matrix applied)."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, matrix):
        matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f = 1, 0, 0, 1, 0, 0
    x, y = ctypes.c_float(), ctypes.c_float()
    out = []
    for i in range(pdfium_c.FPDFPath_CountSegments(raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        kind = _SEGMENT_KIND.get(pdfium_c.FPDFPathSegment_GetType(segment), "curve")
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        out.append((kind, matrix.a * x.value + matrix.c * y.value + matrix.e,
                    matrix.b * x.value + matrix.d * y.value + matrix.f))
    return out
