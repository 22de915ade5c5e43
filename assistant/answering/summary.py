"""Summaries: the sentence saying what a document is for, its top-level structure and the key figures it states,
every line cited."""
from __future__ import annotations

import re

from assistant.answering.base import AnswerContext, Understood, numbered_lines, register, target_document
from assistant.understanding.intent import asks_about_whole
from assistant.answering.outline import document_heading, outline_answer
from assistant.answering.quotes import figure_sentences, quote_text
from assistant.models import Answer, AnswerItem, Clause, Intent
from assistant.textnorm import fold, sentence_spans

KEY_FIGURES = 4  # sentences with figures quoted after the structure
OPENING_CLAUSES = 6  # where a document says what it is for: its preamble and first parts
# '为进一步规范…，制定本指导原则', '本方案旨在…': the sentence saying what a document is for.
_PURPOSE = re.compile(r"为(?:了)?[^。；]{2,160}?(?:制定|制订|编制|起草|印发|出台)(?:本|此|该)|旨在|目的是|目的在于")
MIN_OPENING = 20  # characters: a shorter first sentence is a heading or a salutation, not what the document is about


def purpose_sentence(outline: list[Clause]) -> tuple[Clause, tuple[int, int]] | None:
    """The sentence a document says what it is for with ('为…，制定本指导原则'), else the first sentence of its
    opening text (a report's '全面推动健康木垒建设，…'): a summary begins there."""
    opening = [c for c in outline[:OPENING_CLAUSES] if c.text.strip()]
    for clause in opening:
        for start, end in sentence_spans(clause.text):
            if _PURPOSE.search(clause.text[start:end]):
                return clause, (clause.start + start, clause.start + end)
    for clause in opening:
        for start, end in sentence_spans(clause.text):
            if len(clause.text[start:end].strip()) >= MIN_OPENING:
                return clause, (clause.start + start, clause.start + end)
    return None


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
        titles = [fold(context.documents[s].title) for s in understood.named]
        # no heading is asked for, all of it is: '…主要汇报了哪些东西', or a question naming one document that was
        # taken for a summary as a whole ('给我讲讲木垒那个报告大体上汇报了啥': by its labelled examples)
        if found is None and (asks_about_whole(understood.query, len(understood.named), titles)
                              or len(understood.named) == 1):
            source = target_document(understood)
            found = None if source is None else (source, None)
        if found is None:
            return None
        source, parent = found
        outline = list(context.outline(source))
        structure = outline_answer(understood, context, source, parent, Intent.SUMMARY)
        within = outline if parent is None else [c for c in outline if c.path[: len(parent.path)] == parent.path]
        purpose = purpose_sentence(within) if parent is None else None
        figures = key_figures(within)
        if not figures and purpose is None:
            return structure
        text = context.documents[source].text
        citations, items, lines = [], [], []
        if purpose is not None:  # what the document is for comes first, then its parts, then its figures
            clause, span = purpose
            citations.append(context.cite(clause, (span,)))
            items.append(AnswerItem(f"{clause.label}：“{quote_text(text, (span,))}”", (1,)))
            lines += [f"《{context.documents[source].title}》开篇说明：", f"{items[-1].text}[1]"]
        first = len(citations) + 1
        citations += structure.citations
        items += [AnswerItem(item.text, (n,)) for n, item in enumerate(structure.items, first)]
        lines += [structure.lead, numbered_lines([i.text for i in structure.items], range(first, len(citations) + 1))]
        if figures:
            lines.append("文中的主要数字：")
        for clause, span in figures:
            citations.append(context.cite(clause, (span,)))
            items.append(AnswerItem(f"{clause.label}：“{quote_text(text, (span,))}”", (len(citations),)))
            lines.append(f"{items[-1].text}[{len(citations)}]")
        full = "\n".join(lines)
        return Answer(understood.question, full, True, tuple(citations), understood.query.text, Intent.SUMMARY,
                      lines[0] if purpose is not None else structure.lead, tuple(items))
