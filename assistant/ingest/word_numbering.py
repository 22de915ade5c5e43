"""Word's automatic numbering, written out: the number formats (一、壹、甲、子、i、a …), a list level's start, format
and label pattern ('%1、', '（%2）', '第%1条'), the styles and numbering definitions a paragraph's numbering comes
from, and the counters that run per abstract definition as in Word. Read from `word/numbering.xml` and
`word/styles.xml` by ingest/docx.py, which puts the rendered label in front of each numbered paragraph."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Mapping

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VAL = W + "val"


_CN = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TW_LEGAL = "零壹貳參肆伍陸柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _grouped(n: int, digits: str, units: str, big: str, zero: str, keep_one: bool) -> str:
    """Counting with units: 十一, 二十, 一百〇一, 一万〇一 (units = 十百千, big = 万亿; 一十 → 十 only in front)."""
    if n >= 10**12:
        return str(n)
    groups, out, gap = [], "", False
    while n:
        n, low = divmod(n, 10000)
        groups.append(low)
    for rank in range(len(groups) - 1, -1, -1):
        value = groups[rank]
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += zero
        out += _under_10000(value, digits, units, zero) + ("", *big)[rank]
        gap = False
    if not keep_one and out.startswith(digits[1] + units[0]):
        out = out[1:]
    return out


def _under_10000(n: int, digits: str, units: str, zero: str) -> str:
    out, gap = "", False
    for power, unit in ((3, units[2]), (2, units[1]), (1, units[0]), (0, "")):
        d = n // 10**power % 10
        if d == 0:
            gap = bool(out)
            continue
        out += (zero if gap else "") + digits[d] + unit
        gap = False
    return out


def _digit_by_digit(n: int) -> str:
    return "".join("〇" if c == "0" else _CN[int(c)] for c in str(n))


def _chinese_counting(n: int) -> str:
    """Word's chineseCounting spells 1-99 (十一, 九十九) and writes larger numbers digit by digit (一〇〇)."""
    return _grouped(n, _CN, "十百千", "万亿", "〇", False) if n < 100 else _digit_by_digit(n)


def _roman(n: int) -> str:
    if n >= 4000:
        return str(n)
    out = ""
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    """Word's letters: A … Z, then AA, BB … (the letter repeated, not spreadsheet columns)."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26] * min((n - 1) // 26 + 1, 64)


def _table(glyphs: str) -> Callable[[int], str]:
    """A finite set of glyphs (①…⑳, 甲…癸); past its end Word writes the plain number."""
    return lambda n: glyphs[n - 1] if n <= len(glyphs) else str(n)


def _span(first: int, count: int) -> str:
    return "".join(chr(first + i) for i in range(count))


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "ordinal": lambda n: f"{n}{'th' if n % 100 in (11, 12, 13) else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}",
    "chineseCounting": _chinese_counting,
    "taiwaneseCounting": _chinese_counting,
    "chineseCountingThousand": lambda n: _grouped(n, _CN, "十百千", "万亿", "〇", False),
    "taiwaneseCountingThousand": lambda n: _grouped(n, _CN, "十百千", "萬億", "〇", False),
    "chineseLegalSimplified": lambda n: _grouped(n, _CN_LEGAL, "拾佰仟", "万亿", "零", True),
    "ideographLegalTraditional": lambda n: _grouped(n, _TW_LEGAL, "拾佰仟", "萬億", "零", True),
    "ideographDigital": _digit_by_digit,
    "taiwaneseDigital": _digit_by_digit,
    "ideographTraditional": _table(_STEMS),
    "ideographZodiac": _table(_BRANCHES),
    "ideographZodiacTraditional": lambda n: _STEMS[(n - 1) % 10] + _BRANCHES[(n - 1) % 12],
    "ideographEnclosedCircle": _table(_span(0x3220, 10)),  # ㈠ … ㈩
    "decimalEnclosedCircle": _table(_span(0x2460, 20)),  # ① … ⑳
    "decimalEnclosedCircleChinese": _table(_span(0x2460, 20)),
    "decimalEnclosedParen": _table(_span(0x2474, 20)),  # ⑴ … ⒇
    "decimalEnclosedFullstop": _table(_span(0x2488, 20)),  # ⒈ … ⒛
}
_FORMATS["decimalFullWidth2"] = _FORMATS["decimalFullWidth"]
SUPPORTED_FORMATS = frozenset(_FORMATS) | {"none", "bullet"}


def format_number(n: int, fmt: str) -> str:
    """One counter in a w:numFmt. Formats not listed are written in decimal rather than guessed; only decimal
    has a zero (a level not yet used shows one less than its start), the others write 1 there, as Word does."""
    if fmt in ("none", "bullet"):
        return ""
    if fmt in ("decimal", "decimalHalfWidth") or fmt not in _FORMATS:
        return str(n)
    return _FORMATS[fmt](max(n, 1))


@dataclass(frozen=True)
class Level:
    """One w:lvl. Defaults are the standard's for a missing element (start 0, decimal, tab after)."""

    start: int = 0
    fmt: str = "decimal"
    text: str = ""  # w:lvlText, e.g. "（%2）"
    restart: int | None = None  # w:lvlRestart: restart after levels 1..restart are used; 0 = never
    legal: bool = False  # w:isLgl: every number in the label in decimal
    suffix: str = "\t"  # w:suff: tab, space or nothing between label and text
    hidden: bool = False
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


