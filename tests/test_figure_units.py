"""A figure question is answered only by a sentence stating a value of what it counts, in the unit it asks.

Learnt from questions written blind about real guidelines: '缝合强度要达到多少N' was answered with a sentence
listing 缝合强度 among the properties to test, with no value at all. Three new wordings of each side here.
"""
from __future__ import annotations

import pytest

from assistant.answering.figure_checks import states_figure_of
from assistant.asks import asked_unit
from assistant.query import Query
from assistant.textnorm import fold

LISTED = ("提供终产品性能验证资料，包括但不限于以下性能：拉伸强度，顶破强度，缝合强度（如需缝合），连接强度，"
          "断裂伸长率，防渗透性能等。")
STATED = "烧灼强度应不小于20N。试验样本量应不少于200例，其中阳性样本不少于60例。产品应在2℃～8℃保存，有效期为12个月。"


def figure_query(question: str, *nouns: str) -> Query:
    folded = fold(question)
    return Query(folded, folded, "", (), (), (), nouns, indicators=nouns, asked=folded)


@pytest.mark.parametrize("question, unit", [
    ("补片的缝合强度最少多少N？", "n"), ("抗压强度要求几MPa？", "mpa"), ("保存温度是多少度？", "度"),
    ("随访至少几年？", "年"), ("一共要测多少家医院？", ""), ("哪几个基因型必须覆盖？", ""),
])
def test_the_unit_asked_is_the_one_after_how_many(question, unit):
    assert asked_unit(fold(question)) == unit


@pytest.mark.parametrize("question, noun", [
    ("硬脑膜补片缝合强度最低要多少N？", "缝合强度"),
    ("补片的拉伸强度得达到多少MPa？", "拉伸强度"),
    ("断裂伸长率至少要多少？", "伸长率"),
])
def test_a_sentence_naming_the_property_without_a_value_does_not_answer(question, noun):
    assert not states_figure_of(figure_query(question, noun), LISTED, "硬脑（脊）膜补片注册技术审查指导原则")


@pytest.mark.parametrize("question, noun, answered", [
    ("烧灼强度最低多少N？", "烧灼强度", True),
    ("烧灼强度要求几MPa？", "烧灼强度", False),  # a value, but not in the unit asked
    ("阳性样本至少要多少例？", "阳性样本", True),
    ("保存温度是多少度？", "保存", True),
    ("有效期最长几年？", "有效期", False),  # 12个月 is in months
])
def test_a_value_counts_in_the_unit_asked(question, noun, answered):
    assert states_figure_of(figure_query(question, noun), STATED, "某试剂注册审查指导原则") is answered


@pytest.mark.parametrize("question", ["毒理学至少要做哪几项试验？", "说明书里要写哪几个基因型？", "适用范围包括哪几类产品？"])
def test_which_ones_is_no_figure_question(question):
    from assistant.query import figure_nouns

    assert figure_nouns(fold(question), frozenset()) == ()


@pytest.mark.parametrize("question, place", [
    ("病毒清除研究那张表里，SV40的病毒大小是多少nm？", "表里"),
    ("附录里的风险一共有多少类？", "附录"),
    ("这份原则里的样本量最少多少例？", "原则"),
])
def test_where_in_the_document_a_figure_stands_is_not_what_it_counts(question, place):
    from assistant.query import figure_nouns

    assert place not in figure_nouns(fold(question), frozenset())


@pytest.mark.parametrize("question, frame", [
    ("结核核酸试剂对涂阳肺结核患者的检出率最低要求多少？", "最低"),
    ("精密度的变异系数最高不能超过多少？", "最高"),
    ("每个浓度至少重复检测几次？", "至少"),
])
def test_a_comparator_frames_the_question_and_is_no_topic_word(question, frame):
    from assistant.query import topic_phrases

    assert not any(frame in phrase for phrase in topic_phrases(fold(question)))


@pytest.mark.parametrize("question", ["哪些指导原则提到了加速老化？", "哪几份原则要求做生物相容性评价？", "讲灭菌时提到环氧乙烷残留的是哪些指南？",
                                      # the kind named with its modifiers: no '指导' or '审查' left as a topic
                                      "哪些技术审查指导原则要求做生物相容性评价？", "哪几个注册审查指导原则提到了货架有效期？",
                                      "要求病毒灭活验证的指导原则有哪些？"])
