"""Scoring the assistant against an evaluation set, with a regression gate.

Modules, each importing only those before it:

- `load`: the set file → validated `EvalItem`s (`load_set`, `parse_set`, `parse_item`);
- `score` (pure, no model): one answer against one item (`expected_spans`, `requirements`,
  `coverage_rank`, `keys_present`, `score_item` → `ItemResult`);
- `metrics`: results → `Metrics`, breakdowns by kind, document and half (`compute_metrics`,
  `breakdown`, `summarize` → `Evaluation`);
- `gate`: an `Evaluation` against a `Baseline` (`compare_to_baseline`, `judge` → `GateOutcome`);
- `report`: the summary and report.md, by_kind.png, metrics.json, results.jsonl;
- `extra_corpus`: the combined index for `--extra-corpus DIR`;
- `run`: `evaluate` (every item through `Assistant.ask`), `run` and `run_cli` behind
  `python -m assistant eval`. The function `run` is not re-exported here, so that
  `assistant.eval.run` stays the module (`from assistant.eval.run import run`).
"""
from assistant.eval.gate import (
    DEFAULT_TOLERANCE,
    EXIT_OK,
    EXIT_REGRESSION,
    EXIT_USAGE,
    Baseline,
    GateOutcome,
    KindFigure,
    Regression,
    baseline_payload,
    compare_to_baseline,
    judge,
    load_baseline,
    parse_baseline,
)
from assistant.eval.load import (
    FIELD_LABELS,
    FIELDS,
    KINDS,
    NO_DOCUMENT,
    EvalItem,
    EvalSetError,
    Expected,
    load_set,
    retarget,
    parse_item,
    parse_set,
)
from assistant.eval.metrics import HEADLINE, Evaluation, Metrics, breakdown, compute_metrics, kind_accuracy, percentile, summarize
from assistant.eval.report import format_report, format_summary, markdown_table, plot_by_kind, text_table, write_report
from assistant.eval.run import EvalOptions, evaluate, run_cli
from assistant.eval.score import (
    ItemResult,
    Requirement,
    coverage_rank,
    expected_spans,
    invalid_result,
    keys_present,
    missing_keys,
    requirements,
    score_item,
    squash,
)

__all__ = [
    "DEFAULT_TOLERANCE", "EXIT_OK", "EXIT_REGRESSION", "EXIT_USAGE", "FIELDS", "FIELD_LABELS", "HEADLINE", "KINDS",
    "NO_DOCUMENT", "Baseline", "EvalItem", "EvalOptions", "EvalSetError", "Evaluation", "Expected", "GateOutcome",
    "ItemResult", "KindFigure", "Metrics", "Regression", "Requirement", "baseline_payload", "breakdown",
    "compare_to_baseline", "compute_metrics", "coverage_rank", "evaluate", "expected_spans", "format_report",
    "format_summary", "invalid_result", "judge", "keys_present", "kind_accuracy", "load_baseline", "load_set", "retarget",
    "markdown_table", "missing_keys", "parse_baseline", "parse_item", "parse_set", "percentile", "plot_by_kind",
    "requirements", "run_cli", "score_item", "squash", "summarize", "text_table", "write_report",
]
