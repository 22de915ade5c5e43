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
