"""A question in two or three parts ('…是在哪次会议上通过的？从什么时候开始施行？') answered part by part.

Staff often ask two things at once. Each part is answered as its own question, the later ones as follow-ups of
the earlier (so '从什么时候开始施行？' is asked of the regulation the first part names), and the answers are read
one after the other, their citations numbered on. Pure functions: the asking is the service's.
"""
from __future__ import annotations

import re
from typing import Sequence

from assistant.understanding.intent import cue_intent
from assistant.models import Answer, AnswerItem, Intent
from assistant.query import clause_references, topic_phrases
from assistant.textnorm import fold

MAX_PARTS = 3
# A part asks something of its own: a question word, or a particle that makes it a question.
_ASKS = re.compile(r"多少|几|什么|啥|哪|吗|呢|怎么|如何|是否|有没有|谁|何")
# A citation mark of an answer's text: '”[1]', '[1] 《', '实际7008人[1]'; not '[12]国家…' inside a quoted clause.
_MARK = re.compile(r"\[(\d+)\](?=\s|$|\[|[，。；])")


def question_parts(question: str) -> list[str]:
    """The question's parts, each ending in its question mark, when every part asks something and they ask
    different kinds of thing: a document's metadata in one part and what it says in another ('…是附件几？由哪个单位
    起草？'). Parts of one kind are answered together, where one clause may answer both ('ApoB测定试剂一般用什么
    方法学？在哪个波长测吸光度？'), and metadata asked twice is answered field by field already."""
    pieces = [p.strip() for p in re.split(r"(?<=[？?])", question) if p.strip()]
    if not 2 <= len(pieces) <= MAX_PARTS or not all(_ASKS.search(fold(p)) for p in pieces):
        return [question]
    metadata = [cue_intent(fold(p), names_year=False) is Intent.METADATA for p in pieces]
    # a part without a subject of its own ('…是哪个单位发布的？什么时候？') says more of the part before it
    own = all(topic_phrases(fold(p)) or clause_references(fold(p)) for p in pieces)
    return pieces if any(metadata) and not all(metadata) and own else [question]


def joined(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer reading the parts' answers in turn, each part's citation marks numbered after the earlier ones'."""
    texts, citations, items, offset = [], [], [], 0
    for answer in answers:
        texts.append(_MARK.sub(lambda m, at=offset: f"[{int(m.group(1)) + at}]", answer.text))
        citations.extend(answer.citations)
        items.extend(AnswerItem(i.text, tuple(n + offset for n in i.citations)) for i in answer.items)
        offset += len(answer.citations)
    first = answers[0]
    return Answer(question, "\n".join(texts), any(a.found for a in answers), tuple(citations),
                  "；".join(a.effective_question for a in answers), first.intent, first.lead, tuple(items),
                  tuple(dict.fromkeys(s for a in answers for s in a.not_stated)))
