"""Shortcuts that keep answers quick in a large collection, each checked to change no answer: the
documents a which-documents question reads, the year bonus known before ranking, rows by year, and
ties at the last ranked place."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant import answering
from assistant.answering.mentions import phrase_in, phrase_terms
from assistant.features import four_digit_rows
from assistant.retrieval import RANKED, _top

ROOT = Path(__file__).resolve().parent.parent
ITEMS = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").open(encoding="utf-8")]
WHICH = [i["question"] for i in ITEMS if i["kind"] == "which_documents"]


def test_a_clause_naming_a_topic_holds_every_term_the_prefilter_asks_for(shared_assistant):
    retriever, clauses = shared_assistant.retriever, shared_assistant.index.clauses
    phrases = {p for q in WHICH for p in shared_assistant.understand(q).query.topic}
    checked = 0
    for phrase in phrases:
        for clause in clauses:
            text = retriever.folded(clause)
            if phrase_in(phrase, text):
                assert all(term in text for term in phrase_terms(phrase)), (phrase, clause.key)
                checked += 1
    assert len(phrases) >= 10 and checked >= 20


def test_which_documents_answers_are_the_same_without_the_prefilter(shared_assistant):
    context = shared_assistant.context
    reading_all = replace(context, documents_with=lambda terms: None)
    for question in WHICH:
        retrieval = shared_assistant.retrieve(question)
        assert answering.answer(retrieval, context) == answering.answer(retrieval, reading_all)


def test_documents_with_a_bigram_split_by_a_page_break(shared_assistant):
    features = shared_assistant.index.features
    # plan 000 breaks words across blank lines; its squashed text still holds them
    split = [(m.group(1), m.group(2)) for m in re.finditer(r"([\u4e00-\u9fff])\s*\n\s*\n\s*([\u4e00-\u9fff])",
                                                           shared_assistant.documents["000_a7ee23972fa017a8.txt"].text)]
    assert split
    for a, b in split[:20]:
        found = features.documents_with([a + b])
        assert found is not None and "000_a7ee23972fa017a8.txt" in found


@pytest.mark.parametrize("question", ["2022年孕产妇死亡率的目标是多少？", "云州区到2025年床位每千人要达到几张？",
                                      "钦州2019年要点和云州区方案在中医药方面各有什么安排？"])
def test_the_year_bonus_known_before_ranking_is_what_each_hit_says(shared_assistant, question):
    retriever = shared_assistant.retriever
    retrieval = shared_assistant.retrieve(question)
    assert retrieval.query.years
    rows = np.arange(len(shared_assistant.index.clauses))
    known = dict(zip(rows.tolist(), retriever._years_ok(retrieval.query, rows).tolist()))
    row_of = {c.key: r for r, c in enumerate(shared_assistant.index.clauses)}
    assert all(known[row_of[h.clause.key]] == h.years_ok for h in retrieval.ranked)


def test_four_digit_strings_are_found_inside_longer_numbers():
    rows = four_digit_rows(["到2025年", "编号20250", "18/10万", "2019—2022年"])
    assert rows["2025"].tolist() == [0, 1] and rows["0250"].tolist() == [1]
    assert rows["2019"].tolist() == [3] and rows["2022"].tolist() == [3] and "1810" not in rows


def test_ties_at_the_last_ranked_place_keep_the_first_rows():
    values = np.zeros(10 * RANKED)
    values[[5, 700, 2999]] = 1.0
    kept = _top(np.arange(len(values)), values, RANKED)
    assert len(kept) == RANKED and {5, 700, 2999} <= set(kept.tolist())
    assert sorted(set(kept.tolist()) - {5, 700, 2999})[:3] == [0, 1, 2]
