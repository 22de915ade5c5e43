"""A figure question asks the value of one thing: the noun its noun phrase ends in ('透明质酸钠凝胶的粘度' is a
粘度), or, for 'how long' questions about an event ('多长时间能赶到现场'), the time the event takes.

Learnt from questions written blind about real guidelines: '…凝胶，粘度范围是多少？' was answered with a sentence
about the gel that states no viscosity, '…标称值一般多大？' by a sentence with no figure, '…空白限要求不高于多少？'
by how many times the test is repeated. Three new wordings of each class here, on the real query parser.
"""
from __future__ import annotations

import pytest

from assistant.answering.figure_checks import asks_event_duration, states_figure_of, valued_noun
from assistant.asks import asked_unit
from assistant.query import ASKS_FIGURE, Query, figure_nouns
from assistant.textnorm import fold


def figure_query(question: str) -> Query:
    folded = fold(question)
    nouns = figure_nouns(folded, frozenset())
    return Query(folded, folded, "", (), (), (), nouns, indicators=nouns, asked=folded)


def answers(question: str, text: str, title: str = "某产品注册审查指导原则") -> bool:
    return states_figure_of(figure_query(question), text, title)


@pytest.mark.parametrize("question, text", [
    ("注射用凝胶的渗透压是多少？", "产品为注射用透明质酸钠凝胶，灌装于预灌封注射器中，每支1.0mL。"),
    ("导管的外径一般多大？", "导管采用聚氨酯材料制成，长度为30cm，分为3个型号。"),
    ("敷料的吸水率要求不低于多少？", "敷料应进行吸水性能研究，每批抽取5片，结果应符合产品技术要求。"),
])
def test_a_value_of_something_else_in_the_sentence_does_not_answer(question, text):
    assert not answers(question, text)


@pytest.mark.parametrize("question, text", [
    ("导管的长度一般多长？", "导管采用聚氨酯材料制成，长度为30cm，分为3个型号。"),
    ("试剂盒的有效期是多久？", "试剂盒应在2-8℃保存，有效期为12个月。"),
    ("敷料的吸水率要求不低于多少？", "敷料的吸水率应不低于10g/100cm²。"),
])
def test_a_value_of_the_thing_asked_answers(question, text):
    assert answers(question, text)


@pytest.mark.parametrize("question, text", [
    ("检出限要求不高于多少？", "检出限的确定应对低浓度样本重复检测20次，计算阳性检出率。"),
    ("空白吸光度应不高于多少？", "空白吸光度应使用同批号试剂重复测定10次，取其均值。"),
    ("批间差的要求是多少？", "批间差应使用同批号试剂对高值样本重复测定3遍。"),
])
def test_how_often_a_test_is_repeated_is_no_value_of_what_it_measures(question, text):
    assert not answers(question, text)


def test_a_question_asking_how_often_is_answered_by_a_count_of_times():
    assert answers("空白吸光度要重复测定多少次？", "空白吸光度应使用同批号试剂重复测定10次，取其均值。")


@pytest.mark.parametrize("question, text", [
    ("急救车辆多长时间能到达现场？", "以实现平均12分钟到达急救现场为目标，优化急救资源布局。"),
    ("检测报告多久能出来？", "检测报告应在收到样本后3日内出具。"),
    ("产品开封后多久必须用完？", "产品开封后应在28天内使用完毕。"),
])
def test_how_long_an_event_takes_is_answered_by_a_time_beside_its_words(question, text):
    assert asks_event_duration(figure_query(question))
    assert answers(question, text)


@pytest.mark.parametrize("question, noun", [
    ("透明质酸钠凝胶的pH范围是多少？", ""),  # pH is no Chinese noun: any noun may name it
    ("导管的外径一般多大？", "外径"),
    ("敷料的吸水率要求不低于多少？", "吸水率"),
    ("闭经多久就应该取出节育器？", ""),  # a verb between: how long until an event
    ("孕产妇死亡率要降到多少？", "死亡率"),  # the verb a target is set with links them
    ("婴儿死亡率对应的目标是多少？", ""),  # a verbal noun heads no phrase: any noun may name it
    ("高血压患者规范管理的比例是多少？", ""),
    ("重点人群签约对应的覆盖率要提高到多少？", "覆盖率"),
])
def test_the_noun_valued_is_the_one_just_before_the_figure_word(question, noun):
    folded = fold(question)
    assert valued_noun(folded, figure_nouns(folded, frozenset())) == noun


