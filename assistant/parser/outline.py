"""Second pass: the lines the scan left, as a tree of nodes (numbered parts, Markdown and news headings, groups,
appendices, table rows, the preamble), each with the spans of its own text; and each node's label as a citation
writes it ('二（二）4', '第三条', '三（二）表1行3')."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.parser.lines import _HEADING_STYLES, _MD_HEADING, _TERMINAL, _WS, Line, match_marker, table_rows
from assistant.parser.scan import _Scan

# A table's or figure's label alone on its line ('表1', '附表 2', '图3'): its caption is on the next line.
_BARE_TABLE_LABEL = re.compile(r"^(?:附\s*)?[表图]\s*[\d一二三四五六七八九十]{1,3}$")
# An appendix in the body ('附录1：', '附件2 风险分析表', '附表'): a part of the document's top level, whatever was open.
_APPENDIX = re.compile(r"^(附\s*[录件表])\s*([\d一二三四五六七八九十]{0,3})\s*[:：]?\s*([^。；;，,]{0,40})$")
_DASH_GROUP = re.compile(r"^[—―－\-]{1,3}[ \t\u3000]*([^。，,；;：:]{2,30})。")
_LEAD_PHRASE = re.compile(r"^([^。，,、；;：:\s（()）]{4,20})。")

PREAMBLE = "前言"
_OPENS_WITH_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月")
_FIRST_NUMBERS = {"1", "一", "\u2460"}


@dataclass
class _Node:
    style: str
    component: str  # this node's part of the label, e.g. "（二）"
    heading: str  # this node's part of the path, e.g. "（二）持续提升医疗服务能力"
    title: str
    parent: "_Node | None"
    segments: list[list[int]] = field(default_factory=list)  # [start, end] spans of its own text

    def ancestors(self) -> list["_Node"]:
        chain, node = [], self
        while node is not None and node.style != "root":
            chain.append(node)
            node = node.parent
        return chain[::-1]


def label_component(style: str, number: str) -> str:
    return {
        "bian": f"第{number}编",
        "zhang": f"第{number}章",
        "jie": f"第{number}节",
        "tiao": f"第{number}条",
        "cn": number,
        "paren_cn": f"（{number}）",
        "arabic": number,
        "paren_arabic": f"（{number}）",
        "circled": number,
    }[style]


def heading_marker(style: str, number: str) -> str:
    """How a number is written in a path: normalised full-width forms."""
    if style in ("cn",):
        return number + "、"
    if style == "arabic":
        return number + "."
    if style in _HEADING_STYLES:
        return label_component(style, number) + " "
    return label_component(style, number)


def short_title(rest: str, limit: int = 30) -> str:
    """A clause's title: its first phrase when short, else its opening characters."""
    rest = re.sub(rf"[{_WS}]+", " ", rest).strip()
    if len(rest.replace(" ", "")) <= 6:  # spaced-out chapter names: 总　　则 → 总则
        rest = rest.replace(" ", "")
    m = re.match(r"^(.+?)[。；;：:]", rest)
    head = m.group(1) if m else rest
    return head if len(head) <= limit else head[: limit - 10].rstrip() + "…"


