"""Web pages saved from a government site (.html, .htm): the article's text, one block per line.

The parser reads lines, so a page becomes: the article's title (its `<h1>`, else the `<title>`) if the article
does not print it; the page's metadata as `key：value` lines (索引号 / 发文单位 / 文号 / 日期 …, read wherever
the page puts them, usually a table above the article) and a byline (发布时间：… 来源：…) found outside the
article; then the article, one paragraph, heading, list item, `<br>` line or table row (cells joined by " | ")
per line, in document order. No pages: a citation's offsets are into this text.

Why lxml and not trafilatura (2.3.1, Apache-2.0; lxml is BSD — both fine for government use). Measured on the
five sample plans and three regulations made into pages (tests/html_fixtures.py) in eight layouts — `<p>` per
line, one `<div>` of `<br>` lines, styled `<p><span><font>` with `<strong>` headings, a `<div>` per line, the
article in a layout table's cell, a covering notice in a sibling `<div>`, the byline above the article, link
lists inside the article — each given the same title and metadata handling: this reading kept every clause,
the title and the metadata of all 40 plan pages and the regulations. trafilatura did as well in six layouts,
but with the article in a layout table's cell (the usual page of an older county site) `include_tables=True`
joined the whole article into one " | " line (0 of 5 plans right), while `include_tables=False`, which reads
that layout, drops every table inside an article; with link lists in the article it left 上一篇/下一篇 in each
plan's last clause; and on its own it lost the `<h1>` in the `<div>`-per-line layout. The reading below is
short, and all of its rules are here:

1. Furniture goes first: scripts, styles, forms; `<nav>`, `<header>`, `<footer>`, `<aside>`; elements whose
   class or id says menu, breadcrumb, share, QR code, related links, print, copyright … — unless one holds
   half the page's text (some sites wrap everything in `<div class="top">`).
2. The article is found by going down from `<body>` into the child holding the most non-link text, while that
   child holds at least half of it, is more than one line, and what is left behind holds nothing the parser
   builds on (no sentence, numbered line or date): so a covering notice or a signature beside the article's
   `<div>` is kept, and menus, link lists and footers are not.
3. Inside it, lists of links (相关文档, 上一篇/下一篇) are dropped, attachments kept.
"""
from __future__ import annotations

import codecs
import re
from typing import ClassVar

import lxml.etree
import lxml.html

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.text import decode
from assistant.parser import is_boilerplate, match_marker, parse_metadata_line
from assistant.textnorm import fold

_WS = " \t\r\n\f\v\u3000\xa0\ufeff"
_CJK = "\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_BLOCK = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr html li main nav ol p pre section table tbody tfoot thead tr ul caption".split()
)
_CELLS = frozenset({"td", "th"})
_LABELS = ("b", "strong", "span", "label", "em", "i", "font", "dt")  # elements that hold a "索引号：" label
_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "map",
               "form", "button", "select", "textarea", "input")
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
# Class/id words of page furniture on Chinese government sites. Short, ambiguous words must be a whole word
# ("foot", not "footnote"); distinctive ones may start a longer name ("shareBox", "breadcrumbs").
_FURNITURE_WORDS = frozenset("nav menu foot top bottom tool tools qr ewm print search share related side head "
                             "login links".split())
_FURNITURE_PREFIXES = ("navbar", "navigation", "header", "footer", "breadcrumb", "crumb", "bdshare", "fenxiang",
                       "qrcode", "erweima", "copyright", "sidebar", "gotop", "xgwz", "xgxx", "xglj", "dqwz")