@pytest.mark.parametrize("question", ["铜表面积一般多大？", "随访至少多长时间？", "支架的直径有多宽？"])
def test_how_big_and_how_long_ask_for_a_figure(question):
    assert ASKS_FIGURE.search(fold(question))


@pytest.mark.parametrize("question, unit", [
    ("检出限是多少拷贝/mL？", "拷贝/ml"), ("随访要多久？", "时长"), ("观察多长时间？", "时长"),
])
def test_a_rate_or_a_duration_is_the_unit_asked(question, unit):
    assert asked_unit(fold(question)).lower() == unit


@pytest.mark.parametrize("question, text", [
    ("线性相关系数要求不低于多少？", "配制适当的（一般应不少于5个）浓度点，建立剂量—反应曲线，计算线性相关系数。"),
    ("批内变异系数不超过多少？", "取3个批号，每批检测10份样本，建立标准曲线，计算批内变异系数。"),
    ("回收率要达到多少？", "向样本中加入3个浓度水平的标准品，重复测定，每个浓度重复3遍，计算其回收率。"),
])
def test_a_value_in_another_part_of_the_sentence_is_another_things(question, text):
    assert not answers(question, text)


@pytest.mark.parametrize("question, text", [
    ("线性相关系数要求不低于多少？", "在线性范围内，线性相关系数应不低于0.990。"),
    ("孕产妇死亡率要降到多少？", "到2022年，孕产妇死亡率降到18/10万，婴儿死亡率降到7‰。"),
    ("婴儿死亡率要降到多少？", "到2022年，孕产妇死亡率降到18/10万，婴儿死亡率降到7‰。"),
])
def test_a_value_beside_the_noun_answers(question, text):
    assert answers(question, text)


@pytest.mark.parametrize("question, text, answered", [
    ("精密度的CV最多允许多少？", "精密度评价应至少包含0拷贝、1拷贝及2拷贝的临床样本。", False),
    ("精密度的CV最多允许多少？", "重复检测20次，CV应不大于10%。", True),
    ("O2结合量要不低于多少？", "在最大血流量时，O2的结合量不低于45ml/L。", True),
])
def test_a_latin_term_names_what_is_measured(question, text, answered):
    assert answers(question, text) is answered


@pytest.mark.parametrize("question, noun", [
    ("做差异部分的临床试验要多少受试者？", "受试者"),
    ("钦州2019年要培训多少名全科医生？", "医生"),  # the last of the nouns the segmenter makes of 全科医生
    ("县里计划新建几家乡镇卫生院？", "卫生院"),
])
def test_the_noun_counted_may_follow_the_figure_word(question, noun):
    folded = fold(question)
    assert valued_noun(folded, figure_nouns(folded, frozenset())) == noun


@pytest.mark.parametrize("question", ["净固化时间要求几分钟以内？", "温度均匀性控制在正负几度以内？", "要灭菌几小时？"])
def test_a_few_minutes_degrees_or_hours_ask_for_a_figure(question):
    assert ASKS_FIGURE.search(fold(question))


@pytest.mark.parametrize("question, text", [
    ("要培训多少名全科医生？", "鼓励二级及以上医院有关医生参加全科医生转岗培训。"),
    ("全科医生要配备多少名？", "三级甲等医院要设立全科医学科，配备全科医生。"),
    ("每个县要有多少名全科医生？", "县域内二级医院、乡镇卫生院应设全科医生岗位。"),
])
def test_a_hospital_grade_written_in_words_is_no_value(question, text):
    assert not answers(question, text)


def test_a_grade_reached_is_still_a_value():
    assert answers("区中医医院电子病历要达到几级？", "区中医医院电子病历应用水平达到三级。")
