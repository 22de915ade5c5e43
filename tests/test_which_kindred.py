"""Which documents mention a topic a document words otherwise: the activity over a thing is said in many ways
('结核病防控' as '实施结核病防治专项行动', '加强结核病等重大疾病防控'), the thing itself is not. Before, only the
documents writing the question's very compound were listed: one of three for 结核病防控."""
from __future__ import annotations

import re

import pytest

from assistant.models import Intent
from assistant.textnorm import fold


def _quoted(assistant, answer):
    return [answer.citations[int(n) - 1] for n in dict.fromkeys(re.findall(r"\[(\d+)\]", answer.text))]


@pytest.mark.parametrize("question, thing, writing", [
    ("结核病防控在哪些文件里提到？", "结核病", 3),  # 防治 / 等重大疾病防控 / 和艾滋病防控
    ("哪些文件提到了艾滋病防治？", "艾滋病", 2),  # 检测治疗和管理 / 防治知识
    ("哪几份文件涉及地方病防控？", "地方病", 2),  # 巩固地方病防治成果
])
def test_a_document_wording_the_activity_otherwise_is_listed_with_the_thing_quoted(shared_assistant, question,
                                                                                    thing, writing):
    answer = shared_assistant.ask(question)
    assert answer.intent is Intent.WHICH_DOCUMENTS and answer.found, answer.text
    quoted = _quoted(shared_assistant, answer)
    assert len({c.clause.source for c in quoted}) >= writing, answer.text
    for citation in quoted:  # each listed document is quoted saying the thing, in the sentence quoted
        said = "".join(shared_assistant.documents[citation.clause.source].text[s:e] for s, e in citation.quotes)
        assert thing in fold(said), (citation.clause.key, said)


def test_what_the_activity_is_over_must_be_said_not_a_kindred_measure(shared_assistant):
    """木垒's report states a 粗死亡率 of the whole population: no 孕产妇死亡率, so it is not listed."""
    answer = shared_assistant.ask("哪些文件写了孕产妇死亡率？")
    quoted = _quoted(shared_assistant, answer)
    assert quoted and all("孕产妇死亡率" in shared_assistant.retriever.folded(c.clause) for c in quoted), answer.text
