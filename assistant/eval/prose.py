"""What the language model did over an evaluation run (`eval --llm-url`): how often it was asked, how often
its prose was shown or fell back, what the check dropped, and what of the shown prose its citations do not
back (the figure that must be 0).

Pure: item results in, figures and text out.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Sequence

from assistant.eval.score import ItemResult


@dataclass(frozen=True)
class ProseFigures:
    worded: int  # answers the model was asked to word
    shown: int  # answers shown with prose
    fell_back_endpoint: int  # the endpoint failed or ran out of time
    fell_back_check: int  # the check left too little
    sentences: int  # sentences the model wrote
    dropped: int  # sentences the check dropped
    reasons: dict[str, int] = field(default_factory=dict)  # dropped sentences by kind of reason
    unsupported_after_check: int = 0  # figures and marks in shown prose that its citations do not back: must be 0
    keys_stated: int = 0  # shown answers whose prose states every expected key
    keyed: int = 0  # shown answers with expected keys
    errors: dict[str, int] = field(default_factory=dict)  # endpoint failures by message

    def to_json(self) -> dict:
        return {**self.__dict__}


def prose_figures(results: Sequence[ItemResult]) -> ProseFigures | None:
    """The figures, or None when no item was worded (generation off, or nothing found)."""
    worded = [r for r in results if r.prose is not None]
    if not worded:
        return None
    shown = [r for r in worded if r.prose.text]
    reasons = Counter(_reason_kind(reason) for r in worded for _, reason in r.prose.dropped)
    keyed = [r for r in shown if r.item.keys and not r.item.unanswerable]
    return ProseFigures(
        worded=len(worded),
        shown=len(shown),
        fell_back_endpoint=sum(1 for r in worded if r.prose.error),
        fell_back_check=sum(1 for r in worded if r.prose.fell_back and not r.prose.error),
        sentences=sum(r.prose.generated for r in worded),
        dropped=sum(len(r.prose.dropped) for r in worded),
        reasons=dict(reasons.most_common()),
        unsupported_after_check=sum(len(r.prose_unsupported) for r in worded),
        keys_stated=sum(1 for r in keyed if not r.prose_keys_missing),
        keyed=len(keyed),
        errors=dict(Counter(r.prose.error for r in worded if r.prose.error).most_common()),
    )


def _reason_kind(reason: str) -> str:
    """'unsupported figure 12%' -> 'unsupported figure'; 'cites [7], which was not given' -> 'cites a clause not given'."""
    if reason.startswith("unsupported figure"):
        return "unsupported figure"
    if reason.startswith("cites nothing"):
        return "cites nothing"
    if reason.startswith("cites ["):
        return "cites a clause not given"
    return reason


def format_prose(figures: ProseFigures, latencies_ms: Sequence[float] = ()) -> str:
    share = lambda n, d: f"{n}/{d}" + (f" ({n / d:.0%})" if d else "")  # noqa: E731
    lines = [
        "generation (language model):",
        f"  answers worded: {figures.worded}; prose shown {share(figures.shown, figures.worded)}; fell back "
        f"{figures.fell_back_check} on the check, {figures.fell_back_endpoint} on the endpoint",
        f"  sentences written {figures.sentences}, dropped by the check {share(figures.dropped, figures.sentences)}"
        + (": " + ", ".join(f"{k} {v}" for k, v in figures.reasons.items()) if figures.reasons else ""),
        f"  unsupported figures after the check: {figures.unsupported_after_check} (must be 0)",
        f"  shown prose stating every expected key: {share(figures.keys_stated, figures.keyed)}",
    ]
    if latencies_ms:
        lines.append(f"  time per worded answer: median {median(latencies_ms) / 1000:.1f} s, "
                     f"max {max(latencies_ms) / 1000:.1f} s")
    lines += [f"  endpoint: {message} ({n}×)" for message, n in list(figures.errors.items())[:3]]
    return "\n".join(lines)