Counters = tuple  # nine running numbers (None: that level not counted since its last restart)
UNCOUNTED: Counters = (None,) * 9


def advance(counters: Counters, ilvl: int, levels: Mapping[int, Level], restart: bool = False) -> Counters:
    """The counters after a paragraph at `ilvl`: its level steps (or starts over), deeper levels restart."""
    level = levels.get(ilvl, Level())
    current = counters[ilvl]
    values = list(counters)
    values[ilvl] = level.start if current is None or restart else current + 1
    for deeper in range(ilvl + 1, 9):
        threshold = levels.get(deeper, Level()).restart
        if ilvl < (deeper if threshold is None else threshold):  # lvlRestart is one-based
            values[deeper] = None
    return tuple(values)


def render_label(ilvl: int, counters: Counters, levels: Mapping[int, Level]) -> str:
    """The label Word shows for a paragraph at `ilvl`: w:lvlText with each %N in level N's format."""
    level = levels.get(ilvl)
    if level is None or level.hidden or level.fmt == "bullet":  # bullets: no marker to cite
        return ""

    def number(match: re.Match) -> str:
        k = int(match.group(1)) - 1
        ref = levels.get(k, Level())
        n = counters[k] if counters[k] is not None else ref.start - 1  # a level not yet used shows one less
        return format_number(n, "decimal" if level.legal else ref.fmt)

    return re.sub(r"%([1-9])", number, level.text)


# ---------------------------------------------------------------------------------------------------------
# Numbering and style definitions, read once per document.

def _int(element, default: int | None) -> int | None:
    try:
        return int(element.get(VAL)) if element is not None else default
    except (TypeError, ValueError):
        return default


def is_on(element) -> bool:
    """A w:ST_OnOff toggle: present and not switched off."""
    return element is not None and element.get(VAL, "true").lower() not in ("0", "false", "off")


def read_level(lvl) -> Level:
    suffix = {"space": " ", "nothing": ""}.get(attr_of(lvl.find(W + "suff")), "\t")
    run_props = lvl.find(W + "rPr")
    return Level(
        start=_int(lvl.find(W + "start"), 0),
        fmt=attr_of(lvl.find(W + "numFmt")) or "decimal",
        text=attr_of(lvl.find(W + "lvlText")) or "",
        restart=_int(lvl.find(W + "lvlRestart"), None),
        legal=is_on(lvl.find(W + "isLgl")),
        suffix=suffix,
        hidden=run_props is not None and is_on(run_props.find(W + "vanish")),
        style=attr_of(lvl.find(W + "pStyle")),
    )


def attr_of(element, name: str = VAL) -> str | None:
    return element.get(name) if element is not None else None


def numbering_of(ppr) -> tuple[str | None, int | None]:
    num_pr = ppr.find(W + "numPr") if ppr is not None else None
    if num_pr is None:
        return None, None
    return attr_of(num_pr.find(W + "numId")), _int(num_pr.find(W + "ilvl"), None)


