"""One line of a file's text: its offsets, and what the line alone says — the outline number it opens with,
whether it is a table row as the readers write them, whether it is web or notice boilerplate."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.textnorm import fold

_WS = " \t\r\u3000\xa0\ufeff"
_CN_NUM = "一二三四五六七八九十百千零〇两"
_TERMINAL = "。！？!?；;…"

# Numbering markers, tried in order on a line's stripped text. Each names a style.
_MARKERS: list[tuple[str, re.Pattern]] = [
    ("bian", re.compile(rf"^第([{_CN_NUM}\d]+)编(?=[{_WS}]|$)")),
    ("zhang", re.compile(rf"^第([{_CN_NUM}\d]+)章(?=[{_WS}]|$)")),
    ("jie", re.compile(rf"^第([{_CN_NUM}\d]+)节(?=[{_WS}]|$)")),
    ("tiao", re.compile(rf"^第([{_CN_NUM}\d]+)条(?=[{_WS}]|$)")),
    ("cn", re.compile(rf"^([{_CN_NUM}]{{1,4}})[、．.](?!\d)")),
    ("paren_cn", re.compile(rf"^[（(]([{_CN_NUM}]{{1,4}})[）)]")),
    ("arabic", re.compile(r"^(\d{1,3})(?:[.．](?!\d)|、)")),
    ("paren_arabic", re.compile(r"^[（(](\d{1,3})[）)]")),
    ("circled", re.compile(r"^([\u2460-\u2473])")),
]
_HEADING_STYLES = {"bian", "zhang", "jie", "tiao"}  # legal structure; items inside 条 stay in it
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")

_BOILERPLATE = [
    re.compile(p)
    for p in (
        r"^扫一扫|^扫描二维码|^用手机扫",
        r"^(相关主题|相关文档|最新文档|相关链接|相关阅读|相关新闻|城市站点|详细内容|分享|分享到.*|打印|关闭|"
        r"【打印】|【关闭】|返回顶部|字号.*|无附件|附件[:：]?无)$",
        r"^[（(]?声明[:：)）]",
        r"^(时间|发布时间|人气|来源|作者|概述|浏览次数|点击数|阅读次数)[:：]",
        r"^>",
        r"^[|｜\s]+$",
        r"^[（(][^（()）]*(公开|此件)[^（()）]*[）)]$",
        r"^<!--.*-->$",
        r"^[-—–]\s*\d+\s*[-—–]$",
        r"^抄送[:：]",  # the distribution list at a notice's end: not a clause
        r"^[（(【]?(此件)?(不予?公开|公开发布|主动公开|依申请公开)[）)】]?$",
    )
]


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # the stripped line


def split_lines(text: str) -> list[Line]:
    """Every line with the offsets of its stripped content (blank lines have start == end)."""
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lead = len(body) - len(body.lstrip(_WS))
        stripped = body.strip(_WS)
        lines.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw)
    return lines


def match_marker(line: str) -> tuple[str, str, str] | None:
    """(style, number, rest of the line) when the line opens with an outline number."""
    for style, pattern in _MARKERS:
        m = pattern.match(line)
        if m:
            return style, m.group(1), line[m.end() :].lstrip(_WS)
    return None


# A table row as the readers write it (`table_row_text`): "表头：值；表头：值…". Each row is a clause of
# its own (label: the section's + 表N行M), never a heading, never a numbered item of the outline.
_ROW_KEY = r"[^：；。，,\s][^：；。，,]{0,19}"
_ROW_START = re.compile(rf"^{_ROW_KEY}：")
_ROW_NEXT = re.compile(rf"；({_ROW_KEY})：")


def row_keys(line: str) -> tuple[str, ...] | None:
    """The column names of a table-row line, or None when the line is not one (at least two
    '表头：' pairs, the first at the start)."""
    first = _ROW_START.match(line)
    if not first or match_marker(line) is not None:
        return None
    rest = _ROW_NEXT.findall(line)
    return (first.group(0)[:-1], *rest) if rest else None


def table_rows(lines: list[Line]) -> set[int]:
    """Indexes of the lines that are table rows: a line naming three or more columns, or two when the
    line next to it names the same first column (prose such as '外观：…；无菌：…' rarely does either)."""
    keys = [row_keys(line.text) if line.text else None for line in lines]
    texts = [i for i, line in enumerate(lines) if line.text]
    rows = set()
    for n, i in enumerate(texts):
        if keys[i] is None:
            continue
        neighbours = [keys[texts[m]] for m in (n - 1, n + 1) if 0 <= m < len(texts)]
        if len(keys[i]) >= 3 or any(k is not None and k[0] == keys[i][0] for k in neighbours):
            rows.add(i)
    return rows


def is_boilerplate(line: str) -> bool:
    folded = fold(line)
    return any(p.search(folded) for p in _BOILERPLATE)
