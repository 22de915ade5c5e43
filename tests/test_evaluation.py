"""assistant.evaluation: pure scoring on hand-made answers, then a small set through the real assistant.

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

from assistant import evaluation as ev
from assistant.evaluation import (
    Baseline,
    EvalItem,
    EvalOptions,
    EvalSetError,
    Expected,
    ItemResult,
    compare_to_baseline,
    compute_metrics,
    coverage_rank,
    expected_spans,
    keys_present,
    load_set,
    parse_set,
    score_item,
)
from assistant.models import Answer, Citation, Clause, Document

ROOT = Path(__file__).resolve().parent.parent
DOC_A = "000_a7ee23972fa017a8.txt"
DOC_B = "004_7019475e6841841c.txt"


# ---------------------------------------------------------------------------------------------
# Hand-made records


def clause(source: str, label: str, start: int, end: int, text: str | None = None, part: int = 0, parts: int = 1) -> Clause:
    return Clause(source, label, (label,), label, text if text is not None else "x" * (end - start), start, end, part, parts)


def cite(source: str, label: str, start: int, end: int, text: str | None = None) -> Citation:
    return Citation(clause(source, label, start, end, text), "title", 0.9)


def item(kind: str = "figure", expected=((DOC_A, "一（三）"),), keys=(), unanswerable: bool = False, id: str = "t1") -> EvalItem:
    return EvalItem(id, kind, "q?", (), tuple(Expected(s, l) for s, l in expected), tuple(keys), unanswerable, 1)


# The outline of two made-up documents: whole clauses and their spans.
OUTLINE = {
    DOC_A: (clause(DOC_A, "一（二）", 0, 100), clause(DOC_A, "一（三）", 100, 300), clause(DOC_A, "二（一）", 300, 400)),
    DOC_B: (clause(DOC_B, "前言", 0, 50), clause(DOC_B, "16", 50, 200), clause(DOC_B, "前言", 500, 550)),
}


def outline(source: str):
    return OUTLINE.get(source, ())


def spans_of(it: EvalItem):
    return expected_spans(it, outline)


def result(unanswerable: bool, found: bool, rank: int | None = 1, keys_missing=(), citations=(), latency=10.0) -> ItemResult:
    it = item(kind="unanswerable" if unanswerable else "figure", expected=() if unanswerable else ((DOC_A, "一（三）"),),
              unanswerable=unanswerable)
    return ItemResult(it, found, "answer", tuple(citations), None if unanswerable else rank, tuple(keys_missing), latency)


# ---------------------------------------------------------------------------------------------
# Pure scoring


def test_a_part_of_a_split_clause_overlapping_the_expected_span_is_a_hit():
    it = item()
    # the expected clause 一（三） is [100, 300); the second part of it is cited at rank 2
    citations = [cite(DOC_A, "二（一）", 300, 400), cite(DOC_A, "一（三）", 200, 300)]
    assert coverage_rank(it, citations, spans_of(it)) == 2


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
    by_doc = ev.breakdown(results, "document")
    assert list(by_doc) == [DOC_A, DOC_B, "none"]
    assert (by_doc[DOC_A].items, by_doc[DOC_B].items, by_doc["none"].items) == (2, 1, 1)
    assert list(ev.breakdown(results, "kind")) == ["figure", "comparison", "unanswerable"]


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
    monkeypatch.setattr(ev, "evaluate", lambda *args, **kwargs: small_evaluation)
    return small_evaluation


def run(tmp_path, set_path, assistant, baseline: Path | None = None, **flags):
    out, err = io.StringIO(), io.StringIO()
    options = EvalOptions(set_path=set_path, report_dir=tmp_path / "report", baseline_path=baseline or tmp_path / "b.json",
                          quiet=True, **flags)
    code = ev.run(options, lambda: assistant, out=out, err=err)
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
    assert "## By kind" in md and "## By document" in md and "## Failures" in md
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["metrics"]["items"] == 8 and set(ev.HEADLINE) <= set(metrics["metrics"])
    assert "unanswerable" in metrics["by_kind"] and "none" in metrics["by_document"]


def test_update_baseline_then_gate_passes_and_fails(tmp_path, small_set, assistant, evaluated_once):
    baseline = tmp_path / "b.json"
    code, _, err = run(tmp_path, small_set, assistant, baseline, update_baseline=True)
    assert code == 0 and "baseline updated" in err
    written = json.loads(baseline.read_text(encoding="utf-8"))
    assert written["tolerance"] == ev.DEFAULT_TOLERANCE and "tolerance_note" in written
    assert set(written["metrics"]) == set(ev.HEADLINE)

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
    assert ev.run(options, must_not_open, out=io.StringIO(), err=err) == 2
    assert f"{bad} line 9: unknown field(s) 'colour'" in err.getvalue()

    (tmp_path / "b.json").write_text("{not json", encoding="utf-8")
    err = io.StringIO()
    options = EvalOptions(set_path=small_set, report_dir=tmp_path / "r", baseline_path=tmp_path / "b.json", quiet=True)
    assert ev.run(options, must_not_open, out=io.StringIO(), err=err) == 2
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
