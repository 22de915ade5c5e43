"""A question in two or three parts ('…是在哪次会议上通过的？从什么时候开始施行？') answered part by part.

Staff often ask two things at once. Each part is answered as its own question, the later ones as follow-ups of
the earlier (so '从什么时候开始施行？' is asked of the regulation the first part names), and the answers are read
one after the other, their citations numbered on. Pure functions: the asking is the service's.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from assistant.followups import says_it_leans
from assistant.understanding.intent import cue_intent
from assistant.models import Answer, AnswerItem, Intent
from assistant.query import ASKS_FIGURE, clause_references, topic_phrases, word_classes
from assistant.textnorm import fold
from assistant.understanding.record import Understanding

MAX_PARTS = 3
# A part asks something of its own: a question word, or a particle that makes it a question.
_ASKS = re.compile(r"多少|多[久长大高重远]|几|什么|啥|哪|吗|呢|怎么|如何|是否|有没有|谁|何")
# A citation mark of an answer's text: '”[1]', '[1] 《', '实际7008人[1]'; not '[12]国家…' inside a quoted clause.
_MARK = re.compile(r"\[(\d+)\](?=\s|$|\[|[，。；])")


def question_parts(question: str) -> list[str]:
    """The question's parts, each ending in its question mark, when every part asks something and they ask
    different kinds of thing: a document's metadata in one part and what it says in another ('…是附件几？由哪个单位
    起草？'), or a figure in one of them ('…有效期至少多少个月？…杀灭对数值要多少？'). Other parts of one kind are
    answered together, where one clause may answer both ('ApoB测定试剂一般用什么方法学？在哪个波长测吸光度？'), and
    metadata asked twice is answered field by field already."""
    pieces = [p.strip() for p in re.split(r"(?<=[？?])", question) if p.strip()]
    if not 2 <= len(pieces) <= MAX_PARTS or not all(_ASKS.search(fold(p)) for p in pieces):
        return [question]
    metadata = [cue_intent(fold(p), names_year=False) is Intent.METADATA for p in pieces]
    # a figure is answered by the one sentence stating it, of the one indicator asked: two asked at once
    # ('…有效期至少多少个月？…杀灭对数值要多少？') are two questions, each its own sentence
    # (not a part leaning on the other, '…早诊率要达到多少？乳腺癌呢？': one clause answers both, asked as one)
    # (nor a part naming no thing of its own, '要到哪一年实现？': it asks of the other part's subject)
    figure = any(ASKS_FIGURE.search(fold(p)) for p in pieces) and not any(map(says_it_leans, pieces)) \
        and all(map(_names_a_thing, pieces))
    # a part without a subject of its own ('…是哪个单位发布的？什么时候？') says more of the part before it
    own = all(topic_phrases(fold(p)) or clause_references(fold(p)) for p in pieces)
    return pieces if (any(metadata) and not all(metadata) or figure) and own else [question]


def asked_in_parts(parts: Sequence[str], history: Sequence[str], scope: frozenset[str] | None,
                   understand: Callable[..., Understanding], answer: Callable[[Understanding], Answer]) -> list[Answer]:
    """Each part, the later ones as follow-ups of the earlier, of the documents the first names unless they name
    their own ('C肽测定试剂的空白限…？线性范围下限不高于多少？' asks both of the C肽 guideline). `understand(part,
    history, scope)` and `answer(understanding)` are the service's."""
    first, answers, quoted = understand(parts[0], history, scope), [], ""
    for n, part in enumerate(parts):
        understanding = understand(part, [*history, *parts[:n]], scope) if n else first
        if n and first.named and not understanding.named:
            understanding = understand(part, [*history, *parts[:n]], frozenset(first.named))
        nouns = understanding.query.indicators
        if n and nouns and all(noun in quoted for noun in nouns):
            continue  # what it counts stands in the sentences quoted already ('…不少于350例，并且涂片阴性的…不小于50%')
        answers.append(answer(understanding))
        quoted += "".join(fold(c.clause.text[a - c.clause.start:b - c.clause.start]).replace(" ", "")
                          for c in answers[-1].citations for a, b in c.quotes)
    return answers


def _names_a_thing(part: str) -> bool:
    """A noun among the part's topic words ('签约率', '乡镇'), not only verbs ('实现')."""
    return any(flag.startswith("n") for phrase in topic_phrases(fold(part)) for word in phrase.split()
               for flag in word_classes(word))


def joined(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer reading the parts' answers in turn, each part's citation marks numbered after the earlier ones';
    a later part answered by the very sentences an earlier one quoted is not repeated."""
    texts, citations, items, offset, said = [], [], [], 0, set()
    for n, answer in enumerate(answers):
        quoted = {(c.clause.key, c.quotes) for c in answer.citations if c.quotes}
        if n and answer.found and quoted and quoted <= said:
            continue  # the same sentences an earlier part quoted answer this one too: not quoted twice
        said |= quoted
        texts.append(_MARK.sub(lambda m, at=offset: f"[{int(m.group(1)) + at}]", answer.text))
        citations.extend(answer.citations)
        items.extend(AnswerItem(i.text, tuple(n + offset for n in i.citations)) for i in answer.items)
        offset += len(answer.citations)
    first = answers[0]
    return Answer(question, "\n".join(texts), any(a.found for a in answers), tuple(citations),
                  "；".join(a.effective_question for a in answers), first.intent, first.lead, tuple(items),
                  tuple(dict.fromkeys(s for a in answers for s in a.not_stated)))
