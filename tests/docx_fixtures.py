"""Word documents built from the sample plans' .txt files and the regulations' .md files, for tests/test_ingest_docx.py.

One paragraph per non-empty line, made with python-docx, and then made the way people make them in Word:

* 000: its "一、" lines in the Heading 1 style (the typed numbers stay);
* 001: every "一、" and "(一)" number removed from the text and given back as Word automatic numbering
  (a two-level list; the "(N)" level never restarts, so (五) follows (四) across 二、);
* 002: its "key | value | …" metadata lines as a five-column table;
* 003: its "key: value" metadata lines as a two-column table, and all three numbering levels automatic:
  "一、" through the Heading 1 style's own numbering, "(一)" restarting under each 一、, "1." never restarting;
* 004: its "1." … "18." list automatic, 1-9 and 10-18 on two w:num instances of one definition
  (Word continues a definition's sequence across its instances);
* regulations: "#" headings in Heading 1/2 styles; for 北京 every "第X条" number is automatic as well.

The numbering definitions are added to numbering.xml as Word writes them (w:abstractNum before w:num, the
children of w:lvl in schema order), so Word would show the same numbers.
"""
from __future__ import annotations

import io
import zipfile
import re
from dataclasses import dataclass

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

_WS = " \t\r\u3000\xa0\ufeff"
CN = "一二三四五六七八九十百"


@dataclass(frozen=True)
class Lvl:
    fmt: str
    text: str
    start: int = 1
    restart: int | None = None  # w:lvlRestart
    style: str | None = None  # w:pStyle
    suff: str = "nothing"


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive of the given members (for files that only look like Word documents)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def body_lines(text: str) -> list[str]:
    """The non-empty lines, as they are (the reader and the parser must cope with their spaces)."""
    return [line for line in text.splitlines() if line.strip(_WS)]


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- numbering

def add_list(document, levels: list[Lvl]) -> str:
    """A new w:abstractNum with these levels; returns its abstractNumId."""
    numbering = document.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.iterchildren(qn("w:abstractNum"))]
    abstract_id = str(max(ids, default=-1) + 1)
    body = "".join(_lvl_xml(i, lvl) for i, lvl in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="{"multilevel" if len(levels) > 1 else "singleLevel"}"/>'
                         f"{body}</w:abstractNum>")
    existing = list(numbering.iterchildren(qn("w:abstractNum")))
    if existing:
        existing[-1].addnext(abstract)  # every w:abstractNum precedes every w:num
    else:
        numbering.insert(0, abstract)
    return abstract_id


def _lvl_xml(ilvl: int, lvl: Lvl) -> str:
    parts = [f'<w:start w:val="{lvl.start}"/>', f'<w:numFmt w:val="{lvl.fmt}"/>']
    if lvl.restart is not None:
        parts.append(f'<w:lvlRestart w:val="{lvl.restart}"/>')
    if lvl.style:
        parts.append(f'<w:pStyle w:val="{lvl.style}"/>')
    parts += [f'<w:suff w:val="{lvl.suff}"/>', f'<w:lvlText w:val="{lvl.text}"/>', '<w:lvlJc w:val="left"/>']
    return f'<w:lvl w:ilvl="{ilvl}">{"".join(parts)}</w:lvl>'


def add_num(document, abstract_id: str, start_overrides: dict[int, int] | None = None) -> str:
    """A new w:num over `abstract_id` (with w:startOverride per level if given); returns its numId."""
    numbering = document.part.numbering_part.element
    ids = [int(n.get(qn("w:numId"))) for n in numbering.iterchildren(qn("w:num"))]
    num_id = str(max(ids, default=0) + 1)
    overrides = "".join(f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                        for i, v in (start_overrides or {}).items())
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                    f"{overrides}</w:num>")
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return num_id


def number(paragraph, num_id: str, ilvl: int | None = 0) -> None:
    """Give a paragraph (or a style's element, via its pPr) a w:numPr."""
    element = paragraph._p if hasattr(paragraph, "_p") else paragraph.element
    num_pr = element.get_or_add_pPr().get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = int(num_id)


# ----------------------------------------------------------------------------------------------- the plans

