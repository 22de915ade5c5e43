"""Figures as plans write them: a number, its unit and the words that make it a bound (pure).

Every pattern runs over a *view* of the text: the text script- and width-folded (`textnorm.fold`) when folding
keeps its length, so one pattern reads 個 as 个 and ％ as %, while every offset still points into the
original characters (`document.text[start:end] == value` is what a citation needs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.textnorm import fold

# The units a target is counted in. Money (元, 万元) is left out on purpose: no plan states a budget as a
# target, and 投入650万元 read as one would be noise. 条/批/版/期 number things, they count nothing aimed at.
COUNT_UNITS = ("个百分点", "人次", "大类", "平方米", "m2", "m²", "㎡", "万亩", "床位", "个", "名", "家", "所", "人", "种", "类", "张", "台",
               "间", "本", "项", "次", "级", "例", "亩", "辆", "支", "座", "户", "床", "岁")
# Grams are left to tables, whose headers name them ("人均每日食盐摄入量（g）"): in prose "5G" is a network.
TIME_UNITS = ("分钟", "小时", "公里")  # a service radius or a time to arrive (平均10分钟到达)
RATE_UNITS = ("%", "‰")

_NUM = r"\d+(?:\.\d+)?"
_SP = r"[ \t\u3000]*"  # PDFs and some web pages put spaces between a number and its unit ("2.5 人", "18/10 万")
# A range (1-2家, 15至20个, 25～30), a fraction (1/3), a rate per 10 万 (18/10万), or one number.
_AMOUNT = rf"{_NUM}(?:{_SP}(?:[-—–~～至到]){_SP}{_NUM}(?!{_SP}年)|/{_SP}10{_SP}万(?:{_SP}人)?|/{_SP}(?:千人|万人)|/{_SP}\d+(?![\d./]))?"
_MULT = r"(?:万亿|万|亿)"
_UNIT = "|".join(re.escape(u) for u in sorted(COUNT_UNITS + TIME_UNITS + RATE_UNITS, key=len, reverse=True))
_AFTER = r"(?:及以上|以上|以下|以内|左右)"
# The value as the gold convention writes it: number, multiplier, 余, unit, and a comparator glued after it.
VALUE = re.compile(rf"(?<![\d.a-zA-Z/])(?P<amount>{_AMOUNT})(?P<more>余)?{_SP}(?P<mult>{_MULT})?{_SP}(?P<unit>{_UNIT})?"
                   rf"(?(unit)(?P<per>/{_SP}(?:千人|万人|百人|10{_SP}万人?))?)(?P<after>{_SP}{_AFTER})?")

# Words before a value that set its comparator (they are not part of the value).
BEFORE = (("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("超过", ">="), ("高于", ">="), ("超", ">="), ("大于", ">="),
          ("不高于", "<="), ("不超过", "<="), ("低于", "<="), ("控制在", "<="), ("控制到", "<="), ("少于", "<="),
          ("小于", "<="), ("约", "~"), ("接近", "~"), ("预估", "~"), ("左右", "~"))
AFTER = {"及以上": ">=", "以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}
SYMBOLS = {"≥": ">=", "＞": ">=", ">": ">=", "≤": "<=", "＜": "<=", "<": "<="}


@dataclass(frozen=True)
class Figure:
    """One figure found in a view: where it stands and what it says."""

    start: int
    end: int
    number: float
    unit: str  # 万/亿 multipliers stay here (30万 -> 30.0, "万"; 18/10万 -> 18.0, "/10万")
    comparator: str  # "=", ">=", "<=", "~"


def view_of(text: str) -> str:
    """What patterns read: the folded text when folding keeps every offset, else the text folded character by
    character, a character whose folding would change its length (Ⅲ → iii) kept as written: one such character
    in a clause had left the whole clause unfolded, and its full-width '：' hid every table row in it."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(_fold_char(ch) for ch in text)


def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded if len(folded) == 1 else ch


def figures(view: str, lo: int = 0, hi: int | None = None) -> list[Figure]:
    """Every figure in view[lo:hi] that carries a unit (a bare number is an item number, a year or a code)."""
    found = []
    for m in VALUE.finditer(view, lo, len(view) if hi is None else hi):
        if not m.group("unit") and not m.group("mult") and not _rate_or_share(m.group("amount")) and not (
                m.group("after") and not re.fullmatch(r"(?:19|20)\d\d", m.group("amount"))):
            continue  # a bare number is an item number or a code, unless a bound is said of it (控制在111以内)
        if not _is_figure(view, m):
            continue
        end = m.end()
        while end > m.start() and view[end - 1] in " \t\u3000":
            end -= 1
        found.append(Figure(m.start(), end, *_parse(m), comparator=_comparator(view, m)))
    return found


