"""Running the evaluation: every item through `Assistant.ask` (the library API the UI uses), then
the report and the gate, behind `python -m assistant eval`.

Exit codes of `run`: 0 = no regression (or baseline missing / just updated), 1 = a gated figure
fell below baseline − allowed drop, or some item could not be asked, 2 = malformed set or baseline.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence, TextIO

from assistant.config import PROJECT_ROOT
from assistant.eval.gate import EXIT_USAGE, baseline_payload, describe, judge, load_baseline
from assistant.eval.load import EvalItem, EvalSetError, Expected, load_set, retarget
from assistant.eval.metrics import HEADLINE, Evaluation, summarize
from assistant.eval.prose import format_prose, prose_figures
from assistant.eval.report import fmt, format_side_by_side, format_summary, write_report
from assistant.eval.score import Span, expected_spans, invalid_result, score_item


def resolve_spans(assistant, items: Sequence[EvalItem], where: str = "") -> list[dict[Expected, tuple[Span, ...]]]:
    """Expected spans of every item, checked against the loaded index before any question is asked."""
    out = []
    for item in items:
        try:
            out.append(expected_spans(item, assistant.outline, assistant.documents))
        except EvalSetError as exc:
            raise EvalSetError(f"{where}{exc}") from None
    return out


def evaluate(assistant, items: Sequence[EvalItem], progress: bool = False, where: str = "") -> Evaluation:
    """Ask every item through `assistant.ask(question, history)`, timing each call, and score it.

    An item the assistant rejects, or crashes on, is recorded as invalid (the gate then refuses the
    run) instead of ending the run; PLAN_DEBUG=1 lets a crash through with its traceback.
    """
    from assistant.service import InvalidQuestion

    documents = assistant.documents
    items, moved = retarget(items, documents)
    if moved and progress:
        print(f"{len(moved)} source(s) of the set matched by file stem, e.g. {next(iter(moved))} → "
              f"{next(iter(moved.values()))}", file=sys.stderr)
    spans = resolve_spans(assistant, items, where)
    bar = _progress(len(items)) if progress else None
    results = []
    began = time.perf_counter()
    # With a generator, each answer is asked for its prose too (the final answer of ask_stream); the
    # extractive fields the gate reads are the same either way.
    ask = assistant.ask_with_prose if getattr(assistant, "generator", None) is not None else assistant.ask
    for item, item_spans in zip(items, spans):
        start = time.perf_counter()
        try:
            answer = ask(item.question, list(item.history))
        except InvalidQuestion as exc:
            results.append(invalid_result(item, str(exc), (time.perf_counter() - start) * 1000))
        except Exception as exc:
            if os.environ.get("PLAN_DEBUG"):
                raise
            message = f"the assistant crashed: {type(exc).__name__}: {exc}"
            results.append(invalid_result(item, message, (time.perf_counter() - start) * 1000))
        else:
            elapsed = (time.perf_counter() - start) * 1000
            results.append(score_item(item, answer, item_spans, documents, elapsed))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return summarize(results, time.perf_counter() - began)


def _progress(total: int):
    try:
        from tqdm import tqdm

        return tqdm(total=total, desc="eval", unit="q", file=sys.stderr, leave=False)
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _Counter(total)


class _Counter:
    def __init__(self, total: int):
        self.total, self.done = total, 0

    def update(self, n: int) -> None:
        self.done += n
        print(f"\reval {self.done}/{self.total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        print(file=sys.stderr)


def _default_path(relative: str) -> Path:
    """Relative to the working directory when it has an eval/ folder, else to the project."""
    here = Path.cwd()
    base = here if (here / "eval").exists() or not (PROJECT_ROOT / "eval").exists() else PROJECT_ROOT
    return base / relative


@dataclass(frozen=True)
class EvalOptions:
    set_path: Path = field(default_factory=lambda: _default_path("eval/questions.jsonl"))
    report_dir: Path = field(default_factory=lambda: _default_path("eval/reports"))
    baseline_path: Path = field(default_factory=lambda: _default_path("eval/baseline.json"))
    update_baseline: bool = False
    as_json: bool = False
    quiet: bool = False
    extra_corpus: Path | None = None  # a folder indexed beside the configured corpus
    limit: int | None = None  # ask only the first N items (no gate then: the figures are of part of the set)


def run(options: EvalOptions, open_assistant: Callable[[], object], out: TextIO | None = None, err: TextIO | None = None,
        open_alone: Callable[[object], object] | None = None) -> int:
    """Load and check the set and baseline, evaluate, report, then gate (or update the baseline).

    `open_assistant` is called only once the set and baseline are known to be well formed. With
    `open_alone` (given the assistant, an assistant over the configured corpus without the extra
    one), the set is asked of both and the two are printed side by side per kind (the gate judges
    the first).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    say = lambda message: print(message, file=err, flush=True)
    where = f"{options.set_path} "
    try:
        items = load_set(options.set_path)
        baseline = load_baseline(options.baseline_path)
    except EvalSetError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    if options.limit is not None:
        if options.limit < 1:
            say("error: --limit must be at least 1")
            return EXIT_USAGE
        if options.update_baseline:
            say("error: --limit asks part of the set; a baseline must be recorded from all of it")
            return EXIT_USAGE
        items, baseline = items[:options.limit], None
    assistant = open_assistant()
    try:
        evaluation = evaluate(assistant, items, progress=not options.quiet, where=where)
    except EvalSetError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE

    gate = judge(evaluation, baseline, str(options.baseline_path), updating=options.update_baseline)
    titles = {source: doc.title for source, doc in assistant.documents.items()}
    report = write_report(options.report_dir, evaluation, baseline, titles, str(options.set_path), gate)
    say(f"report: {report} (with by_kind.png, metrics.json, results.jsonl in {report.parent})")

    prose = prose_figures(evaluation.results)
    if options.as_json:
        payload = {**evaluation.to_json(), "gate": gate.to_json(), "report": str(report),
                   **({"generation": prose.to_json()} if prose else {})}
        out.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(format_summary(evaluation, None if options.update_baseline else baseline) + "\n")
        if prose is not None:
            worded_ms = [r.latency_ms for r in evaluation.results if r.prose is not None]
            out.write("\n" + format_prose(prose, worded_ms) + "\n")
        if open_alone is not None:
            alone_assistant = open_alone(assistant)
            if all(e.source in alone_assistant.documents for item in items for e in item.expected):
                alone = evaluate(alone_assistant, items, progress=not options.quiet, where=where)
                out.write("\n" + format_side_by_side(alone, evaluation, str(options.extra_corpus)) + "\n")
            else:
                say("no side-by-side figures: the set asks about documents of the extra corpus")
    out.flush()

    if options.limit is not None:
        say(f"no gate: --limit {options.limit} asked {len(items)} item(s) of the set")
    for line in describe(gate, baseline):
        if options.limit is None or not line.startswith("no baseline"):
            say(line)
    if prose is not None and prose.unsupported_after_check:
        say(f"UNSUPPORTED: {prose.unsupported_after_check} figure(s) or mark(s) in shown prose are not in the "
            "clauses cited (see results.jsonl, \"prose\")")
        return max(gate.exit_code, 1)
    if gate.status == "updated":
        _write_baseline(options, evaluation, gate.tolerance, baseline, say)
    elif gate.status == "not updated":
        say(f"baseline not updated: {options.baseline_path} keeps its figures")
    return gate.exit_code


