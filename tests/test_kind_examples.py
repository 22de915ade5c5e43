"""A question the intent rules leave to the look-up takes the kind of its nearest labelled examples.

The vote itself is a pure function; the examples are encoded by the real model, and the questions below are
wordings the rules have no phrase for (assistant/understanding/kind_examples.py says how the threshold was measured).
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from assistant.understanding import QuestionReader
from assistant.understanding.intent import asks_only_for_documents
from assistant.understanding.kind_examples import EXAMPLES_FILE, MIN_SHARE, from_examples, vote
from assistant.models import Intent
from assistant.textnorm import fold


def test_the_kind_with_most_of_the_neighbours_similarity_wins():
    kinds = (Intent.OUTLINE, Intent.OUTLINE, Intent.SUMMARY, Intent.LOOKUP)
    kind, share = vote(kinds, np.array([0.9, 0.8, 0.85, 0.1]), k=3)
    assert kind is Intent.OUTLINE and share == pytest.approx(1.7 / 2.55)


def test_rules_that_decided_stand_and_split_examples_change_nothing():
    assert from_examples(Intent.FIGURE, (Intent.SUMMARY, 0.95)) is Intent.FIGURE
    assert from_examples(Intent.LOOKUP, (Intent.SUMMARY, MIN_SHARE - 0.01)) is Intent.LOOKUP
    assert from_examples(Intent.LOOKUP, (Intent.SUMMARY, MIN_SHARE)) is Intent.SUMMARY


def test_examples_never_make_a_greeting_or_a_which_documents_question():
    # a question taken for a greeting gets no answer; which-documents answers list documents for a look-up's subject
    assert from_examples(Intent.LOOKUP, (Intent.CONVERSATION, 1.0)) is Intent.LOOKUP
    assert from_examples(Intent.LOOKUP, (Intent.WHICH_DOCUMENTS, 1.0)) is Intent.LOOKUP


def test_the_examples_hold_every_kind_and_no_question_of_a_held_out_set():
    examples = [json.loads(line) for line in EXAMPLES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {e["kind"] for e in examples} >= {i.value for i in Intent}
    assert len({fold(e["question"]) for e in examples}) == len(examples)
    held_out = set()
    for path in EXAMPLES_FILE.parents[2].glob("eval/*test*.jsonl"):  # every half that is only scored
        held_out |= {fold(json.loads(line)["question"]) for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip()}
    assert not held_out & {fold(e["question"]) for e in examples}


@pytest.mark.parametrize("question, kind", [
    ("给我讲讲木垒那个报告大体上汇报了啥", Intent.SUMMARY),
    ("广州那篇的核心意思帮我归纳下", Intent.SUMMARY),
    ("广州那篇文章的作者单位", Intent.METADATA),
    ("八大工程计划的章节结构", Intent.OUTLINE),
])
def test_a_wording_the_rules_lack_is_understood_by_its_examples(shared_assistant, question, kind):
    rules_alone = QuestionReader(shared_assistant.index, shared_assistant.retriever.folded_document)
    assert rules_alone.understand(question).intent is Intent.LOOKUP
    assert shared_assistant.understand(question).intent is kind
    assert shared_assistant.ask(question).intent is kind  # and its strategy answers it, not the look-up


@pytest.mark.parametrize("question", ["钦州对村医培训是怎么安排的？", "云州方案对县医院的急诊科建设有什么要求？",
                                      "木垒县家庭医生签约服务是怎么推进的？"])
def test_a_look_up_stays_a_look_up(shared_assistant, question):
    assert shared_assistant.understand(question).intent is Intent.LOOKUP


@pytest.mark.parametrize("question, topic", [
    ("列出提到家庭医生的文件。", "家庭医生"),
    ("家庭医生相关的文件有几份？", "家庭医生"),
    ("请把提到健康扶贫的文件列一下", "健康扶贫"),
])
def test_a_question_asking_only_for_documents_lists_them_by_its_examples(shared_assistant, question, topic):
    """Wordings the which-documents rules lack (a request to list, a count of documents) take that kind from their
    examples when the question names no document and asks nothing else."""
    answer = shared_assistant.ask(question)
    assert answer.intent is Intent.WHICH_DOCUMENTS and answer.found, answer.text
    quoted = [answer.citations[int(n) - 1] for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert len({c.clause.source for c in quoted}) >= 2
    assert all(topic in shared_assistant.retriever.folded(c.clause) for c in quoted)


@pytest.mark.parametrize("question", [
    "钦州文件里家庭医生签约是怎么安排的？",  # names its document
    "广州那份规划是依据哪个文件制定的？",  # asks something of a document
    "各份文件分别提了孕产妇死亡率的什么数字？",
])
def test_a_question_asking_something_of_documents_is_no_list_of_them(shared_assistant, question):
    assert shared_assistant.understand(question).intent is not Intent.WHICH_DOCUMENTS


@pytest.mark.parametrize("folded, only", [
    ("列出提到家庭医生的文件", True), ("有多少份规划提到托育", True), ("家庭医生签约的内容出现在几份文件里", True),
    ("罕见病器械原则是依据哪个文件制定的，文号多少", False), ("各文件分别提了什么数字", False),
    ("家庭医生签约怎么推进", False),  # no kind of document named
])
def test_what_asks_only_for_documents(folded, only):
    assert asks_only_for_documents(folded) is only
