"""Lists that are not a heading's parts: a list written inside one clause, and the classes a table's first column
sorts its rows into (Learnt from blind questions: '“五个一批”…分别是哪五个一批' was answered with the parts of a
heading sharing two of its words; '附表里的主要危险（源）分了哪几大类' with the table's title alone.) Three new
wordings of each class, on the shipped plans and the real library."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "云州方案里的五个一批分别是哪五个？",
    "五个一批都有哪几个一批？",
    "推动资源下沉的“五个一批”分别指哪些？",
])
def test_a_list_written_inside_one_clause_is_quoted_from_it(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert answer.found and answer.citations[0].clause.label == "二（五）16"
    assert "派出一批" in answer.text and "指导一批" in answer.text


@pytest.mark.parametrize("question", [
    "重组胶原蛋白敷料的附表把危险源分成哪几类？",
    "重组胶原蛋白创面敷料原则附表的危险（源）有哪几大类？",
    "重组胶原蛋白创面敷料那份的产品主要危险（源）表分了哪几大类？",
])
def test_the_classes_of_a_tables_first_column_are_its_parts(real_library, question):
    answer = real_library.ask(question)
    assert answer.found
    assert [i.text.split("（")[0].replace(" ", "") for i in answer.items][:3] == ["生物学危险", "操作危险", "信息危险"]
    assert "按“危险（源）”分为" in answer.text
    # each class cites its rows, from the first to the last
    first = answer.citations[0]
    assert first.clause.label.endswith("行1") and first.quotes[0][1] > first.clause.end
