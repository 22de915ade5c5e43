"""Summaries: a document's top-level structure and the key figures it states, every line cited."""
from __future__ import annotations

from assistant.answering.base import AnswerContext, Understood, register
from assistant.answering.outline import document_heading, outline_answer
from assistant.answering.quotes import figure_sentences, quote_text
from assistant.models import Answer, AnswerItem, Clause, Intent

KEY_FIGURES = 4  # sentences with figures quoted after the structure


def key_figures(outline: list[Clause]) -> list[tuple[Clause, tuple[int, int]]]:
    """The first sentence stating a figure in each of the first clauses that state one, in order."""
    found = []
    for clause in outline:
        spans = figure_sentences(clause)
        if spans and clause.label != "前言":
            found.append((clause, spans[0]))
        if len(found) == KEY_FIGURES:
            break
    return found


@register
class Summary:
    intent = Intent.SUMMARY

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None:
        found = document_heading(understood, context, of_document=True)
        if found is None:
            return None
        source, parent = found
        outline = list(context.outline(source))
        structure = outline_answer(understood, context, source, parent, Intent.SUMMARY)
        within = outline if parent is None else [c for c in outline if c.path[: len(parent.path)] == parent.path]
        figures = key_figures(within)
        if not figures:
            return structure
        citations, items = list(structure.citations), list(structure.items)
        text = context.documents[source].text
        lines = []
        for clause, span in figures:
            citations.append(context.cite(clause, (span,)))
            items.append(AnswerItem(f"{clause.label}：“{quote_text(text, (span,))}”", (len(citations),)))
            lines.append(f"{items[-1].text}[{len(citations)}]")
        full = structure.text + "\n文中的主要数字：\n" + "\n".join(lines)
        return Answer(understood.question, full, True, tuple(citations), understood.query.text, Intent.SUMMARY,
                      structure.lead, tuple(items))
