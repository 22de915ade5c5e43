"""Figures stated in sentences and lists: "2022 年，孕产妇死亡率降到18/10 万，婴儿死亡率降到7‰…" (pure).

Each figure is read with the words before it back to the last comma or figure (its indicator), the last year
stated before it in the clause (a year stated once for a list applies to the whole list), and the words
around it that say what kind of figure it is. A value stated once for several indicators ("预警预报率、
报告及时率、处置及时率100%", "…各2家", "…分别下降到8.1‰、10.7‰和20.1/10万") gives one record per indicator.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.targets.context import DocumentContext
from assistant.targets.values import Figure, figures

_BREAK = set(",;。:!?")  # folded: ，；： are , ; :
_HEADING = 16  # characters: a line this short, ended by a line break, is a heading, not a sentence wrapped
_SENTENCE_END = set("。;!?")
_YEAR = re.compile(r"(?:(?<=[^比较与])|^)(20\d\d)\s*年(?!\s*(?:\d|版|月|度|以来|相比|为基))")
_PERIOD = re.compile(r"(20\d\d)\s*[-—–~～至]\s*(20\d\d)\s*年(?!\s*(?:\d|月))")
_EVERY = re.compile(r"每年|十[一二三四五六七八九]五(?:”)?(?:期间|时期)?")
_LEAD = re.compile(r"^(?:[、和及与并,]|到|至少|至(?!少)|在|于|力争|确保|实现|进一步|全面|基本|推动|其中|同时|年内|年底|底|"
                   r"\s|“|”|\)|\(|完成|达成|做实|继续|使|"
                   # a list item's marker ('（2）最终临床诊断为肺结核患者的病例…', '③…'): no part of the name
                   r"\d{1,2}\)|[①-⑳])+")
# Words between an indicator and its figure: they set the comparator (values.py) or say nothing of the indicator.
_TAIL = re.compile(r"(?:达到了?|降到|降至|降低到|下降到|提升到|提高到|提高|降低|下降|上升到|增加到|增至|扩大到|控制在|控制到|保持在|"
                   r"稳定在|维持在|为|达|不低于|不少于|不高于|不超过|至少|超过|高于|低于|约|接近|预估|均|各|分别|都|共|累计|"
                   # a requirement's modal and sign ('阳性检出率应≥95%'): how the figure binds, not what it is of
                   r"应当?|须|需|要|≥|≤|＞|＜|>|<|大于|小于|不大于|不小于|"
                   r"有|在|由|从|的|，|,|\s|“|”)+$")
_VERB_END = re.compile(r"(?:创建|新建|改扩建|建设|建成|培养|引进|招聘|培育|打造|形成|组建|设立|配备|储备|推出|发放|接收|聘请|新增|"
                       r"培训|开展|实施|建立|覆盖|指导创建|提升|做实|实现|确保|为|对|与|在|以|完成|有|确定|遴选|选树|支持)$")
_NOUN_STOP = re.compile(r"达到|达|建成|开展|实现|完成|提供|参与|能|建立|接入|进行|实施|纳入|覆盖|全部|均|创成|为|作为|的$")
_SCOPE = re.compile(r"^(全[省市县区国州]|我国|本市|本区|本县|广州地区|全人群|(?:每个|所有|各)[^\s,，的至有]{1,20}?(?=至少|有|建|设|配|都|均|[0-9]|$))")
_ACHIEVED = re.compile(r"已达|已经|已有|已建成|已申报|累计|截至目前|目前")
_BASE = re.compile(r"^\s*(?:增至|增加到|提高到|上升到|下降到|降至|增长到)")
# A count right after a whole ('全区共有11个社区卫生服务中心', '全市11个区、176个街(镇)'): what the whole has, a
# description, not an aim; the items listed with it by 、 are its parts.
_WHOLE = re.compile(r"全[省市县区国州](?:共有|现有|下辖|辖|共|有)?\s*$")
_LISTED = re.compile(r"^[^,;。:!?、]{0,8}、\s*$")
_COUNTED = re.compile(r"^[个家所名座张]$")


@dataclass(frozen=True)
class Found:
    """A figure of a clause with what was read around it; offsets are the clause's."""

    figure: Figure
    indicator: str
    scope: str
    year: str
    kind: str
    statement: str


