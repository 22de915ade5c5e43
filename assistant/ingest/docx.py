"""Word .docx: the body's paragraphs and tables in document order, with Word's automatic numbering written out.

What comes out is one line per paragraph, in the order Word shows them, so `assistant.parser` finds the
same clauses as in the plan's .txt:

* Paragraphs and tables are read from the body XML in order (python-docx's `doc.paragraphs` and
  `doc.tables` are two separate lists, which loses where each table stood). Content controls (`w:sdt`)
  and custom XML wrappers are looked through; text boxes follow the paragraph that anchors them.
* Automatic numbering lives in `word/numbering.xml`, not in the text, so python-docx never shows it.
  A paragraph's `w:numPr` (its own, or its style's, following `w:basedOn`) names a `w:num`; that names a
  `w:abstractNum` (through `w:numStyleLink` when it is a list style) whose `w:lvl` gives the start, the
  number format and the label pattern (`%1、`, `（%2）`, `第%1条`, `%1.%2` …). Counters run per abstract
  definition, as in Word: several `w:num` over one definition continue one sequence, and a `w:num` with a
  `w:startOverride` restarts it the first time it is used. A level restarts when a shallower one is used,
  unless its `w:lvlRestart` says otherwise. The rendered label is put in front of the paragraph's text.
* A table row becomes one line. A row the parser reads as metadata is written the way the parser reads
  it: two cells as `发文单位：XX委`, more as `索引号 | X | 主题分类 | Y`. Any other table is named by its first
  row, and each row below is written as the PDF reader writes a printed table's rows, `表头：值；表头：值`
  (`table_rows.table_row_text`), so the two formats give the same clauses and a quoted row says which column each
  value is in; a table with no row below its first keeps that row with its cells joined by a tab. A row of
  one cell (a layout box, a one-column list) is read as the paragraphs it holds.
* Left out on purpose: deleted revisions, hidden text, field codes, ruby guides, table-of-contents
  entries (their "第一章 总则 …… 1" lines would open each chapter a second time), headers, footers,
  footnotes and comments. Heading styles give no "#": the parser would take the first "# " line as the
  title and lose the number of a heading like "一、总体要求"; the heading's text, numbered or not, is enough.

Before python-docx sees the bytes, the zip is checked (ingest/zips.py): an OLE file (encrypted Office file or
an old .doc), a damaged zip, a zip bomb, a zip that is not a Word document; python-docx is then handed the
members as they were read there, under a running cap. Every refusal is a CorpusError of one line naming the file.
"""
from __future__ import annotations

import io
import re
from typing import ClassVar, Iterator, Sequence

# python-docx: absolute imports, so this module (assistant.ingest.docx) never shadows the package `docx`
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.word_numbering import (VAL as _VAL, W, ListCounters, Numbering, Styles, attr_of, is_on,
                                             numbering_of, render_label)
from assistant.ingest.zips import office_zip, repacked
from assistant.parser import parse_metadata_line
from assistant.table_rows import table_row_text

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

_WS = " \t\r\u3000\xa0\ufeff"

# ---------------------------------------------------------------------------------------------------------
# The container: refuse what python-docx should never be handed.

_OTHER_PACKAGES = (("xl/workbook.xml", "an Excel workbook"), ("ppt/presentation.xml", "a PowerPoint file"),
                   ("content.xml", "an OpenDocument file"))


def _error(name: str, reason: str) -> CorpusError:
    """The one-line message every refusal carries (no line break can come in with a name or a reason)."""
    return CorpusError(re.sub(r"\s*[\r\n]+\s*", " ", f"{name}: {reason}"))


def check_package(name: str, data: bytes) -> bytes:
    """The package as python-docx may be handed it (ingest/zips.py: checked, its members read with a running
    cap, stored again), once it is known to be a reasonably sized zip that holds a Word document."""
    infos = office_zip(name, data)
    names = {info.filename for info in infos}
    if "word/document.xml" not in names and not ("_rels/.rels" in names and any(n.startswith("word/") for n in names)):
        kind = next((what for part, what in _OTHER_PACKAGES if part in names), "a zip archive")
        raise _error(name, f"not a Word document: {kind} without word/document.xml")
    return repacked(name, data, "Word document")