class Styles:
    """Paragraph styles: names, numbering (inherited through w:basedOn) and the default style."""

    def __init__(self, root):
        self._styles: dict[str, tuple[str, str | None, str | None, int | None]] = {}
        self.default: str | None = None
        for style in root.iterchildren(W + "style") if root is not None else ():
            style_id = style.get(W + "styleId")
            if style_id is None:
                continue
            name = (attr_of(style.find(W + "name")) or "").lower()
            num_id, ilvl = numbering_of(style.find(W + "pPr"))
            self._styles[style_id] = (name, attr_of(style.find(W + "basedOn")), num_id, ilvl)
            if style.get(W + "type") == "paragraph" and _on_attr(style.get(W + "default")):
                self.default = style_id

    def name(self, style_id: str | None) -> str:
        return self._styles.get(style_id, ("",))[0]

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The style's numId and ilvl, each from the nearest style in its w:basedOn chain that sets it."""
        num_id = ilvl = None
        seen = set()
        while style_id in self._styles and style_id not in seen and (num_id is None or ilvl is None):
            seen.add(style_id)
            _, based_on, own_num, own_ilvl = self._styles[style_id]
            num_id = own_num if num_id is None else num_id
            ilvl = own_ilvl if ilvl is None else ilvl
            style_id = based_on
        return num_id, ilvl


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


@dataclass(frozen=True)
class Instance:
    """One w:num: the definition whose counters it shares, its levels, and the levels it starts over."""

    num_id: str
    list_id: str
    levels: Mapping[int, Level]
    restarts: frozenset[int]


class Numbering:
    def __init__(self, root, styles: Styles):
        children = list(root.iterchildren(W + "abstractNum", W + "num")) if root is not None else []
        self._abstracts = {a.get(W + "abstractNumId"): a for a in children if a.tag == W + "abstractNum"}
        self._nums = {n.get(W + "numId"): n for n in children if n.tag == W + "num"}
        self._styles = styles
        self._instances: dict[str, Instance | None] = {}

    def instance(self, num_id: str) -> Instance | None:
        if num_id not in self._instances:
            self._instances[num_id] = self._read_instance(num_id)
        return self._instances[num_id]

    def _read_instance(self, num_id: str) -> Instance | None:
        num = self._nums.get(num_id)
        found = self._abstract(attr_of(num.find(W + "abstractNumId")) if num is not None else None)
        if found is None:
            return None
        list_id, abstract = found
        levels = {_int_attr(lvl, W + "ilvl"): read_level(lvl) for lvl in abstract.iterchildren(W + "lvl")}
        restarts = set()
        for override in num.iterchildren(W + "lvlOverride"):
            ilvl = _int_attr(override, W + "ilvl")
            lvl, start = override.find(W + "lvl"), _int(override.find(W + "startOverride"), None)
            if lvl is not None:  # a whole level of its own, e.g. another format for this list only
                levels[ilvl] = read_level(lvl)
                restarts.add(ilvl)
            if start is not None:
                levels[ilvl] = replace(levels.get(ilvl, Level()), start=start)
                restarts.add(ilvl)
        return Instance(num_id, list_id, levels, frozenset(restarts))

    def _abstract(self, abstract_id: str | None, hops: int = 0):
        """(id, w:abstractNum), following a list style's w:numStyleLink to the definition it stands for."""
        abstract = self._abstracts.get(abstract_id)
        link = attr_of(abstract.find(W + "numStyleLink")) if abstract is not None else None
        if link is None or hops > 3:
            return (abstract_id, abstract) if abstract is not None else None
        linked_num = self._nums.get(self._styles.numbering(link)[0])
        if linked_num is None:
            return None
        return self._abstract(attr_of(linked_num.find(W + "abstractNumId")), hops + 1)


def _int_attr(element, name: str) -> int:
    try:
        return int(element.get(name, "0"))
    except ValueError:
        return 0


class ListCounters:
    """Running numbers per abstract definition, and which (numId, level) pairs have been used."""

    def __init__(self):
        self._values: dict[str, Counters] = {}
        self._used: set[tuple[str, int]] = set()

    def step(self, instance: Instance, ilvl: int) -> Counters:
        first_use = (instance.num_id, ilvl) not in self._used
        self._used.add((instance.num_id, ilvl))
        restart = first_use and ilvl in instance.restarts  # w:startOverride starts the list over, once
        values = advance(self._values.get(instance.list_id, UNCOUNTED), ilvl, instance.levels, restart)
        self._values[instance.list_id] = values
        return values


# ---------------------------------------------------------------------------------------------------------
# Text: paragraphs, runs, tables.
