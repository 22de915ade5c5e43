"""Which documents mention a topic offered as alternatives ('远程医疗或互联网医院'): a document writing any one of
them mentions it. Before, the whole '远程医疗或互联网医院' had to stand in one clause, and every such question was
refused although each alternative is in the plans."""
from __future__ import annotations

import re

import pytest

from assistant.answering.mentions import alternatives, phrase_in, phrase_terms
from assistant.query import topic_phrases
from assistant.textnorm import fold
from assistant.models import Intent


@pytest.mark.parametrize("question, options", [
    ("哪些文件提到了远程医疗或互联网医院？", (("远程", "医疗"), ("互联网", "医院"))),
    ("有哪些文件提到托育或者养老？", (("托育",), ("养老",))),
    ("哪些文件提到心理健康或精神卫生？", (("心理", "健康"), ("精神", "卫生"))),
])
def test_a_document_writing_any_alternative_is_listed_with_a_clause_that_writes_it(shared_assistant, question,
                                                                                      options):
    answer = shared_assistant.ask(question)
    assert answer.intent is Intent.WHICH_DOCUMENTS and answer.found, answer.text
    quoted = [answer.citations[int(n) - 1] for n in re.findall(r"\[(\d+)\]", answer.text)]
    listed = {c.clause.source for c in quoted}
    for citation in quoted:  # each document listed is quoted writing one of them, all its words
        folded = shared_assistant.retriever.folded(citation.clause)
        assert any(all(word in folded for word in option) for option in options), citation.clause.key
    writing = {s for s in shared_assistant.documents
               if any("".join(option) in shared_assistant.context.folded_document(s) for option in options)}
    assert writing and writing <= listed, (writing, listed)


def test_alternatives_none_of_which_a_document_writes_are_refused(shared_assistant):
    answer = shared_assistant.ask("哪几份文件写到了质子治疗或重离子治疗？")
    assert not answer.found and answer.text.startswith("文件中未找到"), answer.text


@pytest.mark.parametrize("phrase, expected", [
    ("检查 或 筛查", ["检查", "筛查"]),
    ("宫颈癌 检查 或 筛查", ["宫颈癌 检查", "宫颈癌 筛查"]),  # the word before both goes with each
    ("对比 或 参考 方法", ["对比 方法", "参考 方法"]),  # and the word after both
    ("远程 医疗 或 互联网 医院", ["远程 医疗", "互联网 医院"]),
    ("透析机 或者 透析器 或 管路", ["透析机", "透析器", "管路"]),
    ("远程 医疗", ["远程 医疗"]),
])
def test_a_phrase_stands_for_its_alternatives(phrase, expected):
    assert alternatives(phrase) == expected


# Learnt from a blind question ('哪些文件提到可以用测序方法作为对比或参考方法？'): the frame word 对比 was dropped, and the
# phrase's words before 或 were taken for one whole alternative, so '参考方法' alone listed documents that never name
# 测序. Two verbs offered either side of 或 qualify what follows them, and the words before and after go with each.
# Three new wordings:
@pytest.mark.parametrize("question, expected", [
    ("有哪些文件把Sanger测序作为对比或参考方法？", ["测序 作为 对比 方法", "测序 作为 参考 方法"]),
    ("哪些原则提到以已上市同类产品作为对比或参考试剂？", ["已 上市 同类产品 作为 对比 试剂", "已 上市 同类产品 作为 参考 试剂"]),
    ("哪些指导原则说培养法可以当参考或对比方法？", ["培养 法 可以 当 参考 方法", "培养 法 可以 当 对比 方法"]),
])
def test_verbs_offered_as_alternatives_qualify_the_words_after_them(question, expected):
    phrases = [p for p in topic_phrases(fold(question)) if "或" in p.split()]
    assert phrases and alternatives(phrases[0]) == expected, topic_phrases(fold(question))


@pytest.mark.parametrize("question", ["分级诊疗在哪些地方规划、要点或报告里提到了？"])
def test_kinds_of_document_offered_as_alternatives_stay_frame(question):
    assert not any("或" in p.split() for p in topic_phrases(fold(question)))


def test_the_prefilter_asks_only_for_what_every_alternative_needs():
    assert phrase_terms("宫颈癌 检查 或 筛查") == ["宫颈", "颈癌"]
    assert phrase_terms("远程 医疗 或 互联网 医院") == []  # nothing shared: every document may hold it
    assert phrase_in("远程 医疗 或 互联网 医院", "探索建成贵州省互联网医院。")
    assert not phrase_in("远程 医疗 或 互联网 医院", "推进智慧医疗工程建设。")
