"""What a question's wording asks for besides its subject: closed classes of question words, read once per question.

`Query.asks` is this reading: the record fields say which field of a document's record is asked (文号, 发布单位 …),
whether several things or documents are asked for, a count or an ordinal of parts, the unit of a figure, an age group
or administrative level, a requirement or target. The strategies read the record; none of them reads the question's
words again for these. The cues are question words ('哪些', '多少N', '第三部分'), never words of a subject.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.textnorm import chinese_number

# What staff call a document when they ask which ones say something: the generic words and the kinds of document.
DOCUMENT_NOUN = r"(?:文件|文档|材料|文章|报告|计划|方案|规划|规定|条例|通知|办法|(?:(?:注册)?(?:技术)?(?:审查)?指导)?原则|指南|规范)"

PUBLISH = r"(发布|印发|发的|出的|下发|制定|出台|发文|颁布|公布|通过|签发|成文)"
META_CUES = {
    "issuer": re.compile(rf"(哪个|哪家|什么|哪些|哪一个)(单位|部门|机关|机构)[^。？?]{{0,4}}{PUBLISH}|谁{PUBLISH}|"
                         r"发文单位|发布单位|发布机构|印发单位|发文机关|制定机关|issued by|who (issued|published)|"
                         # where a published piece comes from ('来源:广州市卫生健康委员会' over a news article)
                         r"来源(是|为)?(哪|什么|谁)|出处"),
    "date": re.compile(rf"(什么时候|何时|哪天|哪一天|几月|哪年|哪一年|什么时间|日期|时间)[^。？?]{{0,8}}{PUBLISH}|"
                       rf"{PUBLISH}(的)?(时间|日期)|成文日期|发文日期|落款日期|when was .* (issued|published)"),
    "doc_number": re.compile(r"文号|发文字号|字号|几号文|(?:通告|公告)(?:号|编号|的编号)|document number"),
    "index_number": re.compile(r"索引号"),
    # which attachment of its notice a file is ('附件2' over its title): '是附件几', '第几个附件'
    "attachment": re.compile(r"附件[几多少哪]|第几个?附件|哪个附件|附件(序)?号是"),
    # a regulation's adoption line ('2020年11月27日 …第二十六次会议通过'): '哪次会议通过的'
    "adopted": re.compile(r"(哪次|哪一次|什么|哪个)(会议|会上)?[^。？?，,]{0,6}通过|会议通过|审议通过"),
    # when a regulation takes effect ('本条例自2021年5月1日起施行'): '什么时候开始施行', '哪天生效', '施行日期'
    "effective": re.compile(r"(什么时候|何时|哪天|哪一天|几月|哪年|哪一年|什么时间|日期|时间)[^。？?，,]{0,6}(施行|生效)|"
                            r"(施行|生效)(的)?(时间|日期)|自何时起"),
    # who drafted a guideline (its part '四、起草单位' / '编写单位'): '谁起草的', '由哪个单位编写'
    "drafter": re.compile(r"(起草|编写|编制)(单位|部门|机构)|谁(起草|编写|编制)|由谁|"
                          r"哪(个|家|一个)(单位|部门|机构)[^。？?，,]{0,4}(起草|编写|编制)"),
    # whether a document is a draft for comment, a trial or final ('还在征求意见吗', '定稿了没有', '是正式发布的吗')
    "status": re.compile(r"(是不是|是否|还在|仍在|还是)[^。？?，,]{0,6}征求意见|征求意见稿(吗|么|还是)|定稿(了)?(没有|吗|么|没)|"
                         r"正式(发布|印发|出台|文件|版本?|稿)[^。？?，,]{0,3}(吗|么|没有|了没|还是)|(是不是|是否)[^。？?，,]{0,4}(正式|草案|草稿|试行)|"
                         r"(草案|草稿|试行)(的)?(吗|么|还是)"),
    # (a part's title is no document's: '各章标题是什么', '每部分的标题' ask for the parts)
    "title": re.compile(r"(文件|方案|计划|报告|要点|文章|条例)的?(标题|名称|全称|全名|题目)|"
                        r"(?<![章节条编分各每])(?<![章节条编分]的)(标题|全称|全名|题目)(是|叫)|叫什么名字"),
}
_BARE_DATE = re.compile(r"什么时候|何时|哪天|日期")  # "…哪个单位发布的？什么时候？": the date, once metadata is asked
WHICH_DOCUMENT = re.compile(rf"哪(个|份|些|几个|几份|篇)?{DOCUMENT_NOUN}|哪一?[份篇]|"
                            r"(是|有|了)?什么(文件|材料|文章|报告)")
# '卫健委等五部门联合公布的罕见病目录': a publishing verb whose 的 leads on to a noun describes that thing, not who
# published the document asked about ('哪些文件是2023年发布的', '…印发的通知有哪些').
_ATTRIBUTIVE = re.compile(rf"的(?!{DOCUMENT_NOUN}|是|有|呢|吗|[？?。，,!！]|$)")

# A document's table of contents ('目录是什么', '这份方案的目录'), not a list named 目录 ('罕见病目录', '免临床评价目录').
CONTENTS = rf"(?<![\u4e00-\u9fff])目录|的目录|{DOCUMENT_NOUN}目录"
# The structure of a whole document is asked for, not something in it: with no heading named, all of it.
_WHOLE_STRUCTURE = re.compile(rf"分(为|成)?(哪|几)[几些]?(个|大)?(部分|块|章|板块)|(几|多少)(个|大)(部分|章|板块)|{CONTENTS}|"
                              r"框架|提纲|大纲|结构")
_CN = "一二三四五六七八九十百零〇两"
_ORDINAL_PART = re.compile(rf"第([{_CN}]+|\d{{1,3}})大?(部分|章|编)")
_COUNT = re.compile(rf"(\d{{1,3}}|[{_CN}]{{1,3}})\s*[项个条大类]")
_NUMBERED_CLAUSE = re.compile(r"第\s*[\d一二三四五六七八九十百]+\s*[条项点]")
# several things asked for, not one ('交些什么': 些 counts more than one); the circumstances something is done under are
# the cases a document lists
_SEVERAL = re.compile(r"哪些|哪几|包括什么|包含什么|都有什么|有哪|些什么|(?:什么|哪种|何种)(?:情况|情形|条件)")
# A target or a figure ('…的目标是什么', '多少'): the sentence that dates or counts it answers.
_TARGET = re.compile(r"目标|指标|达到|多少|几[个项家所名]|比例|比率")
# What is required ('线性范围有啥要求'): the sentence setting a bound in figures answers.
_REQUIREMENT = re.compile(r"要求|标准|规定")
_TIMES = re.compile(r"(?:多少|几)\s*[次遍]")
# Which class a product is managed in ('按第几类管理', '属于哪一类医疗器械', '管理类别是什么'); not several classes ('哪几类')
_CLASS = re.compile(r"(?<!哪)第?几类|哪一?类(?:医疗器械|器械|管理)|(?:管理|产品)类别|什么类别|哪个类别")

# The unit a figure question asks in: the measure word or symbol right after 多少/几 ('多少N', '几年', '多少例',
# '多少CFU/mL'); a closed class of Chinese measure words, or Latin letters and symbols.
# Counting words (个/家/所/名/人/例 …) stand for one another ('多少家' is answered by '40 个'), so only units of
# measure and of time are held to.
_ASKED_UNIT = re.compile(r"(?<!哪)(?:多少|几)\s*([A-Za-zμµ°℃%‰/]+(?:/[A-Za-z]+)?|小时|分钟|[毫微纳厘千]?[克升米]|"
                         r"[千兆]?帕|牛顿?|[级岁倍年天月周元克升米度秒])")
# A unit per volume or mass written with a Chinese count ('多少孢子/mL', '多少拷贝/mL'): the count and the measure.
_ASKED_RATE = re.compile(r"(?<!哪)(?:多少|几)\s*([\u4e00-\u9fff]{1,3}\s*/\s*[A-Za-zμµ]+)")
# How long ('多久', '多长时间'): answered in any unit of time.
_ASKS_DURATION = re.compile(r"多久|多长(?:时间|时期)|多少(?:时间|天数)")
# An age group ('65岁') and an administrative level ('县级'): scopes, read alike in questions and clauses
AGE = re.compile(r"(?<![\d.])(\d{1,3})\s*岁")
LEVEL = re.compile(r"(?:国家|省|市|县|区|乡|镇|村)级")
_LATIN = re.compile(r"[a-z][a-z0-9]{1,7}")
# A value the question states ('至少20天的', '不少于3家', '65岁以上'): not a year, nor a numbered part ('第3条')
_VALUE_STATED = re.compile(r"(?<![\d.第])(\d+(?:\.\d+)?)\s*(%|‰|个月|小时|分钟|次(?!方)|[天日周年岁家例个名人项张所])")


@dataclass(frozen=True)
class Asks:
    """What a question's wording asks for besides its subject (`read_asks`)."""

    fields: tuple[str, ...] = ()  # fields of a document's record, in the order of META_CUES ('文号' → doc_number)
    published_documents: bool = False  # documents by issuer or date ('哪些文件是2023年发布的')
    whole_structure: bool = False  # a whole document's structure ('分哪几部分', '目录', '框架')
    counts: tuple[tuple[str, frozenset[int]], ...] = ()  # counts named, with the words they stand in ('哪八个')
    ordinal_part: tuple[str, str] | None = None  # a part named by its ordinal ('第三部分'), as asked and the number
    numbered_clause: str = ""  # a clause named by its number ('第25条')
    several: bool = False  # several things asked for ('哪些', '包括什么'), not one
    target: bool = False  # a target or a figure ('目标', '多少', '比例')
    requirement: bool = False  # what is required ('要求', '标准', '规定')
    unit: str = ""  # the unit a figure is asked in ('N', '年', '孢子/mL'); '时长' for any unit of time ('多久')
    times: bool = False  # a number of repetitions ('多少次')
    management_class: bool = False  # the class a product is managed in ('按第几类管理', '管理类别')
    ages: tuple[str, ...] = ()  # age groups ('65岁' → '65')
    levels: tuple[str, ...] = ()  # administrative levels ('县级')
    latin: tuple[str, ...] = ()  # words in Latin letters ('hpv', 'drg'), folded
    values: tuple[str, ...] = ()  # values the question states, number and unit ('20天', '3家'), not years

    def value_forms(self) -> tuple[str, ...]:
        """Each value as documents write it: in figures, and a whole number below 100 in words ('6个' as 六个)."""
        forms = []
        for value in self.values:
            number, unit = re.match(r"([\d.]+)(.*)", value).groups()
            forms += [value] + ([chinese_number(int(number)) + unit] if number.isdigit() and int(number) < 100 else [])
        return tuple(forms)

    def counted(self, title: str = "") -> set[int]:
        """The counts named ('哪八个' → {8}, '18项重点工程' → {18}), not those the (folded) `title` names ('八大工程')."""
        return {n for words, numbers in self.counts if words not in title for n in numbers}


