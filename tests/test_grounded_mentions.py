"""A clause says what the question asks only when it says it in one place (issue 24: grounded or silent).

Learnt from the issue's own example '哪个地方的文件提出要建设智慧医院？', answered with two documents whose quotes
say 智慧醫療 and 智慧健康养老: the words of a description stand in one sentence, the word heading the compound is
written there at least in part, and two words beside a lone character keep their order. A figure asked of one
administrative level is not answered by another's ('县级区域医疗次中心' by '省级区域医疗中心'), and a clause's rule
comes before its special cases ('不少于350例' before '如果…其中…不少于100例'). Three new wordings of each class.
"""
from __future__ import annotations

import re

import pytest

from assistant.answering.mentions import phrase_in
from assistant.answering.figure_checks import of_another_level
from assistant.asks import read_asks
from assistant.textnorm import fold

GUIZHOU = ("推动9 个市(州)、贵安新区新建三级老年病医院,鼓励二级以上综合医院设立老年病科。推动建设一批安宁疗护中心。"
           "每年支持20 个社区开展智慧健康养老服务试点。")
QINZHOU = "健全全科醫生培養與使用激勵機制,保障農村訂單定向免費培養醫學畢業生規培期間的基本工資及其社會保障等待遇。"
GUANGZHOU = "扎实开展“互联网+医疗健康”示范市创建活动,稳步提升全市公立医院智慧化水平。"


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def test_the_words_of_a_description_stand_in_one_sentence(shared_assistant):
    idf = shared_assistant.context.idf
    assert not phrase_in("建设 智慧 医院", squashed(GUIZHOU), idf)  # 医院, 建设 and 智慧 in three sentences
    assert phrase_in("农村 订单 定向 免费 医学生", squashed(QINZHOU), idf)  # 医学生 written 医学毕业生: in part
    assert not phrase_in("建 智慧 医院", squashed(GUANGZHOU))  # '医院智慧化' is not 智慧医院


@pytest.mark.parametrize("question", [
    "哪个地方的文件提出要建设智慧医院？",  # the example
    "哪些文件提到了建设智慧医院？",
    "有没有文件说要建智慧医院？",
    "建设智慧医院在哪几份文件里提到过？",
])
def test_no_document_is_said_to_mention_what_none_of_its_sentences_says(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert not answer.found and "智慧医院" in answer.text


@pytest.mark.parametrize("question, clause, other", [
    ("贵州八大工程准备建几个县级区域医疗次中心？", "建设省级区域医疗中心。", "县级"),
    ("县级医院要达到几个？", "县级医院和省级医院各2个。", ""),
    ("省级区域医疗中心建几个？", "建设9个区域医疗中心。", ""),  # the clause states no level: nothing to tell
])
def test_a_figure_of_another_administrative_level_answers_nothing(question, clause, other):
    assert of_another_level(read_asks(fold(question), fold(question)), clause) == other


@pytest.mark.parametrize("question", [
    "贵州八大工程准备建几个县级区域医疗次中心？",
    "八大工程计划要建多少个县级区域医疗次中心？",
    "贵州打算建设几个县级区域医疗次中心？",
])
def test_the_plan_setting_provincial_centres_sets_no_county_ones(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert not answer.found and "县级" in answer.text


@pytest.mark.parametrize("question, history, value", [
    ("结核核酸检测试剂临床试验中，最终诊断为肺结核的病例至少要多少例？", [], "350例"),
    ("结核那份指导原则里，确诊肺结核的病例最少要入组多少？", [], "350例"),
    ("结核分枝杆菌核酸检测试剂的临床试验需要多少例最终诊断为肺结核的患者？", [], "350例"),
    ("那其他易混淆疾病的病例要多少例？", ["结核核酸检测试剂临床试验中，最终诊断为肺结核的病例至少要多少例？"], "150例"),
])
def test_a_figure_is_the_rule_of_its_clause_not_a_special_case_after_it(real_library, question, history, value):
    answer = real_library.ask(question, history)
    assert answer.found and value in answer.text



@pytest.mark.parametrize("question, history, value", [
    ("乙肝基因分型试剂B型、C型临床样本各要多少例？", [], "200例"),
    ("乙肝病毒基因分型试剂里其他基因型的阳性病例每种至少几例？", [], "30例"),
    ("D型的呢？", ["乙肝病毒基因分型试剂临床试验总样本至少多少例？"], "30例"),
])
def test_item_numbers_and_determiners_are_no_figures(real_library, question, history, value):
    # the 说明书 part's '1.【预期用途】…1.2 …至少包括B型、C型、D型，如果申请人略去上述任意一种…' states no count:
    # its items' numbers and '任意一种' ('any one') are not values, so the sample sizes of 4.2 answer
    answer = real_library.ask(question, history)
    assert answer.found and value in answer.text and answer.citations[0].clause.label.startswith("二（七）4")


@pytest.mark.parametrize("question, history, value", [
    ("钦州和云州在床位数上的目标分别是多少？", [], "3.5"),
    ("钦州和云州的床位数目标各是多少？", [], "3.5"),
    ("云州区床位数量的目标是多少？", [], "3.5"),
])
def test_a_count_closing_what_is_asked_is_the_measure_of_its_stem(shared_assistant, question, history, value):
    # 云州 writes '床位达到 3.5 张/千人': no '床位数', and it is not silent on it
    answer = shared_assistant.ask(question, history)
    assert answer.found and value in answer.text and "云州区县级医疗机构" in answer.text
    assert "未提及床位" not in answer.text


@pytest.mark.parametrize("question, history", [
    ("广州2023年城乡居民健康素养水平的目标是多少？", []),
    ("那广州2023年的目标是多少？", ["钦州2019年底城乡居民健康素养水平要达到多少？"]),
    ("广州力争2023年城乡居民健康素养水平达到多少？", []),
])
def test_urban_and_rural_residents_are_the_residents(shared_assistant, question, history):
    # 广州 writes '力争2023年居民健康素养水平达到38%': 城乡 ('urban and rural') breaks nothing down, and a document
    # whose words stand all but one is not silent on a long description
    answer = shared_assistant.ask(question, history)
    assert answer.found and "38%" in answer.text


@pytest.mark.parametrize("question", [
    "宫内节育器在子宫里最多能放几年？",
    "宫内节育器放置年限最长是多少年？",
    "含铜节育器可以放置多少年？",
])
def test_a_number_inside_quotation_marks_is_no_value_stated(real_library, question):
    # the guideline says a 说明书 must not write '“5年以上”类似模糊的描述': the words quoted state no 放置年限
    answer = real_library.ask(question)
    assert not answer.found and "5年以上" not in answer.text
