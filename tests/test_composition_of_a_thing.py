"""'X由哪几部分组成' asks for X's parts: the document's when X names it, a device's when X is the thing a guideline is
about. Learnt from a blind question ('实时荧光PCR分析仪通常由哪几个部分（模块）组成？' was answered with the guideline's
four parts, not '…通常由控制模块、温控模块、光电模块…组成')."""
from __future__ import annotations

import pytest

from assistant.models import Intent


@pytest.mark.parametrize("question", [
    "实时荧光PCR分析仪由哪几个部分组成？",
    "实时荧光PCR分析仪一般由哪几个部分组成",
    "PCR分析仪这台仪器通常由哪几个部分组成？",
])
def test_a_things_parts_are_looked_up(real_library, question):
    answer = real_library.ask(question)
    assert answer.found and answer.intent is not Intent.OUTLINE, answer.text
    assert "温控模块" in answer.text and "光电模块" in answer.text, answer.text


@pytest.mark.parametrize("question", ["云州方案由哪几部分组成？", "钦州工作要点由哪几个部分组成"])
def test_a_documents_parts_are_its_outline(shared_assistant, question):
    assert shared_assistant.ask(question).intent is Intent.OUTLINE
