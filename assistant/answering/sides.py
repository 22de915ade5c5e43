"""One answer line per document: shared by which-documents questions and comparisons."""
from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.answering.base import AnswerContext, Understood
from assistant.answering.checks import first_stating, own_topic, states_topic
from assistant.answering.quotes import best_sentences, quote_text
from assistant.models import Answer, AnswerItem, Citation, Intent
from assistant.query import Query
from assistant.textnorm import fold
from assistant.hits import Hit


@dataclass(frozen=True)
class Side:
    source: str
    hit: Hit | None  # the clause that states it; None when the document does not


def topic_words(query: Query) -> str:
    """The topic as a reader would say it: '远程医疗', or the question's words when it has no topic."""
    return "、".join(p.replace(" ", "") for p in own_topic(query)) or "该内容"


def side_query(query: Query, source: str, titled: dict[str, set[str]]) -> Query:
    """A comparison's question as it applies to one side: a year that names another document
    ('钦州2019年要点和云州区方案…') is not asked of this one. `titled`: each year, the sides whose
    titles name it. (Words that only name the documents are out of the topic already: `base.understand`.)"""
    return replace(query, years=tuple(y for y in query.years if source in titled[y] or not titled[y] - {source}))


def find_sides(understood: Understood, context: AnswerContext, sources, mention: bool, limit: int | None) -> list[Side]:
    documents, query = context.documents, understood.query
    titles = {s: fold(documents[s].title) for s in sources} if query.years else {}
    titled = {y: {s for s, title in titles.items() if y in title} for y in query.years}
    sides = []
    for source in sources:
        asked = side_query(query, source, titled)
        # a mention may lean on the document's title for the kind of document asked ('核酸检测类试剂的指导原则里有几份
        # 提到临床试验机构不少于3家'): the title says it of every clause
        within = fold(documents[source].title).replace(" ", "") + "。" if mention else ""
        folded = (lambda clause, within=within: within + context.folded(clause)) if within else context.folded
        hits = understood.hits_in(source, _stating(asked, mention, context, within) if limit is None else None)
        sides.append(Side(source, first_stating(asked, hits, documents, context.idf, folded, limit, mention)))
    return sides


def _stating(query: Query, mention: bool, context: AnswerContext, within: str = ""):
    """The test first_stating applies first, on a clause's folded text: with every candidate to be read, the
    clauses failing it are passed over before a Hit is made of them (at 10⁵ parts a which-documents question
    made ~26 000 to keep a few hundred)."""
    if mention:
        return lambda folded: states_topic(query, within + folded, quorum=True, idf=context.idf)
    return lambda folded: states_topic(query, folded, any_phrase=True, idf=context.idf)


def sides_answer(understood: Understood, context: AnswerContext, sides: list[Side], lead: str, intent: Intent,
                 silent_when_named: bool = True, quote_topic: bool = False) -> Answer:
    """Each stating side quoted and cited; each named side that does not state it said so plainly.

    With `quote_topic` the quote is a sentence that names the topic (for '哪些文件提到…').
    """
    query = understood.query
    narrowed = replace(query, focus=query.topic) if quote_topic else query
    citations: list[Citation] = []
    items: list[AnswerItem] = []
    not_stated = []
    for side in sides:
        title = context.named_as(side.source)
        if side.hit is None:
            if silent_when_named:
                not_stated.append(side.source)
                items.append(AnswerItem(f"{title}未提及{topic_words(query)}。"))
            continue
        clause = side.hit.clause
        quotes = best_sentences(narrowed, clause.text, clause.start, context.idf)
        citations.append(context.cite(clause, quotes, side.hit.score))
        said = quote_text(context.documents[side.source].text, quotes)
        items.append(AnswerItem(f"{title}{clause.label}：“{said}”", (len(citations),)))
    found = bool(citations)
    # The rest of the best clauses follow, unquoted, as further reading (up to top_k in all).
    cited = {c.clause.key for c in citations}
    for hit in understood.retrieval.hits:
        if len(citations) >= context.top_k:
            break
        if hit.clause.key not in cited and hit.clause.source not in not_stated:
            citations.append(context.cite(hit.clause, (), hit.score))
    if not found:
        lead = f"文件中未找到关于“{topic_words(query)}”的内容。"
    lines = [f"{i.text}[{i.citations[0]}]" if i.citations else i.text for i in items]
    text = "\n".join([lead, *lines]) if lines else lead
    return Answer(understood.question, text, found, tuple(citations), query.text, intent, lead, tuple(items),
                  tuple(not_stated))
