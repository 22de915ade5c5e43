"""The page's title (its `<h1>`, else the `<title>`), its metadata as `key：value` lines in page order (table rows
of labels and values, inline labels, small `key：value` elements), each taken out of the tree so the article does
not carry it twice, and bylines ('发布时间：… 来源：…') wherever they stand."""
from __future__ import annotations

import re

import lxml.html

from assistant.ingest.html.blocks import (_BLOCK, _CELLS, _FURNITURE_TAGS, _WS, _clean, _drop, _inside, _squash,
                                          block_lines)
from assistant.parser import is_boilerplate, parse_metadata_line

_LABELS = ("b", "strong", "span", "label", "em", "i", "font", "dt")  # elements that hold a "索引号：" label
_BYLINE = re.compile(r"(时间|日期|来源)[:：]")


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
