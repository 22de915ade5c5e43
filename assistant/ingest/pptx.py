"""PowerPoint .pptx: each slide's text in reading order, a slide being a "page" of the page map.

What comes out, slide by slide (python-pptx, MIT, reads the package and the shapes):

* The slide's title first, on its own line: the title placeholder, or, as decks made from templates
  often have none, a one-line box named '标题 N', or the topmost short one-line text box in the slide's
  top fifth (the "文本框 97" a template puts where the title goes).
* Then every other shape's text, top to bottom and left to right (the shape tree is in drawing order,
  which is not reading order: a template's boxes come in the order they were added), group shapes read
  as the shapes they hold. One line per paragraph; a soft line break inside a paragraph is joined
  (without a space between Chinese characters), as the PDF reader joins a printed line's wrap.
* A table as the .docx reader writes one (`table_rows.table_row_text`): the first row names the columns and
  each row below is '表头：值；表头：值'; a table of one row keeps its cells, tab-separated.
* Left out: speaker notes (the presenter's own prompts, not shown on the slide: a citation must point at
  words a reader finds on the slide it names), charts' data, pictures, empty placeholders' prompt text
  (python-pptx gives none).

`Extracted.pages[i]` is where slide i+1's text starts, so a citation names its slide as a PDF's names its
page. Refused in one line (CorpusError): an OLE file (encrypted, or an old .ppt under a .pptx name), a
damaged zip, a zip bomb (`zips.check_sizes`, the Word limits; members read under a running cap), a zip without ppt/presentation.xml,
more than `max_slides` slides, no text.
"""
from __future__ import annotations

import io
import re
from typing import ClassVar, Iterable, Iterator

# python-pptx: absolute imports, so this module (assistant.ingest.pptx) never shadows the package `pptx`
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.group import GroupShape

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.zips import office_zip, repacked
from assistant.table_rows import table_row_text

_WS = " \t\r\u3000\xa0\ufeff"
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
_TITLE_BAND = 0.2  # a text box whose top lies in this fraction of the slide's height may be its title
_TITLE_CHARS = 40  # ... when it is one line of at most this many characters


def _error(name: str, reason: str) -> CorpusError:
    return CorpusError(re.sub(r"\s*[\r\n]+\s*", " ", f"{name}: {reason}"))


def check_package(name: str, data: bytes) -> bytes:
    """Refuse what python-pptx should never be handed: an OLE file, a damaged zip, a bomb, another kind of zip;
    the rest as read under a running cap (ingest/zips.py), which is what python-pptx gets."""
    infos = office_zip(name, data, ".pptx", "PowerPoint file", signatures=())
    if not any(info.filename == "ppt/presentation.xml" for info in infos):
        raise _error(name, "not a PowerPoint file: a zip archive without ppt/presentation.xml")
    return repacked(name, data, "PowerPoint file")


def _joined(text: str) -> str:
    """A paragraph's soft line breaks (python-pptx's \\v) joined: nothing between CJK, a space between words."""
    parts = [p.strip(_WS) for p in re.split(r"[\v\n]", text)]
    out = ""
    for part in filter(None, parts):
        latin = out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        out += (" " if latin else "") + part
    return out


def frame_lines(frame) -> list[str]:
    """A text frame's paragraphs, one line each, empty ones left out."""
    return [line for line in (_joined(p.text) for p in frame.paragraphs) if line]


def table_lines(table) -> list[str]:
    """Rows as '表头：值；…' under the first row; a cell spanning columns written once, under the first
    (or under each column of a series, 2022年/2030年: `table_rows`)."""
    grid = [[None if cell.is_spanned and not cell.is_merge_origin else _joined(cell.text) for cell in row.cells]
            for row in table.rows]
    grid = [row for row in grid if any(row)]
    if not grid:
        return []
    if len(grid) == 1:
        return ["\t".join(c for c in grid[0] if c)]
    header = [c or "" for c in grid[0]]
    lines = [table_row_text(header, row) for row in grid[1:]]
    return [line for line in lines if line] or ["\t".join(c for c in header if c)]


def _position(shape) -> tuple[int, int]:
    return (shape.top or 0, shape.left or 0)


def shape_lines(shapes: Iterable) -> Iterator[str]:
    """The text of shapes, top to bottom then left to right; group shapes read as their members."""
    for shape in sorted(shapes, key=_position):
        if isinstance(shape, GroupShape):  # not shape.shape_type: it raises on shapes LibreOffice writes
            yield from shape_lines(shape.shapes)
        elif getattr(shape, "has_table", False) and shape.has_table:
            yield from table_lines(shape.table)
        elif shape.has_text_frame:
            yield from frame_lines(shape.text_frame)


def _is_title_placeholder(shape) -> bool:
    return shape.is_placeholder and shape.placeholder_format.type in _TITLES


def _one_short_line(shape) -> bool:
    lines = frame_lines(shape.text_frame) if shape.has_text_frame else []
    # a section number ('01') beside its heading is not the title
    return len(lines) == 1 and len(lines[0]) <= _TITLE_CHARS and not lines[0].isdigit()


def slide_title(slide, height: int):
    """The shape holding the slide's title: its title placeholder; else a one-line box PowerPoint named
    '标题 N' / 'Title N' (a title placeholder copied out of its layout keeps that name: a closing slide's
    '谢谢观看' in the middle, below the presenter's name); else the topmost short one-line box in the
    slide's top fifth (None: the slide has no title)."""
    for shape in slide.shapes:
        if _is_title_placeholder(shape) and shape.has_text_frame and shape.text_frame.text.strip(_WS + "\n\v"):
            return shape
    named = [s for s in slide.shapes if re.match(r"(标题|Title)\b", s.name or "") and _one_short_line(s)]
    if named:
        return min(named, key=_position)
    boxes = [s for s in slide.shapes if (s.top or 0) < _TITLE_BAND * height and _one_short_line(s)]
    return min(boxes, key=_position) if boxes else None


def slide_lines(slide, height: int) -> list[str]:
    """One slide's lines: its title, then its other shapes in reading order."""
    title = slide_title(slide, height)
    lines = frame_lines(title.text_frame) if title is not None else []
    taken = title.shape_id if title is not None else None  # python-pptx makes a new proxy per access: compare ids
    return lines + list(shape_lines(s for s in slide.shapes if s.shape_id != taken))


class PptxReader:
    """.pptx → Extracted(text, pages) with one page per slide; CorpusError in one line when it cannot."""

    suffixes: ClassVar[tuple[str, ...]] = (".pptx",)

    def __init__(self, max_slides: int = 1000):
        self.max_slides = max_slides

    def extract(self, name: str, data: bytes) -> Extracted:
        package = check_package(name, data)
        try:
            deck = Presentation(io.BytesIO(package))
            slides = list(deck.slides)
            if len(slides) > self.max_slides:
                raise _error(name, f"{len(slides)} slides, more than the limit of {self.max_slides}; split the file")
            height = deck.slide_height or 6858000
            per_slide = [slide_lines(slide, height) for slide in slides]
        except CorpusError:
            raise
        except Exception as exc:  # noqa: BLE001 - python-pptx raises whatever a malformed part runs into
            detail = " ".join(str(exc).split())[:120] or type(exc).__name__
            raise _error(name, f"cannot be read as a PowerPoint file ({detail})") from None
        text, starts = "", []
        for lines in per_slide:
            starts.append(len(text))
            text += "".join(line + "\n" for line in lines)
        if not text.strip():
            raise _error(name, "the PowerPoint file has no text (only images, or empty); nothing to cite")
        return Extracted(text, tuple(starts))
