"""OCR of scanned pages: a page rendered by PDFium, read by RapidOCR, its boxes turned into lines.

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
"""
from __future__ import annotations

import threading
from typing import Iterable

import pypdfium2 as pdfium

from assistant.ingest.pdf.lines import Line, clean_char, group_boxes

OCR_SCALE = 3.0  # render scale for OCR: 72 dpi × 3 = 216 dpi
_OCR_MAX_SIDE = 4000  # px: an A3 page at OCR_SCALE still fits
MIN_CONFIDENCE = 0.6  # OCR boxes scoring below this are dropped (see the module docstring)

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


def render(doc: pdfium.PdfDocument, index: int):
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


def ocr_lines(image) -> list[Line]:
    """The lines OCR reads on a page image, in PDF points."""
    import numpy as np

    with _ENGINE_LOCK:  # two pages at once on a 2-core machine are no faster, and RapidOCR keeps state
        result, _ = _ocr_engine()(np.asarray(image)[:, :, ::-1])  # it takes arrays as OpenCV's BGR
    return group_boxes(ocr_boxes(result, OCR_SCALE))
