"""A question about a whole document, however it is worded, is answered with all of it in brief: its parts, the
sentence saying what it is for, and its main figures.

Learnt from questions labelled by kind by a writer who never saw the rules: '这份材料的重点是什么', '主要汇报了哪些
东西', '帮我梳理一下这个文件的主要精神' were taken for look-ups and answered with one clause. Three new wordings of
each class here, on the real model and index of the five plans.
"""
from __future__ import annotations

import re

import pytest

from assistant.understanding.intent import asks_about_whole, classify
from assistant.models import Intent
from assistant.query import Query
from assistant.textnorm import fold


def query_of(question: str, *topic: str) -> Query:
    folded = fold(question)
    return Query(folded, folded, "", (), (), (), (), topic=topic, asked=folded)


@pytest.mark.parametrize("question, topic", [
    ("这份通知的核心要义是什么？", ("核心", "通知")),
    ("这篇报告主要反映了些什么？", ("篇报告", "反映")),
    ("那部条例到底是干什么用的", ("那部 条例", "干什么 用")),
])
def test_a_question_with_no_word_beyond_what_a_whole_document_has_asks_for_all_of_it(question, topic):
    query = query_of(question, *topic)
    assert asks_about_whole(query, named_documents=0)
    assert classify(query, named_documents=0) is Intent.SUMMARY


@pytest.mark.parametrize("question, topic", [
    ("这份通知里家庭医生签约的重点是什么？", ("家庭医生 签约", "重点")),
    ("这份报告反映了哪些高血压管理的情况？", ("高血压 管理", "反映")),
    ("重点人群签约覆盖率的情况怎么样？", ("重点 人群 签约 覆盖率", "情况")),  # points at no document
])
def test_a_word_of_its_own_makes_it_a_question_about_that(question, topic):
    assert not asks_about_whole(query_of(question, *topic), named_documents=0)


@pytest.mark.parametrize("question", [
    "云州区县级医疗机构综合能力提升三年行动方案主要讲了些什么？",
    "帮我梳理一下广州2023年卫生健康工作这篇材料的主要内容",
    "钦州2019年卫生健康工作要点这份文件的重点是什么",
])
def test_a_summary_says_what_the_document_is_for_and_cites_it(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert answer.intent is Intent.SUMMARY and answer.found
    assert "正文" in answer.text or "部分" in answer.text
    line = answer.text.split("》开篇说明：\n")[1].splitlines()[0]  # '前言：“…”[1]', before the parts
    number = int(re.search(r"\[(\d+)\]$", line).group(1))
    opening = answer.citations[number - 1]
    document = shared_assistant.documents[opening.clause.source]
    start, end = opening.quotes[0]
    assert "".join(document.text[start:end].split())[:20] in "".join(line.split())
