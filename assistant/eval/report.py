"""Presenting a run: the summary on stdout, and report.md, by_kind.png, metrics.json, results.jsonl."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Sequence

from assistant.eval.gate import Baseline, GateOutcome
from assistant.eval.metrics import HALF_NAMES, Evaluation, Metrics, kind_accuracy
from assistant.eval.score import ItemResult, short_source


def fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


GROUP_COLUMNS = ("n", "hit@1", "hit@5", "MRR", "accuracy", "false refusal", "refusal P", "refusal R", "exact cites", "p50 ms", "p95 ms")


def _group_row(m: Metrics) -> list[str]:
    return [
        str(m.items),
        fmt(m.hit_at_1),
        fmt(m.hit_at_5),
        fmt(m.mrr),
        fmt(m.answer_accuracy),
        fmt(m.false_refusal_rate),
        fmt(m.refusal_precision) if m.unanswerable else "—",
        fmt(m.refusal_recall),
        fmt(m.citation_exactness),
        _ms(m.latency_median_ms),
        _ms(m.latency_p95_ms),
    ]


def _headline_rows(metrics: Metrics, baseline: Baseline | None) -> list[list[str]]:
    rows = []
    for name, value in metrics.headline().items():
        before = baseline.metrics.get(name) if baseline else None
        rows.append([name, fmt(value), fmt(before)])
    rows.append(["false_refusal_rate", fmt(metrics.false_refusal_rate), "(not gated)"])
    rows.append(["latency median ms", _ms(metrics.latency_median_ms), "(not gated)"])
    rows.append(["latency p95 ms", _ms(metrics.latency_p95_ms), "(not gated)"])
    return rows


def _group_rows(groups: Mapping[str, Metrics], names: Mapping[str, str] | None = None) -> list[list[str]]:
    return [[(names or {}).get(k, k), *_group_row(m)] for k, m in groups.items()]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(esc, row)) + " |" for row in rows]
    return "\n".join(lines)


def _counts(m: Metrics) -> str:
    conversation = f", {m.conversation} conversation" if m.conversation else ""
    return f"{m.items} items ({m.answerable} answerable, {m.unanswerable} unanswerable{conversation})"


def format_summary(evaluation: Evaluation, baseline: Baseline | None = None) -> str:
    """The human summary printed on stdout."""
    m = evaluation.metrics
    parts = [
        f"{_counts(m)}, {m.failed} with problems, {evaluation.seconds:.1f}s",
        "",
        text_table(["metric", "now", "baseline"], _headline_rows(m, baseline)),
        "",
        text_table(["half", *GROUP_COLUMNS], _group_rows(evaluation.by_half, HALF_NAMES)),
        "",
        text_table(["kind", *GROUP_COLUMNS], _group_rows(evaluation.by_kind)),
        "",
        text_table(["document", *GROUP_COLUMNS], _group_rows(evaluation.by_document)),
    ]
    return "\n".join(parts)


SIDE_BY_SIDE = ("n", "hit@1", "hit@1 +extra", "Δ", "accuracy", "accuracy +extra", "Δ", "refusal P", "refusal P +extra")


def _delta(before: float | None, after: float | None) -> str:
    return "—" if before is None or after is None else f"{after - before:+.3f}"


def format_side_by_side(alone: Evaluation, extra: Evaluation, extra_name: str) -> str:
    """The set on the configured corpus and on it with `extra_name` beside it, per kind and overall."""
    def row(name: str, a: Metrics, b: Metrics) -> list[str]:
        return [name, str(a.items), fmt(a.hit_at_1), fmt(b.hit_at_1), _delta(a.hit_at_1, b.hit_at_1),
                fmt(a.answer_accuracy), fmt(b.answer_accuracy), _delta(a.answer_accuracy, b.answer_accuracy),
                fmt(a.refusal_precision), fmt(b.refusal_precision)]

    rows = [row("all", alone.metrics, extra.metrics)]
    rows += [row(kind, m, extra.by_kind[kind]) for kind, m in alone.by_kind.items() if kind in extra.by_kind]
    return f"the corpus alone, and with {extra_name} beside it\n" + text_table(["kind", *SIDE_BY_SIDE], rows)


def format_report(evaluation: Evaluation, baseline: Baseline | None, titles: Mapping[str, str], set_path: str = "",
                  gate: GateOutcome | None = None) -> str:
    """report.md: headline, halves, per-kind and per-document tables, the gate, then every failed item."""
    m = evaluation.metrics
    out = [
        "# Evaluation report",
        "",
        f"Set: `{set_path}` — {_counts(m)}; {m.citations} citations; {m.failed} items with problems; "
        f"run {evaluation.seconds:.1f}s.",
        "",
        "Retrieval hit: a citation from the expected file overlapping the expected clause or metadata value "
        "(outline: every part covered; comparison, which_documents, summary: every document; MRR uses the rank "
        "where the last one is covered, counted from the best possible). Accuracy: found with every key in the "
        "answer (whitespace ignored) and every silent document named as such; conversation items: answered as "
        "conversation. Refusal = `found == false`.",
        "",
        "## Headline",
        "",
        markdown_table(["metric", "now", "baseline"], _headline_rows(m, baseline)),
        "",
        "## Halves",
        "",
        "Thresholds were calibrated on the odd-numbered ids; the even-numbered ones are held out.",
        "",
        markdown_table(["half", *GROUP_COLUMNS], _group_rows(evaluation.by_half, HALF_NAMES)),
        "",
        "## By kind",
        "",
        markdown_table(["kind", *GROUP_COLUMNS], _group_rows(evaluation.by_kind)),
        "",
        "![per-kind retrieval and accuracy](by_kind.png)",
        "",
        "## By document",
        "",
        "A comparison item counts under each of its documents (silent ones too); items about no document "
        "(unanswerable, conversation) are under `none`.",
        "",
        markdown_table(
            ["document", "title", *GROUP_COLUMNS],
            [[k, titles.get(k, ""), *_group_row(g)] for k, g in evaluation.by_document.items()],
        ),
        "",
    ]
    if gate is not None:
        out += _gate_section(gate)
    out += [f"## Failures ({len(evaluation.failures)})", ""]
    if not evaluation.failures:
        out.append("None.")
    for r in evaluation.failures:
        out += _failure_lines(r)
    return "\n".join(out) + "\n"


def _gate_section(gate: GateOutcome) -> list[str]:
    out = ["## Gate", "", f"`{gate.status}` against `{gate.baseline}`."]
    out += [f"- {r}" for r in gate.regressions]
    if gate.invalid:
        out.append(f"- could not be asked: {', '.join(gate.invalid)}")
    return out + [""]


def _failure_lines(r: ItemResult) -> list[str]:
    item = r.item
    out = [f"### {item.id} · {item.kind}", ""]
    out += [f"- earlier: {h}" for h in item.history]
    out.append(f"- question: {item.question}")
    if r.effective_question and r.effective_question != item.question:
        out.append(f"- understood as: {r.effective_question}")
    if item.unanswerable:
        expected = "(unanswerable: a refusal)"
    elif item.is_conversation:
        expected = "(conversation: the conversation intent)"
    else:
        expected = "; ".join(f"`{e.source}` {e.label}" for e in item.expected)
    out.append(f"- expected: {expected}" + (f" — keys {', '.join(item.keys)}" if item.keys else ""))
    if item.not_stated:
        out.append(f"- expected not stated by: {', '.join(f'`{s}`' for s in item.not_stated)}")
    out.append(f"- problems: {'; '.join(r.problems)}")
    said_silent = ", ".join(f"`{s}`" for s in r.not_stated) or "none"
    out.append(f"- returned: found={str(r.found).lower()}, intent={r.intent or '—'}, rank={r.rank if r.rank else '—'}, "
               f"not stated by: {said_silent}")
    cites = "; ".join(f"[{i}] `{short_source(c.source)}` {c.label}" for i, c in enumerate(r.citations, 1)) or "none"
    out.append(f"- citations: {cites}")
    answer = r.error or r.answer
    if len(answer) > 500:
        answer = answer[:500] + "…"
    return out + ["", "> " + answer.replace("\n", "\n> "), ""]


def plot_by_kind(by_kind: Mapping[str, Metrics], path: Path) -> None:
    """Grouped bars of hit@1, hit@5 and each kind's gated figure (accuracy; unanswerable: refusal recall)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    kinds = list(by_kind)
    series = {
        "hit@1": [by_kind[k].hit_at_1 for k in kinds],
        "hit@5": [by_kind[k].hit_at_5 for k in kinds],
        "accuracy (unanswerable: refused)": [kind_accuracy(k, by_kind[k])[1] for k in kinds],
    }
    fig = Figure(figsize=(max(6.0, 1.1 * len(kinds) + 2), 4.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(kinds))]
        ax.bar(xs, [v or 0.0 for v in values], width, label=name)
    ax.set_xticks(range(len(kinds)))
    ax.set_xticklabels([f"{k}\n(n={by_kind[k].items})" for k in kinds], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of items")
    ax.set_title("Evaluation by kind", pad=24)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), frameon=False)
    fig.tight_layout()
    fig.savefig(path)


def write_report(
    report_dir: Path,
    evaluation: Evaluation,
    baseline: Baseline | None = None,
    titles: Mapping[str, str] | None = None,
    set_path: str = "",
    gate: GateOutcome | None = None,
) -> Path:
    """report.md, by_kind.png, metrics.json and results.jsonl (every item as returned). Returns report.md."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / "report.md"
    report.write_text(format_report(evaluation, baseline, titles or {}, set_path, gate), encoding="utf-8")
    plot_by_kind(evaluation.by_kind, report_dir / "by_kind.png")
    payload = {"set": set_path, **evaluation.to_json(), **({"gate": gate.to_json()} if gate else {})}
    (report_dir / "metrics.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with open(report_dir / "results.jsonl", "w", encoding="utf-8") as fh:
        for r in evaluation.results:
            fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
    return report
