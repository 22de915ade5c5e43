"""Whether a clause states the figure a question asks for: of the thing asked (the noun its noun phrase ends in),
in the unit asked, beside the words naming it. Pure; `checks.check_hit` runs it on figure questions."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterator, Sequence

from assistant.query import Query, scope_noun, word_classes, word_flags
from assistant.textnorm import fold, sentence_spans, tokens
from assistant.asks import AGE, LEVEL, Asks

YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def word_in(word: str, text: str) -> bool:
    """The word stands in the text, or (three characters or more) all its character pairs do ('中医院' in '中医医院'),
    or (four or more) it is the text's word short of one character ('心脑血管病' in '心脑血管疾病')."""
    return word in text or len(word) >= 3 and all(pair in text for pair in tokens(word)) or short_form_in(word, text)


def short_form_in(word: str, text: str) -> bool:
    """The word (four characters or more) is the text's word short of one character ('心脑血管病' in '心脑血管疾病')."""
    return len(word) >= 4 and _short_of_one(word).search(text) is not None


@lru_cache(maxsize=4096)
def _short_of_one(word: str) -> re.Pattern:
    """The word with one character more inside it: how Chinese shortens a term ('心脑血管(疾)病', '医(疗)机构')."""
    return re.compile("|".join(re.escape(word[:i]) + "." + re.escape(word[i:]) for i in range(1, len(word))))


# A unit asked (asks.asked_unit) and the ways documents write it.
_SAME_UNIT = {"度": "度|℃|°c", "%": "%|％", "年": "年", "天": "天|日|d\\b", "周": "周", "月": "个?月",
              "牛": "牛|n(?![a-z])", "牛顿": "牛|n(?![a-z])", "帕": "帕|pa", "千帕": "千帕|kpa", "兆帕": "兆帕|mpa",
              "毫米": "毫米|mm", "厘米": "厘米|cm", "微米": "微米|μm|µm|um", "纳米": "纳米|nm", "毫升": "毫升|ml",
              "毫克": "毫克|mg", "微克": "微克|μg|µg|ug", "千克": "千克|kg",
              "时长": "年|个?月|周|天|日|小时|分钟|秒|h(?![a-z])|min|d(?![a-z])"}
# A number that states a value: not a hospital's grade written in words ('二级及以上医院', '三级甲等'), not a list marker ('（2）', '2.'/'2、' opening a sentence), not a standard's or a
# regulation's number ('YY 0271.1-2016', '第739号'), not a year.
# A Chinese number is a value only with a measure word after it: '一般', '统一', '一次性' state none.
# ('任意一种', '每一个', '同一批' say which, not how many: a determiner before the numeral)
_VALUE = re.compile(r"(?<![\d.A-Za-z（(〔第/-])(?:\d+(?:\.\d+)?(?![\d）)〕])|(?<![意每某同另何])[一二三四五六七八九十两百千万]+"
                    r"(?=\s*(?:[个家所名项张人岁倍成年周天日例份种类台床元]|次(?!性)|月|级(?![及以医甲乙综专中公妇]))))")
# A count of repetitions ('重复检测20次', '至少3遍'): how a test is run, not a value of what is measured.
_REPEATS = re.compile(r"\s*[次遍](?!性)")

# A heading's number opening a sentence ('2.2.2力学强度…', '3.1.2性能指标'), or standing in it as a reference
# ('见4.1.3'): a place in the outline, never a value of anything.
_OUTLINE_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])|^\d+(?:\.\d+)?[.、．](?=[\u4e00-\u9fff【〔])|"
                             r"^\d+\.\d+(?=[\u4e00-\u9fff])(?![个家所名级项张人次岁倍成年月日天周元克升米度秒])",
                             re.MULTILINE)  # a line of a sentence opens with its item's number too ('…内容：\n1.1 试剂盒…')


# Numbers that are not values of anything: a table row's ordinal cell ('序号：36', a row's place in its table) and
# a formula's factor ('CV=SD/x̄×100%', how a value is computed, not the value).
_NO_VALUE = re.compile(r"(?:序号|编号|行号)[:：]\d+|[×x*]100%")


# A short phrase in quotation marks names or cites ('“2+3”工程', '不得使用“5年以上”类似模糊的描述'): its number is
# part of a name or of words quoted, never a value stated.
_QUOTED = re.compile(r"[“\"][^”\"]{1,12}[”\"]")


def _without_numbers(quoted: re.Match) -> str:
    """The quoted words without their numbers: the words still name what they name ('“定制药园”')."""
    return re.sub(r"[\d.+%]+|[一二三四五六七八九十百千万两]+(?=[个项年类])", "", quoted.group())


SUBJECT_LETTERS = 3  # a document writing letters this often is about what they name ('HBV' of the 乙型肝炎病毒 guideline)


