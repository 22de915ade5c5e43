"""Look-ups, figures and named clauses: one clause (or one per named document), its answering sentences quoted."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.base import AnswerContext, Understood, children, is_table_row, register
from assistant.answering.checks import (Verdict, check_hit, judge, named_without_number, silent_documents,
                                        states_number, unknown_acronyms, verified_first)
from assistant.answering.figure_records import (cell_unset, hit_holding, holds, missing_reason, reading_for,
                                                sentence_around, statement, value_sentence, with_hit_first)
from assistant.answering.quotes import best_sentences, closest_sentence, quote_line, quote_text, whole_clause
from assistant.models import Answer, Citation, Clause, Intent
from assistant.hits import Hit, Retrieval
from assistant.query import Query
from assistant.textnorm import fold


def answering_hits(retrieval: Retrieval) -> list[Hit]:
    """The clauses quoted in the answer: one, or the best of each document a comparison names."""
    hits = list(retrieval.hits)
    if retrieval.compares:
        per_doc = []
        for hit in hits:
            if hit.clause.source not in {h.clause.source for h in per_doc}:
                per_doc.append(hit)
        return per_doc[: len(retrieval.pinned)]
    return hits[:1]


def quoted_answer(understood: Understood, context: AnswerContext, intent: Intent) -> Answer:
    """The reply: quoted sentence(s) with numbered citations, or a plain 'not found' and leads."""
    documents, idf = context.documents, context.idf
    reading = reading_for(understood, context) if intent is Intent.FIGURE else None
    if reading is not None and reading.missing:
        refusal = not_set(understood, context, reading)
        if refusal is not None:
            return refusal
    held = hit_holding(understood, reading.of_year[0]) if reading is not None and reading.of_year else None
    # the records vouch for the clause and the year: what was asked must still be in it, else the ranking decides
    # (and the year asked must be written in it: a record dated by its document's year alone may be misread)
    if held is not None and held.places_ok and all(y in fold(held.clause.text) for y in reading.years_asked) \
            and check_hit(understood.retrieval.query, held, documents, idf, vouched=True,
                          synonyms=context.synonyms).found:
        understood = with_hit_first(understood, held)
        retrieval = understood.retrieval
    else:
        held = None
        retrieval = verified_first(understood.retrieval, documents, idf)
    # a document whose records state the indicator asked is not silent on it, whatever words the question adds
    silent = [] if held is not None else silent_documents(understood.query, understood.named, documents,
                                                           context.folded_document, idf, context.documents_with,
                                                           context.synonyms)
    missing = missing_clause(understood, context)
    acronyms = unknown_acronyms(understood.query, context.folded_document, documents)
    if missing:
        verdict = Verdict(False, missing)
    elif acronyms:
        verdict = Verdict(False, f"文件中未找到关于“{'、'.join(a.upper() for a in acronyms)}”的内容。")
    elif silent:
        verdict = not_mentioned(understood, silent, context)
    elif held is not None:
        verdict = Verdict(True, "")
    else:
        verdict = judge(retrieval, documents, idf)
    quoting = answering_hits(retrieval) if verdict.found else []
    # the row the checks found, or refused as stating no value of the indicator: its cell asked may hold words
    row = quoting[0] if quoting else retrieval.hits[0] if retrieval.hits and held is None and not (
        missing or acronyms or silent or retrieval.unknown_places) else None
    lead_in = _lead_in_over(quoting[0], understood, context) \
        if len(quoting) == 1 and intent is not Intent.FIGURE and understood.query.asks.several else None
    if lead_in is not None:  # the list an item belongs to, asked for by the words of its lead-in
        retrieval = replace(retrieval, hits=tuple(lead_in if h is quoting[0] else h for h in retrieval.hits))
        quoting = [lead_in]
    unset = cell_unset(understood, context, row.clause) if row is not None and held is None and \
        intent is Intent.FIGURE else ""
    if unset:  # a table row whose cell asked says '持续提高': its other cells' numbers answer nothing asked
        verdict, quoting = Verdict(False, unset), []
    citations = []
    for hit in retrieval.hits:
        quotes = ()
        if any(hit is q for q in quoting):
            if hit is held:  # the sentences stating the values the records found in it
                quotes = tuple(sorted({value_sentence(hit.clause, t) for t in reading.of_year if holds(hit.clause, t)}))
            elif hit.exact:
                quotes = whole_clause(hit.clause.text, hit.clause.start)
            else:
                if intent is not Intent.FIGURE:  # a figure's sentence is sought in the part the checks passed
                    hit = replace(hit, clause=answering_clause(hit.clause, retrieval.query, context))
                quotes = best_sentences(retrieval.query, hit.clause.text, hit.clause.start, idf)
        citations.append(context.cite(hit.clause, quotes, hit.score))
    quoted = [c for c in citations if c.quotes]
    said = [quote_text(documents[c.source].text, c.quotes) for c in quoted]
    # a figure question quoting sentences it did not name by number ('…的二（二）4' quotes the clause as it is)
    figure_quoted = bool(quoted) and intent is Intent.FIGURE and not any(h.exact for h in quoting)
    bare, part = named_without_number([re.sub(r"\s+", "", p) for p in retrieval.query.topic], said) \
        if figure_quoted else ("", "")
    if bare:  # '…79.0岁，人均健康预期寿命显著提高' of '人均健康预期寿命要达到多少岁': named, with no number
        verdict = Verdict(False, f"文件中未给出“{bare}”的具体数字：《{quoted[0].document_title}》"
                                 f"{quoted[0].clause.label}只说“{part}”。")
        citations = [context.cite(c.clause, (), c.score) for c in citations]
    elif figure_quoted and held is None and not any(states_number(text) for text in said):
        # the sentences the clause answers with state no number ('…总发病率控制在全国平均水平以下'): say what they say
        asked = max((re.sub(r"\s+", "", p) for p in retrieval.query.topic), key=len, default="") or \
            "、".join(retrieval.query.indicators)
        verdict = Verdict(False, f"文件中未给出“{asked}”的具体数字："
                                 f"《{quoted[0].document_title}》{quoted[0].clause.label}只说“{said[0][:160]}”。")
        citations = [context.cite(c.clause, (), c.score) for c in citations]
    if verdict.found:
        lines = [quote_line(i, c, documents[c.source].text) for i, c in enumerate(citations, 1) if c.quotes]
        items = lead_in_items(citations[0], context) if len(quoting) == 1 and citations[0].quotes else []
        if items:  # '…考虑以下情况：' quoted: the cases are its items, each a clause of its own
            listed = {c.clause.key for c in items}
            citations = [citations[0], *items, *(c for c in citations[1:] if c.clause.key not in listed)]
            lines += [f"{quote_text(documents[c.source].text, c.quotes)}[{i}]" for i, c in enumerate(items, 2)]
        stated = [t for t in reading.of_year if holds(held.clause, t)] if held is not None else []
        if stated and len({(t.year, t.scope) for t in stated}) == len(stated):  # else they are values of several things
            lines.insert(0, statement(stated) + "[1]")
        text = "\n".join(lines)
    else:
        leads = "；".join(f"[{i}] 《{c.document_title}》{c.clause.label}" for i, c in enumerate(citations[:3], 1))
        text = verdict.reason + (f"可能相关的条款：{leads}" if leads else "")
    return Answer(understood.question, text, verdict.found, tuple(citations), retrieval.query.text, intent,
                  not_stated=tuple(silent))


def not_set(understood: Understood, context: AnswerContext, reading) -> Answer | None:
    """'2025年…是多少' of a plan that sets the indicator for 2020 and 2022 only (or '农村…' of one that sets it for
    all): say so, citing where it sets it. None when a clause stating those values names the year or breakdown
    asked after all (a list the records read only in part)."""
    asked = ("目标",) if reading.target_asked else reading.scopes_asked or reading.years_asked[:1]
    text = context.documents[reading.source].text
    clauses = {}
    for target in reading.matching:
        hit = hit_holding(understood, target)
        # a year may stand at the head of the list its value ends (the clause); a breakdown or kind is the value's own
        own = reading.scopes_asked or reading.target_asked
        said = sentence_around(text, target.start) if own else fold(hit.clause.text) if hit else ""
        if hit is None or any(word in said for word in asked):
            return None
        if hit.clause.key not in clauses:
            clauses[hit.clause.key] = context.cite(hit.clause, (), hit.score)  # a lead, as every refusal's
    citations = tuple(clauses.values())
    leads = "；".join(f"[{i}] 《{c.document_title}》{c.clause.label}" for i, c in enumerate(citations[:3], 1))
    text = missing_reason(reading, context) + (f"可能相关的条款：{leads}" if leads else "")
    return Answer(understood.question, text, False, citations, understood.retrieval.query.text, Intent.FIGURE)


MAX_LEAD_IN_ITEMS = 12


def _lead_in_over(hit: Hit, understood: Understood, context: AnswerContext) -> Hit | None:
    """The lead-in of the list an item stands in ('…应提交前期研究资料以及需沟通交流的问题，可包含：' over '6.需沟通
    交流的问题…'), when it holds as many of the question's words as the item or more: the question asks for the
    list. None for a clause named by number, one with no lead-in over it, or an item saying more of what was asked."""
    clause = hit.clause
    if hit.exact or len(clause.path) < 2:
        return None
    parent = next((c for c in context.outline(clause.source) if c.path == clause.path[:-1]), None)
    if parent is None or not re.search(r"[:：]\s*$", parent.text):
        return None
    title = fold(context.documents[clause.source].title)  # its words name the document, every part of it
    words = [w for phrase in understood.query.topic for w in phrase.split() if len(w) >= 2 and w not in title]
    held = lambda c: sum(w in fold(c.text) for w in words)  # noqa: E731  (its own text: its headings are the lead-in's)
    # as many as the item ('…按剂型可以分成哪几种' of '（二）按照剂型分类：' over '3.单粉水调型…单一粉剂型'): several asked, the list
    return replace(hit, clause=parent) if held(parent) >= held(clause) else None


def answering_clause(clause: Clause, query: Query, context: AnswerContext) -> Clause:
    """The clause part ranked first, or the whole clause it stands in when a sentence elsewhere in that clause says
    more of the question: the index splits an over-long clause to rank it, a reader reads it whole ('…通常由控制模块、
    温控模块、光电模块…组成' stands in the part before the one whose '2.2.3光电模块' ranked first)."""
    if clause.parts < 2:
        return clause
    whole = context.clause_holding(clause.source, clause.start)
    whole = whole if whole is not None and clause.end <= whole.end and whole.path == clause.path else clause
    closest = lambda c: closest_sentence(query, c.text, context.idf)  # noqa: E731
    return whole if whole is not clause and closest(whole) > closest(clause) else clause


def lead_in_items(quoted: Citation, context: AnswerContext) -> list[Citation]:
    """The items a quoted clause introduces ('…考虑以下情况，附带条件批准上市：' over '1.…', '2.…'), each cited:
    a clause ending in a colon says its content is the list below it, and one ending in a table's caption
    ('表3  用于干扰研究的外源性药物') the table's rows. Nothing for any other clause."""
    clause = quoted.clause
    introduces = re.search(r"[:：]\s*$", clause.text) and quoted.quotes[-1][1] >= clause.end - 2
    caption = _TABLE_CAPTION.match(clause.text.rstrip().rsplit("\n", 1)[-1].strip())  # '…表3  用于干扰研究的外源性药物'
    if not introduces and not caption:
        return []
    under = [c for c in children(context.outline(clause.source), clause) if not caption or is_table_row(c)]
    return [context.cite(c, whole_clause(c.text, c.start), quoted.score) for c in under[:MAX_LEAD_IN_ITEMS]]


_TABLE_CAPTION = re.compile(r"^(?:附\s*)?表\s*\d+(?:\s|$)")


def missing_clause(understood: Understood, context: AnswerContext) -> str:
    """'云州方案的第25条是什么' when no clause of the one named document is so numbered: say so."""
    asked = understood.query.asks.numbered_clause
    if not asked or len(understood.named) != 1 or any(h.exact for h in understood.retrieval.hits):
        return ""
    return f"《{context.documents[understood.named[0]].title}》中没有{asked}。"


def not_mentioned(understood: Understood, silent: list[str], context: AnswerContext) -> Verdict:
    titles = "、".join(context.named_as(s) for s in silent)
    topic = "、".join(p.replace(" ", "") for p in understood.query.topic)
    return Verdict(False, f"{titles}未提及“{topic}”。")


@register
class Lookup:
    intent = Intent.LOOKUP

    def answer(self, understood: Understood, context: AnswerContext) -> Answer:
        return quoted_answer(understood, context, understood.intent if understood.intent in (
            Intent.FIGURE, Intent.CLAUSE_REF) else Intent.LOOKUP)


@register
class Figure(Lookup):
    intent = Intent.FIGURE


@register
class ClauseRef(Lookup):
    intent = Intent.CLAUSE_REF
