"""PDF: the text layer (or OCR of a scanned page) read the way a person reads the printed page.

Library. PDFium through pypdfium2 (PDFium: BSD-3/Apache-2.0; pypdfium2: Apache-2.0/BSD-3): Chrome's
PDF engine, in C++, fast, opens the odd files government sites publish, and renders scanned pages for
OCR: one library for both paths (see `page.py` for the measurements against pdfplumber).

Pipeline, one module per step; everything between the PDFium calls (`page.py`, `ocr.py`) is a pure
function over plain values (`lines.Line(text, x0, x1, y0, y1)`, PDF points, y growing downwards):
  lines.py      characters (or OCR boxes) → visual lines, in reading order
  columns.py    two-column stretches of a page: the left column read before the right one
  furniture.py  running headers, footers, page numbers dropped
  reflow.py     lines → paragraphs, across page breaks
  tables.py     ruled tables (a grid of rulings) → one line per row naming its columns
  threeline.py  tables ruled by horizontal lines only (three-line tables): columns from the text's gutters
  reader.py     PdfReader: the steps above, page by page, into `Extracted(text, pages, ocr_pages)`
"""
from assistant.ingest.pdf.furniture import is_page_number, strip_furniture
from assistant.ingest.pdf.lines import (Char, Line, clean_char, dedupe_chars, group_boxes, group_chars, readable,
                                        reading_order)
from assistant.ingest.pdf.ocr import MIN_CONFIDENCE, OCR_SCALE, ocr_boxes
from assistant.ingest.pdf.page import open_reason as _open_reason
from assistant.ingest.pdf.reader import PdfReader, _Page
from assistant.ingest.pdf.reflow import Layout, breaks_before, measure, page_pitches, reflow

__all__ = ["Char", "Layout", "Line", "MIN_CONFIDENCE", "OCR_SCALE", "PdfReader", "breaks_before", "clean_char",
           "dedupe_chars", "group_boxes", "group_chars", "is_page_number", "measure", "ocr_boxes", "page_pitches",
           "readable", "reading_order", "reflow", "strip_furniture"]
