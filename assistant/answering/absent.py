"""A document the question names that the collection does not hold, only cites: said to be absent, with what the
collection's own documents say about it marked as theirs (issue 24: '健康贵州2030规划纲要对2020年…提出什么目标？'
when only a plan citing that 纲要 is held). What they say is an answer still, given as theirs: a plan restating the
纲要's target answers the question, and a question nothing answers is refused as before, after the notice.

Likewise a subject of a kind the collection covers that no title is about ('诺如病毒抗原检测试剂' among guidelines on
轮状病毒抗原检测试剂 and others): another product's guideline is no answer about it."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping

from assistant.answering.base import Understood
from assistant.answering.mentions import phrase_in
from assistant.catalogue import MIN_KIND, bare
from assistant.models import Answer, Document, Intent
from assistant.textnorm import fold


def not_held(reply: Answer, understood: Understood, documents: Mapping[str, Document]) -> Answer:
    """`reply` as said of the collection's own documents, after the notice that the documents named are not in it.
    A which-documents question asks the collection which of its documents cite one: answered as it stands."""
    absent, uncovered = understood.retrieval.absent, understood.retrieval.uncovered
    if understood.intent is Intent.WHICH_DOCUMENTS or not absent and not uncovered:
        return reply
    quoted = "".join(re.sub(r"\s+", "", fold(c.clause.text)) for c in reply.citations if c.quotes)
    # another product's guideline answers nothing of this one, unless what it quotes is about this one too; a
    # document named that is of another kind altogether (a table listing guidelines) speaks of it as its content
    titles = [bare(fold(documents[s].title)) for s in understood.named if s in documents]
    uncovered = tuple(s for s in uncovered if not titles or any(s[-MIN_KIND:] in t for t in titles))
    if uncovered and not any(_subject_head(s) in quoted for s in uncovered):
        asked = [_as_asked(s, understood.question) for s in uncovered]
        return replace(reply, found=False, text="收录的文件中没有关于" + "、".join(f"“{s}”" for s in asked)
                       + "的文件。" + _leads(reply))
    if not absent:
        return reply
    notice = "收录的文件中没有" + "、".join(f"《{name}》" for name in absent) + "。"
    topic = understood.query.topic
    if reply.found and topic and not any(phrase_in(p, quoted) for p in topic):
        # what the others say must say what was asked: a list of references naming the document is no answer
        asked = "、".join(p.replace(" ", "") for p in topic)
        return replace(reply, found=False, text=notice + f"收录的其他文件中也未找到关于“{asked}”的内容。" + _leads(reply))
    if reply.found:  # still an answer, from other documents: said to be theirs
        return replace(reply, text=notice + "以下是收录的其他文件中的相关内容，不是该文件本身的规定：\n" + reply.text)
    return replace(reply, text=notice + reply.text)


def _as_asked(subject: str, question: str) -> str:
    """The subject with its Latin letters as the question writes them ('HPV核酸检测试剂', read folded as hpv…)."""
    def spelt(m: re.Match) -> str:
        found = re.search(re.escape(m.group()), question, re.IGNORECASE)
        return found.group() if found else m.group()
    return re.sub(r"[a-z0-9]+", spelt, subject)


def _subject_head(subject: str) -> str:
    """'诺如病毒' of '诺如病毒抗原检测试剂': its first four characters, what sets it apart."""
    return subject[:4]


def _leads(reply: Answer) -> str:
    leads = "；".join(f"[{i}] 《{c.document_title}》{c.clause.label}" for i, c in enumerate(reply.citations[:3], 1))
    return f"可能相关的条款：{leads}" if leads else ""
