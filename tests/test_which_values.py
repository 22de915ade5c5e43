"""A which-documents question stating a value ('至少20天的', '不少于3家') asks for the documents that state that value:
one giving another ('为期至少12天') does not say it. On the real library, whose four nucleic-acid guidelines give a
precision period as an example, three of 20 days and one of 12."""
from __future__ import annotations

import pytest

TWENTY_DAYS = {"B群链球菌", "年第32号通告附件", "曲霉"}
TWELVE_DAYS = {"结核分枝杆菌"}


def listed(answer) -> set[str]:
    return {c.source for c in answer.citations if c.quotes}


def named_by(sources: set[str], names: set[str]) -> bool:
    return len(sources) == len(names) and all(any(n in s for s in sources) for n in names)


# Learnt from a blind question ('精密度评价周期举例为至少20天的是哪些指导原则？' was refused, its topic holding the
# words 举例 and 20天; without them, it listed eight guidelines, whatever period they give). Three new wordings:
@pytest.mark.parametrize("question, names", [
    ("精密度评价为期至少20天的检测，哪些指导原则有这样的例子？", TWENTY_DAYS),
    ("哪些指导原则的精密度评价周期举例是至少12天？", TWELVE_DAYS),
    ("精密度评价周期至少20天，是哪几份指导原则写的？", TWENTY_DAYS),
])
def test_the_documents_stating_the_value_asked_are_listed(real_library, question, names):
    answer = real_library.ask(question)
    assert answer.found and named_by(listed(answer), names)


def test_each_document_is_quoted_where_it_states_the_value(real_library):
    answer = real_library.ask("哪几份指导原则写了临床试验机构不少于3家？")
    quoted = [c for c in answer.citations if c.quotes]
    assert len(quoted) >= 3 and all("3家" in c.clause.text.replace(" ", "") for c in quoted)


def test_without_a_value_every_document_stating_the_topic_is_listed(real_library):
    answer = real_library.ask("哪些指导原则提到精密度评价周期？")
    assert TWENTY_DAYS | TWELVE_DAYS <= {n for n in TWENTY_DAYS | TWELVE_DAYS if any(n in s for s in listed(answer))}