_SECTION = re.compile(rf"^([{CN}]+)、(.*)$", re.S)
_ITEM = re.compile(rf"^\(([{CN}]+)\)(.*)$", re.S)
_ARABIC = re.compile(r"^[ \u3000]*(\d+)\.(.*)$", re.S)
_ARTICLE = re.compile(rf"^第([{CN}零〇]+)条 (.*)$", re.S)


def plan_000(text: str) -> bytes:
    document = docx.Document()
    for line in body_lines(text):
        document.add_paragraph(line, style="Heading 1" if _SECTION.match(line) else None)
    return save(document)


def plan_001(text: str) -> bytes:
    """一、 and (一) numbers are Word's: level 0 chineseCounting "%1、", level 1 "(%2)" never restarting."""
    document = docx.Document()
    outline = add_list(document, [Lvl("chineseCounting", "%1、"), Lvl("chineseCounting", "(%2)", restart=0)])
    num_id = add_num(document, outline)
    for line in body_lines(text):
        section, item = _SECTION.match(line), _ITEM.match(line)
        if section or item:
            number(document.add_paragraph((section or item).group(2)), num_id, 0 if section else 1)
        else:
            document.add_paragraph(line)
    return save(document)


def plan_002(text: str) -> bytes:
    """Its "索 引 号 | X | 主题分类 | |" lines become one five-column table where they stood."""
    document = docx.Document()
    rows: list[list[str]] = []
    for line in body_lines(text) + [""]:
        if "|" in line:
            rows.append([cell.strip(_WS) for cell in line.split("|")])
            continue
        if rows:
            _table(document, rows)
            rows = []
        if line:
            document.add_paragraph(line)
    return save(document)


def _table(document, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def plan_003(text: str) -> bytes:
    """Metadata "key: value" lines as a 2-column table; a three-level list, its first level bound to Heading 1."""
    document = docx.Document()
    outline = add_list(document, [
        Lvl("chineseCountingThousand", "%1、", style="Heading1"),
        Lvl("chineseCounting", "(%2)"),
        Lvl("decimal", "%3.", restart=0),
    ])
    num_id = add_num(document, outline)
    number(document.styles["Heading 1"], num_id, ilvl=None)  # the style names the list; the lvl's pStyle the level
    lines = body_lines(text)
    metadata = [line for line in lines[:7] if re.match(r"^[^:：]{2,8}[:：]", line)]
    _table(document, [[part.strip(_WS) for part in re.split(r"[:：]", line, maxsplit=1)] for line in metadata])
    for line in lines[len(metadata):]:
        section, item, arabic = _SECTION.match(line), _ITEM.match(line), _ARABIC.match(line)
        if section:
            document.add_paragraph(section.group(2), style="Heading 1")
        elif item or arabic:
            number(document.add_paragraph((item or arabic).group(2)), num_id, 1 if item else 2)
        else:
            document.add_paragraph(line)
    return save(document)


def plan_004(text: str) -> bytes:
    """The 1.–18. list automatic; items from 10 on use a second w:num of the same definition."""
    document = docx.Document()
    single = add_list(document, [Lvl("decimal", "%1.")])
    first, second = add_num(document, single), add_num(document, single)
    for line in body_lines(text):
        arabic = _ARABIC.match(line)
        if arabic:
            number(document.add_paragraph(arabic.group(2)), first if int(arabic.group(1)) < 10 else second)
        else:
            document.add_paragraph(line)
    return save(document)


PLANS = {"000": plan_000, "001": plan_001, "002": plan_002, "003": plan_003, "004": plan_004}


def regulation(text: str, automatic_articles: bool) -> bytes:
    """Markdown "#"s become Heading 1, 2 …; with `automatic_articles`, "第X条 " is Word's "第%1条" numbering."""
    document = docx.Document()
    articles = add_num(document, add_list(document, [Lvl("chineseCountingThousand", "第%1条", suff="space")]))
    for line in body_lines(text):
        heading = re.match(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", line)
        article = _ARTICLE.match(line) if automatic_articles else None
        if heading:
            document.add_heading(heading.group(2), level=len(heading.group(1)))
        elif article:
            number(document.add_paragraph(article.group(2)), articles)
        else:
            document.add_paragraph(line)
    return save(document)


def typed_numbers(data: bytes) -> str:
    """What python-docx alone shows of a document's paragraphs: no automatic numbers."""
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
