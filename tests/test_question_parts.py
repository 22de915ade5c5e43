"""Two questions in one: a document's metadata asked beside what it says ('…是通告的附件几？由哪个单位起草并负责
解释？'). Learnt from the sixth blind batch, whose metadata questions often asked a second thing; the metadata part
was answered and the other dropped. Three wordings, pure, then as staff see it."""
from __future__ import annotations

import pytest

from assistant.answering import joined, question_parts
from assistant.models import Answer, AnswerItem, Citation, Clause


@pytest.mark.parametrize("question, parts", [
    ("宫内节育器指导原则是通告的附件几？说明书里的放置年限该怎么写？", 2),
    ("广东省母婴保健管理条例最近一次是哪次会议修订的？修订后什么时候施行？", 2),
    ("北京市中医药条例的文号是什么？第三十条讲了什么？", 2),
])
def test_metadata_asked_beside_a_look_up_is_answered_in_parts(question, parts):
    assert len(question_parts(question)) == parts


@pytest.mark.parametrize("question", [
    "ApoB测定试剂一般用什么方法学？在哪个波长测吸光度？",   # one clause may answer both: asked together
    "北京中医药条例是在哪次会议上通过的？从什么时候开始施行？",   # two fields: one metadata answer
    "宫内节育器指导原则是通告的附件几？由哪个单位起草并负责解释？",   # its attachment and drafting unit: two fields
    "家庭医生签约服务有什么安排？",
])
def test_parts_of_one_kind_are_asked_together(question):
    assert question_parts(question) == [question]


def test_the_parts_answers_are_read_in_turn_with_their_citations_numbered_on():
    clause = Clause("a.txt", "一", ("一",), "一", "文本", 0, 2)
    cite = Citation(clause, "甲", 1.0)
    first = Answer("q1", "附件序号：附件2[1]", True, (cite,), "q1", items=(AnswerItem("附件序号：附件2", (1,)),))
    second = Answer("q2", "根据《甲》三·[12]依据：“[12]国家局……”[1]", True, (cite,), "q2")
    both = joined("q", [first, second])
    assert both.text == "附件序号：附件2[1]\n根据《甲》三·[12]依据：“[12]国家局……”[2]"  # a clause's own [12] stays
    assert len(both.citations) == 2 and both.items[0].citations == (1,) and both.found


@pytest.mark.parametrize("question", [
    "广州18项重点工程是哪个单位发布的？什么时候？",
    "钦州要点的文号是多少？哪天印发的？",
    "云州方案是谁印发的？啥时候？",
])
def test_a_part_without_a_subject_of_its_own_says_more_of_the_part_before_it(question):
    assert question_parts(question) == [question]


# Learnt from blind questions asking two figures at once ('…有效期至少多少个月？…杀灭对数值要多少？') or a figure
# beside a look-up ('“督医”制度是怎么回事？每万人要配多少督医？'): a figure answer quotes the one sentence stating it,
# so both were refused together. A part asking a figure is its own question. Three new wordings:
@pytest.mark.parametrize("question", [
    "C肽测定试剂的空白限要重复检测多少次？线性范围下限不高于多少？",
    "人工韧带的动物试验观察时间至少多久？口腔修复膜做屏障用途的要观察几周？",
    "家庭医生签约服务怎么开展？签约率要达到多少？",
])
def test_a_part_asking_a_figure_is_asked_on_its_own(question):
    assert len(question_parts(question)) == 2


def test_both_figures_asked_at_once_are_answered(shared_assistant):
    answer = shared_assistant.ask("贵州八大工程计划里，2022年孕产妇死亡率要降到多少？婴儿死亡率要降到多少？")
    assert answer.found and "18/10 万" in answer.text and "7‰" in answer.text


# A later part naming no document is asked of the one the first part names: '…？线性范围下限不高于多少？' was
# answered from the 胰岛素 guideline after a part about C肽. Three wordings, on the real library:
@pytest.mark.parametrize("question, guideline", [
    ("C肽测定试剂的空白限要重复检测多少次？线性范围下限不高于多少？", "C-肽测定试剂"),
    ("人工韧带的动物试验观察时间至少多久？产品的无菌保证水平要达到多少？", "人工韧带"),
    ("柠檬酸消毒液包装完好时有效期至少多少个月？模拟现场试验杀灭对数值要多少？", "柠檬酸消毒液"),
])
def test_a_later_part_naming_no_document_is_asked_of_the_first_parts(real_library, question, guideline):
    answer = real_library.ask(question)
    quoted = [c.source for c in answer.citations if c.quotes]
    assert answer.found and len(quoted) >= 2 and all(guideline in source for source in quoted)


def test_a_part_answered_by_the_sentences_an_earlier_part_quoted_is_not_repeated():
    clause = Clause("a.txt", "一", ("一",), "一", "C-肽是由31个氨基酸组成的连接肽，分子量约3021道尔顿。", 0, 27)
    cite = Citation(clause, "甲", 1.0, ((0, 27),))
    first = Answer("q1", "根据《甲》一：“C-肽是由31个氨基酸组成的连接肽，分子量约3021道尔顿。”[1]", True, (cite,), "q1")
    both = joined("q", [first, first])
    assert both.text == first.text and len(both.citations) == 1


def test_a_figure_part_the_earlier_parts_quote_states_is_not_asked_again(real_library):
    """'…肺结核的病例至少多少例？涂片阴性的占比有啥要求？': the first part's sentence states both."""
    answer = real_library.ask("结核分枝杆菌复合群核酸检测试剂临床试验中，临床诊断为肺结核的病例不少于多少例？涂片阴性的要占多少？")
    assert answer.found and "不小于50%" in answer.text and len([c for c in answer.citations if c.quotes]) == 1
