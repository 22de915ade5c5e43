"""'第二个是什么？' after a list: the item the earlier answer pointed at, by its place in that list.

Staff read an answer that lists things (the parts of a section, the cases a clause enumerates) and ask for one of
them by its number. The follow-up has no words of its own to search with; it is answered from the earlier
answer: the n-th part it listed (an outline answer), or the n-th item under the clause it quoted. Pure: the
earlier answer and the document's clauses in, an answer or None (not a list, or too short: asked as usual).
"""
from __future__ import annotations

import re

from assistant.answering.base import AnswerContext, children
from assistant.answering.quotes import quote_line, whole_clause
from assistant.models import Answer, Clause, Intent
from assistant.textnorm import chinese_integer

# '第二个是什么？', '那第三条呢', '其中第4项具体说了什么', '最后一个呢？': a place in a list and nothing else.
ORDINAL_FOLLOWUP = re.compile(
    r"^(?:那么?|那个|其中|这里面|里面)?的?(?:第\s*([一二三四五六七八九十\d]{1,3})|(最后一))\s*(?:个|条|项|点|款|种|类|种情况|部分)"
    r"(?:呢|是什么|是啥|是哪个|讲的?是?什么|说的?是?什么|具体(?:是什么|说了什么|讲了什么|内容)?|内容是什么|指什么|"
    r"有什么要求|要求是什么)?[？?。！!\s]*$")


def ordinal_asked(folded: str) -> int | None:
    """The place asked for (1-based; -1 for the last), or None when the question is not such a follow-up."""
    match = ORDINAL_FOLLOWUP.match(folded.strip())
    if not match:
        return None
    if match.group(2):
        return -1
    number = int(match.group(1)) if match.group(1).isdigit() else chinese_integer(match.group(1))
    return number if number > 0 else None


def nth_item(question: str, earlier: Answer, place: int, context: AnswerContext) -> Answer | None:
    """The `place`-th item of what `earlier` listed, quoted and cited; None when it listed nothing that long."""
    if not earlier.found or not earlier.citations:
        return None
    items, under = _listed(earlier, context)
    if not items:
        return None
    asked = earlier.effective_question or earlier.question
    if not -len(items) <= (place - 1 if place > 0 else place) < len(items):  # the list is there, and shorter
        listed = tuple(context.cite(c) for c in items)
        where = f"《{context.documents[under.source].title}》{under.label}下" if under else "上一个回答列出的"
        return Answer(question, f"{where}只有{len(items)}项，没有第{place}项。", False, listed, asked, Intent.LOOKUP)
    clause = items[place - 1 if place > 0 else place]
    citation = context.cite(clause, whole_clause(clause.text, clause.start))
    shown = f"第{place}项" if place > 0 else "最后一项"
    lines = [f"{shown}：" + quote_line(1, citation, context.documents[clause.source].text)]
    parts = children(context.outline(clause.source), clause)
    if parts:  # a heading: what it holds, as the outline would show it
        lines.append(f"其下分为{len(parts)}项：" + "；".join(_shown(p) for p in parts))
    return Answer(question, "\n".join(lines), True, (citation,), asked, Intent.LOOKUP)


def _listed(earlier: Answer, context: AnswerContext) -> tuple[list[Clause], Clause | None]:
    """The outline answer's parts, in order; else the items right under the clause the answer quoted (and it)."""
    if earlier.intent is Intent.OUTLINE and earlier.items:
        cited = [earlier.citations[i.citations[0] - 1].clause for i in earlier.items if i.citations]
        if len(cited) > 1:
            return cited, None
    quoted = next((c.clause for c in earlier.citations if c.quotes), earlier.citations[0].clause)
    return children(context.outline(quoted.source), quoted), quoted


def _shown(clause: Clause) -> str:
    words = clause.path[-1] if clause.path else clause.text
    return words if len(words) <= 30 else words[:30] + "…"
