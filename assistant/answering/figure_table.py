"""One figure asked of every document ('各地孕产妇死亡率目标分别是多少？', '几个文件里…都是怎么要求的'): a row per
document whose target records state it, each value cited in its sentence, and how many documents state none (issue
25). Pure: reads the records and the candidates of the answer context."""
from __future__ import annotations

import re

from assistant.answering.base import AnswerContext, Understood
from assistant.answering.figure_records import (NAMED_SHARE, asked_kind, hit_holding, holds_asked, names_indicator,
                                                topic_phrases,
                                                statement, value_sentence, years_asked)
from assistant.models import Answer, AnswerItem, Citation, Intent
from assistant.asks import DOCUMENT_NOUN
from assistant.targets import Target
from assistant.textnorm import fold

# Asking each document in turn: '各文件', '各个规划', '各地', '几个文件里', '几个地方', '…都是多少', '汇总一下'.
# A quantifier over documents or places: 各文件, 每份规划, 所有方案, 不同文件, 几个地方文件, 这几份计划, 各地; and 汇总.
# ('哪几份文件' asks which documents, not each of several.)
_EACH_DOCUMENT = re.compile(rf"(?:各|每|所有|不同|(?<!哪)这?几|多)(?:个|份|部)?(?:地方|地区|省|市|县|区)?{DOCUMENT_NOUN}|"
                            rf"各(?:个)?(?:地|地方|地区|省|市|县|区)|几个地方|汇总")
MAX_VALUES = 4  # of one document: its years and scopes of the indicator


def asks_each_document(question: str) -> bool:
    return bool(_EACH_DOCUMENT.search(question))


def figure_table(understood: Understood, context: AnswerContext) -> Answer | None:
    """The rows, or None when fewer than one document's records state what was asked (the strategies answer)."""
    question = re.sub(r"\s+", "", fold(understood.query.text or understood.question))
    if len(understood.named) > 1 or not asks_each_document(question) or not context.targets:
        return None
    question = _EACH_DOCUMENT.sub("", question)
    nouns = [(n, *context.synonyms(n)) for n in understood.query.indicators if n in question]
    phrases = topic_phrases(understood)
    kind, years = asked_kind(question), years_asked(understood, context)
    order = list(dict.fromkeys(h.clause.source for h in understood.retrieval.ranked or understood.retrieval.hits))
    sources = sorted(context.targets.sources, key=lambda s: order.index(s) if s in order else len(order))
    rows: list[tuple[str, list[Target]]] = []
    for source in sources:
        text = context.documents[source].text
        stated = [t for t in context.targets.targets_of(source)
                  if names_indicator(t, question, phrases) >= NAMED_SHARE and (not kind or t.kind == kind)
                  and (len(years) != 1 or t.year == years[0]) and holds_asked(t, nouns, text)]
        if stated:
            rows.append((source, stated[:MAX_VALUES]))
    if not rows:
        return None
    citations: list[Citation] = []
    items: list[AnswerItem] = []
    for source, stated in rows:
        numbers = []
        for target in stated:
            hit = hit_holding(understood, target)
            if hit is None:
                continue
            span = value_sentence(hit.clause, target)
            existing = next((i for i, c in enumerate(citations, 1) if c.clause.key == hit.clause.key), None)
            if existing is None:
                citations.append(context.cite(hit.clause, (span,), hit.score))
                existing = len(citations)
            elif span not in citations[existing - 1].quotes:
                cited = citations[existing - 1]
                citations[existing - 1] = Citation(cited.clause, cited.document_title, cited.score,
                                                   tuple(sorted({*cited.quotes, span})))
            if existing not in numbers:
                numbers.append(existing)
        if numbers:
            by_indicator: dict[str, list[Target]] = {}
            for target in stated:
                by_indicator.setdefault(target.indicator, []).append(target)
            said = "；".join(statement(group) for group in by_indicator.values())
            items.append(AnswerItem(context.named_as(source) + said, tuple(numbers)))  # whose, among many plans
    if not items:
        return None
    silent = len(context.documents) - len(items)
    lead = f"{len(items)}份文件给出了这项数字："
    lines = [f"{i.text}" + "".join(f"[{n}]" for n in i.citations) for i in items]
    if silent:
        lines.append(f"其余{silent}份文件未给出。")
    return Answer(understood.question, "\n".join([lead, *lines]), True, tuple(citations), understood.retrieval.query.text,
                  Intent.FIGURE, lead, tuple(items))
