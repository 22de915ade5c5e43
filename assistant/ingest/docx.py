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
  (`parser.table_row_text`), so the two formats give the same clauses and a quoted row says which column each
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
from dataclasses import dataclass, replace
from typing import Callable, ClassVar, Iterator, Mapping, Sequence

# python-docx: absolute imports, so this module (assistant.ingest.docx) never shadows the package `docx`
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.zips import office_zip, repacked
from assistant.parser import parse_metadata_line, table_row_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VAL = _W + "val"
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

_CN = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TW_LEGAL = "零壹貳參肆伍陸柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _grouped(n: int, digits: str, units: str, big: str, zero: str, keep_one: bool) -> str:
    """Counting with units: 十一, 二十, 一百〇一, 一万〇一 (units = 十百千, big = 万亿; 一十 → 十 only in front)."""
    if n >= 10**12:
        return str(n)
    groups, out, gap = [], "", False
    while n:
        n, low = divmod(n, 10000)
        groups.append(low)
    for rank in range(len(groups) - 1, -1, -1):
        value = groups[rank]
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += zero
        out += _under_10000(value, digits, units, zero) + ("", *big)[rank]
        gap = False
    if not keep_one and out.startswith(digits[1] + units[0]):
        out = out[1:]
    return out


def _under_10000(n: int, digits: str, units: str, zero: str) -> str:
    out, gap = "", False
    for power, unit in ((3, units[2]), (2, units[1]), (1, units[0]), (0, "")):
        d = n // 10**power % 10
        if d == 0:
            gap = bool(out)
            continue
        out += (zero if gap else "") + digits[d] + unit
        gap = False
    return out


def _digit_by_digit(n: int) -> str:
    return "".join("〇" if c == "0" else _CN[int(c)] for c in str(n))


def _chinese_counting(n: int) -> str:
    """Word's chineseCounting spells 1-99 (十一, 九十九) and writes larger numbers digit by digit (一〇〇)."""
    return _grouped(n, _CN, "十百千", "万亿", "〇", False) if n < 100 else _digit_by_digit(n)


def _roman(n: int) -> str:
    if n >= 4000:
        return str(n)
    out = ""
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    """Word's letters: A … Z, then AA, BB … (the letter repeated, not spreadsheet columns)."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26] * min((n - 1) // 26 + 1, 64)


def _table(glyphs: str) -> Callable[[int], str]:
    """A finite set of glyphs (①…⑳, 甲…癸); past its end Word writes the plain number."""
    return lambda n: glyphs[n - 1] if n <= len(glyphs) else str(n)


def _span(first: int, count: int) -> str:
    return "".join(chr(first + i) for i in range(count))


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "ordinal": lambda n: f"{n}{'th' if n % 100 in (11, 12, 13) else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}",
    "chineseCounting": _chinese_counting,
    "taiwaneseCounting": _chinese_counting,
    "chineseCountingThousand": lambda n: _grouped(n, _CN, "十百千", "万亿", "〇", False),
    "taiwaneseCountingThousand": lambda n: _grouped(n, _CN, "十百千", "萬億", "〇", False),
    "chineseLegalSimplified": lambda n: _grouped(n, _CN_LEGAL, "拾佰仟", "万亿", "零", True),
    "ideographLegalTraditional": lambda n: _grouped(n, _TW_LEGAL, "拾佰仟", "萬億", "零", True),
    "ideographDigital": _digit_by_digit,
    "taiwaneseDigital": _digit_by_digit,
    "ideographTraditional": _table(_STEMS),
    "ideographZodiac": _table(_BRANCHES),
    "ideographZodiacTraditional": lambda n: _STEMS[(n - 1) % 10] + _BRANCHES[(n - 1) % 12],
    "ideographEnclosedCircle": _table(_span(0x3220, 10)),  # ㈠ … ㈩
    "decimalEnclosedCircle": _table(_span(0x2460, 20)),  # ① … ⑳
    "decimalEnclosedCircleChinese": _table(_span(0x2460, 20)),
    "decimalEnclosedParen": _table(_span(0x2474, 20)),  # ⑴ … ⒇
    "decimalEnclosedFullstop": _table(_span(0x2488, 20)),  # ⒈ … ⒛
}
_FORMATS["decimalFullWidth2"] = _FORMATS["decimalFullWidth"]
SUPPORTED_FORMATS = frozenset(_FORMATS) | {"none", "bullet"}


def format_number(n: int, fmt: str) -> str:
    """One counter in a w:numFmt. Formats not listed are written in decimal rather than guessed; only decimal
    has a zero (a level not yet used shows one less than its start), the others write 1 there, as Word does."""
    if fmt in ("none", "bullet"):
        return ""
    if fmt in ("decimal", "decimalHalfWidth") or fmt not in _FORMATS:
        return str(n)
    return _FORMATS[fmt](max(n, 1))


@dataclass(frozen=True)
class Level:
    """One w:lvl. Defaults are the standard's for a missing element (start 0, decimal, tab after)."""

    start: int = 0
    fmt: str = "decimal"
    text: str = ""  # w:lvlText, e.g. "（%2）"
    restart: int | None = None  # w:lvlRestart: restart after levels 1..restart are used; 0 = never
    legal: bool = False  # w:isLgl: every number in the label in decimal
    suffix: str = "\t"  # w:suff: tab, space or nothing between label and text
    hidden: bool = False
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