_FILE_LINK = re.compile(r"\.(docx?|pdf|xlsx?|wps|ofd|zip|rar|txt|et)(?:$|[?#])", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HAS_MARKUP = re.compile(r"<\s*(html|head|body|meta|title|p|div|table|br|span|h[1-6]|article|section)\b", re.I)
_GB_LABELS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "csgb2312", "gb18030", "x-gb18030"}
_SIGNATURES = {  # what a file really is when it was only named .html
    b"%PDF": "a PDF file", b"PK\x03\x04": "a ZIP or Office (DOCX/XLSX) file",
    b"\xd0\xcf\x11\xe0": "an old Office (DOC/XLS) file", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image", b"{\\rtf": "an RTF file",
}
_PROSE = 40  # a line this long that ends a sentence is article text, never furniture
_MIN_ARTICLE = 20  # fewer own characters than this: a page of links, not an article
_BYLINE = re.compile(r"(时间|日期|来源)[:：]")
# Page furniture that is text, not markup: previous/next links, font-size and print/close buttons, the site's
# copyright and registration lines.
_FURNITURE_LINE = re.compile(r"^[【\[]?(上一篇|下一篇|上一条|下一条|字体[:：]|打印本页|关闭窗口|我要纠错)|"
                             r"ICP备|公网安备|版权所有|Copyright|©|网站标识码")
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(印发|印發)?$")  # a signature's date line
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_SINGLE_BYTE = {"ascii", "cp1252"}  # with iso8859-*: often declared by mistake on pages really in GBK or UTF-8


class HtmlReader:
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm")

    def extract(self, name: str, data: bytes) -> Extracted:
        root = parse_page(decode_page(data, name), name)
        title = page_title(root)
        meta = take_metadata(root)
        byline = bylines(root)
        remove_furniture(root)
        container = article(root)
        body = block_lines(container)
        own = sum(len(_squash(line)) for line in body if not is_boilerplate(line))
        if min(own, _weight(container)) < _MIN_ARTICLE:  # link texts do not count: a menu is no article
            raise CorpusError(f"{name}: no article text on this page (only navigation, links or page furniture; "
                              "if the document is an attached file, add that file instead)")
        head = [title] if title and not _contains_line(body, title) else []
        head += meta + [line for line in byline if not _contains_line(body, line)]
        return Extracted("\n".join(head + body) + "\n")


# --- bytes → text -------------------------------------------------------------------------------------------


def decode_page(data: bytes, name: str) -> str:
    """The page's characters: by its BOM; else UTF-8 if the bytes are UTF-8; else the charset its `<meta>`
    declares (GB2312/GBK read as GB18030, their superset); else GB18030 when that reads as Chinese.
    Binary files are refused, named by what they are."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name)
    kind = next((what for magic, what in _SIGNATURES.items() if data.startswith(magic)), None)
    if kind or b"\x00" in data[:4096]:
        raise CorpusError(f"{name}: {kind or 'binary data'}, not an HTML page")
    try:  # valid UTF-8 is UTF-8 whatever the page declares: re-saved pages keep their old GB2312 <meta>
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data[:4096])
    codec = _codec(declared) if declared else None
    single_byte = codec in _SINGLE_BYTE or (codec or "").startswith("iso8859")
    if codec and not single_byte:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass  # pages often declare the wrong charset; read what the bytes are
    try:
        return decode(data, name)
    except CorpusError:
        if single_byte and codec != "ascii":
            return data.decode(codec)  # it reads any bytes, so it is trusted only when nothing else fits
        said = f" (it declares {declared})" if declared else ""
        raise CorpusError(
            f"{name}: not valid UTF-8 or GB18030 text{said}; save the page as UTF-8 and run build again") from None


def declared_charset(head: bytes) -> str | None:
    """The charset the page's `<meta charset>`, http-equiv content-type or XML declaration names, as written."""
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _codec(label: str) -> str | None:
    """Python's text codec for a charset label; GB2312 and GBK as GB18030, their superset; None if unknown."""
    if label in _GB_LABELS:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None  # not "base64" or "rot13"


def parse_page(text: str, name: str) -> lxml.html.HtmlElement:
    """The page's element tree, with comments and processing instructions gone; CorpusError if it is no HTML."""
    if not _HAS_MARKUP.search(text):
        raise CorpusError(f"{name}: no HTML markup in it, so not a web page (a plain-text file should end in .txt)")
    text = _XML_DECLARATION.sub("", text)  # lxml refuses str input that declares an encoding
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "empty"
        raise CorpusError(f"{name}: cannot be read as HTML ({reason})") from None
    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
    for el in list(root.iter(*_NEVER_TEXT)):
        _drop(el)
    return root


# --- title and metadata ---------------------------------------------------------------------------------------


def page_title(root: lxml.html.HtmlElement) -> str:
    """The article's headline: the `<h1>` that the `<title>` also names (site logos are `<h1>`s too), else the
    first `<h1>` outside the page header, else the longest part of the `<title>` ("标题_网站名")."""
    title_tag = root.find(".//title")
    page = _clean(title_tag.text_content()) if title_tag is not None else ""
    heads = [_clean(h.text_content()) for h in root.iter("h1") if not _inside(h, _FURNITURE_TAGS)]
    heads = [h for h in heads if len(_squash(h)) >= 4]
    named = [h for h in heads if _squash(h) in _squash(page)]
    if named or heads:
        return (named or heads)[0]
    parts = [p for p in re.split(r"\s*(?:[_|｜]|\s[-—–]\s)\s*", page) if p]
    return max(parts, key=len, default="")


def _meta_key(text: str) -> str | None:
    """`text` as a metadata key (索 引 号： → 索引号) when the parser reads `key：…` as a metadata line."""
    key = _squash(text).rstrip(":：")
    return key if 2 <= len(key) <= 8 and parse_metadata_line(f"{key}：x") is not None else None


def take_metadata(root: lxml.html.HtmlElement) -> list[str]:
    """The page's metadata as `key：value` lines in page order, each taken out of the tree so that the article
    does not carry it twice: table rows of label and value cells (`<td>索引号：</td><td>…</td>`, several pairs
    to a row), inline labels (`<b>文号：</b>…`, `<dt>`/`<dd>`), and small elements reading `<li>发文字号：…</li>`."""
    order = {el: i for i, el in enumerate(root.iter())}
    found: list[tuple[int, str]] = []
    for find in (_table_metadata, _label_metadata, _line_metadata):
        for el, lines in find(root):
            found += [(order[el], line) for line in lines]
            _drop(el, with_tail=True)
    return [line for _, line in sorted(found, key=lambda item: item[0])]


def _table_metadata(root: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, list[str]]]:
    """Rows made only of labels, values and `key：value` cells, in tables where some row has a value (so that
    a lone empty "时效：" row goes with its table, and a data table's header of labels stays)."""
    found = []
    for table in root.iter("table"):
        own_rows = [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]
        rows = [(row, _row_metadata(row)) for row in own_rows if not row.xpath(".//table")]
        if any(lines for _, lines in rows):
            found += [(row, lines) for row, lines in rows if lines is not None]
    return found


