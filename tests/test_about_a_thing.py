"""'…的X是干什么的' asks what a thing the document has is about, not what the document is. Found trying the whole-clause
quote ('实时荧光PCR分析仪的光电模块是干什么的？' was answered with the guideline's preamble and its four parts, as
'那个Excel表到底是什么内容？' is): '是干什么的', '是关于什么的', '是什么内容' after a possessive naming a thing of the
document ask about that thing; after the document itself, or a pointer to it, about all of it."""
from __future__ import annotations

import pytest

from assistant.models import Intent


@pytest.mark.parametrize("question, said", [
    ("人工韧带指导原则里的动物试验是干什么的？", "动物试验"),
    ("宫内节育器原则中的随访记录单是什么内容？", "随访记录单"),
    ("实时荧光PCR分析仪注册技术审查指导原则的光电模块是关于什么的", "光电模块"),
])
def test_a_thing_of_the_document_is_looked_up(real_library, question, said):
    answer = real_library.ask(question)
    assert answer.found and answer.intent is not Intent.SUMMARY, answer.text
    assert said in answer.text and "开篇说明" not in answer.text, answer.text


@pytest.mark.parametrize("question", [
    "贵州八大工程的督医制度是干什么的？",
    "木垒县落实情况报告里的家庭医生签约是什么内容？",
    "钦州工作要点中的健康扶贫讲的是什么",
])
def test_a_thing_of_a_plan_is_looked_up(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert answer.found and answer.intent is Intent.LOOKUP, answer.text


def test_a_heading_of_the_document_asked_about_gives_its_parts(shared_assistant):
    answer = shared_assistant.ask("云州方案的保障措施讲的是什么？")
    assert answer.intent is Intent.OUTLINE and "强化组织领导" in answer.text, answer.text


@pytest.mark.parametrize("question", ["人工韧带注册审查指导原则是干什么的？", "宫内节育器的这份指导原则是关于什么的"])
def test_the_document_itself_asked_about_is_summarised(real_library, question):
    assert real_library.ask(question).intent is Intent.SUMMARY