Counters = tuple  # nine running numbers (None: that level not counted since its last restart)
UNCOUNTED: Counters = (None,) * 9


def advance(counters: Counters, ilvl: int, levels: Mapping[int, Level], restart: bool = False) -> Counters:
    """The counters after a paragraph at `ilvl`: its level steps (or starts over), deeper levels restart."""
    level = levels.get(ilvl, Level())
    current = counters[ilvl]
    values = list(counters)
    values[ilvl] = level.start if current is None or restart else current + 1
    for deeper in range(ilvl + 1, 9):
        threshold = levels.get(deeper, Level()).restart
        if ilvl < (deeper if threshold is None else threshold):  # lvlRestart is one-based
            values[deeper] = None
    return tuple(values)


def render_label(ilvl: int, counters: Counters, levels: Mapping[int, Level]) -> str:
    """The label Word shows for a paragraph at `ilvl`: w:lvlText with each %N in level N's format."""
    level = levels.get(ilvl)
    if level is None or level.hidden or level.fmt == "bullet":  # bullets: no marker to cite
        return ""

    def number(match: re.Match) -> str:
        k = int(match.group(1)) - 1
        ref = levels.get(k, Level())
        n = counters[k] if counters[k] is not None else ref.start - 1  # a level not yet used shows one less
        return format_number(n, "decimal" if level.legal else ref.fmt)

    return re.sub(r"%([1-9])", number, level.text)


# ---------------------------------------------------------------------------------------------------------
# Numbering and style definitions, read once per document.

def _int(element, default: int | None) -> int | None:
    try:
        return int(element.get(_VAL)) if element is not None else default
    except (TypeError, ValueError):
        return default


def _on(element) -> bool:
    """A w:ST_OnOff toggle: present and not switched off."""
    return element is not None and element.get(_VAL, "true").lower() not in ("0", "false", "off")


def read_level(lvl) -> Level:
    suffix = {"space": " ", "nothing": ""}.get(_attr(lvl.find(_W + "suff")), "\t")
    run_props = lvl.find(_W + "rPr")
    return Level(
        start=_int(lvl.find(_W + "start"), 0),
        fmt=_attr(lvl.find(_W + "numFmt")) or "decimal",
        text=_attr(lvl.find(_W + "lvlText")) or "",
        restart=_int(lvl.find(_W + "lvlRestart"), None),
        legal=_on(lvl.find(_W + "isLgl")),
        suffix=suffix,
        hidden=run_props is not None and _on(run_props.find(_W + "vanish")),
        style=_attr(lvl.find(_W + "pStyle")),
    )


def _attr(element, name: str = _VAL) -> str | None:
    return element.get(name) if element is not None else None


def _num_pr(ppr) -> tuple[str | None, int | None]:
    num_pr = ppr.find(_W + "numPr") if ppr is not None else None
    if num_pr is None:
        return None, None
    return _attr(num_pr.find(_W + "numId")), _int(num_pr.find(_W + "ilvl"), None)