def _row_metadata(row: lxml.html.HtmlElement) -> list[str] | None:
    """The row's `key：value` lines, or None when a cell is neither label nor value (a data or layout row).

    A label needs a colon or a `<td>` value after it, so a data table's header (`<th>名称</th><th>…`) is no label;
    a label followed by another label has no value (文号 then 发文日期: that 文号 is empty)."""
    cells = [c for c in row if c.tag in _CELLS]
    texts = [_clean(c.text_content()) for c in cells]
    lines, i = [], 0
    while i < len(cells):
        key = _meta_key(texts[i])
        following = cells[i + 1] if i + 1 < len(cells) else None
        if _meta_line(texts[i]):
            lines.append(texts[i])
        elif key and following is not None and _meta_key(texts[i + 1]) is None and (
                texts[i].endswith((":", "：")) or following.tag == "td"):
            if texts[i + 1]:
                lines.append(f"{key}：{texts[i + 1]}")
            i += 1
        elif not key and texts[i]:
            return None
        i += 1
    return lines if cells else None


def _label_metadata(root: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, list[str]]]:
    """`<b>索引号：</b>value`, `<span>文号：</span><span>value</span>`, `<dt>发文机关</dt><dd>value</dd>` outside tables."""
    found, taken = [], set()
    for el in root.iter(*_LABELS):
        text = _clean(el.text_content())
        key = _meta_key(text)
        if key is None or el in taken or (el.tag != "dt" and not text.endswith((":", "："))):
            continue
        siblings = _value_siblings(el)
        value = _clean((el.tail or "") + "".join(s.text_content() + (s.tail or "") for s in siblings))
        if value:
            found.append((el, [f"{key}：{value}"]))
            found += [(s, []) for s in siblings]
            taken.update([el, *siblings, *el.iterdescendants()])
    return found


