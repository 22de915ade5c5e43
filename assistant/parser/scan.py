"""First pass over a file's lines: the roles found before the outline is built — boilerplate and metadata rows
(索引号, 文号, 发文机关 …), a signature's issuer and date, publication notes, and the document's title, each value
with its offsets in the file. What is claimed here is skipped by the outline."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.parser.lines import _MD_HEADING, _TERMINAL, _WS, Line, is_boilerplate, match_marker, row_keys
from assistant.textnorm import fold

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
