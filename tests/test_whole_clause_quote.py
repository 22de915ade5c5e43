"""The index splits an over-long clause into parts to rank them; a reader reads the clause whole. When a sentence in
another part of the clause ranked first says more of what was asked, that sentence is quoted. Learnt from blind
questions ('实时荧光PCR分析仪一般由哪些模块组成？' was answered by '一般由激发光源、光路系统…等组成' of the part holding
'2.2.3光电模块', while '…通常由控制模块、温控模块、光电模块…组成' stood in the part before it; '“临床评价”是怎么界定的'
quoted '…可能需要进行临床评价' of a table row whose next part begins '所谓临床评价，就是…')."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question, said", [
    ("实时荧光PCR分析仪的组成模块有哪些", "温控模块、光电模块"),
    ("安全和性能基本原则符合性指南怎么定义临床评价？", "所谓临床评价，就是对临床数据进行评估"),
    ("临床评价在基本原则指南里是什么意思？", "所谓临床评价，就是对临床数据进行评估"),
])
def test_the_sentence_answering_is_quoted_from_any_part_of_the_clause(real_library, question, said):
    answer = real_library.ask(question)
    assert answer.found and said in answer.text, answer.text
    cited = answer.citations[0]
    quoted = real_library.documents[cited.source].text[cited.quotes[0][0]:cited.quotes[-1][1]]
    assert cited.clause.start <= cited.quotes[0][0] and cited.quotes[-1][1] <= cited.clause.end
    assert said.replace("，", "") in quoted.replace("，", "").replace(",", "").replace("\n", "")


def test_a_part_saying_most_of_the_question_is_quoted_as_it_is(real_library):
    """A part whose own sentence answers best stays the clause cited: the whole is read only when it says more."""
    answer = real_library.ask("实时荧光PCR分析仪的光电模块根据程序设定做什么？")
    assert answer.found and "光电模块" in answer.text, answer.text
    assert answer.citations[0].clause.parts > 1, answer.citations[0].clause


def test_the_whole_clause_at_an_offset_is_found_by_its_position(real_library):
    outline = real_library.index.whole_clauses
    for source in real_library.documents:
        for clause in outline[source]:
            assert outline.holding(source, clause.start) == clause
            assert outline.holding(source, (clause.start + clause.end - 1) // 2) == clause


def test_a_figure_is_quoted_from_the_part_whose_sentence_states_it(real_library):
    """A figure question keeps the part ranked first: there the sentence stating the figure is found ('…建议观察时间至少
    6个月'), where in the whole clause a sentence naming more of the question ('对于预期用于屏障作用的产品…') states
    none (a blind question of the fourth batch, answered before the whole clause was read, refused after)."""
    answer = real_library.ask("屏障作用的口腔修复膜，动物试验建议观察多长时间？")
    assert answer.found and "6个月" in answer.text, answer.text