def open_document(name: str, data: bytes):
    """The main document part, through python-docx's package reader (relationships, content types)."""
    try:
        part = OpcPackage.open(io.BytesIO(data)).main_document_part
    except Exception as exc:  # noqa: BLE001 - on a malformed part python-docx raises whatever it runs into
        # (KeyError, AttributeError, XMLSyntaxError, BadZipFile …); this call only reads the package.
        detail = str(exc).strip() or type(exc).__name__
        raise _error(name, f"cannot be read as a Word document ({detail[:120]})") from None
    if part.content_type != CT.WML_DOCUMENT_MAIN:
        raise _error(name, f"not a Word document (its main part is {part.content_type}); save it as .docx")
    return part


def _related(part, reltype: str):
    """A part's related XML root (styles, numbering), or None when the document has none."""
    try:
        return part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------------------
# Numbers: pure functions on plain values.

_SKIP_INLINE = {W + tag for tag in ("pPr", "rPr", "del", "moveFrom", "delText", "instrText", "delInstrText",
                                     "txbxContent", "rt", "sdtPr", "sdtEndPr")} | {_MC_FALLBACK}
_BLOCK_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml"}
_TOC_STYLE = re.compile(r"^toc \d$")


def inline_text(element) -> str:
    """A paragraph's visible characters: runs, hyperlinks, fields' results, tracked insertions."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP_INLINE or (tag == W + "r" and _hidden(child)):
            continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):  # a line break is a new line; a page or column break is layout
            parts.append("\n" if child.get(W + "type") in (None, "textWrapping") else "")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        else:
            _collect(child, parts)


def _hidden(run) -> bool:
    props = run.find(W + "rPr")
    return props is not None and is_on(props.find(W + "vanish"))


def _children(element, tags: set[str]) -> Iterator:
    """Children with one of `tags`, looking through content controls and custom XML."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, tags)


def _text_boxes(paragraph) -> Iterator:
    """The paragraph's own text boxes: not a box inside a box, not the VML copy kept for old readers."""
    for box in paragraph.iter(W + "txbxContent"):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not paragraph:
            if ancestor.tag in (W + "txbxContent", _MC_FALLBACK):
                break
            ancestor = ancestor.getparent()
        else:
            yield box


def _cell_shape(tc) -> tuple[int, bool]:
    """(columns it spans, whether it continues the cell above it) from w:tcPr."""
    pr = tc.find(W + "tcPr")
    if pr is None:
        return 1, False
    span = pr.find(W + "gridSpan")
    merge = pr.find(W + "vMerge")
    try:
        columns = max(1, int(attr_of(span) or 1)) if span is not None else 1
    except ValueError:
        columns = 1
    return columns, merge is not None and (attr_of(merge) or "continue") == "continue"


def row_line(cells: Sequence[str]) -> str:
    """One table row as one line (see the module's docstring for why these three forms)."""
    cells = [re.sub(r"[\t\r\n]+", " ", cell).strip(_WS) for cell in cells]
    if len(cells) == 2 and cells[0]:
        pair = f"{cells[0].rstrip(':：')}：{cells[1]}"
        if parse_metadata_line(pair) is not None:
            return pair
    if parse_metadata_line(" | ".join(cells)) is not None:
        return " | ".join(cells)
    return "\t".join(cell for cell in cells if cell)


def one_column(rows: Sequence[tuple[object, list[list[str]]]]) -> list[str] | None:
    """A one-column table of values ('微生物' over a list of organisms) as 'header：value' lines, or None.

    Word also draws one-cell tables as frames around paragraphs; those are told apart by shape: a column
    of values has a header and at least two rows below it, each cell a single short line, the header
    short and not a sentence."""
    if len(rows) < 3 or any(len(cells) != 1 or len(cells[0]) != 1 for _, cells in rows):
        return None
    texts = [cells[0][0].strip(_WS) for _, cells in rows]
    header, values = texts[0], texts[1:]
    if not header or len(header) > 20 or re.search(r"[。；;！？]", header) or any(len(v) > 60 for v in values):
        return None
    return [table_row_text([header], [value]) for value in values if value]


