"""assistant.eval: pure scoring on hand-made answers, then a small set through the real assistant.

The real-assistant tests share one module-scoped Assistant (the index in index/ is already built);
the subprocess test loads the model once more, as `python -m assistant eval` does.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import eval as ev
from assistant.config import Config
from assistant.corpus import CorpusError
from assistant.eval import (
    Baseline,
    EvalItem,
    EvalOptions,
    EvalSetError,
    Expected,
    ItemResult,
    KindFigure,
    baseline_payload,
    breakdown,
    compare_to_baseline,
    compute_metrics,
    coverage_rank,
    expected_spans,
    format_summary,
    invalid_result,
    judge,
    keys_present,
    load_set,
    parse_baseline,
    parse_set,
    score_item,
    summarize,
)
from assistant.eval import run as run_module
from assistant.eval.extra_corpus import combined_config
from assistant.models import Answer, Citation, Clause, Document, Intent, MetaField

ROOT = Path(__file__).resolve().parent.parent
DOC_A = "000_a7ee23972fa017a8.txt"
DOC_B = "004_7019475e6841841c.txt"
DOC_C = "003_0200143d345726b6.txt"


# ---------------------------------------------------------------------------------------------
# Hand-made records


def clause(source: str, label: str, start: int, end: int, text: str | None = None, part: int = 0, parts: int = 1) -> Clause:
    return Clause(source, label, (label,), label, text if text is not None else "x" * (end - start), start, end, part, parts)


def cite(source: str, label: str, start: int, end: int, text: str | None = None) -> Citation:
    return Citation(clause(source, label, start, end, text), "title", 0.9)


def item(kind: str = "figure", expected=((DOC_A, "一（三）"),), keys=(), unanswerable: bool = False, id: str = "t1",
         not_stated=()) -> EvalItem:
    return EvalItem(id, kind, "q?", (), tuple(Expected(s, l) for s, l in expected), tuple(keys), unanswerable, 1,
                    tuple(not_stated))


# The outline of two made-up documents: whole clauses and their spans.
OUTLINE = {
    DOC_A: (clause(DOC_A, "一（二）", 0, 100), clause(DOC_A, "一（三）", 100, 300), clause(DOC_A, "二（一）", 300, 400)),
    DOC_B: (clause(DOC_B, "前言", 0, 50), clause(DOC_B, "16", 50, 200), clause(DOC_B, "前言", 500, 550)),
}


def outline(source: str):
    return OUTLINE.get(source, ())


def spans_of(it: EvalItem):
    return expected_spans(it, outline)


def result(unanswerable: bool, found: bool, rank: int | None = 1, keys_missing=(), citations=(), latency=10.0,
           id: str = "t1", kind: str | None = None) -> ItemResult:
    it = item(kind=kind or ("unanswerable" if unanswerable else "figure"),
              expected=() if unanswerable else ((DOC_A, "一（三）"),), unanswerable=unanswerable, id=id)
    return ItemResult(it, found, "answer", tuple(citations), None if unanswerable else rank, tuple(keys_missing), latency)


# ---------------------------------------------------------------------------------------------
# Pure scoring


def test_a_part_of_a_split_clause_overlapping_the_expected_span_is_a_hit():
    it = item()
    # the expected clause 一（三） is [100, 300); the second part of it is cited at rank 2
    citations = [cite(DOC_A, "二（一）", 300, 400), cite(DOC_A, "一（三）", 200, 300)]
    assert coverage_rank(it, citations, spans_of(it)) == 2


# A blind writer copies a table row as its cells, one per line; the reader writes the row with its column headers
# ('病毒：SV40；科：乳多孔；…'). The passage is found when every cell stands there, in order, close together.
ROW = "表2\n病毒：SV40；科：乳多孔；属：多瘤病毒；天然宿主：猴；基因组：DNA；囊膜：无；大小（nm）：40-50；抗性：很高\n"


@pytest.mark.parametrize("evidence, found", [
    ("SV40\n乳多孔\n多瘤病毒\n猴\nDNA\n无\n40-50", "SV40；科：乳多孔；属：多瘤病毒；天然宿主：猴；基因组：DNA；囊膜：无；大小（nm）：40-50"),
    ("乳多孔\n多瘤病毒", "乳多孔；属：多瘤病毒"),
    ("猴\nDNA\n无", "猴；基因组：DNA；囊膜：无"),
])
def test_a_table_row_copied_cell_by_cell_is_found_in_the_row_the_reader_wrote(evidence, found):
    start, end = ev.score.evidence_span(ROW, evidence)
    assert ROW[start:end] == found


@pytest.mark.parametrize("evidence", ["SV40\n很低", "40-50\nSV40", "SV40\n表3"])
def test_cells_not_all_in_the_row_in_order_are_not_found(evidence):
    assert ev.score.evidence_span(ROW, evidence) is None


def test_same_span_in_another_document_is_a_miss():
    it = item()
    assert coverage_rank(it, [cite(DOC_B, "16", 100, 300)], spans_of(it)) is None


def test_touching_spans_do_not_overlap():
    it = item()
    assert coverage_rank(it, [cite(DOC_A, "一（二）", 0, 100), cite(DOC_A, "二（一）", 300, 400)], spans_of(it)) is None


def test_a_repeated_label_matches_any_of_its_clauses():
    it = item(expected=((DOC_B, "前言"),))
    assert coverage_rank(it, [cite(DOC_B, "前言", 500, 550)], spans_of(it)) == 1


def test_any_one_of_several_expected_clauses_of_one_document_is_enough():
    it = item(expected=((DOC_A, "一（三）"), (DOC_A, "二（一）")))
    assert coverage_rank(it, [cite(DOC_B, "16", 50, 200), cite(DOC_A, "二（一）", 300, 400)], spans_of(it)) == 2


def test_a_comparison_needs_every_document_and_ranks_from_the_best_it_can_do():
    it = item(kind="comparison", expected=((DOC_A, "一（三）"), (DOC_B, "16")))
    spans = spans_of(it)
    only_a = [cite(DOC_A, "一（三）", 100, 300), cite(DOC_A, "二（一）", 300, 400)]
    assert coverage_rank(it, only_a, spans) is None
    both = [cite(DOC_A, "一（三）", 100, 300), cite(DOC_A, "二（一）", 300, 400), cite(DOC_B, "16", 50, 200)]
    assert coverage_rank(it, both, spans) == 2  # covered at 3; two documents cannot be covered before 2
    answer = Answer("q?", "…", True, tuple(both))
    scored = score_item(it, answer, spans, {})
    assert (scored.hit(1), scored.hit(5), scored.reciprocal_rank) == (False, True, pytest.approx(1 / 2))
    best = score_item(it, Answer("q?", "", True, tuple(both[::2])), spans, {})
    assert best.hit(1) and not any("rank" in p for p in best.problems)


def test_an_unknown_label_names_the_item_and_line():
    with pytest.raises(EvalSetError, match=r"line 1 \(t1\).*no clause labelled '九（九）'"):
        spans_of(item(expected=((DOC_A, "九（九）"),)))


def test_key_matching_ignores_the_script_a_document_is_written_in():
    assert keys_present(["钦州", "健康素养"], "《2019年欽州市衛生健康工作要點》：城鄉居民健康素養水平達到14%")
    assert not keys_present(["钦州", "健康素养"], "《木垒县“健康中国”行动工作落实情况》")


def test_key_matching_ignores_whitespace_on_both_sides():
    assert keys_present(["18/10万"], "孕产妇死亡率降到18/10 万,婴儿")
    assert keys_present(["18/10 万"], "降到18/10万")
    assert keys_present(["18/10万", "7‰"], "18/10\n万 ，7 ‰")
    assert not keys_present(["18/10万", "9‰"], "18/10 万")
    it = item(keys=["18/10万", "7‰"])
    scored = score_item(it, Answer("q?", "降到18/10 万", True, (cite(DOC_A, "一（三）", 100, 300),)), spans_of(it), {})
    assert scored.keys_missing == ("7‰",) and not scored.correct


def test_refusal_precision_recall_and_false_refusal_math():
    results = [
        result(True, found=False),  # refused rightly
        result(True, found=False),  # refused rightly
        result(True, found=True),  # answered an unanswerable question
        result(False, found=False),  # false refusal
        result(False, found=True),
        result(False, found=True),
        result(False, found=True),
    ]
    m = compute_metrics(results)
    assert m.refused == 3
    assert m.refusal_precision == pytest.approx(2 / 3)  # 2 right of 3 refusals
    assert m.refusal_recall == pytest.approx(2 / 3)  # 2 refused of 3 unanswerable
    assert m.false_refusal_rate == pytest.approx(1 / 4)
    assert m.answer_accuracy == pytest.approx(3 / 4)  # the refused answerable item is not correct


def test_hit_mrr_accuracy_and_latency():
    results = [
        result(False, True, rank=1, latency=100),
        result(False, True, rank=2, keys_missing=("x",), latency=200),
        result(False, True, rank=None, latency=300),
        result(True, False, latency=1000),
    ]
    m = compute_metrics(results)
    assert (m.answerable, m.unanswerable) == (3, 1)
    assert m.hit_at_1 == pytest.approx(1 / 3) and m.hit_at_5 == pytest.approx(2 / 3)
    assert m.mrr == pytest.approx((1 + 0.5 + 0) / 3)
    assert m.answer_accuracy == pytest.approx(2 / 3)
    assert m.latency_median_ms == 250 and m.latency_p95_ms == pytest.approx(895)
    assert m.refusal_precision == 1.0 and m.refusal_recall == 1.0


def test_ratios_with_nothing_to_count_are_none_not_zero():
    m = compute_metrics([result(False, True)])
    assert m.refusal_precision is None and m.refusal_recall is None and m.citation_exactness is None


def test_citation_exactness_compares_with_the_file_text():
    text = "0123456789" * 40
    docs = {DOC_A: Document(DOC_A, "t", text, "sha")}
    it = item()
    good = cite(DOC_A, "一（三）", 100, 300, text[100:300])
    bad = cite(DOC_A, "二（一）", 300, 400, text[301:401])
    scored = score_item(it, Answer("q?", "…", True, (good, bad)), spans_of(it), docs)
    assert [c.exact for c in scored.citations] == [True, False]
    assert compute_metrics([scored]).citation_exactness == 0.5
    assert any("not verbatim" in p for p in scored.problems)


def test_breakdowns_by_kind_and_by_document():
    comparison = ItemResult(item(kind="comparison", expected=((DOC_A, "一（三）"), (DOC_B, "16"))), True, "", (), 2, (), 1.0)
    results = [comparison, result(True, False), result(False, True)]
    by_doc = breakdown(results, "document")
    assert list(by_doc) == [DOC_A, DOC_B, "none"]
    assert (by_doc[DOC_A].items, by_doc[DOC_B].items, by_doc["none"].items) == (2, 1, 1)
    assert list(breakdown(results, "kind")) == ["figure", "comparison", "unanswerable"]


def test_questions_naming_no_document_are_also_a_group_of_their_own():
    (named, unnamed) = parse_set([
        '{"id": "d1", "kind": "figure", "question": "钦州2019年要培训多少名全科医生？", "named": true, '
        '"expected": [{"source": "s.txt", "label": "一"}]}',
        '{"id": "d2", "kind": "figure", "question": "到2022年孕产妇死亡率要降到多少？", "named": false, '
        '"expected": [{"source": "s.txt", "label": "一"}]}'])
    results = [ItemResult(it, True, "", (), 1, (), 1.0) for it in (named, unnamed)]
    by_kind = breakdown(results, "kind")
    assert list(by_kind) == ["figure", "unnamed"]
    assert (by_kind["figure"].items, by_kind["unnamed"].items) == (2, 1)
    with pytest.raises(EvalSetError, match='"named" must be true or false'):
        parse_set(['{"id": "d3", "kind": "unanswerable", "question": "q", "unanswerable": true, "named": "no"}'])


def test_gate_compares_with_an_absolute_tolerance():
    base = Baseline({"hit@1": 0.80, "mrr": 0.90, "refusal_precision": 0.5}, tolerance=0.02)
    assert compare_to_baseline({"hit@1": 0.79, "mrr": 0.88, "refusal_precision": 0.5}, base) == []
    regressions = compare_to_baseline({"hit@1": 0.77, "mrr": 0.95, "refusal_precision": None}, base)
    assert [r.metric for r in regressions] == ["hit@1", "refusal_precision"]
    assert "hit@1: baseline 0.8000, now 0.7700" in str(regressions[0])


def test_a_metric_can_allow_a_larger_drop_where_one_item_moves_it_further():
    base = Baseline({"hit@1": 0.80, "refusal_recall": 0.50}, tolerance=0.02, tolerances={"refusal_recall": 0.05})
    assert compare_to_baseline({"hit@1": 0.80, "refusal_recall": 0.455}, base) == []  # one of 22 items
    regressions = compare_to_baseline({"hit@1": 0.80, "refusal_recall": 0.409}, base)  # two of 22
    assert [r.metric for r in regressions] == ["refusal_recall"] and "allowed drop 0.05" in str(regressions[0])


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "a", "kind": "figure", "question": "q", "expected": [{"source": "s", "label": "l"}], "extra": 1}', "line 2: unknown field"),
        ('{"id": "a", "kind": "figure", "question": "q"', "line 2: not valid JSON"),
        ('{"id": "a", "kind": "weird", "question": "q"}', "line 2: unknown kind 'weird'"),
        ('{"id": "a", "kind": "figure", "question": "q", "expected": []}', "line 2: an answerable item needs"),
        ('{"id": "a", "kind": "unanswerable", "question": "q", "keys": ["x"], "unanswerable": true}', "line 2: an unanswerable item"),
        ('{"id": "a", "kind": "figure", "question": "q", "history": "earlier", "expected": [{"source": "s", "label": "l"}]}', 'line 2: "history"'),
        ('{"id": "q1", "kind": "unanswerable", "question": "q", "unanswerable": true}', "line 2: duplicate id 'q1'"),
        ('["not", "an", "object"]', "line 2: each line must be a JSON object"),
    ],
)
def test_malformed_lines_are_named(line, message):
    first = '{"id": "q1", "kind": "unanswerable", "question": "深圳呢？", "history": [], "expected": [], "keys": [], "unanswerable": true}'
    with pytest.raises(EvalSetError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_set([first, line])


def test_a_well_formed_line_parses_into_an_item():
    (parsed,) = parse_set(['{"id": "q001", "kind": "figure", "question": "Q", "history": ["h"], '
                           '"expected": [{"source": "s.txt", "label": "一（三）"}], "keys": ["18/10万"], "unanswerable": false}', ""])
    assert parsed == EvalItem("q001", "figure", "Q", ("h",), (Expected("s.txt", "一（三）"),), ("18/10万",), False, 1)


# ---------------------------------------------------------------------------------------------
# The new kinds: outlines, list answers, metadata, silent documents, conversation


def test_an_outline_needs_every_listed_part_however_many_citations_the_list_carries():
    it = item(kind="outline", expected=((DOC_A, "一（二）"), (DOC_A, "一（三）"), (DOC_A, "二（一）")))
    spans = spans_of(it)
    two_of_three = (cite(DOC_A, "一（二）", 0, 100), cite(DOC_A, "二（一）", 300, 400))
    scored = score_item(it, Answer("q?", "…", True, two_of_three), spans, {})
    assert scored.rank is None and scored.uncovered == ("000… 一（三）",)
    assert "not cited: 000… 一（三） (of 2 citations)" in scored.problems

    # a list answer with seven citations, the last part at 7: all count, and three parts cannot
    # be covered before citation 3, so the rank is 7 - 2 = 5
    padding = tuple(cite(DOC_B, "16", 50, 200) for _ in range(4))
    long_list = (two_of_three[0], two_of_three[1], *padding, cite(DOC_A, "一（三）", 100, 300))
    assert coverage_rank(it, long_list, spans) == 5
    in_order = (two_of_three[0], cite(DOC_A, "一（三）", 100, 300), two_of_three[1])
    assert coverage_rank(it, in_order, spans) == 1


@pytest.mark.parametrize("kind", ["which_documents", "summary", "comparison"])
def test_list_kinds_need_each_document_but_any_listed_clause_of_it(kind):
    it = item(kind=kind, expected=((DOC_A, "一（三）"), (DOC_A, "二（一）"), (DOC_B, "16")))
    spans = spans_of(it)
    one_clause_each = [cite(DOC_A, "二（一）", 300, 400), cite(DOC_B, "16", 50, 200)]
    assert coverage_rank(it, one_clause_each, spans) == 1
    only_a = (cite(DOC_A, "一（三）", 100, 300), cite(DOC_A, "二（一）", 300, 400))
    scored = score_item(it, Answer("q?", "…", True, only_a), spans, {})
    assert scored.rank is None and scored.uncovered == ("004…",)


def test_any_other_kind_needs_one_of_its_clauses_whichever_document():
    it = item(kind="lookup", expected=((DOC_A, "一（三）"), (DOC_B, "16")))
    assert coverage_rank(it, [cite(DOC_B, "16", 50, 200)], spans_of(it)) == 1


# 003's first line, with its issuer and 文号 where the parser found them
TEXT_C = "大同市云州区人民政府办公室 云州政办发〔2023〕26号 关于印发……的通知"
DOC_C_RECORD = Document(DOC_C, "通知", TEXT_C, "sha", fields=(
    MetaField("issuer", "大同市云州区人民政府办公室", 0, 13),
    MetaField("doc_number", "云州政办发〔2023〕26号", 14, 28),
))


def test_a_metadata_label_is_the_documents_field_and_a_citation_overlapping_it_covers_it():
    assert TEXT_C[14:28] == "云州政办发〔2023〕26号"  # the record above is what Document.fields promises
    it = item(kind="metadata", expected=((DOC_C, "@doc_number"),), keys=["云州政办发〔2023〕26号"])
    spans = expected_spans(it, outline, {DOC_C: DOC_C_RECORD})
    assert spans == {Expected(DOC_C, "@doc_number"): ((14, 28),)}
    header = cite(DOC_C, "文号", 14, 28, TEXT_C[14:28])
    answer = Answer("q?", "文号是云州政办发〔2023〕26号。", True, (cite(DOC_C, "标题", 29, 40), header), intent=Intent.METADATA)
    scored = score_item(it, answer, spans, {DOC_C: DOC_C_RECORD})
    assert scored.rank == 2 and scored.correct and scored.citations[1].exact


def test_a_metadata_value_the_document_lacks_is_named_with_the_item():
    with pytest.raises(EvalSetError, match=r"line 1 \(t1\): 003_0200143d345726b6.txt has no @date"):
        expected_spans(item(kind="metadata", expected=((DOC_C, "@date"),)), outline, {DOC_C: DOC_C_RECORD})
    with pytest.raises(EvalSetError, match="unknown metadata label '@author'"):
        parse_set(['{"id": "q1", "kind": "metadata", "question": "谁写的？", "expected": [{"source": "s", "label": "@author"}]}'])


def test_a_silent_document_must_be_named_as_not_stating_it():
    # "云州和广州在托位上各有什么目标？": 004 says 6.5万个, 003 says nothing about it
    it = item(kind="comparison", expected=((DOC_B, "16"),), keys=["6.5万个"], not_stated=[DOC_C])
    spans = spans_of(it)
    guangzhou = (cite(DOC_B, "16", 50, 200),)
    silent_side_missing = score_item(it, Answer("q?", "广州：6.5万个。", True, guangzhou), spans, {})
    assert not silent_side_missing.correct
    assert "did not say 003… does not state it" in silent_side_missing.problems

    said = Answer("q?", "广州：6.5万个。云州区方案没有提到。", True, guangzhou, not_stated=(DOC_C,))
    assert score_item(it, said, spans, {}).correct

    filled = Answer("q?", "广州：6.5万个。云州：……", True, (*guangzhou, cite(DOC_C, "二（一）", 0, 50)), not_stated=(DOC_C,))
    assert "cited 003…, which does not state it" in score_item(it, filled, spans, {}).problems


def test_a_conversation_item_is_correct_when_answered_as_conversation():
    (greeting,) = parse_set(['{"id": "q256", "kind": "conversation", "question": "你好", "history": [], '
                             '"expected": [], "keys": [], "unanswerable": false}'])
    hello = Answer("你好", "你好！我可以回答关于这些规划文件的问题。", False, intent=Intent.CONVERSATION)
    scored = score_item(greeting, hello, {}, {})
    assert scored.correct and scored.problems == ()

    looked_up = score_item(greeting, Answer("你好", "文件中没有找到。", False), {}, {})
    assert not looked_up.correct and looked_up.problems == ("not answered as conversation (intent lookup)",)

    # a greeting counts for answer accuracy only: not for retrieval, not as a refusal
    m = compute_metrics([scored, result(False, True), result(True, False)])
    assert (m.answerable, m.conversation, m.unanswerable) == (1, 1, 1)
    assert m.hit_at_1 == 1.0 and m.answer_accuracy == 1.0
    assert m.refused == 1 and m.refusal_precision == 1.0 and m.false_refusal_rate == 0.0


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "a", "kind": "conversation", "question": "你好", "keys": ["你好"]}', "a conversation item expects only"),
        ('{"id": "a", "kind": "conversation", "question": "你好", "unanswerable": true}', "a conversation item expects only"),
        ('{"id": "a", "kind": "outline", "question": "分几部分？"}', "an answerable item needs"),
        ('{"id": "a", "kind": "figure", "question": "q", "expected": [{"source": "s", "label": "l"}], "not_stated": "s"}',
         '"not_stated" must be a list'),
    ],
)
def test_only_a_conversation_item_expects_nothing(line, message):
    with pytest.raises(EvalSetError, match=message):
        parse_set([line])


# ---------------------------------------------------------------------------------------------
# The per-kind gate and the halves


def results_of_kind(kind: str, correct: int, n: int) -> list[ItemResult]:
    unanswerable = kind == "unanswerable"
    return [result(unanswerable, found=(i < correct) != unanswerable, id=f"{kind}{i}", kind=kind) for i in range(n)]


def test_the_gate_fails_when_a_kind_drops_by_more_than_one_item():
    base = Baseline({}, tolerance=0.02, by_kind={"outline": KindFigure("answer_accuracy", 0.8, 10)})
    one_item_fewer = breakdown(results_of_kind("outline", 7, 10), "kind")
    assert compare_to_baseline({}, base, one_item_fewer) == []  # 0.8 -> 0.7: one item of ten is allowed
    two_fewer = breakdown(results_of_kind("outline", 6, 10), "kind")
    (regression,) = compare_to_baseline({}, base, two_fewer)
    assert str(regression) == "kind outline: answer_accuracy: baseline 0.8000, now 0.6000 (allowed drop 0.1)"


def test_one_item_fewer_is_allowed_even_when_the_stored_figures_are_rounded():
    base = Baseline({}, tolerance=0.02, by_kind={"comparison": KindFigure("answer_accuracy", 0.8182, 22)})  # 18/22
    assert compare_to_baseline({}, base, breakdown(results_of_kind("comparison", 17, 22), "kind")) == []
    assert len(compare_to_baseline({}, base, breakdown(results_of_kind("comparison", 16, 22), "kind"))) == 1


def test_unanswerable_items_are_gated_on_refusal_recall_and_a_kind_gone_missing_fails():
    base = Baseline({}, by_kind={"unanswerable": KindFigure("refusal_recall", 1.0, 10),
                                 "summary": KindFigure("answer_accuracy", 1.0, 8)})
    now = breakdown(results_of_kind("unanswerable", 8, 10), "kind")
    assert [(r.kind, r.metric, r.now) for r in compare_to_baseline({}, base, now)] == [
        ("unanswerable", "refusal_recall", 0.8), ("summary", "answer_accuracy", None)]


def test_the_baseline_records_each_kinds_figure_and_an_older_baseline_without_them_still_gates():
    results = results_of_kind("outline", 7, 10) + results_of_kind("unanswerable", 3, 4)
    evaluation = summarize(results)
    payload = baseline_payload(evaluation.metrics, 0.02, "eval/questions.jsonl", by_kind=evaluation.by_kind)
    assert payload["by_kind"] == {"outline": {"answer_accuracy": 0.7, "items": 10},
                                  "unanswerable": {"refusal_recall": 0.75, "items": 4}}
    recorded = parse_baseline(json.loads(json.dumps(payload)))
    assert recorded.by_kind["unanswerable"] == KindFigure("refusal_recall", 0.75, 4)
    assert judge(evaluation, recorded, "b.json").status == "pass"

    todays_file = json.loads((ROOT / "eval" / "baseline.json").read_text(encoding="utf-8"))
    todays_file.pop("by_kind", None)
    older = parse_baseline(todays_file)
    assert older.by_kind == {} and older.metrics["hit@1"] > 0
    regressions = compare_to_baseline(evaluation.metrics.headline(), older, evaluation.by_kind)
    assert "answer_accuracy" in [r.metric for r in regressions] and not any(r.kind for r in regressions)


def test_a_run_with_an_item_that_could_not_be_asked_is_neither_passed_nor_recorded():
    evaluation = summarize([invalid_result(item(id="q7"), "the assistant crashed: KeyError: 'x'"), result(False, True)])
    assert evaluation.metrics.invalid == 1
    outcome = judge(evaluation, Baseline({}), "b.json")
    assert outcome.status == "fail" and outcome.invalid == ("q7",) and outcome.exit_code == 1
    assert judge(evaluation, None, "b.json", updating=True).status == "not updated"
    assert any("crashed" in p for p in evaluation.results[0].problems)


def test_halves_split_by_the_parity_of_the_id_number():
    results = [result(False, True, id="q201"), result(False, True, id="q203"),
               result(False, True, keys_missing=("x",), id="q202"), result(True, False, id="q204")]
    evaluation = summarize(results)
    assert list(evaluation.by_half) == ["odd", "even"]
    assert (evaluation.by_half["odd"].items, evaluation.by_half["odd"].answer_accuracy) == (2, 1.0)
    assert (evaluation.by_half["even"].items, evaluation.by_half["even"].answer_accuracy) == (2, 0.0)
    assert evaluation.to_json()["halves"]["even"]["refusal_recall"] == 1.0
    assert "even ids (held out)" in format_summary(evaluation)


# ---------------------------------------------------------------------------------------------
# --extra-corpus: the combined folder


def test_extra_corpus_files_are_copied_beside_the_corpus_and_the_index_seeded(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "plan.txt").write_text("一、总体要求\n", encoding="utf-8")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "条例.md").write_text("# 条例\n\n第一条 为了……\n", encoding="utf-8")
    (tmp_path / "extra" / "README.md").write_text("What these files are.\n", encoding="utf-8")
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")

    combined = combined_config(config, tmp_path / "extra", progress=False)
    assert combined.corpus_dir.parent.parent == tmp_path / "cache" / "eval-index"
    assert sorted(p.name for p in combined.corpus_dir.iterdir()) == ["plan.txt", "条例.md"]
    assert (combined.index_dir / "manifest.json").exists()  # seeded with the configured index
    assert combined_config(config, tmp_path / "extra", progress=False) == combined  # same files, same folder

    (tmp_path / "extra" / "plan.txt").write_text("另一个文件\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="both have plan.txt"):
        combined_config(config, tmp_path / "extra", progress=False)


# ---------------------------------------------------------------------------------------------
# The real assistant on a small set

SMALL_SET = [
    {"id": "t01", "kind": "figure", "question": "2022年孕产妇死亡率的目标是多少？", "history": [],
     "expected": [{"source": DOC_A, "label": "一（三）"}], "keys": ["18/10万"], "unanswerable": False},
    {"id": "t02", "kind": "followup", "question": "那2020年呢？", "history": ["贵州的行动计划里2022年孕产妇死亡率目标是多少？"],
     "expected": [{"source": DOC_A, "label": "一（三）"}], "keys": ["20/10万"], "unanswerable": False},
    {"id": "t03", "kind": "unanswerable", "question": "深圳2023年家庭医生签约率目标是多少？", "history": [],
     "expected": [], "keys": [], "unanswerable": True},
    {"id": "t04", "kind": "lookup", "question": "贵州行动计划里说的“银龄计划”是指什么？", "history": [],
     "expected": [{"source": DOC_A, "label": "二（四十五）"}], "keys": ["退休医师返聘"], "unanswerable": False},
    {"id": "t05", "kind": "cross_script", "question": "廣州2023年3歲以下嬰幼兒托位數要達到多少？", "history": [],
     "expected": [{"source": DOC_B, "label": "16"}], "keys": ["6.5万个"], "unanswerable": False},
    {"id": "t06", "kind": "clause_ref", "question": "云州区方案的二（二）4讲什么？", "history": [],
     "expected": [{"source": "003_0200143d345726b6.txt", "label": "二（二）4"}], "keys": ["加强专科能力建设"], "unanswerable": False},
    {"id": "t07", "kind": "english", "question": "What maternal mortality rate does Guizhou's eight-projects action plan target for 2020?",
     "history": [], "expected": [{"source": DOC_A, "label": "一（三）"}], "keys": ["20/10万"], "unanswerable": False},
    {"id": "t08", "kind": "comparison", "question": "贵州和广州对宫颈癌、乳腺癌筛查各有什么安排？", "history": [],
     "expected": [{"source": DOC_A, "label": "二（十八）"}, {"source": DOC_B, "label": "14"}], "keys": ["宫颈癌早诊率", "7万名"],
     "unanswerable": False},
]


@pytest.fixture(scope="module")
def assistant():
    from assistant.config import Config
    from assistant.service import Assistant

    return Assistant.open(Config.from_env(), progress=False)


@pytest.fixture()
def small_set(tmp_path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in SMALL_SET), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_evaluation(assistant, tmp_path_factory):
    """The small set evaluated once; the gate tests reuse it instead of asking again."""
    path = tmp_path_factory.mktemp("set") / "set.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in SMALL_SET), encoding="utf-8")
    return ev.evaluate(assistant, load_set(path))


@pytest.fixture()
def evaluated_once(monkeypatch, small_evaluation):
    monkeypatch.setattr(run_module, "evaluate", lambda *args, **kwargs: small_evaluation)
    return small_evaluation


def run(tmp_path, set_path, assistant, baseline: Path | None = None, **flags):
    out, err = io.StringIO(), io.StringIO()
    options = EvalOptions(set_path=set_path, report_dir=tmp_path / "report", baseline_path=baseline or tmp_path / "b.json",
                          quiet=True, **flags)
    code = run_module.run(options, lambda: assistant, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_small_set_scores_and_writes_the_report(tmp_path, small_set, assistant, small_evaluation):
    evaluation = small_evaluation
    by_id = {r.item.id: r for r in evaluation.results}
    assert by_id["t01"].rank == 1 and by_id["t01"].correct
    assert by_id["t02"].hit(1) and by_id["t02"].correct, by_id["t02"].answer  # the follow-up used its history
    assert by_id["t03"].refused and by_id["t03"].correct
    assert all(r.latency_ms > 0 for r in evaluation.results)
    assert evaluation.metrics.citation_exactness == 1.0
    assert evaluation.metrics.items == 8 and evaluation.metrics.unanswerable == 1

    code, out, err = run(tmp_path, small_set, assistant)
    assert code == 0  # no baseline yet: say so, do not fail
    assert "no baseline" in err and "--update-baseline" in err
    assert "hit@1" in out and "clause_ref" in out
    report = tmp_path / "report"
    assert f"report: {report / 'report.md'}" in err
    for name in ("report.md", "by_kind.png", "metrics.json", "results.jsonl"):
        assert (report / name).stat().st_size > 0, name
    assert (report / "by_kind.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (report / "report.md").read_text(encoding="utf-8")
    assert "## By kind" in md and "## By document" in md and "## Failures" in md and "## Halves" in md
    first = json.loads((report / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["intent"] and first["answer_not_stated"] == [] and first["not_stated"] == []
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["metrics"]["items"] == 8 and set(ev.HEADLINE) <= set(metrics["metrics"])
    assert "unanswerable" in metrics["by_kind"] and "none" in metrics["by_document"]
    assert metrics["halves"]["odd"]["items"] == 4 and metrics["halves"]["even"]["items"] == 4


def test_update_baseline_then_gate_passes_and_fails(tmp_path, small_set, assistant, evaluated_once):
    baseline = tmp_path / "b.json"
    code, _, err = run(tmp_path, small_set, assistant, baseline, update_baseline=True)
    assert code == 0 and "baseline updated" in err
    written = json.loads(baseline.read_text(encoding="utf-8"))
    assert written["tolerance"] == ev.DEFAULT_TOLERANCE and "tolerance_note" in written
    assert set(written["metrics"]) == set(ev.HEADLINE)
    assert written["by_kind"]["unanswerable"] == {"refusal_recall": 1.0, "items": 1}

    # equal to the current figures: passes
    code, _, err = run(tmp_path, small_set, assistant, baseline)
    assert code == 0 and "gate passed" in err

    # a baseline above the current figures: fails and names the metric, baseline and now
    now = written["metrics"]["hit@1"]
    raised = {**written, "metrics": {**written["metrics"], "hit@1": round(now + 0.1, 4)}}
    baseline.write_text(json.dumps(raised), encoding="utf-8")
    code, _, err = run(tmp_path, small_set, assistant, baseline)
    assert code == 1
    assert "REGRESSION" in err and f"hit@1: baseline {now + 0.1:.4f}, now {now:.4f}" in err
    assert "mrr" not in err.split("REGRESSION", 1)[1]

    # a kind's figure more than one item's worth above the current one: fails and names the kind
    kinds = {**written["by_kind"], "lookup": {"answer_accuracy": 1.5, "items": 100}}
    baseline.write_text(json.dumps({**written, "by_kind": kinds}), encoding="utf-8")
    code, _, err = run(tmp_path, small_set, assistant, baseline)
    assert code == 1 and "kind lookup: answer_accuracy: baseline 1.5000" in err

    # within the stated tolerance: passes; --update-baseline keeps the tolerance
    baseline.write_text(json.dumps({**raised, "tolerance": 0.15}), encoding="utf-8")
    assert run(tmp_path, small_set, assistant, baseline)[0] == 0
    run(tmp_path, small_set, assistant, baseline, update_baseline=True)
    assert json.loads(baseline.read_text(encoding="utf-8"))["tolerance"] == 0.15


def test_json_output_is_machine_readable(tmp_path, small_set, assistant, evaluated_once):
    code, out, _ = run(tmp_path, small_set, assistant, as_json=True)
    data = json.loads(out)
    assert code == 0 and data["gate"]["status"] == "no baseline"
    assert data["metrics"]["items"] == 8 and "figure" in data["by_kind"]
    assert all({"id", "question", "expected", "problems", "found", "answer", "top_citations"} <= set(f) for f in data["failures"])


def test_bad_set_or_baseline_exits_2_before_loading_the_model(tmp_path, small_set):
    def must_not_open():
        raise AssertionError("the model was loaded for a malformed set")

    bad = tmp_path / "bad.jsonl"
    bad.write_text(small_set.read_text(encoding="utf-8") + '{"id": "t99", "kind": "figure", "question": "q", "colour": 1}\n',
                   encoding="utf-8")
    err = io.StringIO()
    options = EvalOptions(set_path=bad, report_dir=tmp_path / "r", baseline_path=tmp_path / "b.json", quiet=True)
    assert run_module.run(options, must_not_open, out=io.StringIO(), err=err) == 2
    assert f"{bad} line 9: unknown field(s) 'colour'" in err.getvalue()

    (tmp_path / "b.json").write_text("{not json", encoding="utf-8")
    err = io.StringIO()
    options = EvalOptions(set_path=small_set, report_dir=tmp_path / "r", baseline_path=tmp_path / "b.json", quiet=True)
    assert run_module.run(options, must_not_open, out=io.StringIO(), err=err) == 2
    assert "b.json: not valid JSON" in err.getvalue()


def test_a_label_missing_from_the_corpus_exits_2(tmp_path, assistant):
    path = tmp_path / "set.jsonl"
    line = {**SMALL_SET[0], "expected": [{"source": DOC_A, "label": "九十九（九）"}]}
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    code, _, err = run(tmp_path, path, assistant)
    assert code == 2 and "line 1 (t01): no clause labelled '九十九（九）'" in err


def test_cli_exit_codes_end_to_end(tmp_path, small_set):
    def cli(*args):
        cmd = [sys.executable, "-m", "assistant", "eval", "--set", str(small_set), "--report", str(tmp_path / "r"),
               "--baseline", str(tmp_path / "b.json"), "-q", *args]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONUTF8": "1"})

    # a malformed baseline: usage error, before the model loads
    (tmp_path / "b.json").write_text('{"tolerance": -1}', encoding="utf-8")
    done = cli()
    assert done.returncode == 2 and "tolerance" in done.stderr

    # a baseline no assistant can reach: regression, exit 1, the metric named
    (tmp_path / "b.json").write_text(json.dumps({"tolerance": 0.0, "metrics": {"answer_accuracy": 1.5}}), encoding="utf-8")
    done = cli()
    assert done.returncode == 1, done.stderr
    assert "answer_accuracy: baseline 1.5000" in done.stderr
    assert "hit@1" in done.stdout and (tmp_path / "r" / "report.md").exists()


def test_retarget_points_sources_at_the_converted_file_of_the_same_stem():
    item = ev.parse_item({"id": "r1", "kind": "lookup", "question": "问？",
                          "expected": [{"source": "000_a.txt", "label": "1."}, {"source": "x.md", "label": "第一条"}],
                          "keys": ["k"], "not_stated": ["001_b.txt"]})
    (moved,), mapping = ev.retarget([item], ["000_a.pdf", "001_b.docx", "x.md", "x.pdf"])
    assert [e.source for e in moved.expected] == ["000_a.pdf", "x.md"]  # x.md is there itself
    assert moved.not_stated == ("001_b.docx",)
    assert mapping == {"000_a.txt": "000_a.pdf", "001_b.txt": "001_b.docx"}
    # Two files of one stem: no guess; the span check then names the missing source.
    (kept,), none = ev.retarget([item], ["000_a.pdf", "000_a.html"])
    assert kept.expected[0].source == "000_a.txt" and none == {}


def test_side_by_side_puts_each_kind_of_both_runs_in_one_row(shared_assistant):
    from assistant.eval.report import format_side_by_side

    items = ev.load_set(ROOT / "eval" / "questions.jsonl")[:40]
    once = ev.evaluate(shared_assistant, items)
    table = format_side_by_side(once, once, "extra/")
    lines = table.splitlines()
    assert lines[0] == "the corpus alone, and with extra/ beside it"
    assert lines[1].split()[:4] == ["kind", "n", "hit@1", "hit@1"]
    assert lines[3].split()[0] == "all" and lines[3].split()[4] == "+0.000"
    assert {line.split()[0] for line in lines[4:]} == set(once.by_kind)