def states_figure_of(query: Query, text: str, title: str, headings: str = "", document: str = "") -> bool:
    """A figure question is answered by a sentence that names what is counted and states a value of it — in
    the unit asked, when one is ('缝合强度要达到多少N' is not answered by '…缝合强度（如需缝合）…').

    The nouns of the document's title name all of it, and those of the headings above the clause (a table
    row's caption: '表1 已用于病毒清除研究的病毒举例') all of the clause, so a sentence need not repeat them;
    so do Latin letters the `document` writes again and again."""
    unit = query.asks.unit.lower()
    asks_times = query.asks.times
    named = title_readings(title) + "｜" + fold(headings).replace(" ", "")
    # Latin terms name what is measured as well as nouns do ('O2结合量', 'CV'), unless they name the document
    latin = [w for w in query.asks.latin if w not in named]
    own = [n for n in query.indicators if n not in named] + latin or list(query.indicators)
    # 'HPV疫苗接种率' is not stated by a 疫苗接种率 of all: the value's sentence writes the letters, unless the
    # document (`document`, its whole text) is about what they name
    lowered = document.lower() if latin else ""
    lettered = [w for w in latin if lowered.count(w) < SUBJECT_LETTERS]
    if lettered:
        text = "".join(text[a:b] for a, b in sentence_spans(text) if any(w in fold(text[a:b]) for w in lettered))
    pattern = None
    if unit:
        units = _SAME_UNIT.get(unit, re.escape(unit))
        pattern = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*(?:[-~～—至]\s*\d+(?:\.\d+)?\s*)?(?:" + units + ")"
                             r"|[一二三四五六七八九十两百千万]+\s*(?:" + units + ")"
                             # a table row's value under a header giving the unit: '大小(nm）：40-50'
                             r"|[（(]\s*(?:" + units + r")\s*[）)]\s*[：:]\s*(\d+)")
    # the unit asked tells a value apart by itself ('SV40直径是多少nm' is answered by '大小(nm)：40-50');
    # without one, the value must be that of the noun asked
    head = valued_noun(query.asked or query.folded, own) if unit in ("", "时长") else ""
    if asks_event_duration(query):  # '救护车多长时间能赶到现场' is answered by '平均10分钟到达急救现场'
        head, own = "", list(query.indicators)
    for stretch in _stretches(text, lambda part: word_in(head, part) if head else any(word_in(n, part) for n in own)):
        values = [m for m in _VALUE.finditer(stretch) if not YEAR_IN_TEXT.fullmatch(m.group())
                  and (asks_times or not _REPEATS.match(stretch, m.end()))]
        if pattern is None and values or pattern is not None and any(
                not YEAR_IN_TEXT.fullmatch(m.group(1) or re.sub(r"\D.*", "", m.group()))
                for m in pattern.finditer(stretch)):
            return True
    # the thing counted after the figure word may be worded otherwise ('几家医疗单位' of '不少于3家…临床试验机构',
    # '几个粘牢' of '6个试样中，至少有5个'): its measure word counts it as well, beside the other words naming it
    measure = _counted_measure(query.asked or query.folded)[1] if head and not unit else ""
    return bool(measure) and any(_valued_with(measure).search(stretch) for stretch in
                                 _stretches(text, lambda part: any(word_in(n, part) for n in own)))


def _counted_measure(question: str) -> tuple[re.Match | None, str]:
    """The figure word and the measure word right after it ('几家', '多少个', '几名'; '' when none)."""
    figure = _FIGURE_WORD.search(question)
    return figure, re.match(r"[个名家所张人例项位台批份]?", question[figure.end():]).group() if figure else ""


@lru_cache(maxsize=32)
def _valued_with(measure: str) -> re.Pattern:
    """A value counted with the measure word ('3家', '3 家（含3家）')."""
    return re.compile(rf"\d+\s*(?:[（(][^)）]*[)）])?\s*{measure}")


def counted_by_measure(question: str, nouns: Sequence[str], text: str) -> tuple[str, ...]:
    """The nouns the question counts right after its figure word and measure word ('几家医疗单位' → 医疗, 单位) when
    the (folded) clause `text` states a value with that measure word ('不少于3家（含3家）…'): it counts them, in its
    own words. Empty otherwise."""
    figure, measure = _counted_measure(question)
    if not measure or not _valued_with(measure).search(text):
        return ()
    at, counted = figure.end() + len(measure), []
    while noun := next((n for n in nouns if question.startswith(n, at)), ""):
        at += len(noun)
        counted.append(noun)
    return tuple(counted)