class _OutlineBuilder:
    """Second pass: turn classified lines into a tree of nodes with text segments."""

    def __init__(self, lines: list[Line], scanned: _Scan):
        self.lines = lines
        self.scanned = scanned
        self.root = _Node("root", "", "", "", None)
        self.stack: list[_Node] = [self.root]
        self.nodes: list[_Node] = []
        self.current: _Node | None = None  # the node that continuation lines belong to
        self.open_segment = False
        self.group_suffixes = self._dash_group_suffixes()
        self.rows = table_rows(lines)
        self.tables = 0  # tables met so far; a row's label names its table and its place in it
        self.row_in_table = 0

    def _dash_group_suffixes(self) -> set[str]:
        suffixes = set()
        for line in self.lines:
            m = _DASH_GROUP.match(line.text)
            if m and len(m.group(1)) >= 2:
                suffixes.add(m.group(1)[-2:])
        return suffixes

    def build(self) -> list[_Node]:
        for i, line in enumerate(self.lines):
            if not line.text:
                continue
            if i in self.scanned.skip and i not in self.rows:
                self.open_segment = False
                continue
            if i in self.rows:
                self._open_row(i, line)
                continue
            opened = self._open_node(i, line)
            if not opened:
                self._continue(line)
        return self.nodes

    def _open_row(self, i: int, line: Line) -> None:
        """A table row: a clause of its own under the section the table stands in, never on the stack
        (what follows the table is the section's text again, not the row's)."""
        if self.current is None or self.current.style != "row" or self.row_in_table == 0:
            self.tables += 1
            self.row_in_table = 0
        self.row_in_table += 1
        component = f"表{self.tables}行{self.row_in_table}"
        first = line.text.split("；", 1)[0]
        title = short_title(first.split("：", 1)[1] if "：" in first else first)
        node = _Node("row", component, component, title or component, self.stack[-1])
        node.segments.append([line.start, line.end])
        self.nodes.append(node)
        self.current, self.open_segment = node, True

    def _inside_article(self) -> bool:
        return any(n.style == "tiao" for n in self.stack)

    def _open_node(self, i: int, line: Line) -> bool:
        spec = self._classify(i, line)
        if spec is None:
            return False
        style, component, heading, title = spec
        if style == "appendix":  # an appendix closes every part before it
            del self.stack[1:]
        if style in _HEADING_STYLES:  # legal structure never nests under a news-style headline
            while self.stack[-1].style == "headline":
                self.stack.pop()
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].style == style:
                del self.stack[depth:]
                break
        node = _Node(style, component, heading, title, self.stack[-1])
        node.segments.append([line.start, line.end])
        self.stack.append(node)
        self.nodes.append(node)
        self.current, self.open_segment = node, True
        return True

    def _classify(self, i: int, line: Line) -> tuple[str, str, str, str] | None:
        text = line.text
        md = _MD_HEADING.match(text)
        if md:
            inner = md.group(2).strip()
            marker = match_marker(inner)
            if marker and marker[0] in _HEADING_STYLES:
                return self._numbered(*marker)
            return (f"md{len(md.group(1))}", "", _collapse(inner), _collapse(inner))
        appendix = _APPENDIX.match(text)
        if appendix:
            component = re.sub(r"\s+", "", appendix.group(1)) + appendix.group(2)
            rest = appendix.group(3).strip() or self._caption_after(i)  # '附件2' over its own title
            return ("appendix", component, (component + (" " + rest if rest else "")).strip(), rest)
        marker = match_marker(text)
        if marker and not (self._inside_article() and marker[0] not in _HEADING_STYLES):
            return self._numbered(*marker)
        dash = _DASH_GROUP.match(text)
        if dash:
            return ("group", "", dash.group(1), dash.group(1))
        lead = _LEAD_PHRASE.match(text)
        if lead and lead.group(1)[-2:] in self.group_suffixes:
            return ("group", "", lead.group(1), lead.group(1))
        if self._is_headline(i, line):
            heading = _collapse(text)
            if _BARE_TABLE_LABEL.match(heading):  # '表1' over its caption: the table is known by both
                caption = self._caption_after(i)
                heading = f"{heading} {caption}" if caption else heading
            return ("headline", "", heading, heading)
        return None

    def _caption_after(self, i: int) -> str:
        """The short line naming a table whose label stands alone on the line above it ('表1' / '已用于病毒清除
        研究的病毒举例'), so its rows' headings say what the table is of; '' when the next line is no caption."""
        j = next((k for k in range(i + 1, len(self.lines)) if self.lines[k].text), None)
        if j is None or j in self.rows:
            return ""
        caption = self.lines[j].text.strip()
        if len(caption) > 40 or caption[-1] in _TERMINAL + "，,：:" or match_marker(caption) is not None:
            return ""
        return _collapse(caption)

    def _numbered(self, style: str, number: str, rest: str) -> tuple[str, str, str, str]:
        title = short_title(rest) if rest else ""
        component = label_component(style, number)
        if style == "tiao":  # an article is cited by its number; its first words are no heading
            return (style, component, component, title)
        return (style, component, (heading_marker(style, number) + title).strip(), title)

    def _is_headline(self, i: int, line: Line) -> bool:
        """A short unnumbered line between finished paragraphs, followed by body text (news style)."""
        text = line.text
        if len(text) > 50 or text[-1] in _TERMINAL + "，,、：:" or self._inside_article():
            return False
        if re.search(r"[，,；;。]", text) or _OPENS_WITH_DATE.match(text):  # phrases, not sentences or datelines
            return False
        j = next((k for k in range(i + 1, len(self.lines)) if self.lines[k].text), None)
        if j is None or j in self.rows:  # a table's caption stays the section's text
            return False
        nxt = self.lines[j]
        marker = match_marker(nxt.text)
        if marker is None:
            return len(nxt.text) > len(text)
        # Before a list that starts afresh ("1." with no "1." list open) it is the list's heading;
        # before the next item of an open list it is a sentence broken by a page break.
        return marker[1] in _FIRST_NUMBERS and all(n.style != marker[0] for n in self.stack)

    def _continue(self, line: Line) -> None:
        if self.current is not None and self.current.style == "row":  # after a table: the section's text
            self.row_in_table = 0
            parent = self.stack[-1]
            self.current = parent if parent.style != "root" else None
            self.open_segment = False
        if self.current is None:
            self.current = _Node("preamble", PREAMBLE, PREAMBLE, PREAMBLE, self.root)
            self.nodes.append(self.current)
            self.open_segment = False
        if self.open_segment:
            self.current.segments[-1][1] = line.end
        else:
            self.current.segments.append([line.start, line.end])
            self.open_segment = True


def _collapse(text: str) -> str:
    return re.sub(rf"[{_WS}]+", " ", text).strip()


def node_label(node: _Node) -> str:
    """Numbers from the top down ('二（二）4'); articles stand alone ('第三条'); headings by name."""
    if node.style == "tiao":
        return node.component
    chain = node.ancestors()
    if node.style == "row":  # the section's label, then the row's place: '三（二）表1行3', '第五条表1行2'
        article = next((n for n in reversed(chain) if n.style == "tiao"), None)
        if article is not None:
            return article.component + node.component
    label = "".join(n.component for n in chain)
    if not node.component:
        parent = "".join(n.component for n in chain[:-1])
        label = f"{parent}·{node.title[:12]}" if parent else node.title[:16]
    return label
