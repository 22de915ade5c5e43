"""Lists asked for are quoted whole. Learnt from blind questions: a lead-in ending its line in a colon with one item a
line under it ('下列情形原则上划分为不同的注册单元：⏎材料化学成分不同的产品…。⏎结构不同的产品…。⏎铜表面积标称值不同。')
is a list like one numbered inline, and '宫内节育器哪些情形原则上要划分为不同的注册单元？' was answered with its first and
second items, the third elided; an item of a numbered list ('3.单粉水调型：…单一粉剂型…') naming the thing asked as
often as the list's lead-in ('（二）按照剂型分类：') stood for the list ('玻璃离子水门汀按剂型可以分成哪几种？')."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "宫内节育器什么情况下要划分成不同的注册单元？",
    "宫内节育器哪几种情形应分为不同注册单元",
    "宫内节育器在哪些情况下原则上应划分为不同注册单元？",
])
def test_a_list_set_on_lines_is_quoted_whole(real_library, question):
    answer = real_library.ask(question)
    assert answer.found, answer.text
    for case in ("材料化学成分不同", "结构不同", "铜表面积标称值不同"):
        assert case in answer.text, answer.text


@pytest.mark.parametrize("question", [
    "玻璃离子水门汀剂型分为哪几种",
    "按剂型，玻璃离子水门汀有哪几种？",
    "牙科玻璃离子水门汀有哪些剂型？",
])
def test_a_list_asked_for_is_given_by_its_lead_in_not_one_item(real_library, question):
    answer = real_library.ask(question)
    assert answer.found, answer.text
    for kind in ("粉液手调型", "粉液胶囊型", "单粉水调型"):
        assert kind in answer.text, answer.text