def test_the_kind_of_document_asked_about_is_no_topic_word(question):
    from assistant.understanding.intent import classify
    from assistant.models import Intent
    from assistant.query import topic_phrases

    phrases = topic_phrases(fold(question))
    assert phrases and not any(w in phrase.split() for phrase in phrases
                               for w in ("原则", "指导原则", "指南", "时", "指导", "审查"))
    assert classify(figure_query(question), named_documents=0) is Intent.WHICH_DOCUMENTS


ROW = "病毒：SV40；科：乳多孔；属：多瘤病毒；大小(nm）：40-50；形状：二十面体"


@pytest.mark.parametrize("question, nouns", [
    ("用于病毒清除研究的举例病毒里，SV40颗粒多大（nm）？", ("病毒清除研究", "SV40")),
    ("病毒清除研究举例那张表，SV40直径是多少nm？", ("病毒清除研究", "SV40", "直径")),
    ("灭活验证举例的病毒中，SV40大小几nm？", ("SV40", "大小")),
])
def test_a_table_row_is_read_under_its_caption(question, nouns):
    """The row names SV40 and its size; 病毒清除研究 is named by the table's caption, in the row's headings."""
    headings = "三、基本要求 › （二）病毒灭活有效性验证资料 › 表1 已用于病毒清除研究的病毒举例"
    assert states_figure_of(figure_query(question, *nouns), ROW, "无源植入性医疗器械产品注册申报资料指导原则", headings)


@pytest.mark.parametrize("lines, heading", [
    (["表1", "已用于病毒清除研究的病毒举例"], "表1 已用于病毒清除研究的病毒举例"),
    (["附表 2", "临床试验机构信息"], "附表2 临床试验机构信息"),
    (["表3", "注：本表所列试验项目为最低要求，申请人可根据产品特点增加。"], "表3"),  # a note, not a caption
])
def test_a_table_label_alone_on_its_line_takes_its_caption(lines, heading):
    from assistant.parser import parse_document

    rows = ["项目：外观；要求：无破损；方法：目测", "项目：尺寸；要求：符合标称；方法：量具"]
    text = "\n".join(["某产品注册审查指导原则", "一、性能研究", "应开展以下研究。", *lines, *rows, ""])
    parsed = parse_document("x.txt", text)
    row = next(c for c in parsed.clauses if c.label.endswith("行1"))
    assert heading in row.path, row.path


NO_VALUES = ("2.2.2 力学强度需明确人工韧带直线断裂拉伸力和断裂延长量限度数值（检测方法可参考YY/T 0965）。"
             "3.1.2性能指标申报产品的性能指标建议包含以下几点：外观、装量、重组胶原蛋白的含量、粘度。"
             "2.3 抗压强度和孔径应在产品技术要求中规定，见4.1.3。")


@pytest.mark.parametrize("question, noun", [
    ("人工韧带的断裂拉伸力最低要达到多少牛？", "断裂拉伸力"),
    ("重组胶原蛋白的含量下限是多少毫克？", "含量"),
    ("支架的抗压强度要多少兆帕？", "抗压强度"),
])
def test_a_heading_s_number_is_no_value_and_chinese_units_are_held_to(question, noun):
    """A guideline that says a value must be specified, without giving one, does not answer 'how much'."""
    assert asked_unit(fold(question)) in ("牛", "毫克", "兆帕")
    assert not states_figure_of(figure_query(question, noun), NO_VALUES, "某产品注册审查指导原则")


@pytest.mark.parametrize("question, noun, text", [
    ("断裂拉伸力最低多少牛？", "断裂拉伸力", "2.2.2 力学强度直线断裂拉伸力应不小于1500N。"),
    ("孔径要多少微米？", "孔径", "3.1 孔径应为100～400μm。"),
    ("含量下限是多少？", "含量", "2.5 有效成分含量应不低于标示量的90%。"),
])
def test_a_value_after_a_heading_s_number_still_counts(question, noun, text):
    assert states_figure_of(figure_query(question, noun), text, "某产品注册审查指导原则")


@pytest.mark.parametrize("question, missing", [
    ("硬脑膜补片成品细菌内毒素限值是多少？", "限值"),
    ("环氧乙烷残留量的上限是多少？", "上限"),
    ("空白限的数值要求是多少？", "数值"),
])
def test_the_kind_of_value_asked_for_is_not_what_is_counted(question, missing):
    from assistant.query import figure_nouns

    assert missing not in figure_nouns(fold(question), frozenset())


