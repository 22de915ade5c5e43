"""An appendix named by its number is a part of the document asked for by number. Learnt from a blind question
('侧孔钝针原则附录1里列的风险按什么分类？'): '附录1' was read as the topic word '附录', and the answer quoted one item of the
appendix's list ('（5）.不正确使用产生的危害…') instead of the appendix, whose items are its six kinds of hazard."""
from __future__ import annotations

import pytest

from assistant.query import clause_references
from assistant.textnorm import fold


@pytest.mark.parametrize("question, ref", [
    ("侧孔钝针原则附录1里列的风险按什么分类？", "附录1"),
    ("附件2的表格要谁来填？", "附件2"),
    ("附表12里有几项指标？", "附表12"),
])
def test_an_appendix_number_is_a_clause_named(question, ref):
    assert ref in clause_references(fold(question))


def test_an_attachment_without_a_number_names_no_clause():
    assert clause_references(fold("通告的附件是什么？")) == ()


@pytest.mark.parametrize("question", [
    "侧孔钝针原则附录1里列的风险按什么分类？",
    "一次性使用无菌侧孔钝针那份指导原则的附录1列了哪几类危害？",
    "侧孔钝针征求意见稿附录1都有什么内容",
])
def test_an_appendix_asked_for_is_quoted_with_its_items(real_library, question):
    answer = real_library.ask(question)
    assert answer.found, answer.text
    assert answer.citations[0].clause.label == "附录1", answer.text
    for hazard in ("原材料的生物学和化学危害", "灭菌过程可能产生的危害", "产品包装可能产生的危害"):
        assert hazard in answer.text, answer.text