def cell_figure(cell: str) -> Figure | None:
    """The figure a table cell states ('≥22', '<14', '28 左右', '2013年为17.2', '89.6(2014 年)', '比2015年降低10%'),
    its offsets within the cell; None for a cell with no figure ('—', '实现', '持续改善')."""
    view = view_of(cell)
    bounds = _BOUNDS.search(view)  # 18.5≤BMI<24: the range a measure is kept within, said whole
    if bounds:
        return Figure(bounds.start(), bounds.end(), float(bounds.group(1)), "", "=")
    best = None
    for m in VALUE.finditer(view):
        tail = view[m.end():m.end() + 2].lstrip()
        if tail.startswith("年") or view[max(0, m.start() - 1):m.start()] == "第":
            continue  # a year in the cell (2013年为 …) is its year, not its value
        best = m
    if best is None:
        return None
    start = best.start()
    if start and view[start - 1] in SYMBOLS:
        start -= 1
    end = best.end()
    while end > start and view[end - 1] in " \t\u3000":
        end -= 1
    comparator = SYMBOLS.get(view[start], None) or _comparator(view, best)
    lead = _CELL_LEAD.fullmatch(view[:start])  # the cell is one statement: '接近100', '比2015年降低10%'
    if lead:
        start = lead.start(1)
    number, unit = _parse(best)
    return Figure(start, end, number, unit, comparator)


_BOUNDS = re.compile(rf"({_NUM}){_SP}[≤<]{_SP}[A-Za-z]+{_SP}[≤<]{_SP}{_NUM}")
_CELL_LEAD = re.compile(r"\s*((?:接近|约|不低于|不少于|至少|超过|高于|低于|不高于|不超过|控制在)\s*|"
                        r"比\s*20\d\d\s*年\s*(?:降低|提高|下降|增长|减少|上升|增加)\s*)")


def _rate_or_share(amount: str) -> bool:
    """A figure that needs no unit: a rate per 10万 (18/10 万) or a share written as a fraction (1/3 县级医院)."""
    amount = re.sub(r"\s", "", amount)
    if re.search(r"/(?:10万|千人|万人)", amount):
        return True
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", amount)
    return bool(m) and 0 < int(m.group(1)) < int(m.group(2)) <= 20


def _parse(m: re.Match) -> tuple[float, str]:
    amount = re.sub(r"\s", "", m.group("amount"))
    unit = (m.group("mult") or "") + (m.group("unit") or "") + re.sub(r"\s", "", m.group("per") or "")
    if "/10万" in amount or "/千人" in amount or "/万人" in amount:
        number, per = amount.split("/", 1)
        return float(number), ("/" + per if not unit else unit + "/" + per)
    if "/" in amount:  # a fraction: 1/3
        a, b = amount.split("/", 1)
        return (float(a) / float(b) if float(b) else float(a)), unit
    first = re.match(_NUM, amount).group(0)  # a range: its lower bound
    return float(first), unit


def _comparator(view: str, m: re.Match) -> str:
    after = (m.group("after") or "").strip()
    if after:
        return AFTER[after]
    if m.group("more"):
        return ">="
    before = view[max(0, m.start() - 4):m.start()].rstrip()
    for word, comparator in BEFORE:
        if before.endswith(word):
            return comparator
    if before.endswith(tuple(SYMBOLS)):
        return SYMBOLS[before[-1]]
    return "="


def _is_figure(view: str, m: re.Match) -> bool:
    """Numbers with a unit that state no amount aimed at: ordinals, dates, ages and durations that name a group
    or a service (6—24月龄, 5岁以下儿童, 15分钟健身圈), and money."""
    start, end = m.start(), m.end()
    before = view[max(0, start - 1):start]
    after = view[end:end + 3]
    unit = m.group("unit") or ""
    if before in ("第", "前", "近") or after.startswith(("元", "月", "日", "号", "年", "周岁", "价", "万元", "亿元")):
        return False
    if unit == "岁":  # an age is a group (5岁以下儿童) unless a life expectancy is what the figure states
        head = view[max(0, start - 12):start]
        return "寿命" in head
    if unit in TIME_UNITS:  # 15分钟健身圈 names a service; 平均10分钟到达 and 10-20公里 are aimed at
        return not re.match(r"[\u4e00-\u9fff]*?(圈|内能|服务圈)", after + view[end + 3:end + 6])
    if unit == "级" and not re.search(r"\d+(?:级|\s*级)$", view[start:end]):
        return False
    if view.startswith(("方面", "环节", "领域", "维度"), end):  # 从建设规划等10个方面: the parts of a standard
        return False
    if unit in ("个", "名", "家", "所", "项") and view.startswith(("工程", "大", "重点工程", "核心"), end):
        return False
    return True
