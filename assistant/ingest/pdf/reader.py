"""PdfReader: the PDFium calls at the edges, the pure layout steps in between.

A page is read from its text layer, or marked a scan and read by OCR; every page's lines then go
through the same steps: furniture dropped, lines re-flowed into paragraphs across the document.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import ClassVar, Iterable

import pypdfium2 as pdfium

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.pdf.columns import Gutter, ends_in_columns, part_lines, split_columns
from assistant.ingest.pdf.furniture import strip_furniture
from assistant.ingest.pdf.lines import Line, dedupe_chars, group_chars, readable, reading_order
from assistant.ingest.pdf.ocr import OCR_SCALE, ocr_lines, render
from assistant.ingest.pdf.page import PDFIUM_LOCK, has_objects, image_cover, open_pdf, page_chars, path_boxes
from assistant.ingest.pdf.reflow import column_layout, layouts_for, reflow
from assistant.ingest.pdf.tables import Table, find_tables, in_table, place_tables
from assistant.ingest.pdf.threeline import find_rule_tables

_FEW_CHARS = 30  # a text layer this short on a page covered by an image is a stamp on a scan


@dataclass
class _Page:
    lines: list[Line]
    width: float
    height: float
    scan: bool = False  # no usable text layer: a page image
    ocr: bool = False  # its lines came from OCR
    tables: tuple[Table, ...] = ()  # ruled tables (grids, or horizontal rules only), their characters not among `lines`
    columns_to: Gutter | None = None  # two text columns running to the page's foot: their gutter


class PdfReader:
    """PDF → Extracted(text, pages, ocr_pages); CorpusError in one line for a file it cannot read."""

    suffixes: ClassVar[tuple[str, ...]] = (".pdf",)

    def __init__(self, max_pages: int = 400, ocr: bool = True, progress: bool = False):
        self.max_pages = max_pages
        self.ocr = ocr
        self.progress = progress

    def extract(self, name: str, data: bytes) -> Extracted:
        try:
            with PDFIUM_LOCK:
                doc = open_pdf(name, data)
            try:
                pages = self._read(name, doc)
            finally:
                with PDFIUM_LOCK:
                    doc.close()
            return self._assemble(name, pages)
        except CorpusError:
            raise
        except Exception as exc:  # whatever else breaks is still reported as one line about the file
            raise CorpusError(f"{name}: PDF could not be read ({_one_line(exc)})") from exc

    def _read(self, name: str, doc: pdfium.PdfDocument) -> list[_Page]:
        """Every page's lines; PDFium is held only while it works, not while OCR runs."""
        with PDFIUM_LOCK:
            count = len(doc)
            if count == 0:
                raise CorpusError(f"{name}: the PDF has no pages")
            if count > self.max_pages:
                raise CorpusError(f"{name}: {count} pages, more than the limit of {self.max_pages}; split the file")
            pages: list[_Page] = []
            for index in range(count):  # a table or columns left open at a page's foot go on overleaf
                last = pages[-1].tables[-1] if pages and pages[-1].tables else None
                columns = pages[-1].columns_to if pages else None
                pages.append(self._text_page(name, doc, index, len(last.cells[0]) if last and last.open_bottom else 0,
                                             columns))
        scans = [i for i, page in enumerate(pages) if page.scan]
        if scans and self.ocr:
            for index in self._progress(scans, name):
                pages[index] = self._scanned_page(name, doc, index)
        return pages

    def _text_page(self, name: str, doc: pdfium.PdfDocument, index: int, carried: int = 0,
                   columns: Gutter | None = None) -> _Page:
        """A page's text-layer lines, or an empty page marked as a scan when it should be OCR'd.
        `carried`: the columns of a table ruled by horizontal lines left open at the foot of the page before;
        `columns`: the gutter of two text columns that ran to its foot."""
        try:
            page = doc[index]
            textpage = page.get_textpage()
            try:
                width, height = page.get_size()
                chars = dedupe_chars(page_chars(textpage, height))
                text = "".join(c.text for c in chars)
                if not readable(text):
                    return _Page([], width, height, scan=has_objects(page))  # a page with nothing on it is blank
                if len(text.strip()) < _FEW_CHARS and image_cover(page, width, height) >= 0.5:
                    return _Page([], width, height, scan=True)
                boxes = path_boxes(page, height)
                tables = find_tables(boxes, chars)
                rest = [ch for ch in chars if not in_table(ch, tables)] if tables else chars
                tables = sorted(tables + find_rule_tables(boxes, rest, height, tables, carried), key=lambda t: t.y0)
                if tables:  # the tables' characters are read as cells, not as the page's lines
                    chars = [ch for ch in chars if not in_table(ch, tables)]
                parts = split_columns(chars, width, height, columns)
                lines = reading_order(group_chars(chars)) if parts is None else [ln for p in parts for ln in part_lines(p)]
                return _Page(lines, width, height, tables=tuple(tables), columns_to=ends_in_columns(parts, height))
            finally:
                textpage.close()
                page.close()
        except pdfium.PdfiumError as exc:
            raise CorpusError(f"{name}: page {index + 1} cannot be read (damaged PDF: {_one_line(exc)})") from None

    def _scanned_page(self, name: str, doc: pdfium.PdfDocument, index: int) -> _Page:
        try:
            with PDFIUM_LOCK:
                image = render(doc, index)
            lines = ocr_lines(image)
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
        layouts = layouts_for(cleaned, [p.ocr for p in pages], [p.width for p in pages])  # the body's, not the tables'
        text, starts = reflow(place_tables(cleaned, [p.tables for p in pages]), layouts, column_layout(cleaned))
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