class Styles:
    """Paragraph styles: names, numbering (inherited through w:basedOn) and the default style."""

    def __init__(self, root):
        self._styles: dict[str, tuple[str, str | None, str | None, int | None]] = {}
        self.default: str | None = None
        for style in root.iterchildren(_W + "style") if root is not None else ():
            style_id = style.get(_W + "styleId")
            if style_id is None:
                continue
            name = (_attr(style.find(_W + "name")) or "").lower()
            num_id, ilvl = _num_pr(style.find(_W + "pPr"))
            self._styles[style_id] = (name, _attr(style.find(_W + "basedOn")), num_id, ilvl)
            if style.get(_W + "type") == "paragraph" and _on_attr(style.get(_W + "default")):
                self.default = style_id

    def name(self, style_id: str | None) -> str:
        return self._styles.get(style_id, ("",))[0]

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The style's numId and ilvl, each from the nearest style in its w:basedOn chain that sets it."""
        num_id = ilvl = None
        seen = set()
        while style_id in self._styles and style_id not in seen and (num_id is None or ilvl is None):
            seen.add(style_id)
            _, based_on, own_num, own_ilvl = self._styles[style_id]
            num_id = own_num if num_id is None else num_id
            ilvl = own_ilvl if ilvl is None else ilvl
            style_id = based_on
        return num_id, ilvl


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


@dataclass(frozen=True)
class Instance:
    """One w:num: the definition whose counters it shares, its levels, and the levels it starts over."""

    num_id: str
    list_id: str
    levels: Mapping[int, Level]
    restarts: frozenset[int]


class Numbering:
    def __init__(self, root, styles: Styles):
        children = list(root.iterchildren(_W + "abstractNum", _W + "num")) if root is not None else []
        self._abstracts = {a.get(_W + "abstractNumId"): a for a in children if a.tag == _W + "abstractNum"}
        self._nums = {n.get(_W + "numId"): n for n in children if n.tag == _W + "num"}
        self._styles = styles
        self._instances: dict[str, Instance | None] = {}

    def instance(self, num_id: str) -> Instance | None:
        if num_id not in self._instances:
            self._instances[num_id] = self._read_instance(num_id)
        return self._instances[num_id]

    def _read_instance(self, num_id: str) -> Instance | None:
        num = self._nums.get(num_id)
        found = self._abstract(_attr(num.find(_W + "abstractNumId")) if num is not None else None)
        if found is None:
            return None
        list_id, abstract = found
        levels = {_int_attr(lvl, _W + "ilvl"): read_level(lvl) for lvl in abstract.iterchildren(_W + "lvl")}
        restarts = set()
        for override in num.iterchildren(_W + "lvlOverride"):
            ilvl = _int_attr(override, _W + "ilvl")
            lvl, start = override.find(_W + "lvl"), _int(override.find(_W + "startOverride"), None)
            if lvl is not None:  # a whole level of its own, e.g. another format for this list only
                levels[ilvl] = read_level(lvl)
                restarts.add(ilvl)
            if start is not None:
                levels[ilvl] = replace(levels.get(ilvl, Level()), start=start)
                restarts.add(ilvl)
        return Instance(num_id, list_id, levels, frozenset(restarts))

    def _abstract(self, abstract_id: str | None, hops: int = 0):
        """(id, w:abstractNum), following a list style's w:numStyleLink to the definition it stands for."""
        abstract = self._abstracts.get(abstract_id)
        link = _attr(abstract.find(_W + "numStyleLink")) if abstract is not None else None
        if link is None or hops > 3:
            return (abstract_id, abstract) if abstract is not None else None
        linked_num = self._nums.get(self._styles.numbering(link)[0])
        if linked_num is None:
            return None
        return self._abstract(_attr(linked_num.find(_W + "abstractNumId")), hops + 1)


def _int_attr(element, name: str) -> int:
    try:
        return int(element.get(name, "0"))
    except ValueError:
        return 0