def metadata_fields(folded: str) -> tuple[str, ...]:
    """The metadata fields a question asks for, in the order of META_CUES."""
    asked = [name for name, cue in META_CUES.items() if cue.search(folded)]
    if asked and "date" not in asked and "effective" not in asked and _BARE_DATE.search(folded):
        asked.append("date")
    return tuple(name for name in META_CUES if name in asked)


def publishing(cue: re.Pattern | str, folded: str) -> bool:
    """The cue (ending in a publishing verb) said of a document, not of a thing it describes."""
    return any(not _ATTRIBUTIVE.match(folded, m.end()) for m in re.finditer(cue, folded))


def asks_published_documents(folded: str) -> bool:
    """'哪些文件是2023年发布的' / '木垒县卫生健康委员会印发了什么文件': documents by issuer or date."""
    return bool(WHICH_DOCUMENT.search(folded) and publishing(PUBLISH, folded))


def asked_unit(question: str) -> str:
    match = _ASKED_RATE.search(question) or _ASKED_UNIT.search(question)
    if match:
        return match.group(1).replace(" ", "")
    return "时长" if _ASKS_DURATION.search(question) else ""


def _counts(folded: str) -> tuple[tuple[str, frozenset[int]], ...]:
    found = []
    for m in _COUNT.finditer(folded):
        number = m.group(1)
        numbers = {int(number)} if number.isdigit() else {n for n in range(1, 100) if chinese_number(n) == number}
        found.append((folded[m.start(): m.end() + 2], frozenset(numbers)))
    return tuple(found)


