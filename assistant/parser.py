"""File text → Document + clauses. Pure functions: no I/O, no model.

The outline is a mixed hierarchy detected line by line (第X章/条, 一、, （一）, 1., （1）, ①,
Markdown headings, ——group headings, short headlines). Nesting is learned from the order in
which numbering styles appear: a style already open in the current path closes everything
below it and starts a sibling; a new style opens a child. Lines with no marker continue the
clause before them, so sentences broken across page breaks stay whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Clause, Document, MetaField
from assistant.textnorm import fold

PARSER_VERSION = "16"  # 16: when a regulation takes effect ('本条例自2021年5月1日起施行') kept as metadata
# 13: a news heading printing a document, a publication note under it
# 12: PDF hanging indents and 1.5-spaced paragraphs joined

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
# A table's or figure's label alone on its line ('表1', '附表 2', '图3'): its caption is on the next line.
_BARE_TABLE_LABEL = re.compile(r"^(?:附\s*)?[表图]\s*[\d一二三四五六七八九十]{1,3}$")
_HEADING_STYLES = {"bian", "zhang", "jie", "tiao"}  # legal structure; items inside 条 stay in it
# An appendix in the body ('附录1：', '附件2 风险分析表', '附表'): a part of the document's top level, whatever was open.
_APPENDIX = re.compile(r"^(附\s*[录件表])\s*([\d一二三四五六七八九十]{0,3})\s*[:：]?\s*([^。；;，,]{0,40})$")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_DASH_GROUP = re.compile(r"^[—―－\-]{1,3}[ \t\u3000]*([^。，,；;：:]{2,30})。")
_LEAD_PHRASE = re.compile(r"^([^。，,、；;：:\s（()）]{4,20})。")

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

_META_KEYS = {
    "索引号": "index_number",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "发文单位": "issuer",
    "发文机关": "issuer",
    "发布机构": "issuer_fallback",
    "成文日期": "date",
    "发文日期": "date",
    "发布日期": "date_fallback",
    "标题": "title",
    "名称": "title",
}
_META_ONLY_KEYS = {"主题分类", "主题词", "信息分类", "时效", "有效性", "公开方式", "体裁分类", "组配分类", "服务对象"}
_KV_LINE = re.compile(r"^([^:：|]{2,8})[:：](.*)$")
_DOC_NUMBER = re.compile(r"^\S{1,12}[〔\[［(（]\d{4}[〕\]］)）]\d+[号號]$")
_ADOPTED_LINE = re.compile(r"^(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)[^。]{0,60}(通过|公布|发布|修订|修正|施行)$")
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:印发|印發)?$")
_ORG_SUFFIX = re.compile(r"(委员会|政府|办公室|办公厅|局|厅|委|院|中心|部|协会|会)$")
_DOC_KIND = re.compile(r"计划|方案|要点|意见|通知|条例|办法|规划|规定|情况|报告|纲要|决定|细则|工作|总结|行动|原则|指南|规范|要求")
# Lines of a document's head that are never its title: the attachment mark above it ('附件5', '附件 3'), a section
# number with dots ('6.1 临床试验…'), a reference ('[1]《…条例》'), a table row (cells split by tabs), a 'label：value',
# an official document's red masthead ('路桥区卫生局文件', '××市人民政府文件': the issuer, printed above the 文号 and title).
_NOT_TITLE = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[:：]?$|^\d+(?:\.\d+)+|^\[\d+\]|\t|^\S{1,8}[:：]\S"
                        r"|^\S{2,30}(?:局|委|厅|政府|委员会|办公室|办公厅|部|院|中心)文件$")
_ATTACHMENT_MARK = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[:：]?$")
# A title's last line may be a bracketed modifier of its own: （征求意见稿）, （试行）, （2022年修订版）.
_TITLE_MODIFIER = re.compile(r"^[（(][^（）()]{1,12}[）)]$")
# A line wholly in brackets saying who published it when: '(2016 年 10 月 25 日 中共中央、国务院发布)'.
_PUBLICATION_NOTE = re.compile(r"^[（(].*(?:发布|印发|通过|公布|施行|修订|修正)[^（）()]*[）)]$")
# A news heading over the document it prints: '中共中央 国务院印发《“健康中国2030”规划纲要》' — its title is the quoted one
# (a covering notice, '关于印发《…》的通知', keeps its own).
_PUBLISHED_BY = re.compile(r"^[（(]\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*([^（）()\d]{2,40}?)\s*(?:发布|印发|公布)\s*[)）]$")
_PRINTS_DOCUMENT = re.compile(r"^.{0,24}?(?:印发|发布|公布)《(.+)》$")

PREAMBLE = "前言"
_OPENS_WITH_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月")
_FIRST_NUMBERS = {"1", "一", "\u2460"}


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # the stripped line


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


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    clauses: tuple[Clause, ...]


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


def is_boilerplate(line: str) -> bool:
    folded = fold(line)
    return any(p.search(folded) for p in _BOILERPLATE)


def _meta_key(raw: str) -> str:
    return re.sub(r"\s+", "", fold(raw))


def parse_metadata_line(line: str) -> dict[str, str] | None:
    """Key/value pairs of a metadata row ('索 引 号 | X | …' or '文号: X'); None if it is not one."""
    if "|" in line or "｜" in line:
        cells = [c.strip(_WS) for c in re.split(r"[|｜]", line)]
        keys = [_meta_key(c) for c in cells]
        if not any(k in _META_KEYS or k in _META_ONLY_KEYS for k in keys):
            return None
        found = {}
        for i, key in enumerate(keys):
            if key in _META_KEYS and i + 1 < len(cells):
                nxt = keys[i + 1]
                if cells[i + 1] and nxt not in _META_KEYS and nxt not in _META_ONLY_KEYS:
                    found[_META_KEYS[key]] = cells[i + 1]
        return found
    m = _KV_LINE.match(line)
    if m and (_meta_key(m.group(1)) in _META_KEYS or _meta_key(m.group(1)) in _META_ONLY_KEYS):
        value = m.group(2).strip(_WS)
        key = _META_KEYS.get(_meta_key(m.group(1)))
        return {key: value} if key and value else {}
    return None


def _squash(text: str) -> str:
    return re.sub(rf"[{_WS}\s]+", "", text)


def _is_title_candidate(line: str) -> bool:
    return (
        4 <= len(line) <= 60
        and not _PUBLICATION_NOTE.match(line)
        and not _NOT_TITLE.search(line)
        and not _TITLE_MODIFIER.match(line)
        and line[-1] not in _TERMINAL + "：:，,"
        and not re.search(r"[，,]", line)
        and match_marker(line) is None
        and not _DATE_LINE.match(line)
        and not _DOC_NUMBER.match(line)
        and row_keys(line) is None
    )


def title_block(lines: list[Line], at: int) -> list[int]:
    """The lines of a title that starts or stands at line `at`: a title printed over two or three lines
    ('轮状病毒抗原检测试剂注册技术审查' / '指导原则', '…注册' / '审查指导原则（征求意见稿）'), with its bracketed
    modifier line ('（征求意见稿）'). A line joins while the title so far names no kind of document, or when it is
    such a modifier; a line before joins when it is a fragment naming no kind (not an issuer's name)."""
    block = [at]
    text = lines[at].text.strip()
    nxt = at + 1
    while nxt < len(lines) and len(block) < 4:
        following = lines[nxt].text.strip()
        unclosed = text.count("《") > text.count("》")  # '…印发《“健康中国 2030”规划' / '纲要》'
        if not following or not (_TITLE_MODIFIER.match(following) or (unclosed or not _ends_with_kind(text))
                                 and _continues_title(following)):
            break
        block.append(nxt)
        text += following
        nxt += 1
    before = at - 1
    if before >= 0:
        previous = lines[before].text.strip()
        if (previous and _is_title_candidate(previous) and not _DOC_KIND.search(fold(previous))
                and not _ORG_SUFFIX.search(fold(previous)) and len(previous) + len(text) <= 60
                and _starts_with_kind(text)):
            block.insert(0, before)
    return block


def _ends_with_kind(text: str) -> bool:
    return bool(re.search(f"(?:{_DOC_KIND.pattern})[)）]?$", fold(re.sub(r"[（(][^（）()]*[）)]$", "", text.strip()))))


def _starts_with_kind(text: str) -> bool:
    """A line that finishes a title begun above ('审查指导原则…', '指导原则（试行）'): a kind within its first words."""
    match = _DOC_KIND.search(fold(text))
    return match is not None and match.start() <= 10


def _continues_title(line: str) -> bool:
    """A short line that can be the rest of a title: no sentence, no number, date, 文号 or metadata."""
    return (len(line) <= 40 and line[-1] not in _TERMINAL + "：:，," and not re.search(r"[，,；;]", line)
            and match_marker(line) is None and not _NOT_TITLE.search(line) and not _DATE_LINE.match(line)
            and not _DOC_NUMBER.match(line) and row_keys(line) is None and _starts_with_kind(line))


def _joined(lines: list[Line], block: list[int]) -> str:
    return "".join(lines[i].text.strip() for i in block)


def choose_title(candidates: list[str], fallback: str) -> str:
    """The document's own title: a short line naming a kind of document, not a covering notice."""

    def score(item: tuple[int, str]) -> tuple[int, int]:
        pos, line = item
        folded = fold(line)
        covering = "印发" in folded and not _PRINTS_DOCUMENT.match(line)  # a notice covering another, not its heading
        points = (2 if _DOC_KIND.search(folded) else 0) - (3 if covering else 0)
        return (points, -pos)

    if not candidates:
        return fallback
    return max(enumerate(candidates), key=score)[1]


@dataclass
class _Scan:
    """Per-line roles found before the outline is built."""

    skip: set[int] = field(default_factory=set)  # boilerplate, metadata, title repeats, signatures
    meta: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # where each meta value stands in the file
    title: str = ""
    title_span: tuple[int, int] | None = None

    def record(self, key: str, value: str, line: Line) -> None:
        """Keep the first value of a key, with its offsets (the value is a substring of the line)."""
        if key in self.meta or not value:
            return
        self.meta[key] = value
        at = line.text.find(value)
        if at >= 0:
            self.spans[key] = (line.start + at, line.start + at + len(value))


def scan(lines: list[Line], source: str) -> _Scan:
    """First pass: boilerplate, metadata rows, signature blocks and the title."""
    result = _Scan()
    candidates: list[tuple[int, str]] = []
    md_title = None
    for i, line in enumerate(lines):
        text = line.text
        if not text:
            continue
        if is_boilerplate(text):
            result.skip.add(i)
            _read_byline(text, line, result)
            continue
        meta = parse_metadata_line(text)
        if meta is not None:
            result.skip.add(i)
            for key, value in meta.items():
                result.record(key, value, line)
            continue
        if _DOC_NUMBER.match(text):
            result.skip.add(i)
            result.record("doc_number", text, line)
            continue
        date = _DATE_LINE.match(text)
        if date:
            result.skip.add(i)
            result.record("signature_date", text.removesuffix("印发").removesuffix("印發"), line)
            prev = _previous_text_line(lines, i)
            if prev is not None and len(lines[prev].text) <= 30 and _ORG_SUFFIX.search(fold(lines[prev].text)):
                result.skip.add(prev)
                result.record("signature_issuer", lines[prev].text, lines[prev])
            continue
        published = _PUBLISHED_BY.match(text)
        if published:  # '(2016 年 10 月 25 日 中共中央、国务院发布)' under a title: when, and by whom
            result.skip.add(i)
            result.record("date", published.group(1), line)
            result.record("issuer", published.group(2), line)
            continue
        adopted = _ADOPTED_LINE.match(text)
        if adopted:  # a regulation's "2020年11月27日 …会议通过": its date, and the line; it stays clause text
            result.record("adopted_date", adopted.group(1), line)
            result.record("adopted", text, line)
        md = _MD_HEADING.match(text)
        if md and len(md.group(1)) == 1 and md_title is None:
            md_title = md.group(2).strip()
            result.skip.add(i)
            result.title_span = _span_in(line, md_title)
            continue
        if _is_title_candidate(text):
            candidates.append((i, text))
    # Signature lines can look like titles; drop the ones already claimed.
    candidates = [(i, t) for i, t in candidates if i not in result.skip]
    blocks = {i: title_block(lines, i) for i, _ in candidates}
    fallback = result.meta.get("title") or source
    if md_title:
        result.title = md_title
    else:
        result.title = choose_title([_joined(lines, blocks[i]) for i, _ in candidates], fallback)
        at = next((i for i, _ in candidates if _joined(lines, blocks[i]) == result.title), None)
        if at is None:
            result.title_span = result.spans.get("title")
        elif blocks[at][0] == blocks[at][-1]:
            result.title_span = _span_in(lines[at], result.title)
        else:  # a title printed on several lines: its span covers them, its text joins them
            first, last = lines[blocks[at][0]], lines[blocks[at][-1]]
            result.title_span = (first.start + len(first.text) - len(first.text.lstrip()), last.start + len(last.text.rstrip()))
            result.skip.update(blocks[at])
        printed = _PRINTS_DOCUMENT.match(result.title)
        if printed and at is not None and result.title_span is not None and "《" in lines[blocks[at][0]].text:
            first = lines[blocks[at][0]]
            start = first.start + first.text.index("《") + 1
            result.title, result.title_span = printed.group(1), (start, result.title_span[1] - 1)
        mark = _previous_text_line(lines, blocks[at][0]) if at is not None else None
        if mark is not None and _ATTACHMENT_MARK.match(lines[mark].text.strip()):
            result.skip.add(mark)  # '附件5' above the title marks the file, not a part holding every clause
            if re.search(r"[\d一二三四五六七八九十]", lines[mark].text):  # which attachment of its notice it is
                result.record("attachment", lines[mark].text.strip().rstrip(":："), lines[mark])
    _skip_title_repeats(lines, result)
    return result


_BYLINE_SOURCE = re.compile(r"来源[:：][ \t\u3000]*([^\s|｜]{4,30})")
_BYLINE_TIME = re.compile(r"时间[:：][ \t\u3000]*(\d{4}-\d{1,2}-\d{1,2})")


def _read_byline(text: str, line: Line, result: _Scan) -> None:
    """A web page's '时间:2023-03-01 … 来源:广州市卫生健康委员会': a fallback date and issuer."""
    source = _BYLINE_SOURCE.search(text)
    if source and _ORG_SUFFIX.search(fold(source.group(1))):
        result.record("issuer_fallback", source.group(1), line)
    when = _BYLINE_TIME.search(text)
    if when:
        result.record("date_fallback", when.group(1), line)


def _span_in(line: Line, value: str) -> tuple[int, int] | None:
    at = line.text.find(value)
    return (line.start + at, line.start + at + len(value)) if at >= 0 else None


def _previous_text_line(lines: list[Line], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j].text:
            return j
    return None


def _skip_title_repeats(lines: list[Line], result: _Scan) -> None:
    """The title (and a covering notice's title from the metadata) is not clause text."""
    titles = {_squash(result.title)}
    if result.meta.get("title"):
        titles.add(_squash(result.meta["title"]))
    for i, line in enumerate(lines):
        squashed = _squash(line.text)
        if squashed and (squashed in titles or any(len(squashed) >= 12 and t.startswith(squashed) for t in titles)):
            result.skip.add(i)


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


def parse_document(source: str, text: str, sha256: str = "", pages: tuple[int, ...] = (),
                   ocr_pages: tuple[int, ...] = ()) -> ParsedDocument:
    """The whole parse: metadata, title and every clause with exact offsets into `text`.

    `pages` and `ocr_pages` come from the format's reader (see assistant.ingest.Extracted) and are kept
    on the Document, so a citation can name its page."""
    lines = split_lines(text)
    scanned = scan(lines, source)
    nodes = _OutlineBuilder(lines, scanned).build()
    meta = scanned.meta
    issuer_key = _first_present(meta, "issuer", "signature_issuer", "issuer_fallback")
    date_key = _first_present(meta, "date", "signature_date", "date_fallback", "adopted_date")
    fields = _meta_fields(text, scanned, {"title": None, "issuer": issuer_key, "date": date_key,
                                          "doc_number": "doc_number", "index_number": "index_number",
                                          "attachment": "attachment", "adopted": "adopted"}) + _effective(text)
    document = Document(
        source=source,
        title=scanned.title,
        text=text,
        sha256=sha256,
        issuer=meta.get(issuer_key),
        date=_date_only(meta.get(date_key)),
        doc_number=meta.get("doc_number"),
        index_number=meta.get("index_number"),
        fields=fields,
        pages=tuple(pages),
        ocr_pages=tuple(ocr_pages),
    )
    clauses = []
    for node in nodes:
        label = node_label(node)
        path = tuple(n.heading for n in node.ancestors()) or (node.heading,)
        segments = [(s, e) for s, e in node.segments if e > s]
        for part, (start, end) in enumerate(segments):
            page = document.page_at(start) or 0
            clauses.append(
                Clause(source, label, path, node.title or label, text[start:end], start, end, part, len(segments),
                       page=page, ocr=page in document.ocr_pages)
            )
    return ParsedDocument(document, tuple(clauses))


# When a regulation or rule takes effect, in its closing article: '本条例自2021年5月1日起施行', '自发布之日起施行'.
_TAKES_EFFECT = re.compile(r"自\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[公发颁]布之日|印发之日)\s*起\s*(?:施行|生效)")


def _effective(text: str) -> tuple[MetaField, ...]:
    """The last statement of when the document takes effect (an amended regulation states it once, at its end)."""
    found = list(_TAKES_EFFECT.finditer(text))
    return (MetaField("effective", found[-1].group(), found[-1].start(), found[-1].end()),) if found else ()


def _first_present(meta: dict[str, str], *keys: str) -> str | None:
    return next((k for k in keys if meta.get(k)), None)


def _meta_fields(text: str, scanned: _Scan, keys: dict[str, str | None]) -> tuple[MetaField, ...]:
    """Each metadata value with its offsets in the file; a value found nowhere exactly is left out."""
    fields = []
    for name, key in keys.items():
        span = scanned.title_span if name == "title" else scanned.spans.get(key) if key else None
        if span is None:
            continue
        start, end = span
        value = text[start:end]
        if name == "date":  # "2023-09-14 10:55:56" → the day only
            value = _date_only(value) or value
            end = start + len(value)
        fields.append(MetaField(name, value, start, end))
    return tuple(fields)


def _date_only(value: str | None) -> str | None:
    """The day of a date, without a time of day ('2023-09-14 10:55:56'); a date spaced as printed
    ('2016 年 10 月 25 日') stays whole."""
    if not value:
        return None
    value = re.sub(r"\s+\d{1,2}:\d{2}(?::\d{2})?\s*$", "", value)
    return re.sub(r"\s+(?:星期|周)[一二三四五六日天]\s*$", "", value).strip()
