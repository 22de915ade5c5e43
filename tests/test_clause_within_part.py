"""A clause named inside a chapter or part ('第二章第八条', '第三部分第（二）项') is what is asked, not the chapter's parts.

Learnt from questions labelled by kind by a writer who never saw the rules: '第二章第八条的内容是什么？' and '第三部分
第（二）项写的啥' were taken for outline questions about the chapter. Three new wordings, and three that do ask
for a chapter's parts.
"""
from __future__ import annotations

import pytest

from assistant.understanding.intent import classify
from assistant.models import Intent
from assistant.query import Query, clause_references
from assistant.textnorm import fold


def intent_of(question: str) -> Intent:
    folded = fold(question)
    return classify(Query(folded, folded, "", (), clause_references(folded), (), (), topic=("x",), asked=folded), 1)


@pytest.mark.parametrize("question", ["条例第三章第二十一条怎么规定的？", "方案第二部分第（四）项讲了什么", "第六章第三节的内容"])
def test_a_clause_inside_a_chapter_is_a_clause_question(question):
    assert intent_of(question) is Intent.CLAUSE_REF


@pytest.mark.parametrize("question", ["第三章包括哪几条？", "第二部分分为哪几个方面？", "第四章有几节"])
def test_a_chapter_asked_for_its_parts_is_an_outline_question(question):
    assert intent_of(question) is Intent.OUTLINE