def _write_baseline(options: EvalOptions, evaluation: Evaluation, tolerance: float, baseline, say) -> None:
    options.baseline_path.parent.mkdir(parents=True, exist_ok=True)
    payload = baseline_payload(evaluation.metrics, tolerance, _display_path(options.set_path),
                               tolerances=baseline.tolerances if baseline else None, by_kind=evaluation.by_kind)
    options.baseline_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"baseline updated: {options.baseline_path} (tolerance {tolerance:g}; per kind max({tolerance:g}, one item))")
    headline = evaluation.metrics.headline()
    for name in HEADLINE:
        before = baseline.metrics.get(name) if baseline else None
        say(f"  {name}: {fmt(before, 4)} -> {fmt(headline[name], 4)}")


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def run_cli(args, config) -> int:
    """`python -m assistant eval`: the options from argparse, the assistant from the config."""
    defaults = EvalOptions()
    options = EvalOptions(
        set_path=args.eval_set or defaults.set_path,
        report_dir=args.report or defaults.report_dir,
        baseline_path=args.baseline or defaults.baseline_path,
        update_baseline=bool(args.update_baseline),
        as_json=bool(args.json),
        quiet=bool(args.quiet),
        extra_corpus=getattr(args, "extra_corpus", None),
        limit=getattr(args, "limit", None),
    )

    def open_assistant():
        if options.extra_corpus is not None:
            from assistant.eval.extra_corpus import open_with_extra_corpus

            return open_with_extra_corpus(config, options.extra_corpus, progress=not options.quiet)
        from assistant.service import Assistant

        return Assistant.open(config, progress=not options.quiet)

    def open_alone(combined):  # the configured corpus with the same encoder
        from assistant.index import build_index
        from assistant.service import Assistant

        index, _ = build_index(config, lambda: combined.embedder, progress=not options.quiet)
        return Assistant(config, index, combined.embedder)

    return run(options, open_assistant, open_alone=open_alone if options.extra_corpus is not None else None)