def _line_metadata(root: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, list[str]]]:
    """The smallest elements whose every line is a `key：value` metadata line (`<li>发文字号：…</li>`)."""
    found, inner = [], set()
    for el in reversed(list(root.iter())):  # children before their parents: the smallest element wins
        if el in inner or len(el.text_content()) > 300:
            continue
        lines = block_lines(el)
        if lines and all(_meta_line(line) for line in lines):
            found.append((el, lines))
            inner.update(el.iterancestors())
    return found


def _value_siblings(label: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The elements after a label that hold its value, up to the end of its line or the next label."""
    values = []
    inline = label.tag != "dt"
    for sib in label.itersiblings():
        if sib.tag == "br" or (inline and sib.tag in _BLOCK):
            break  # `<b>索引号：</b>X<br>…`: the value ends with its line
        if _meta_key(sib.text_content()) is not None or any(_meta_key(d.text_content()) for d in sib.iterdescendants()):
            break
        values.append(sib)
    return values


def _meta_line(line: str) -> bool:
    """A `key：value` line with a value that the parser reads as metadata (pipe rows stay as the page wrote them)."""
    m = re.match(rf"^[^:：|｜]{{2,8}}[:：][{_WS}]*[^{_WS}]", line)
    return m is not None and parse_metadata_line(line) is not None


def bylines(root: lxml.html.HtmlElement) -> list[str]:
    """News pages' '发布时间：2023-03-01 来源：广州市卫生健康委员会' lines (the parser's fallback date and issuer),
    wherever they are: they often sit in a header strip above the article, outside it."""
    found = []
    for el in root.iter(*_BLOCK, *_CELLS):
        if not any(child.tag in _BLOCK for child in el.iterdescendants()) and len(el.text_content()) <= 200:
            found += [line for line in block_lines(el) if is_boilerplate(line) and _BYLINE.search(line)]
    return list(dict.fromkeys(found))


# --- the article ----------------------------------------------------------------------------------------------


def remove_furniture(root: lxml.html.HtmlElement) -> None:
    """Drop menus, headers, footers, share/QR/related blocks — unless one holds most of the page's text
    (some sites wrap the whole page in a `<div class="top">`)."""
    total = _weight(root)
    for el in list(root.iter()):
        if el.getparent() is not None and _is_furniture(el) and _weight(el) < 0.5 * total:
            _drop(el)


def _is_furniture(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _FURNITURE_TAGS:
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    words = re.split(r"[^a-z0-9]+", names)
    return any(w in _FURNITURE_WORDS or w.startswith(_FURNITURE_PREFIXES) for w in words if w)


def article(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The smallest element holding the article. From `<body>`, go down into the heaviest child while it holds
    at least half the text, has more than one line (never into a single paragraph), and what it leaves behind
    holds nothing the parser builds on: no sentence, no numbered line, no date. Then drop the link lists left
    inside it."""
    node = root.find("body")
    node = root if node is None else node
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            break
        best = max(children, key=_weight)
        left_behind = [_own_lines(node)] + [_text_lines(c) for c in children if c is not best]
        weight = _weight(best)
        if not weight or weight < 0.5 * _weight(node) or len(block_lines(best)) < 2:
            break
        if any(_is_article_line(line) for lines in left_behind for line in lines):
            break
        node = best
    for el in list(node.iterdescendants()):
        if el.getparent() is not None and _is_link_list(el):
            _drop(el)
    return node


def _own_lines(node: lxml.html.HtmlElement) -> list[str]:
    """Text directly in `node` (lines separated by `<br>`), which going down would lose."""
    return [_clean(t) for t in [node.text, *(c.tail for c in node)] if t and _clean(t)]


def _text_lines(el: lxml.html.HtmlElement) -> list[str]:
    """`el`'s lines without the text of its links (a menu item numbered "1." is no article line)."""
    pieces: list[str] = [""]
    _walk(el, pieces, in_pre=False, links=False)
    return [line for line in map(_clean, pieces) if line]


