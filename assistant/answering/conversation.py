"""Greetings, thanks and "what can you do": a short help message with example questions, no search."""
from __future__ import annotations

import re

from assistant.answering.base import AnswerContext, Understood, register
from assistant.models import Answer, AnswerItem, Intent
from assistant.textnorm import fold

# Kinds of question anyone can ask of any health-policy collection; two more are made from its own titles.
GENERIC_EXAMPLES = ("2022年孕产妇死亡率的目标是多少？", "哪些文件提到了家庭医生签约？")


def example_questions(titles: list[str]) -> list[str]:
    """Examples a new user can click: an outline and a metadata question about the collection's first titles."""
    short = [t if len(t) <= 24 else t[:24] + "…" for t in titles[:2]]
    made = []
    if short:
        made.append(f"《{short[0]}》分哪几个部分？")
    if len(short) > 1:
        made.append(f"《{short[1]}》是哪个单位发布的？")
    return [*made, *GENERIC_EXAMPLES]


def help_answer(question: str, context: AnswerContext) -> Answer:
    opening = "不客气！" if re.search(r"谢|thank", fold(question)) else "您好！"
    titles = [context.documents[s].title for s in sorted(context.documents)]
    lead = (f"{opening}我是规划文件问答助手，可以回答关于已收录的 {len(titles)} 份文件的问题：指标和目标、某项工作的安排、"
            "文件分几个部分、发文单位和文号、哪些文件提到某事、几份文件的比较和文件概要。每个回答都引用原文条款，"
            "点击引用即可查看原文。可以这样问：")
    examples = example_questions(titles)
    text = lead + "\n" + "\n".join(f"· {e}" for e in examples)
    return Answer(question, text, True, (), question, Intent.CONVERSATION, lead, tuple(AnswerItem(e) for e in examples))


@register
class Conversation:
    intent = Intent.CONVERSATION

    def answer(self, understood: Understood, context: AnswerContext) -> Answer:
        return help_answer(understood.question, context)