@pytest.mark.parametrize("title, word", [
    ("硬脑（脊）膜补片注册技术审查指导原则", "硬脑膜"),
    ("体外膜氧合（ECMO）循环套包注册审查指导原则", "体外膜氧合循环套包"),
    ("肿瘤筛查用体外诊断试剂临床评价注册审查指导原则（征求意见稿）", "临床评价注册审查指导原则"),
])
def test_a_title_is_also_read_without_what_it_puts_in_brackets(title, word):
    from assistant.answering.figure_checks import title_readings

    assert word.lower() in title_readings(title)


# Learnt from a blind question: '心脑血管病死亡率22年要压到多少以下' was refused; the plan's indicator is
# 心脑血管疾病死亡率. Chinese shortens a term by a character; a term short of two is another word.
@pytest.mark.parametrize("word, text, found", [
    ("心脑血管病", "心脑血管疾病死亡率（1/10万）", True),
    ("精神卫生科", "二级以上综合医院设精神卫生专科", True),
    ("肺结核患者", "肺结核病患者发现率", True),
    ("医疗机构", "医疗卫生机构床位", False),        # two characters more: another term
    ("慢阻肺病", "慢性阻塞性肺疾病", False),
])
def test_a_term_short_of_one_character_is_the_documents_term(word, text, found):
    from assistant.answering.figure_checks import word_in

    assert word_in(word, text) is found


@pytest.mark.parametrize("question, share", [
    ("公立医院药占比要控制在多少以下？", "药占比"),  # jieba: '药' '占' '比要'
    ("县医院的药占比目标是多少？", "药占比"),
    ("基层门急诊占比是多少？", "门急诊占比"),
    ("耗材占比要降到多少？", "耗材占比"),
])
def test_a_share_the_segmenter_cut_apart_is_the_indicator_asked(question, share):
    """Before, '药' (one character) was dropped and the question's indicator was only '公立医院', which any clause
    about public hospitals stated beside some other figure ('40%以上的二级及以上公立医院…')."""
    from assistant.query import figure_nouns

    assert share in figure_nouns(fold(question), frozenset())


def test_a_share_no_document_states_is_refused_naming_it(shared_assistant):
    answer = shared_assistant.ask("贵州公立医院药占比目标是多少？")
    assert not answer.found and "药占比" in answer.text, answer.text


# Learnt from a blind question on an indicator table whose 2030 cell holds words ('上升趋势减缓'): the row explaining
# the indicator ('序号：36；指标：说明：…') was quoted for its ordinal. A row's place in its table is no value.
@pytest.mark.parametrize("question, nouns, row, states", [
    ("焦虑障碍患病率2030年要控制在多少", ("焦虑障碍患病率",),
     "领域：（五）心理健康促进行动；序号：37；指标：说明：焦虑障碍患病率指调查中检出焦虑障碍人数占调查人数的比例。", False),
    ("每千常住人口执业医师数到2022年要达到多少", ("执业医师数",),
     "领域：（三）卫生资源；序号：27；指标：说明：每千常住人口执业（助理）医师数指年末执业医师数与常住人口数之比。", False),
    ("居民健康素养水平到2030年要提高到多少", ("健康素养水平",),
     "编号：12；指标：说明：居民健康素养水平指具备基本健康素养的人数占总人数的比例。", False),
    ("孕产妇死亡率2022年的目标值是多少", ("孕产妇死亡率",),
     "领域：（七）妇幼健康促进行动；序号：45；指标：孕产妇死亡率（1/10万）；基期水平：19.6；2022年目标值：18", True),
])
def test_a_table_rows_ordinal_states_no_value(question, nouns, row, states):
    assert states_figure_of(figure_query(question, *nouns), row, "健康中国行动") is states


# Learnt from a blind question on a guideline giving only the formula of a coefficient of variation
# ('CV=SD/x̄×100%'): the formula's 100% is how a value is computed, not a value required.
@pytest.mark.parametrize("question, nouns, text, states", [
    ("批间精密度的变异系数不得超过多少", ("变异系数",), "根据公式CV=SD/x̄×100%得出批间变异系数。", False),
    ("阳性符合率至少多少", ("阳性符合率",), "阳性符合率=真阳性例数/（真阳性例数+假阴性例数）×100%。", False),
    ("回收率要在多少范围内", ("回收率",), "回收率R=（C-C0）/CS*100%，计算各浓度的回收率。", False),
    ("批内精密度的变异系数要求不大于多少", ("变异系数",), "批内变异系数（CV）应不大于10%，CV=SD/x̄×100%。", True),
])
def test_a_formulas_factor_states_no_value(question, nouns, text, states):
    assert states_figure_of(figure_query(question, *nouns), text, "C-肽测定试剂注册技术审查指导原则") is states