def _ordinal_part(folded: str) -> tuple[str, str] | None:
    m = _ORDINAL_PART.search(folded)
    if not m:
        return None
    return m.group(), chinese_number(int(m.group(1))) if m.group(1).isdigit() else m.group(1)


def read_asks(folded: str, asked: str) -> Asks:
    """What the question asks for: `folded` is it with what a follow-up carries over, `asked` the turn as typed
    (a unit, an age or a requirement is the turn's own, not the earlier question's)."""
    numbered = _NUMBERED_CLAUSE.search(folded)
    return Asks(
        fields=metadata_fields(folded),
        published_documents=asks_published_documents(folded),
        whole_structure=bool(_WHOLE_STRUCTURE.search(folded)),
        counts=_counts(folded),
        ordinal_part=_ordinal_part(folded),
        numbered_clause=numbered.group() if numbered else "",
        several=bool(_SEVERAL.search(folded)),
        target=bool(_TARGET.search(folded)),
        requirement=bool(_REQUIREMENT.search(asked)),
        unit=asked_unit(asked),
        times=bool(_TIMES.search(asked)),
        management_class=bool(_CLASS.search(folded)),
        ages=tuple(AGE.findall(asked)),
        levels=tuple(LEVEL.findall(asked)),
        latin=tuple(_LATIN.findall(asked)),
        values=tuple(dict.fromkeys(number + unit for number, unit in _VALUE_STATED.findall(folded)
                                   if not (unit == "年" and re.fullmatch(r"(?:19|20)\d\d", number)))),
    )
