"""A PDF page as an image, with the passage a citation points at marked on it (for the document view).

The extracted text is re-flowed (see pdf.py), so offsets cannot be mapped back to the page directly;
instead each paragraph of the passage is found on the page by its opening and closing characters
(PDFium's own text search), and the lines between are marked. A scanned page has no text layer: it is
shown without marks.
"""
from __future__ import annotations

import io
import re

from assistant.ingest.base import CorpusError

SCALE = 1.4  # ~100 dpi: legible beside the text, ~0.2 MB per page
SNIPPET = 10  # characters of a paragraph's start and end searched for on the page
MARK = (250, 204, 21, 90)  # translucent yellow, as the text view's mark


def snippets(passage: str) -> list[tuple[str, str]]:
    """(opening, closing) characters of each paragraph of `passage`, whitespace removed. Pure."""
    out = []
    for paragraph in re.split(r"\n\s*\n|\n", passage):
        squashed = re.sub(r"\s+", "", paragraph)
        if len(squashed) >= 2:
            out.append((squashed[:SNIPPET], squashed[-SNIPPET:]))
    return out


def page_png(name: str, data: bytes, page: int, passage: str = "") -> bytes:
    """PNG of 1-based `page` of the PDF `data`, with `passage` marked where it stands; CorpusError if impossible."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorpusError(f"{name}: cannot open the PDF to show its page ({exc})") from None
    try:
        if not 1 <= page <= len(pdf):
            raise CorpusError(f"{name}: has no page {page}")
        pdf_page = pdf[page - 1]
        image = pdf_page.render(scale=SCALE).to_pil().convert("RGBA")
        height = pdf_page.get_height()
        boxes = _marked_boxes(pdf_page.get_textpage(), passage)
        overlay = image.copy()
        overlay.putalpha(0)
        draw = ImageDraw.Draw(overlay)
        for left, bottom, right, top in boxes:
            draw.rectangle([left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE], fill=MARK)
        out = io.BytesIO()
        image.alpha_composite(overlay)
        image.convert("RGB").save(out, "PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()


def _marked_boxes(textpage, passage: str) -> list[tuple[float, float, float, float]]:
    """One box per visual line of each paragraph of `passage` found on the page."""
    boxes = []
    for head, tail in snippets(passage):
        start = _find(textpage, head, 0)
        if start is None:
            continue
        end = _find(textpage, tail, start)
        last = (end + len(tail) - 1) if end is not None else start + len(head) - 1
        boxes.extend(_line_boxes(textpage, start, last))
    return boxes


def _find(textpage, text: str, after: int) -> int | None:
    searcher = textpage.search(text, index=after, match_case=True)
    found = searcher.get_next()
    return found[0] if found else None


def _line_boxes(textpage, first: int, last: int) -> list[tuple[float, float, float, float]]:
    """Char boxes first..last merged into one rectangle per visual line (boxes of one baseline)."""
    lines: list[list[float]] = []
    for index in range(first, min(last, textpage.count_chars() - 1) + 1):
        left, bottom, right, top = textpage.get_charbox(index)
        if right <= left:
            continue  # a generated space or line break
        if lines and abs(lines[-1][1] - bottom) < (top - bottom) * 0.5:
            line = lines[-1]
            line[0], line[2], line[3] = min(line[0], left), max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [tuple(line) for line in lines]
