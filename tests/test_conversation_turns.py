"""A turn that only acknowledges, or asks about the assistant itself, is conversation: no search, a help answer.

Learnt from questions labelled by kind by a writer who never saw the rules: '收到，谢谢', '没事了', '你是机器人吗',
'你的数据会保密吗' were searched for and answered '文件中未找到…'. Three new wordings of each class, and three
turns addressed to the assistant that do ask of the documents.
"""
from __future__ import annotations

import pytest

from assistant.understanding.intent import is_conversation
from assistant.textnorm import fold


@pytest.mark.parametrize("turn", ["好的，明白了", "行，辛苦你了", "嗯嗯，先这样吧"])
def test_an_acknowledgement_is_conversation(turn):
    assert is_conversation(fold(turn))


@pytest.mark.parametrize("turn", ["你是真人还是程序？", "你会记错吗", "您平时几点下班呀"])
def test_a_short_question_about_the_assistant_is_conversation(turn):
    assert is_conversation(fold(turn))


@pytest.mark.parametrize("turn", [
    "你能告诉我2022年孕产妇死亡率目标吗？",
    "您好，请问哪些文件提到了家庭医生签约？",
    "你知道云州方案的文号吗",
])
def test_a_turn_addressed_to_the_assistant_that_asks_of_the_documents_is_searched(turn):
    assert not is_conversation(fold(turn))


def test_the_served_answer_to_an_acknowledgement_is_help_not_a_search(shared_assistant):
    from assistant.models import Intent

    answer = shared_assistant.ask("收到，辛苦了")
    assert answer.intent is Intent.CONVERSATION and answer.citations == () and "未找到" not in answer.text
