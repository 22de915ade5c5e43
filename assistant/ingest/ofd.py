"""OFD (GB/T 33190, the national fixed-layout format): each glyph's position read from the page XML, then
the PDF reader's layout steps, so an OFD and the PDF printed from the same document give the same paragraphs.

An .ofd is a zip: OFD.xml names the document (DocBody/DocRoot → Doc_N/Document.xml), which lists the pages
(Pages/Page/@BaseLoc → Content.xml) and the page size (PhysicalBox, on the page or the document's PageArea).
A page's text is in `TextObject`s: a `Boundary` (x y w h, mm, y down) whose origin the object's `CTM`
(a b c d e f) maps from; in it, `TextCode`s put their first glyph's baseline at X, Y and each next one
DeltaX/DeltaY further ("g 3 5.6" is 5.6 three times). So every character's box is known exactly; it is
turned into a `pdf.lines.Char` in PDF points (72/25.4 a mm, as the layout steps' thresholds are in points)
and goes through `group_chars` → `strip_furniture` (page numbers '— 2 —', running headers) → `reflow`
(sentences joined across printed line ends and page breaks), with the page where each page's text starts.

Read: the pages' layers and page blocks, and the templates a page names (what the template prints is on
the page; a running header there is dropped as furniture). Left out: annotations and signatures (stamps,
watermarks, seals: not the document's words), rotated text (a stamp's ring, a side note), images (an OFD
made from a scan has no text: it is refused with a reason, not OCR'd).

Why not a PyPI reader: ofdkit 0.2.0 (the maintained one) reads the same XML but gives one position per
TextObject and its text with printed line ends kept ('…根据《浙江省\\n专业技术人员…') and page numbers
('— 1 —') in; easyofd and ofdparser render or dump text without positions. Reading the XML here is
~150 lines and feeds the layout steps the PDF reader already has.

Refused with one line (CorpusError): not a zip, a damaged zip, a zip bomb (zips.check_sizes: the same
limits as a Word file; members read under a running cap), no OFD.xml, an encrypted document, XML that does not parse, more than
`max_pages` pages, no text.
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from typing import ClassVar, Iterator, NamedTuple

from lxml import etree

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.zips import check_sizes, read_members
from assistant.ingest.pdf.furniture import strip_furniture
from assistant.ingest.pdf.lines import Char, Line, clean_char, dedupe_chars, group_chars, reading_order
from assistant.ingest.pdf.reflow import layouts_for, reflow

PT_PER_MM = 72 / 25.4
_A4 = (0.0, 0.0, 210.0, 297.0)
# No entities, no network, no huge trees: the XML comes from anyone's file.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class Matrix(NamedTuple):
    """An OFD CTM (a b c d e f): x' = a·x + c·y + e, y' = b·x + d·y + f."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def scale(self) -> float:
        return math.sqrt(abs(self.a * self.d - self.b * self.c)) or 1.0

    def rotated(self) -> bool:
        """Turned by more than ~10° or mirrored (a watermark, a stamp's ring): not a line of the page.
        Only the rotation term b counts: italics shear through c, and stay."""
        return self.a <= 0 or abs(self.b) > 0.17 * self.a


def _local(element) -> str:
    """The tag without its namespace: producers write ofd:, no prefix, or a non-standard namespace URI."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, name: str):
    return next((c for c in element if _local(c) == name), None) if element is not None else None


def _kids(element) -> list:
    """An element's children ([] for a missing one: an lxml element with no children is falsy, never test it)."""
    return list(element) if element is not None else []


def _path(element, *names: str):
    for name in names:
        element = _child(element, name)
    return element


def _floats(text: str | None) -> list[float]:
    try:
        return [float(v) for v in (text or "").split()]
    except ValueError:
        return []


def deltas(text: str | None) -> list[float]:
    """A DeltaX/DeltaY list with its 'g N v' runs written out: 'g 3 5.6 2.8' → [5.6, 5.6, 5.6, 2.8]."""
    out: list[float] = []
    parts = (text or "").split()
    i = 0
    while i < len(parts):
        if parts[i] == "g" and i + 2 < len(parts):
            try:
                out += [float(parts[i + 2])] * min(int(parts[i + 1]), 100_000)
            except ValueError:
                return out
            i += 3
            continue
        try:
            out.append(float(parts[i]))
        except ValueError:
            return out
        i += 1
    return out