def read_prose(view: str, skip: list[tuple[int, int]], context: DocumentContext) -> list[Found]:
    """The figures of one clause's text (its `view`), outside the spans in `skip` (its table rows)."""
    found: list[Found] = []
    spans = _outside(len(view), skip)
    for lo, hi in spans:
        figs = [f for f in figures(view, lo, hi) if not _explains(view, lo, hi, f)]
        pending: list[str] = []  # indicators named before 分别 still waiting for their figures
        described = False  # the figure before was a count of what a whole has
        respective: tuple[tuple[str, ...], str, str] | None = None  # years listed, indicator, scope of '分别 A 和 B'
        step = 0  # which of those years the figure before was given
        for i, fig in enumerate(figs):
            if respective and i and _JOINED.match(view[figs[i - 1].end:fig.start]) and step + 1 < len(respective[0]):
                # '到2022年和2030年，…优良率分别达到50%及以上和60%及以上': the next year's figure of the same indicator
                step += 1
                year = respective[0][step]
                found.append(Found(fig, respective[1], respective[2], year,
                                   _kind(view, fig, "", year, context), "list"))
                continue
            respective = None
            if not context.reports and _COUNTED.match(fig.unit) and (
                    _WHOLE.search(view[lo:fig.start]) or described and _LISTED.match(view[figs[i - 1].end:fig.start])):
                described = True
                continue
            described = False
            prev_end = figs[i - 1].end if i and _same_sentence(view, figs[i - 1].end, fig.start) else lo
            left_from = max(prev_end, _last_break(view, lo, fig.start) + 1)
            raw_left = view[left_from:fig.start]
            left = _clean(raw_left)
            scope = ""
            m = _SCOPE.match(left)
            if m and (len(left) > len(m.group(1)) or m.group(1).startswith(("每个", "所有", "各"))):
                scope, left = m.group(1), _clean(left[m.end():])  # 每个乡镇卫生院有1-2名…: the noun after names it
            pieces = [left]
            if not left and found and i and _BASE.match(raw_left) and found[-1].figure == figs[i - 1]:
                # 由42家增至44家: the new figure is of the indicator the old one was
                scope, pieces = found[-1].scope, [found[-1].indicator]
            elif pending and not left:
                pieces = [pending.pop(0)]
            elif left and re.search(r"[、和]", left) and (_shared(raw_left) or _all_rates(left)):
                pieces = _share_tail([p for p in re.split(r"、|和", left) if p.strip()])
                if re.search(r"分别", raw_left) and len(pieces) > 1:
                    pending = pieces[1:]
                    pieces = pieces[:1]
            if not pieces[0] or _VERB_END.search(pieces[0]) or pieces[0] in ("", "其中"):
                noun = _noun_after(view, fig.end, figs[i + 1].start if i + 1 < len(figs) else hi)
                if noun:
                    pieces = [(pieces[0] if _VERB_END.search(pieces[0] or "") and len(pieces[0]) <= 6 else "") + noun]
            if not pieces[0]:
                continue
            stated = _year(view, lo, fig)
            listed = _listed_years(view[lo:fig.start], stated) if "分别" in raw_left and len(pieces) == 1 else ()
            if len(listed) > 1 and not pending:
                stated, respective, step = listed[0], (listed, _tidy(pieces[0]), scope), 0
            year = stated or context.period
            kind = _kind(view, fig, raw_left, year, context)
            if kind == "baseline" and not stated:
                year = ""  # 在7类13种大病的基础上: where the plan starts from, not a figure of the period it aims over
            if kind == "baseline" and _BASE.match(view[fig.end:fig.end + 12]):
                year = ""  # 由42家增至44家: the year stated is the new figure's; the old one's is not said
            in_sentence = sum(1 for f in figs if _same_sentence(view, min(f.start, fig.start), max(f.start, fig.start)))
            statement = "list" if len(pieces) > 1 or pending or in_sentence > 1 else "sentence"
            for piece in pieces:
                found.append(Found(fig, _tidy(piece), scope, year, kind, statement))
    return found


def _explains(view: str, lo: int, hi: int, fig: Figure) -> bool:
    """A figure in a note that defines or explains a measure (说明：…, 计算方法：… ×100%) states no target."""
    a = max((view.rfind(c, lo, fig.start) for c in _SENTENCE_END), default=-1) + 1
    b = min([i for i in (view.find(c, fig.end, hi) for c in _SENTENCE_END) if i >= 0] or [hi])
    sentence = view[max(a, lo):b]
    return bool(re.search(r"说明:|计算方法|×100%|是指|定义为", sentence))


