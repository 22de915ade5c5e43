"""Greetings, thanks and "what can you do": a short help message with example questions, no search."""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from assistant.answering.base import AnswerContext, Understood, register
from assistant.models import Answer, AnswerItem, Intent
from assistant.targets import Target
from assistant.textnorm import fold

# Kinds of question anyone can ask of any health-policy collection, when the collection gives nothing better.
GENERIC_EXAMPLES = ("2022年孕产妇死亡率的目标是多少？", "哪些文件提到了家庭医生签约？")
MAX_EXAMPLE_INDICATOR = 14  # characters: a longer indicator name makes an example nobody would type
_UNIT = re.compile(r"[（(][^（）()]*[）)]")


def example_questions(titles: Sequence[str], targets: Iterable[Target] = ()) -> list[str]:
    """Examples a new user can click, made from the collection itself: a figure question and a which-documents
    question about the indicator most of its documents set a dated target for, an outline and a metadata question
    about its first titles; the generic kinds where the collection gives none."""
    bare = [_UNIT.sub("", t).strip() or t for t in titles[:2]]  # '…行动计划(2019—2022年)': the name, not its years
    short = [t if len(t) <= 24 else t[:24] + "…" for t in bare]
    indicator, year = _shared_indicator(targets)
    made = [f"{year}年{indicator}的目标是多少？"] if indicator else [GENERIC_EXAMPLES[0]]
    if short:
        made.append(f"《{short[0]}》分哪几个部分？")
    if len(short) > 1:
        made.append(f"《{short[1]}》是哪个单位发布的？")
    made.append(f"哪些文件提到了{indicator}？" if indicator else GENERIC_EXAMPLES[1])
    return made


def _shared_indicator(targets: Iterable[Target]) -> tuple[str, str]:
    """The indicator (as written, without its unit) the most documents set a target for in a named year, and the
    year its first such target is for; ('', '') when no document sets one."""
    documents: dict[str, set[str]] = {}
    first: dict[str, tuple[str, str]] = {}
    for t in targets:
        name = _UNIT.sub("", t.indicator).strip()
        if t.kind != "target" or not re.fullmatch(r"(?:19|20)\d\d", t.year) or not 2 <= len(name) <= MAX_EXAMPLE_INDICATOR:
            continue
        documents.setdefault(t.folded, set()).add(t.source)
        first.setdefault(t.folded, (name, t.year))
    if not documents:
        return "", ""
    best = max(documents, key=lambda key: len(documents[key]))  # the first of equals: the collection's order
    return first[best]


def collection_examples(context: AnswerContext) -> list[str]:
    """The example questions of the collection a context answers from (the chat's and the help answer's)."""
    return example_questions([context.documents[s].title for s in sorted(context.documents)], context.targets)


def help_answer(question: str, context: AnswerContext) -> Answer:
    opening = "不客气！" if re.search(r"谢|thank", fold(question)) else "您好！"
    lead = (f"{opening}我是规划文件问答助手，可以回答关于已收录的 {len(context.documents)} 份文件的问题：指标和目标、某项工作的安排、"
            "文件分几个部分、发文单位和文号、哪些文件提到某事、几份文件的比较和文件概要。每个回答都引用原文条款，"
            "点击引用即可查看原文。可以这样问：")
    examples = collection_examples(context)
    text = lead + "\n" + "\n".join(f"· {e}" for e in examples)
    return Answer(question, text, True, (), question, Intent.CONVERSATION, lead, tuple(AnswerItem(e) for e in examples))


@register
class Conversation:
    intent = Intent.CONVERSATION

    def answer(self, understood: Understood, context: AnswerContext) -> Answer:
        return help_answer(understood.question, context)
