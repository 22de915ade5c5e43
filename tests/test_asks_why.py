"""A question asking why names two things to give one document's reason, not to compare two documents. Learnt from a
blind question ('C肽为什么比胰岛素更能反映胰岛β细胞功能？'): C肽 and 胰岛素 each name a guideline of the library, and the
question was answered as a comparison of the two, quoting the insulin guideline's '简要介绍胰岛素…的临床意义' beside the
C-peptide guideline's reason."""
from __future__ import annotations

import pytest

from assistant.models import Intent


@pytest.mark.parametrize("question", [
    "为什么说C肽比胰岛素更能反映β细胞功能",
    "胰岛素和C肽相比，为何C肽更适合评价胰岛功能？",
    "C肽测定比胰岛素测定更能代表胰岛β细胞功能，是什么原因？",
])
def test_a_reason_asked_of_two_named_things_is_looked_up_in_the_one_giving_it(real_library, question):
    answer = real_library.ask(question)
    assert answer.found and answer.intent is not Intent.COMPARISON, answer.text
    assert {c.source for c in answer.citations if c.quotes} == {"2018-01-16/C-肽测定试剂注册技术审查指导原则.doc"}
    assert "胰岛β细胞" in answer.text or "胰岛 β 细胞" in answer.text, answer.text


def test_two_named_documents_asked_side_by_side_are_still_compared(real_library):
    answer = real_library.ask("C肽测定试剂和胰岛素测定试剂的指导原则，对精密度的要求有什么不同？")
    assert answer.intent is Intent.COMPARISON, answer.text
