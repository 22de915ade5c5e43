"""Asking which document, and naming the collection asked, is the question's frame, never its topic; a document
asked for by when it was issued is told by the documents' own dates.

Learnt from '哪份文件提到了远程医疗？' (answered '文件中未找到关于“份文件、远程医疗”的内容'), '资料库里哪些文件提到了
中医药？' (资料库 became a topic) and '这几份文件里，哪一份是2019年5月印发的？' (answered with a clause about 印发).
"""
from __future__ import annotations

import pytest

QINZHOU = "001_a2c9650bb564f988.txt"
GUANGZHOU = "004_7019475e6841841c.txt"


@pytest.mark.parametrize("question, topic", [
    ("哪份文件提到了远程医疗？", "远程医疗"),
    ("资料库里哪些文件提到了中医药？", "中医药"),
    ("知识库中哪一份讲了家庭医生签约？", "家庭医生签约"),
    ("文件库里哪个文件讲到了互联网医院", "互联网医院"),
    # How many of a thing is asked is the frame too: '托位数量在哪些材料里有具体数字？' was refused (no document
    # writes 托位数量; they write 托位数 and 新增托位90个: a blind question). Three new wordings:
    ("哪些文件给出了托位的数量？", "托位"),
    ("家庭医生签约的个数，哪几份文件提到了？", "家庭医生签约"),
    ("有哪些文件写了中医馆数目？", "中医馆"),
])
def test_the_which_document_frame_is_no_topic(shared_assistant, question, topic):
    answer = shared_assistant.ask(question)
    assert answer.found and answer.intent.value == "which_documents"
    assert f"提到“{topic}”" in answer.text


@pytest.mark.parametrize("question, source", [
    ("这几份文件里，哪一份是2019年5月印发的？", QINZHOU),  # its date is written 2019年5月10日
    ("哪份文件是2023年3月发布的", GUANGZHOU),  # and this one's 2023-03-01
    ("哪一篇是2023年3月出的？", GUANGZHOU),
])
def test_a_document_asked_for_by_its_month_of_issue(shared_assistant, question, source):
    answer = shared_assistant.ask(question)
    assert answer.found and [c.source for c in answer.citations] == [source]


def test_a_month_no_document_was_issued_in_is_said_plainly(shared_assistant):
    answer = shared_assistant.ask("哪一份是2020年1月出台的？")
    assert not answer.found and answer.text == "收录的文件中没有2020年1月的文件。"


# A nominalised clause asked of the collection ('…的，都有哪些？', '…来的有哪些'): those that do it, which documents;
# a list inside one document ('…的项目有哪些') is no such question.
@pytest.mark.parametrize("question, across", [
    ("要建设远程医疗中心的，都有哪些？", True),
    ("提到家庭医生签约服务的，是哪几个地方？", True),
    ("把中医药写进工作要点的有哪些", True),
    ("八大工程包括的工程有哪些？", False),
    ("三级医院的要求有哪些", False),
])
def test_a_nominalised_clause_asked_of_the_collection_asks_which_documents(question, across):
    from assistant.query import across_documents
    from assistant.textnorm import fold
    assert across_documents(fold(question)) is across


def test_a_nominalised_clause_is_answered_with_the_documents(shared_assistant):
    answer = shared_assistant.ask("提到家庭医生签约服务的，都有哪些？")
    assert answer.intent.value == "which_documents" and answer.found


# Learnt from a blind question, '精密度评价周期举例为至少20天的是哪些指导原则？' (refused: 举例 is how a guideline
# says it, not what). That a document gives it as an example is the frame. Three new wordings:
@pytest.mark.parametrize("question", [
    "哪些文件以互联网医院举例？", "互联网医院，哪几份文件里有例子？", "哪些文件以互联网医院为例？"])
def test_that_a_document_gives_it_as_an_example_is_no_topic(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert answer.found and "提到“互联网医院”" in answer.text