def _stretches(text: str, names: Callable[[str], bool]) -> Iterator[str]:
    """The stretches of each sentence where a value of what `names` finds may stand: the comma-separated part
    naming it and the part after it ('到2022年，孕产妇死亡率降到18/10万，婴儿…'); the part before it is most often
    another thing's ('…进行至少20次重复检测，计算所得…标准差(SD)，将(+2SD)带入…').
    A value farther away is another thing's ('配制（一般应不少于5个）浓度点，建立…曲线，计算线性相关系数r' states
    no 系数). A table row has no commas: its headers and values are one stretch."""
    for start, end in sentence_spans(text):
        sentence = _QUOTED.sub(_without_numbers, _OUTLINE_NUMBER.sub("", fold(text[start:end]).replace(" ", "")))
        sentence = _NO_VALUE.sub("", sentence)
        parts = re.split(r"[,，]", sentence)
        for i, part in enumerate(parts):
            if names(part):
                yield ",".join(parts[i:i + 2])


_FIGURE_WORD = re.compile(r"多少|(?<!哪)几|(?<![许很])多[大长久高重宽厚深远快]")
# Words that link a noun to the value asked of it ('…是多少', '…要达到多少', '…不高于多少'): a closed class.
_LINKING = frozenset("是 为 有 要 应 应当 需 需要 要求 达到 达 到 低于 高于 少于 多于 超过 不低于 不高于 不少于 "
                     "不超过 控制 控制在 约 大约 大概 一般 通常 最 最长 最多 至少 在 允许 可 可以 能 "
                     # the verbs a target is set with ('死亡率要降到多少')
                     "降到 降至 降低 下降 提高 提升 增加 增长 减少 保持 稳定 降低到 下降到 提高到 提升到 增加到 增长到 保持在 稳定在".split())
VALUED_REACH = 6  # characters between a noun and the figure word asked of it: '粘度范围是多少', '吸水率要求不低于多少'


def asks_event_duration(query: Query) -> bool:
    """'多长时间能赶到现场', '闭经多久…取出': how long something takes, not the value of a noun. Its words are
    the event's, which a document words its own way; any of them beside a time answers it."""
    if query.asks.unit != "时长":
        return False
    question = query.asked or query.folded
    figure = _FIGURE_WORD.search(question)
    after = question[figure.end():figure.end() + VALUED_REACH] if figure else ""
    verb_after = any(flag.startswith("v") and word not in _LINKING for word, flag in word_flags(after))
    return verb_after or not valued_noun(question, query.indicators)


def valued_noun(question: str, nouns: Sequence[str]) -> str:
    """The noun whose value is asked, when the question says '<noun>…是多少': the head of the noun phrase just
    before the figure word ('透明质酸钠凝胶的粘度范围是多少' asks a 粘度, not a 凝胶). Empty when no noun stands
    right before it ('多长时间能赶到现场', '闭经多久就应该把节育器取出'): then any of the nouns may name it."""
    figure = _FIGURE_WORD.search(question)
    if not figure:
        return ""
    # '多少受试者', '多少名全科医生': the noun counted follows, past a measure word; of a run of nouns, the last
    at, counted = len(re.match(r"[个名家所张人例项位台次]?", question[figure.end():]).group()) + figure.end(), ""
    while noun := next((n for n in nouns if question.startswith(n, at)), ""):
        at, counted = at + len(noun), noun
    if counted:
        return counted
    before = question[:figure.start()]
    # a verbal noun ('对应', '签约') heads no noun phrase: '死亡率对应的目标是多少' asks of the 死亡率
    ends = [(before.rfind(n) + len(n), n) for n in nouns if n in before and "vn" not in word_classes(n)]
    if not ends:
        return ""
    end, noun = max(ends)
    gap = question[end:figure.start()]
    if len(gap) > VALUED_REACH:
        return ""
    for word, flag in word_flags(gap):
        if flag.startswith("v") and word not in _LINKING:  # a verb of its own ('闭经多久'): an event's time
            return ""
        if (flag.startswith("n") or flag == "eng") and not scope_noun(word):  # '凝胶的pH范围': the head is pH
            return ""
    return noun  # only a copula, a modal, a comparator or the kind of value ('范围', '上限') between them


def title_readings(title: str) -> str:
    """A title folded, and again without what it puts in brackets: '硬脑（脊）膜补片…' is also '硬脑膜补片…', so a
    question's '硬脑膜' is a word of its title."""
    folded = fold(title)
    return folded + "｜" + re.sub(r"[（(][^（）()]{1,12}[）)]", "", folded)


def of_another_age(asks: Asks, clause_text: str) -> str:
    """The age group the question asks ('65'), when the clause states ages and not that one; else ''. An age group
    is a scope, as a place or a year is: a figure for 60岁及以上 is not one for 65岁及以上."""
    asked = set(asks.ages)
    stated = set(AGE.findall(fold(clause_text)))
    return sorted(asked)[0] if asked and stated and not asked & stated else ""


def of_another_level(asks: Asks, clause_text: str) -> str:
    """The administrative level the question asks ('县级'), when the clause states levels and not that one; else
    ''. A level is a scope, as an age group is."""
    asked = set(asks.levels)
    stated = set(LEVEL.findall(fold(clause_text)))
    return sorted(asked)[0] if asked and stated and not asked & stated else ""