def _advance(ch: str, size: float) -> float:
    """A glyph's width when the file does not say (the last glyph of a TextCode): CJK 1 em, Latin ~½."""
    return size if unicodedata.east_asian_width(ch) in "WF" else 0.5 * size


def text_chars(obj, run: int) -> Iterator[Char]:
    """The characters of one TextObject, boxes in PDF points on the page (origin top-left, y down)."""
    bx, by, bw, _ = (_floats(obj.get("Boundary")) + [0.0] * 4)[:4]
    right = bx + bw if bw > 0 else math.inf  # a glyph whose width is guessed ends at the object's edge at most
    ctm = Matrix(*(_floats(obj.get("CTM")) + [1.0, 0.0, 0.0, 1.0, 0.0, 0.0])[:6]) if obj.get("CTM") else Matrix()
    if ctm.rotated():
        return
    size = (_floats(obj.get("Size")) or [3.5])[0]
    shown = size * ctm.scale()
    x = y = 0.0
    for code in obj:
        if _local(code) != "TextCode" or not code.text:
            continue
        x = (_floats(code.get("X")) or [x])[0]
        y = (_floats(code.get("Y")) or [y])[0]
        dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
        for i, ch in enumerate(code.text):
            step = dx[i] if i < len(dx) else _advance(ch, size)
            if ch.isspace():
                yield Char(" ", 0.0, 0.0, 0.0, 0.0, run)
            else:
                (x0, base), (x1, _) = ctm.apply(x, y), ctm.apply(x + step, y)
                x0, x1, base = x0 + bx, min(x1 + bx, max(right, x0 + bx)), base + by
                yield Char(clean_char(ch), x0 * PT_PER_MM, x1 * PT_PER_MM,
                           (base - 0.85 * shown) * PT_PER_MM, (base + 0.15 * shown) * PT_PER_MM, run)
            x += step
            y += dy[i] if i < len(dy) else 0.0


def spaced(chars: Iterator[Char]) -> Iterator[Char]:
    """The characters with a space where a gap of over one character's height parts two on one baseline:
    OFD writes no space characters between the text objects of a line ('测试符路桥区卫生局办公室    2011年3月10日印发'),
    where a PDF's text layer has them; without one the two parts read as one word."""
    prev = None
    for char in chars:
        if char.text != " " and prev is not None:
            height = prev.y1 - prev.y0
            if abs(char.y1 - prev.y1) < 0.2 * height and char.x0 - prev.x1 > height:
                yield Char(" ", 0.0, 0.0, 0.0, 0.0, char.run)
        if char.text != " ":
            prev = char
        yield char


def content_chars(element, depth: int = 0) -> Iterator[Char]:
    """Every character of a page's Content (layers, page blocks nested in them), in the order written."""
    if depth > 50:  # page blocks nested this deep are no real document's
        return
    for child in element:
        kind = _local(child)
        if kind == "TextObject":
            yield from text_chars(child, _run_id(child))
        elif kind in ("Layer", "PageBlock"):
            yield from content_chars(child, depth + 1)


def _run_id(obj) -> int:
    try:
        return int(obj.get("ID") or 0)
    except ValueError:
        return hash(obj.get("ID")) & 0xFFFFFFF


class _Page(NamedTuple):
    lines: list[Line]
    width: float
    height: float