def _outside(size: int, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans, at = [], 0
    for a, b in sorted(skip):
        if a > at:
            spans.append((at, a))
        at = max(at, b)
    if at < size:
        spans.append((at, size))
    return spans


def _last_break(view: str, lo: int, at: int) -> int:
    for i in range(at - 1, lo - 1, -1):
        if view[i] in _BREAK:
            return i
        if view[i] == "\n" and 0 < len(view[view.rfind("\n", lo, i) + 1:i].strip()) <= _HEADING:
            return i  # '一、总体目标' above the sentence (a blank line is a wrapped paragraph's, in some files)
    return lo - 1


def _same_sentence(view: str, a: int, b: int) -> bool:
    return not any(c in _SENTENCE_END for c in view[a:b])


def _clean(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = _YEAR.sub("", _PERIOD.sub("", text))
    text = _EVERY.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _LEAD.sub("", text)
        text = _TAIL.sub("", text)
    return text


def _tidy(text: str) -> str:
    return re.sub(r"^(?:\(?\d{1,2}\)|[①-⑳])", "", re.sub(r"\s+", "", text).strip("、,，:：“”"))


def _shared(raw_left: str) -> bool:
    """The figure is said of each indicator before it: …各2家, …均比上一年度提高, …分别下降到, 两个“90%”."""
    return bool(re.search(r"(?:各|均|分别|都|两个|三个)\s*“?\s*$|分别|均比|均达", raw_left))


_MEASURE = re.compile(r"(?:率|数|水平|比例|比重|占比)$")


def _share_tail(pieces: list[str]) -> list[str]:
    """Parallel heads listed before one measure ('小学生、初中生、高中生视力不良检出率', '城市、农村孕产妇死亡率'): each
    head is of that measure. Only when the heads before the last are of one length, so the last head is known: two
    heads or more, or one of two characters ('城市、农村'); one longer head may be another length than the last
    ('乡镇卫生院、村卫生室标准化建设达标率')."""
    *heads, last = pieces
    if not heads or len({len(h) for h in heads}) != 1 or any(_MEASURE.search(h) for h in heads) \
            or len(heads) == 1 and len(heads[0]) > 2:
        return pieces
    tail = last[len(heads[0]):]
    if len(tail) < 2 or not _MEASURE.search(tail):
        return pieces
    return [h + tail for h in heads] + [last]


def _all_rates(left: str) -> bool:
    pieces = [p for p in re.split(r"、", left) if p]
    return len(pieces) > 1 and all(p.endswith(("率", "比例")) for p in pieces)


def _noun_after(view: str, at: int, hi: int) -> str:
    """The noun a figure counts when the words before it name none: 培育创建80个【国家临床重点专科项目】."""
    text = view[at:hi]
    end = next((i for i, c in enumerate(text) if c in _BREAK or c == "、"), len(text))
    text = re.sub(r"\s+", "", text[:end]).lstrip("的")
    stop = _NOUN_STOP.search(text)
    if stop and stop.start() > 1:
        text = text[:stop.start()]
    return text[:24] if len(re.findall(r"[\u4e00-\u9fff]", text)) >= 2 else ""


def _year(view: str, lo: int, fig: Figure) -> str:
    """The year in brackets right after the figure (…83.18岁(2021年)), else the last year or period stated before it
    in the clause ("" when none is: the caller may take the period the document's title states)."""
    after = re.match(r"\s*[(（]\s*(20\d\d)\s*年\s*[)）]", view[fig.end:fig.end + 12])
    if after:
        return after.group(1)
    best, best_at = "", -1
    before = view[lo:fig.start]
    for m in _PERIOD.finditer(before):
        if m.start() > best_at and _not_compared(before, m.start()):
            best, best_at = f"{m.group(1)}—{m.group(2)}", m.start()
    for m in _YEAR.finditer(before):
        inside_period = any(p.start() <= m.start() < p.end() for p in _PERIOD.finditer(before))
        if m.start() > best_at and not inside_period and _not_compared(before, m.start()) and not _in_title(before, m.start()):
            best, best_at = m.group(1), m.start()
    for m in _EVERY.finditer(before):
        if m.start() > best_at:
            best, best_at = ("每年" if m.group(0) == "每年" else m.group(0)[:3]), m.start()
    return best


# Years listed for figures given 分别, in the same order: '到 2022 年和 2030 年，…分别达到 50% 和 60%'.
_YEAR_LIST = re.compile(r"(20\d\d)\s*年?(?:\s*(?:[和、及与]|以及)\s*(20\d\d)\s*年?)+")
_JOINED = re.compile(r"^\s*(?:及以[上下]|以[上下内])?\s*(?:和|、|及|以及|与)\s*$")


def _listed_years(before: str, stated: str) -> tuple[str, ...]:
    """The years of a list ending in the year `stated` when that list is the last year said before the figure
    ('2022年和2030年'); () otherwise."""
    lists = [m for m in _YEAR_LIST.finditer(before) if _not_compared(before, m.start())]
    if not stated or not lists:
        return ()
    last = lists[-1]
    years = tuple(re.findall(r"20\d\d", last.group(0)))
    later = re.search(r"20\d\d", before[last.end():])
    return years if years[-1] == stated and not later else ()


def _not_compared(text: str, at: int) -> bool:
    """比2015年降低10%: 2015 is what the figure is compared with, not its year."""
    return not re.search(r"(?:比|较|与|自|从|截至|截止)\s*$", text[max(0, at - 3):at])


def _in_title(text: str, at: int) -> bool:
    return text.count("《", 0, at) > text.count("》", 0, at)


def _kind(view: str, fig: Figure, raw_left: str, year: str, context: DocumentContext) -> str:
    after = view[fig.end:fig.end + 12]
    if _BASE.match(after) and re.search(r"[由从]", raw_left) or re.match(r"[^,;。]{0,10}基础上", after):
        return "baseline"
    if year[:4].isdigit() and context.year is not None:
        if int(year[:4]) > context.year:
            return "target"
        if int(year[:4]) < context.year and "—" not in year:
            return "achieved"
    if context.reports or _ACHIEVED.search(raw_left):
        return "achieved"
    return "target"