def _is_article_line(line: str) -> bool:
    """A sentence, a numbered line (一、总体要求) or a date (a signature's): what the parser builds on."""
    if is_boilerplate(line) or _FURNITURE_LINE.search(line):
        return False
    sentence = len(_squash(line)) >= _PROSE and _SENTENCE_END.search(line) is not None
    return sentence or match_marker(line) is not None or _DATE.match(line) is not None


def _is_link_list(el: lxml.html.HtmlElement) -> bool:
    """A block of two or more links and little else (相关文档, 上一篇/下一篇), unless they are attachments."""
    if el.tag not in _BLOCK:
        return False
    links = list(el.iter("a"))
    if len(links) < 2 or any(_FILE_LINK.search(a.get("href", "")) for a in links):
        return False
    text = len(_squash(el.text_content()))
    return text > 0 and sum(len(_squash(a.text_content())) for a in links) >= 0.8 * text


def block_lines(el: lxml.html.HtmlElement) -> list[str]:
    """`el`'s text with a line per block (paragraph, heading, list item, `<br>`, table row), cells of a data
    table joined by " | ", whitespace collapsed, empty and pipe-only lines left out."""
    pieces: list[str] = [""]
    _walk(el, pieces, in_pre=False)
    lines = (_clean(p) for p in pieces)
    return [line for line in lines if line and not re.fullmatch(r"[|｜\s]+", line) and not _FURNITURE_LINE.search(line)]


def _walk(el: lxml.html.HtmlElement, out: list[str], in_pre: bool, links: bool = True) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "a" and not links:
        return
    in_pre = in_pre or tag == "pre"
    block = tag in _BLOCK or (tag in _CELLS and _layout_row(el))
    if block or tag == "br":
        out.append("")
    elif tag in _CELLS and el.getprevious() is not None:
        out[-1] += " | "
    _add(out, el.text, in_pre)
    for child in el:
        _walk(child, out, in_pre, links)
        _add(out, child.tail, in_pre)
    if block:
        out.append("")


def _add(out: list[str], text: str | None, in_pre: bool) -> None:
    if not text:
        return
    if in_pre:  # preformatted text keeps its own line breaks
        first, *rest = text.split("\n")
        out[-1] += first
        out.extend(rest)
    else:
        out[-1] += text


def _layout_row(cell: lxml.html.HtmlElement) -> bool:
    """A layout table's row (paragraphs in some cell): its cells are read as blocks, not as one data row."""
    row = cell.getparent()
    cells = [cell] if row is None else [c for c in row if c.tag in _CELLS]
    return any(d.tag in _BLOCK for c in cells for d in c.iterdescendants())


# --- small helpers --------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Whitespace as a browser shows it: a source line break between Chinese characters vanishes (CSS Text 3),
    other runs of spaces become one space."""
    text = re.sub(rf"(?<=[{_CJK}])[ \t\r\n]*\n[ \t\r\n]*(?=[{_CJK}])", "", text)
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip(_WS)


def _squash(text: str) -> str:
    return re.sub(rf"[{_WS}]+", "", text)


def _weight(el: lxml.html.HtmlElement) -> int:
    """How much of the page's own text `el` holds: its characters, less those of its links."""
    links = sum(len(_squash(a.text_content())) for a in el.iter("a"))
    return len(_squash(el.text_content())) - links


def _contains_line(lines: list[str], text: str) -> bool:
    """Whether `text` is one of `lines`, up to spaces and full/half-width or traditional forms."""
    target = fold(_squash(text))
    return any(fold(_squash(line)) == target for line in lines)


def _inside(el: lxml.html.HtmlElement, tags: frozenset) -> bool:
    return any(a.tag in tags for a in el.iterancestors())


def _drop(el: lxml.html.HtmlElement, with_tail: bool = False) -> None:
    """Remove `el` (and its tail text too when that was part of what it held, such as a label's value)."""
    if el.getparent() is None:
        return
    if with_tail:
        el.tail = None
    el.drop_tree()
