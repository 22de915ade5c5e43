"""A found answer worded by a language model, checked sentence by sentence while it streams.

    for prose in write_prose(answer, generator.stream):
        show(prose.text)  # grows by checked sentences only; the last one has done=True

Nothing unchecked is ever handed on: a sentence is passed to `check` once the next one has begun (or
the stream has ended), and only the sentences it keeps are in `Prose.text`. When the endpoint fails,
or the check leaves too little, the final Prose is empty with `fell_back` and a one-line notice: the
extractive answer then stands alone, as it would with no generator at all.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from assistant.generation.check import Checked, Records, check, check_sentences, sentences
from assistant.generation import GenerationError
from assistant.generation.prompt import RULES, build_messages, check_sources
from assistant.models import Answer, Intent, Prose

# Answers worth a few sentences of prose. Outlines and metadata are lists and single values: their
# extractive form is already what a reader wants; conversation answers cite nothing.
WORDED = frozenset({Intent.LOOKUP, Intent.FIGURE, Intent.WHICH_DOCUMENTS, Intent.COMPARISON, Intent.SUMMARY,
                    Intent.CLAUSE_REF})

NO_ANSWER = "语言模型未能及时给出回答，以下是原文摘录。"
FAILED_CHECK = "语言模型的回答未通过数字与引用核对，以下是原文摘录。"
DROPPED = "已删去语言模型回答中 {n} 句无法与所引条款核对的话。"

Stream = Callable[[Sequence[dict[str, str]]], Iterator[str]]


def wants_prose(answer: Answer) -> bool:
    """Whether `answer` gets a prose wording: found, citing clauses, and of a kind prose helps."""
    return answer.found and bool(answer.citations) and answer.intent in WORDED


def prompt_question(answer: Answer) -> str:
    """The question as asked, with what a follow-up was resolved to ("那2025年呢？（即：…）")."""
    asked, meant = answer.question.strip(), answer.effective_question.strip()
    return asked if not meant or meant == asked else f"{asked}（即：{meant}）"


def write_prose(answer: Answer, stream: Stream, conversation: Sequence[tuple[str, str]] = (),
                records: Records = ()) -> Iterator[Prose]:
    """Prose for `answer` as it streams from `stream(messages)`: a Prose per delta, then a final one.

    `conversation` is the earlier (question, answer text) pairs, oldest first; `records` the target records
    each citation's clause states (check.check). Only GenerationError is caught here (the endpoint's
    failures); anything else is the caller's to report.
    """
    messages = build_messages(prompt_question(answer), answer.citations, conversation)
    sources = check_sources(answer.citations)
    text, complete, shown = "", (), ""
    try:
        for delta in stream(messages):
            text += delta
            now_complete = sentences(text)[:-1]  # the last may still be growing
            if now_complete != complete:  # checked again only when the complete sentences change
                complete = now_complete
                shown = check_sentences(complete, sources, instructions=RULES, records=records).text
            yield Prose(shown, done=False, generated=len(complete), received=len(text))
    except GenerationError as error:
        yield Prose("", fell_back=True, notice=NO_ANSWER, error=str(error), received=len(text))
        return
    yield final_prose(check(text, sources, instructions=RULES, records=records), len(text))


def final_prose(checked: Checked, received: int) -> Prose:
    dropped = tuple((d.sentence.text, d.reason) for d in checked.dropped)
    generated = len(checked.kept) + len(dropped)
    if checked.fell_back:
        return Prose("", fell_back=True, notice=FAILED_CHECK, generated=generated, dropped=dropped, received=received)
    notice = DROPPED.format(n=len(dropped)) if dropped else ""
    return Prose(checked.text, notice=notice, generated=generated, dropped=dropped, received=received)


def failed_prose(error: str, received: int = 0) -> Prose:
    """The final Prose when wording failed for a reason other than the endpoint (logged by the caller)."""
    return Prose("", fell_back=True, notice=NO_ANSWER, error=error, received=received)
