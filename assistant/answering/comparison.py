"""Comparisons: each named document answered and checked on its own; a silent side said plainly."""
from __future__ import annotations

from assistant.answering.base import AnswerContext, Understood, register
from assistant.answering.sides import find_sides, sides_answer
from assistant.models import Answer, Intent

SIDE_CANDIDATES = 5  # a side's best few clauses are tried; further down they only resemble the question


@register
class Comparison:
    intent = Intent.COMPARISON

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None:
        if len(understood.named) < 2:
            return None
        sides = find_sides(understood, context, understood.named, mention=False, limit=SIDE_CANDIDATES)
        lead = "各文件的相关内容："
        return sides_answer(understood, context, sides, lead, Intent.COMPARISON)
