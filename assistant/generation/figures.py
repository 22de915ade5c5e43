"""The figures a text states (numbers, percentages, rates, years, dates), normalised so that the same
figure written differently compares equal: `figures("3万") == figures("30000")`,
`figures("百分之九十五") == figures("95 ％") == figures("95 percent")`, `figures("二〇二五年") == figures("2025年")`,
`figures("10/10万") == figures("10 per 100,000")`. Full-width digits and signs, thousands separators,
万/千/亿 multipliers, Chinese numerals and decimals (1.5万, 三十点五) are all read; a range ("10-15%",
"3～5万", "2019—2022年") is two figures sharing the unit written after the second.

A generated sentence may only state figures that its cited clauses state. What "the same figure" means:

- a proportion (95%, 百分之九十五, 7.5‰, 20/10万, 三分之一) is supported only by a proportion of the same
  size: "95%" is not supported by "95家", and "12/10万" is not supported by "10/10万". A rate per 100 000 is
  read as one figure, not as the numbers 10 and 100000, so the sentence has to keep the rate's base;
- a plain number or a year is supported by the same number in any form and in any figure: "95" by "95%"
  (dropping the sign invents nothing), "2025" by "2025年6月30日", "10" by "10/10万";
- a date is supported by a date that agrees on every part the sentence gives ("6月" by "2025年6月底");
- a plan period ("十四五") is supported only by the same period.

Not figures: citation marks ([1], ［2］, [1,2]), list markers ("1." or "1、" at the start of an item,
"（二）", "(3)", "二是"), numbers glued to Latin letters (5G, COVID-19, PM2.5), and Chinese numerals that are
words rather than quantities: a lone 一 (一是, 统一, 进一步, 一批) never counts, and a lone 二…九, 两 or 十
counts only before a measure word ("三家", "两个", "五年", but not "四川", "三明", "十分").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from assistant.textnorm import CN_DIGITS, chinese_integer

NUMBER = "number"
YEAR = "year"
PERCENT = "percent"
RATE = "rate"  # per mille, per 10 万, fractions: anything "x per y"
DATE = "date"
PERIOD = "period"  # a five-year-plan period: 十四五


@dataclass(frozen=True)
class Figure:
    """One figure as stated. Two figures are equal when they state the same thing: kind and value."""

    kind: str  # one of NUMBER, YEAR, PERCENT, RATE, DATE, PERIOD
    value: str  # canonical: "30000", "2025", "30.5%", "10/100000", "2025-6-30" ("-6-" for a month alone), "14"
    text: str = field(default="", compare=False)  # as written
    start: int = field(default=0, compare=False)  # offsets into the text it was found in
    end: int = field(default=0, compare=False)
    numbers: tuple[Decimal, ...] = field(default=(), compare=False)  # the numbers written in it, normalised

    @property
    def ratio(self) -> Fraction | None:
        """The proportion a percentage or rate states (95% -> 19/20), None for other kinds."""
        if self.kind == PERCENT:
            return Fraction(self.numbers[0]) / 100
        if self.kind == RATE:
            numerator, denominator = self.value.split("/")
            return Fraction(Decimal(numerator)) / Fraction(Decimal(denominator))
        return None


# Full-width forms, and the Traditional characters of numerals and measure words (some plans are in
# Traditional script), mapped one character to one, so offsets into the mapped text are offsets into the original.
_FOLD = str.maketrans("０１２３４５６７８９％．～－／［］（）兩萬億點個項條張種屆輪處輛場級臺歲類",
                      "0123456789%.~-/[]()两万亿点个项条张种届轮处辆场级台岁类")

_MULTIPLIERS = {"百万": 10**6, "千万": 10**7, "万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3}

_AR = r"(?:\d{1,3}(?:[,，]\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A Chinese numeral starts with a digit or 十: a lone 百/千/万 is a word (百姓, 千方百计, 万众).
_CN = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?"
_NUM = rf"(?:(?<![A-Za-z])(?<![A-Za-z]-)(?<![\d.]){_AR}|{_CN})"
_MULT = r"(?:百万|千万|万亿|亿|万|千(?![米克瓦卡帕焦]))"  # 千米 is a kilometre, not a thousand metres
# What may follow a lone Chinese digit for it to be a count ("三家", "两个", "五年", "八大工程").
_MEASURE = "个家所项条名人位岁年月日天周次批类种张床元倍级台套支座处辆份件场轮期届户例剂大"

_SCAN = re.compile(
    "|".join(
        [
            r"(?P<cite>[\[【]\s*\d+(?:\s*[,，、\-–]\s*\d+)*\s*[\]】])",
            # List markers: "1." / "1、" starting an item, "（二）", "(3)", "二是" / "三、".
            r"(?P<marker>(?<![^\n：:；;。！？])[ \t]*\d{1,2}[.、)](?![\d%])"
            r"|\(\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*\)"
            r"|(?<![零〇一二两三四五六七八九十百千万亿第])[一二三四五六七八九十]{1,3}(?:是|、))",
            r"(?P<period>(?<![零〇一二两三四五六七八九十百千万亿])十(?P<plan>[一二三四五六七八九])五"
            r"(?![零〇一二两三四五六七八九十百千万亿年]))",
            r"(?P<ymd>(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d.]))",
            rf"(?P<frac>(?:(?P<fpc>百分之)|(?P<fbase>[千万])分之|(?P<fden>{_NUM})\s*分之)\s*(?P<fnum>{_NUM}))",
            rf"(?P<rate>(?<![A-Za-z\d.])(?P<rnum>{_AR})\s*(?:/|per(?= ))\s*"
            rf"(?:(?P<rden>{_AR})(?:\s*(?P<rmult>{_MULT}))?|(?P<rbare>{_MULT})))",
            r"(?P<per>每(?P<pmult>十万|百万|万|千|百)(?=常住|人|名|户|床|张))",
            rf"(?P<num>(?P<n>{_NUM})(?:\s*(?P<mult>{_MULT}))?"
            r"(?:\s*(?P<unit>[%‰]|per\s?cent|个百分点|年(?!代)|月(?!刊|报)|日|号))?)",
        ]
    )
)
_JOINER = re.compile(r"\s*(?:-|–|—|~|〜|至|到)\s*")


@dataclass(frozen=True)
class _Token:
    """A number as scanned, before dates and ranges are put together."""

    start: int
    end: int
    value: Decimal
    unit: str  # "", "%", "‰", "年", "月", "日", "号", "个百分点"
    mult: int  # the multiplier written after it (万 -> 10000), 1 if none
    year_like: bool  # four digits, or Chinese digit by digit (二〇二五)


@lru_cache(maxsize=4096)
def figures(text: str) -> tuple[Figure, ...]:
    """Every figure stated in `text`, in order of appearance (see the module's docstring for what counts)."""
    mapped = text.translate(_FOLD)
    found: list[Figure] = []
    tokens: list[_Token] = []
    for m in _SCAN.finditer(mapped):
        if m["cite"] or m["marker"]:
            continue
        if m["num"]:
            token = _number_token(m, mapped)
            if token is not None:
                tokens.append(token)
            continue
        found.append(_figure(m, text))
    found.extend(_from_tokens(_spread_range_units(tokens, mapped), text))
    return tuple(sorted(found, key=lambda f: f.start))


def supported(figure: Figure, by: Iterable[Figure]) -> bool:
    """Whether any of `by` states `figure` (the rules are in the module's docstring)."""
    by = tuple(by)
    if figure.kind in (PERCENT, RATE):
        return any(other.ratio is not None and other.ratio == figure.ratio for other in by)
    if figure.kind == DATE:
        return any(other.kind == DATE and _date_within(figure.value, other.value) for other in by)
    if figure.kind == PERIOD:
        return figure in by
    return any(figure.numbers[0] in other.numbers for other in by)


def unsupported(sentence: str, sources: Sequence[str]) -> tuple[str, ...]:
    """The figures of `sentence`, as written there, that none of `sources` states."""
    stated = [f for source in sources for f in figures(source)]
    missing: list[str] = []
    for figure in figures(sentence):
        if not supported(figure, stated) and figure.text not in missing:
            missing.append(figure.text)
    return tuple(missing)


def misdated(sentence: str, records: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The figures of `sentence` that its cited clauses' target records state for other years than the sentence
    does: '2022年孕产妇死亡率降到20/10万' of a clause setting 20/10万 for 2020 and 18/10万 for 2022 (each figure
    and each year stands in the clause, so `unsupported` passes it). `records`: (value as written, year) of each
    target the cited clauses state. A figure no dated record states, or a sentence naming no year, is not judged."""
    years = {f.value for f in figures(sentence) if f.kind == YEAR}
    if not years:
        return ()
    stated = [(figures(value)[:1], year) for value, year in records if re.fullmatch(r"(?:19|20)\d\d", year)]
    wrong: list[str] = []
    for figure in figures(sentence):
        if figure.kind in (YEAR, DATE, PERIOD):
            continue
        of = {year for value, year in stated if value and figure.kind == value[0].kind and supported(figure, value)}
        if of and not of & years and figure.text not in wrong:
            wrong.append(figure.text)
    return tuple(wrong)


# --- scanning ---------------------------------------------------------------------------------------------


def _figure(m: re.Match, text: str) -> Figure:
    """A figure from a match that is complete on its own: period, y-m-d date, fraction, rate, 每千."""
    written = text[m.start() : m.end()]
    if m["period"]:
        return Figure(PERIOD, str(10 + CN_DIGITS[m["plan"]]), written, m.start(), m.end())
    if m["ymd"]:
        parts = tuple(Decimal(int(m[g])) for g in ("y", "m", "d"))
        return Figure(DATE, "-".join(str(p) for p in parts), written, m.start(), m.end(), parts)
    if m["frac"]:
        numerator = _parse(m["fnum"])
        if m["fpc"]:
            return Figure(PERCENT, _canonical(numerator) + "%", written, m.start(), m.end(), (numerator,))
        denominator = Decimal(_MULTIPLIERS[m["fbase"]]) if m["fbase"] else _parse(m["fden"])
        return _rate(numerator, denominator, written, m.start(), m.end())
    if m["rate"]:
        denominator = _parse(m["rden"]) if m["rden"] else Decimal(1)
        denominator *= _MULTIPLIERS[m["rmult"] or m["rbare"]] if (m["rmult"] or m["rbare"]) else 1
        return _rate(_parse(m["rnum"]), denominator, written, m.start(), m.end())
    base = Decimal(_MULTIPLIERS.get(m["pmult"]) or 100_000)  # 每十万 is not in the multiplier table
    return Figure(NUMBER, _canonical(base), written, m.start(), m.end(), (base,))


def _rate(numerator: Decimal, denominator: Decimal, written: str, start: int, end: int) -> Figure:
    value = f"{_canonical(numerator)}/{_canonical(denominator)}"
    return Figure(RATE, value, written, start, end, (numerator, denominator))


def _number_token(m: re.Match, mapped: str) -> _Token | None:
    """The number of a `num` match, or None when it is a word rather than a quantity."""
    written = m["n"]
    after = mapped[m.end() : m.end() + 1]
    if written[0].isdigit() and re.match(r"[A-Za-z]", after):
        return None  # 5G, 3D
    chinese = not written[0].isdigit()
    if chinese and not _is_quantity(written, m["unit"] or m["mult"] or after):
        return None
    value = _parse(written)
    year_like = (not chinese and re.fullmatch(r"\d{4}", written) is not None) or (
        chinese and not any(c in written for c in "十百千万亿") and len(written) == 4
    )
    mult = _MULTIPLIERS[m["mult"]] if m["mult"] else 1
    unit = "%" if (m["unit"] or "").startswith("per") else m["unit"] or ""  # 95 percent, 95 per cent
    return _Token(m.start(), m.end(), value, unit, mult, year_like)


def _is_quantity(written: str, following: str) -> bool:
    """Whether a Chinese numeral states a quantity, given what follows it."""
    has_unit = any(c in written for c in "十百千万亿")
    if len(written) == 1:
        return written != "一" and following[:1] in _MEASURE + "%‰万亿"
    if not has_unit:  # digits one by one: only a year (二〇二五, 二零二五年); "一二级" is not twelve
        return any(c in written for c in "〇零") or following.startswith("年")
    return True


def _spread_range_units(tokens: list[_Token], mapped: str) -> list[_Token]:
    """In "10-15%", "3～5万", "2019—2022年" the unit written after the second number belongs to both."""
    spread = list(tokens)
    for i in range(len(spread) - 1, 0, -1):
        first, second = spread[i - 1], spread[i]
        if not _JOINER.fullmatch(mapped[first.end : second.start]):
            continue
        if not first.unit and (second.unit in ("%", "‰") or (second.unit == "年" and first.year_like)):
            spread[i - 1] = replace(first, unit=second.unit)
        if first.mult == 1 and second.mult != 1 and not first.unit:
            spread[i - 1] = replace(spread[i - 1], mult=second.mult)
    return spread


def _from_tokens(tokens: list[_Token], text: str) -> list[Figure]:
    """Figures from scanned numbers: 年 + 月 + 日 written together make one date."""
    out: list[Figure] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (token.unit == "年" and token.year_like) or _is_month(token):
            run = [token]
            while i + len(run) < len(tokens) and _continues_date(run[-1], tokens[i + len(run)], text):
                run.append(tokens[i + len(run)])
            if len(run) > 1 or token.unit == "月":
                out.append(_date(run, text))
                i += len(run)
                continue
        out.append(_plain(token, text))
        i += 1
    return out


def _is_month(token: _Token) -> bool:
    return token.unit == "月" and token.mult == 1 and 1 <= token.value <= 12 and token.value == int(token.value)


def _continues_date(previous: _Token, token: _Token, text: str) -> bool:
    if text[previous.end : token.start].strip():
        return False
    if previous.unit == "年":
        return _is_month(token)
    return previous.unit == "月" and token.unit in ("日", "号") and 1 <= token.value <= 31


def _date(run: list[_Token], text: str) -> Figure:
    parts = {t.unit if t.unit != "号" else "日": int(t.value) for t in run}
    year, month, day = (str(parts[k]) if k in parts else "" for k in ("年", "月", "日"))
    numbers = tuple(Decimal(parts[k]) for k in ("年", "月", "日") if k in parts)
    start, end = run[0].start, run[-1].end
    return Figure(DATE, f"{year}-{month}-{day}", text[start:end], start, end, numbers)


def _plain(token: _Token, text: str) -> Figure:
    value = token.value * token.mult
    written = text[token.start : token.end]
    if token.unit == "%":
        return Figure(PERCENT, _canonical(value) + "%", written, token.start, token.end, (value,))
    if token.unit == "‰":
        return _rate(value, Decimal(1000), written, token.start, token.end)
    kind = YEAR if token.unit == "年" and token.year_like else NUMBER
    return Figure(kind, _canonical(value), written, token.start, token.end, (value,))


def _date_within(claimed: str, stated: str) -> bool:
    """Whether every part of the claimed date ("-6-") agrees with the stated one ("2025-6-30")."""
    return all(not c or c == s for c, s in zip(claimed.split("-"), stated.split("-")))


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 3E+4 -> "30000", 30.50 -> "30.5"


def _parse(written: str) -> Decimal:
    """A number written in Arabic digits (with thousands separators) or in Chinese numerals."""
    if written[0].isdigit():
        return Decimal(written.replace(",", "").replace("，", ""))
    whole, _, fraction = written.partition("点")
    value = Decimal(chinese_integer(whole))
    if fraction:
        value += Decimal("0." + "".join(str(CN_DIGITS[c]) for c in fraction))
    return value


