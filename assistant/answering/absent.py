"""A document the question names that the collection does not hold, only cites: said to be absent, with what the
collection's own documents say about it marked as theirs (issue 24: '健康贵州2030规划纲要对2020年…提出什么目标？'
when only a plan citing that 纲要 is held). What they say is an answer still, given as theirs: a plan restating the
纲要's target answers the question, and a question nothing answers is refused as before, after the notice."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.base import Understood
from assistant.answering.mentions import phrase_in
from assistant.models import Answer, Intent
from assistant.textnorm import fold


def not_held(reply: Answer, understood: Understood) -> Answer:
    """`reply` as said of the collection's own documents, after the notice that the documents named are not in it.
    A which-documents question asks the collection which of its documents cite one: answered as it stands."""
    absent = understood.retrieval.absent
    if not absent or understood.intent is Intent.WHICH_DOCUMENTS:
        return reply
    notice = "收录的文件中没有" + "、".join(f"《{name}》" for name in absent) + "。"
    quoted = "".join(re.sub(r"\s+", "", fold(c.clause.text)) for c in reply.citations if c.quotes)
    topic = understood.query.topic
    if reply.found and topic and not any(phrase_in(p, quoted) for p in topic):
        # what the others say must say what was asked: a list of references naming the document is no answer
        asked = "、".join(p.replace(" ", "") for p in topic)
        leads = "；".join(f"[{i}] 《{c.document_title}》{c.clause.label}" for i, c in enumerate(reply.citations[:3], 1))
        return replace(reply, found=False, text=notice + f"收录的其他文件中也未找到关于“{asked}”的内容。"
                                                + (f"可能相关的条款：{leads}" if leads else ""))
    if reply.found:  # still an answer, from other documents: said to be theirs
        return replace(reply, text=notice + "以下是收录的其他文件中的相关内容，不是该文件本身的规定：\n" + reply.text)
    return replace(reply, text=notice + reply.text)
