"""Whether a document is a draft for comment, a trial or final is asked of its record, and its title says it. Learnt
from blind questions ('曲霉核酸检测试剂的注册审查指导原则是不是还在征求意见？' was summarised; '这份指导原则是正式
发布的吗？' after two turns on the 侧孔钝针 guideline was looked up in another guideline)."""
from __future__ import annotations

import pytest

from assistant.answering.metadata import draft_status
from assistant.models import Intent


@pytest.mark.parametrize("question, status", [
    ("侧孔钝针的指导原则是正式版本还是征求意见稿？", "征求意见稿"),
    ("口腔修复膜那份指导原则定稿了吗", "征求意见稿"),
    ("B群链球菌核酸检测试剂的指导原则是否仍在征求意见", "征求意见稿"),
    ("真实世界数据那个指导原则是试行的吗？", "试行"),
])
def test_a_draft_or_a_trial_is_said_from_the_title(real_library, question, status):
    answer = real_library.ask(question)
    assert answer.found and answer.intent is Intent.METADATA and f"文件状态：{status}" in answer.text, answer.text


def test_a_document_marked_neither_way_is_said_to_be_so(real_library):
    answer = real_library.ask("人工韧带注册审查指导原则是正式发布的吗？")
    assert answer.found and "未标明征求意见稿" in answer.text, answer.text


def test_the_status_is_asked_of_the_conversations_document_two_turns_on(real_library):
    answer = real_library.ask("这份指导原则是正式发布的吗？",
                              ["一次性使用无菌侧孔钝针按几类医疗器械管理？", "它需不需要做临床评价？"])
    assert answer.found and "侧孔钝针" in answer.text and "征求意见稿" in answer.text, answer.text


def test_a_file_name_says_it_when_the_title_does_not():
    assert draft_status("肿瘤筛查用体外诊断试剂临床评价注册审查指导原则", "2024-01-22/肿瘤筛查通用指导原则-主任专题会后-对外征求意见稿.doc") \
        == "征求意见稿，尚未正式发布（据文件名）"
    assert draft_status("人工韧带注册审查指导原则", "2021-12-20/人工韧带注册审查指导原则（2021年第103号）.doc") \
        == "标题与文件名均未标明征求意见稿、试行或草案"
