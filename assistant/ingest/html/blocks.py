"""An element's text as a reader sees it: a line per block (paragraph, heading, list item, `<br>`, table row),
a data table's cells joined by " | ", whitespace as a browser shows it; and the small measures the other steps
share (an element's own text weight, whether a line is already in the text, dropping an element)."""
from __future__ import annotations

import re

import lxml.html

from assistant.textnorm import fold

_WS = " \t\r\n\f\v\u3000\xa0\ufeff"
_CJK = "\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_BLOCK = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr html li main nav ol p pre section table tbody tfoot thead tr ul caption".split()
)
_CELLS = frozenset({"td", "th"})
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
# Page furniture that is text, not markup: previous/next links, font-size and print/close buttons, the site's
# copyright and registration lines.
_FURNITURE_LINE = re.compile(r"^[【\[]?(上一篇|下一篇|上一条|下一条|字体[:：]|打印本页|关闭窗口|我要纠错)|"
                             r"ICP备|公网安备|版权所有|Copyright|©|网站标识码")


def block_lines(el: lxml.html.HtmlElement) -> list[str]:
    """`el`'s text with a line per block (paragraph, heading, list item, `<br>`, table row), cells of a data
    table joined by " | ", whitespace collapsed, empty and pipe-only lines left out."""
    pieces: list[str] = [""]
    _walk(el, pieces, in_pre=False)
    lines = (_clean(p) for p in pieces)
    return [line for line in lines if line and not re.fullmatch(r"[|｜\s]+", line) and not _FURNITURE_LINE.search(line)]


def _text_lines(el: lxml.html.HtmlElement) -> list[str]:
    """`el`'s lines without the text of its links (a menu item numbered "1." is no article line)."""
    pieces: list[str] = [""]
    _walk(el, pieces, in_pre=False, links=False)
    return [line for line in map(_clean, pieces) if line]


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