class OfdReader:
    """OFD → Extracted(text, pages); CorpusError in one line for a file it cannot read."""

    suffixes: ClassVar[tuple[str, ...]] = (".ofd",)

    def __init__(self, max_pages: int = 400):
        self.max_pages = max_pages

    def extract(self, name: str, data: bytes) -> Extracted:
        members = _open(name, data)
        try:
            pages = [_Page(reading_order(group_chars(dedupe_chars(spaced(chars)))), w, h)
                     for chars, w, h in self._pages(name, members)]
        except etree.XMLSyntaxError as exc:
            raise _error(name, f"cannot be read as an OFD document (damaged XML: {_one_line(exc)})") from None
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            raise _error(name, f"cannot be read as an OFD document ({_one_line(exc)})") from None
        cleaned = strip_furniture([p.lines for p in pages], [p.height for p in pages])
        layouts = layouts_for(cleaned, [False] * len(pages), [p.width for p in pages])
        text, starts = reflow(cleaned, layouts)
        if not text.strip():
            raise _error(name, "no text in the OFD document (its pages hold only images, or are blank)")
        return Extracted(text, starts)

    def _pages(self, name: str, members: dict[str, bytes]) -> Iterator[tuple[list[Char], float, float]]:
        """Each page's characters (its templates' first), width and height in points."""
        files = _Files(members)
        root = files.xml("OFD.xml")
        body = _child(root, "DocBody")
        doc_loc = (_path(body, "DocRoot").text or "").strip() if _path(body, "DocRoot") is not None else ""
        if not doc_loc:
            raise _error(name, "cannot be read as an OFD document (OFD.xml names no DocRoot)")
        if _path(body, "Encryptions") is not None or files.has("Encryptions.xml"):
            raise _error(name, "encrypted OFD document; save it again without encryption")
        document = files.xml(doc_loc)
        here = posixpath.dirname(files.resolve(doc_loc))
        common = _child(document, "CommonData")
        default_box = _floats(_path(common, "PageArea", "PhysicalBox").text
                              if _path(common, "PageArea", "PhysicalBox") is not None else "") or list(_A4)
        templates = {t.get("ID"): t.get("BaseLoc") for t in _kids(common) if _local(t) == "TemplatePage"}
        listed = [p for p in _kids(_child(document, "Pages")) if _local(p) == "Page"]
        if not listed:
            raise _error(name, "cannot be read as an OFD document (it lists no pages)")
        if len(listed) > self.max_pages:
            raise _error(name, f"{len(listed)} pages, more than the limit of {self.max_pages}; split the file")
        for entry in listed:
            loc = files.resolve(entry.get("BaseLoc") or "", here)
            page = files.xml(loc)
            box = _floats(_path(page, "Area", "PhysicalBox").text if _path(page, "Area", "PhysicalBox") is not None
                          else "") or default_box
            chars: list[Char] = []
            for used in (t for t in page if _local(t) == "Template"):
                template_loc = templates.get(used.get("TemplateID"))
                if template_loc:
                    chars += content_chars(_kids(_child(files.xml(files.resolve(template_loc, here)), "Content")))
            chars += content_chars(_kids(_child(page, "Content")))
            yield chars, box[2] * PT_PER_MM, box[3] * PT_PER_MM


class _Files:
    """The zip's members by path, found the way readers find them: absolute ('/Doc_0/…') from the root,
    otherwise relative to the referring file's folder, else from the root, and case-insensitively last
    (producers write 'Doc_0/pages/page_0/content.xml' for 'Pages/Page_0')."""

    def __init__(self, members: dict[str, bytes]):
        self.members = members
        self.names = {n: n for n in members}
        self.folded = {n.lower(): n for n in members}

    def has(self, path: str) -> bool:
        return path in self.names

    def resolve(self, loc: str, here: str = "") -> str:
        loc = loc.strip().replace("\\", "/")
        candidates = [posixpath.normpath(loc.lstrip("/"))] if loc.startswith("/") else \
            [posixpath.normpath(posixpath.join(here, loc)), posixpath.normpath(loc)]
        for candidate in candidates:
            if candidate in self.names:
                return candidate
        for candidate in candidates:
            if candidate.lower() in self.folded:
                return self.folded[candidate.lower()]
        raise KeyError(f"no {loc} in the package")

    def xml(self, loc: str):
        return etree.fromstring(self.members[self.resolve(loc)], _PARSER)


def _open(name: str, data: bytes) -> dict[str, bytes]:
    """The zip's files by name (read under a running cap: ingest/zips.py), once it is known to be a reasonably
    sized, unencrypted zip holding OFD.xml."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        if data.startswith(b"PK"):
            raise _error(name, f"corrupt or truncated zip archive ({exc}); save the document again") from None
        raise _error(name, "not an OFD file (not a zip archive)") from None
    with archive:
        infos = archive.infolist()
        check_sizes(name, infos, "OFD document")
        if not any(info.filename.lower() == "ofd.xml" for info in infos):
            raise _error(name, "not an OFD document: a zip archive without OFD.xml")
        if any(info.flag_bits & 0x1 for info in infos):
            raise _error(name, "the zip is password-protected; save the document again without a password")
        return read_members(name, archive, "OFD document")


def _error(name: str, reason: str) -> CorpusError:
    return CorpusError(re.sub(r"\s*[\r\n]+\s*", " ", f"{name}: {reason}"))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__
