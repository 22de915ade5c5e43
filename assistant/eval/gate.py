"""The regression gate: this run's figures against the recorded baseline (eval/baseline.json).

Pure: reads Metrics and a Baseline, returns a GateOutcome; writes nothing. Two kinds of figure
are gated: the headline metrics (allowed drop `tolerance`, or `tolerances[metric]`), and one
figure per kind (answer accuracy; refusal recall for unanswerable), whose allowed drop is
max(tolerance, 1/n) because kinds are small and one item moves them by 1/n.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping

from assistant.eval.load import EvalSetError
from assistant.eval.metrics import HEADLINE, Evaluation, Metrics, kind_accuracy

DEFAULT_TOLERANCE = 0.02
TOLERANCE_NOTE = (
    "absolute: `eval` exits 1 when a metric is below (baseline - tolerance), or below (baseline - tolerances[metric]) "
    "where one is given, or a kind's figure in by_kind is below (baseline - max(tolerance, 1/items)); "
    "rewrite deliberately with `python -m assistant eval --update-baseline`"
)

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class KindFigure:
    """One kind's figure in the baseline: `metric` is answer_accuracy, or refusal_recall for unanswerable."""

    metric: str
    value: float
    items: int  # how many items the figure was measured on: one of them is 1/items of it


@dataclass(frozen=True)
class Baseline:
    metrics: dict[str, float]
    tolerance: float = DEFAULT_TOLERANCE
    # Per-metric allowed drops, where one item moves a metric by more than `tolerance`
    # (22 unanswerable items: one refusal is 0.045 of refusal recall).
    tolerances: dict[str, float] = field(default_factory=dict)
    by_kind: dict[str, KindFigure] = field(default_factory=dict)  # empty in a baseline older than the per-kind gate

    def allowed_drop(self, metric: str) -> float:
        return self.tolerances.get(metric, self.tolerance)

    def kind_allowed_drop(self, kind: str) -> float:
        """One item's worth at the least: a kind of 8 items may lose one (0.125) without failing."""
        return max(self.tolerance, 1.0 / self.by_kind[kind].items)


@dataclass(frozen=True)
class Regression:
    metric: str
    baseline: float
    now: float | None  # None: the figure is missing from this run
    tolerance: float
    kind: str = ""  # set for a per-kind figure

    def __str__(self) -> str:
        now = "n/a" if self.now is None else f"{self.now:.4f}"
        where = f"kind {self.kind}: " if self.kind else ""
        return f"{where}{self.metric}: baseline {self.baseline:.4f}, now {now} (allowed drop {self.tolerance:g})"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_baseline(data: object, where: str = "baseline") -> Baseline:
    """Accepts {"tolerance": t, "metrics": {...}, "by_kind": {...}} (as written by --update-baseline)
    or flat metrics; "tolerances" and "by_kind" are optional."""
    if not isinstance(data, dict):
        raise EvalSetError(f"{where}: must be a JSON object")
    tolerance = data.get("tolerance", DEFAULT_TOLERANCE)
    if not _is_number(tolerance) or tolerance < 0:
        raise EvalSetError(f"{where}: \"tolerance\" must be a number >= 0")
    raw = data.get("metrics", {k: v for k, v in data.items() if k in HEADLINE})
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: \"metrics\" must be an object")
    tolerances = data.get("tolerances", {})
    if not isinstance(tolerances, dict) or any(k not in HEADLINE or not _is_number(v) or v < 0 for k, v in tolerances.items()):
        raise EvalSetError(f"{where}: \"tolerances\" must map gated metrics to numbers >= 0")
    metrics = {}
    for name, value in raw.items():
        if name not in HEADLINE:
            raise EvalSetError(f"{where}: unknown metric {name!r} (gated: {', '.join(HEADLINE)})")
        if value is None:
            continue
        if not _is_number(value):
            raise EvalSetError(f"{where}: metric {name!r} must be a number")
        metrics[name] = float(value)
    by_kind = _parse_by_kind(data.get("by_kind", {}), where)
    return Baseline(metrics, float(tolerance), {k: float(v) for k, v in tolerances.items()}, by_kind)


def _parse_by_kind(raw: object, where: str) -> dict[str, KindFigure]:
    """{"outline": {"answer_accuracy": 0.8, "items": 10}, …}"""
    shape = f'{where}: "by_kind" must map each kind to {{"<metric>": number, "items": count}}'
    if not isinstance(raw, dict):
        raise EvalSetError(shape)
    figures = {}
    for kind, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("items"), int) or entry["items"] < 1:
            raise EvalSetError(f"{shape} (kind {kind!r})")
        named = [k for k in entry if k != "items"]
        if len(named) != 1 or named[0] not in HEADLINE or not _is_number(entry[named[0]]):
            raise EvalSetError(f"{shape} (kind {kind!r})")
        figures[kind] = KindFigure(named[0], float(entry[named[0]]), entry["items"])
    return figures


