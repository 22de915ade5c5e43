"""A follow-up two turns on still asks of the conversation's document: '这份指导原则是正式发布的吗？' after '它需不需要做
临床评价？' after a question naming the 侧孔钝针 guideline was looked up in the 玻璃离子水门汀 guideline (a blind question),
since the middle turn names no document and only it was leaned on."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("history, question, document", [
    (["人工韧带注册审查指导原则适用于什么产品？", "它对动物试验有什么要求？"], "这份文件是哪天发布的？", "人工韧带"),
    (["宫内节育器要做哪些生物学评价？", "那临床试验呢？"], "这个指导原则的通告号是多少？", "宫内节育器"),
    (["ECMO循环套包的使用时间通常是多长？", "它的涂层要做哪些研究？"], "这份文件是哪个单位起草的？", "体外膜氧合"),
])
def test_a_pointer_two_turns_on_is_to_the_first_turns_document(real_library, history, question, document):
    answer = real_library.ask(question, history)
    assert answer.found and answer.citations and document in answer.citations[0].document_title, answer.text