class _Reader:
    """Walks one document's body in order, keeping the list counters as Word would."""

    def __init__(self, styles: Styles, numbering: Numbering):
        self.styles, self.numbering, self.counters = styles, numbering, ListCounters()

    def blocks(self, container) -> Iterator[str]:
        for child in _children(container, {W + "p", W + "tbl"}):
            yield from self.paragraph(child) if child.tag == W + "p" else self.table(child)

    def paragraph(self, paragraph) -> Iterator[str]:
        ppr = paragraph.find(W + "pPr")
        style_id = attr_of(ppr.find(W + "pStyle")) if ppr is not None else None
        style_id = style_id or self.styles.default
        if _TOC_STYLE.match(self.styles.name(style_id)):
            return
        label = self.label(ppr, style_id)  # counted even when the paragraph is empty, as Word counts it
        text = inline_text(paragraph)
        if text.strip(_WS + "\n"):
            yield label + text
        for box in _text_boxes(paragraph):
            yield from self.blocks(box)

    def label(self, ppr, style_id: str | None) -> str:
        own_num, own_ilvl = numbering_of(ppr)
        style_num, style_ilvl = self.styles.numbering(style_id)
        num_id = own_num if own_num is not None else style_num
        instance = self.numbering.instance(num_id) if num_id not in (None, "0") else None
        if instance is None:
            return ""
        bound = next((i for i, level in instance.levels.items() if level.style and level.style == style_id), None)
        candidates = (own_ilvl, style_ilvl if own_num is None else None, bound, 0)
        ilvl = min(max(next(i for i in candidates if i is not None), 0), 8)
        label = render_label(ilvl, self.counters.step(instance, ilvl), instance.levels)
        return label + instance.levels[ilvl].suffix if label else ""

    def table(self, table) -> Iterator[str]:
        """Rows in the form the PDF reader writes them (`table_rows.table_row_text`, '表头：值；…'), named by
        the first row, so a Word table and its printed PDF give the same clauses. Metadata rows and
        one-cell rows keep their own forms (see `row_line`). Cells merged down (w:vMerge) repeat the
        text above them; cells spanning columns (w:gridSpan) are written once
        (under each column of a series, 2022年/2030年: `table_rows`)."""
        header: list[str] | None = None
        above: dict[int, str] = {}  # grid column → the text of the cell last started there
        rows = [(row, [list(self.blocks(cell)) for cell in _children(row, {W + "tc"})])
                for row in _children(table, {W + "tr"})]
        column = one_column(rows)
        if column is not None:
            yield from column
            return
        for row, cells in rows:
            if len(cells) == 1:  # one cell across the row: a box of paragraphs, not a row of values
                yield from cells[0]
                continue
            texts = [" ".join(line.strip(_WS) for line in cell) for cell in cells]
            grid: list[str | None] = []
            for tc, text in zip(_children(row, {W + "tc"}), texts):
                span, merged = _cell_shape(tc)
                column = len(grid)
                if merged:
                    text = above.get(column, text)
                above[column] = text
                grid += [text] + [None] * (span - 1)
            plain = row_line(texts)
            if "\t" not in plain:  # a metadata row, in the form the parser reads
                if plain:
                    yield plain
                continue
            if header is None:  # named in every row below it, as the PDF reader does; alone, kept as it is
                header, header_line, used = [h or "" for h in grid], plain, False
                continue
            line = table_row_text(header, grid)
            if line:
                used = True
                yield line
        if header is not None and not used:
            yield header_line


class DocxReader:
    suffixes: ClassVar[tuple[str, ...]] = (".docx",)

    def extract(self, name: str, data: bytes) -> Extracted:
        part = open_document(name, check_package(name, data))
        body = part.element.find(W + "body")
        styles = Styles(_related(part, RT.STYLES))
        reader = _Reader(styles, Numbering(_related(part, RT.NUMBERING), styles))
        try:
            lines = list(reader.blocks(body)) if body is not None else []
        except RecursionError:  # lxml already refuses XML nested over 256 deep; this is the last guard
            raise _error(name, "refused: tables or text boxes nested too deep to read") from None
        if not any(line.strip(_WS + "\n") for line in lines):
            raise _error(name, "the Word document has no text (only images, or empty); nothing to cite")
        return Extracted("\n".join(lines) + "\n")