def load_baseline(path: Path) -> Baseline | None:
    """The baseline, None if the file does not exist; EvalSetError if it is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalSetError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return parse_baseline(data, str(path))


ROUNDING = 1e-4  # both figures are stored at 4 decimals: each may be off by half of that


def _fell(before: float, now: float | None, allowed: float) -> bool:
    """Compared at 4 decimals, as stored (so 18/22 -> 17/22, stored 0.8182 -> 0.7727, is the one item it
    is: 0.0455 against 1/22 = 0.04545); a figure missing now (None) has fell."""
    return now is None or round(now, 4) < before - allowed - ROUNDING


def compare_to_baseline(
    headline: Mapping[str, float | None],
    baseline: Baseline,
    by_kind: Mapping[str, Metrics] | None = None,
) -> list[Regression]:
    """Headline metrics below baseline − allowed drop, then (given `by_kind`) kinds whose figure is.

    A figure the baseline has but this run lacks (precision with nothing refused, a kind with no
    items left) counts as a regression.
    """
    regressions = []
    for name in HEADLINE:
        if name in baseline.metrics and _fell(baseline.metrics[name], headline.get(name), baseline.allowed_drop(name)):
            regressions.append(Regression(name, baseline.metrics[name], headline.get(name), baseline.allowed_drop(name)))
    if by_kind is None:
        return regressions
    for kind, figure in baseline.by_kind.items():
        now = by_kind[kind].headline().get(figure.metric) if kind in by_kind else None
        allowed = baseline.kind_allowed_drop(kind)
        if _fell(figure.value, now, allowed):
            regressions.append(Regression(figure.metric, figure.value, now, round(allowed, 4), kind))
    return regressions


def kind_figures(by_kind: Mapping[str, Metrics]) -> dict[str, KindFigure]:
    """Each kind's gated figure, for the baseline; kinds whose figure is undefined are left out."""
    figures = {}
    for kind, metrics in by_kind.items():
        metric, value = kind_accuracy(kind, metrics)
        if value is not None:
            figures[kind] = KindFigure(metric, round(value, 4), metrics.items)
    return figures


def baseline_payload(metrics: Metrics, tolerance: float, set_path: Path | str = "", items: int | None = None,
                     tolerances: Mapping[str, float] | None = None,
                     by_kind: Mapping[str, Metrics] | None = None) -> dict:
    data = {
        "tolerance": tolerance,
        "tolerances": dict(tolerances or {}),
        "tolerance_note": TOLERANCE_NOTE,
        "metrics": {name: (None if v is None else round(v, 4)) for name, v in metrics.headline().items()},
    }
    if by_kind is not None:
        data["by_kind"] = {kind: {f.metric: f.value, "items": f.items} for kind, f in kind_figures(by_kind).items()}
    if set_path:
        data["set"] = str(set_path)
    data["items"] = metrics.items if items is None else items
    return data


@dataclass(frozen=True)
class GateOutcome:
    """What the gate decided about one run."""

    status: str  # "pass", "fail", "no baseline", "updated", or "not updated" (the run had invalid items)
    baseline: str  # the baseline file
    tolerance: float | None = None
    regressions: tuple[Regression, ...] = ()
    invalid: tuple[str, ...] = ()  # ids of items that could not be asked: the figures count them as refusals

    @property
    def exit_code(self) -> int:
        return EXIT_REGRESSION if self.regressions or self.invalid else EXIT_OK

    def to_json(self) -> dict:
        data: dict = {"status": self.status, "baseline": self.baseline}
        if self.tolerance is not None:
            data["tolerance"] = self.tolerance
        if self.status in ("pass", "fail"):
            data["regressions"] = [asdict(r) for r in self.regressions]
        if self.invalid:
            data["invalid"] = list(self.invalid)
        return data


def judge(evaluation: Evaluation, baseline: Baseline | None, baseline_path: str, updating: bool = False) -> GateOutcome:
    """Compare the run with the baseline, or approve recording it as the new one.

    A run with items that could not be asked is never passed nor recorded: a crash must not look
    like a wrong answer that the tolerance absorbs.
    """
    invalid = tuple(r.item.id for r in evaluation.invalid)
    if updating:
        tolerance = baseline.tolerance if baseline else DEFAULT_TOLERANCE
        return GateOutcome("not updated" if invalid else "updated", baseline_path, tolerance, (), invalid)
    if baseline is None:
        return GateOutcome("no baseline", baseline_path, None, (), invalid)
    regressions = tuple(compare_to_baseline(evaluation.metrics.headline(), baseline, evaluation.by_kind))
    status = "fail" if regressions or invalid else "pass"
    return GateOutcome(status, baseline_path, baseline.tolerance, regressions, invalid)


def describe(outcome: GateOutcome, baseline: Baseline | None) -> list[str]:
    """The gate's verdict as lines for stderr (the update case is said by the runner, which writes the file)."""
    lines = []
    if outcome.invalid:
        lines.append(f"INVALID: {len(outcome.invalid)} item(s) could not be asked, so the figures are not comparable: "
                     + ", ".join(outcome.invalid) + " (see the report's failures)")
    if outcome.status == "no baseline":
        lines.append(f"no baseline at {outcome.baseline}: nothing to compare against; "
                     "run `python -m assistant eval --update-baseline` to record the current figures")
    elif outcome.regressions:
        lines.append(f"REGRESSION: {len(outcome.regressions)} figure(s) fell by more than the allowed drop:")
        lines.extend(f"  {r}" for r in outcome.regressions)
    elif outcome.status == "pass" and baseline is not None:
        special = "".join(f"; {name} {drop:g}" for name, drop in baseline.tolerances.items())
        kinds = f"; no kind more than max({baseline.tolerance:g}, one item)" if baseline.by_kind else ""
        lines.append(f"gate passed: no headline metric more than {baseline.tolerance:g}{special}{kinds} "
                     f"below {outcome.baseline}")
    return lines