class ListCounters:
    """Running numbers per abstract definition, and which (numId, level) pairs have been used."""

    def __init__(self):
        self._values: dict[str, Counters] = {}
        self._used: set[tuple[str, int]] = set()

    def step(self, instance: Instance, ilvl: int) -> Counters:
        first_use = (instance.num_id, ilvl) not in self._used
        self._used.add((instance.num_id, ilvl))
        restart = first_use and ilvl in instance.restarts  # w:startOverride starts the list over, once
        values = advance(self._values.get(instance.list_id, UNCOUNTED), ilvl, instance.levels, restart)
        self._values[instance.list_id] = values
        return values


# ---------------------------------------------------------------------------------------------------------
# Text: paragraphs, runs, tables.

_SKIP_INLINE = {_W + tag for tag in ("pPr", "rPr", "del", "moveFrom", "delText", "instrText", "delInstrText",
                                     "txbxContent", "rt", "sdtPr", "sdtEndPr")} | {_MC_FALLBACK}
_BLOCK_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml"}
_TOC_STYLE = re.compile(r"^toc \d$")


def inline_text(element) -> str:
    """A paragraph's visible characters: runs, hyperlinks, fields' results, tracked insertions."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP_INLINE or (tag == _W + "r" and _hidden(child)):
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):  # a line break is a new line; a page or column break is layout
            parts.append("\n" if child.get(_W + "type") in (None, "textWrapping") else "")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        else:
            _collect(child, parts)


def _hidden(run) -> bool:
    props = run.find(_W + "rPr")
    return props is not None and _on(props.find(_W + "vanish"))


def _children(element, tags: set[str]) -> Iterator:
    """Children with one of `tags`, looking through content controls and custom XML."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, tags)


def _text_boxes(paragraph) -> Iterator:
    """The paragraph's own text boxes: not a box inside a box, not the VML copy kept for old readers."""
    for box in paragraph.iter(_W + "txbxContent"):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not paragraph:
            if ancestor.tag in (_W + "txbxContent", _MC_FALLBACK):
                break
            ancestor = ancestor.getparent()
        else:
            yield box


def _cell_shape(tc) -> tuple[int, bool]:
    """(columns it spans, whether it continues the cell above it) from w:tcPr."""
    pr = tc.find(_W + "tcPr")
    if pr is None:
        return 1, False
    span = pr.find(_W + "gridSpan")
    merge = pr.find(_W + "vMerge")
    try:
        columns = max(1, int(_attr(span) or 1)) if span is not None else 1
    except ValueError:
        columns = 1
    return columns, merge is not None and (_attr(merge) or "continue") == "continue"


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
        for child in _children(container, {_W + "p", _W + "tbl"}):
            yield from self.paragraph(child) if child.tag == _W + "p" else self.table(child)

    def paragraph(self, paragraph) -> Iterator[str]:
        ppr = paragraph.find(_W + "pPr")
        style_id = _attr(ppr.find(_W + "pStyle")) if ppr is not None else None
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
        own_num, own_ilvl = _num_pr(ppr)
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
        """Rows in the form the PDF reader writes them (`parser.table_row_text`, '表头：值；…'), named by
        the first row, so a Word table and its printed PDF give the same clauses. Metadata rows and
        one-cell rows keep their own forms (see `row_line`). Cells merged down (w:vMerge) repeat the
        text above them; cells spanning columns (w:gridSpan) are written once."""
        header: list[str] | None = None
        above: dict[int, str] = {}  # grid column → the text of the cell last started there
        rows = [(row, [list(self.blocks(cell)) for cell in _children(row, {_W + "tc"})])
                for row in _children(table, {_W + "tr"})]
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
            for tc, text in zip(_children(row, {_W + "tc"}), texts):
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
        body = part.element.find(_W + "body")
        styles = Styles(_related(part, RT.STYLES))
        reader = _Reader(styles, Numbering(_related(part, RT.NUMBERING), styles))
        try:
            lines = list(reader.blocks(body)) if body is not None else []
        except RecursionError:  # lxml already refuses XML nested over 256 deep; this is the last guard
            raise _error(name, "refused: tables or text boxes nested too deep to read") from None
        if not any(line.strip(_WS + "\n") for line in lines):
            raise _error(name, "the Word document has no text (only images, or empty); nothing to cite")
        return Extracted("\n".join(lines) + "\n")
