"""Composing an answer from retrieved clauses: decide, quote verbatim, cite. Pure functions."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from assistant.models import Answer, Citation, Document
from assistant.query import Query
from assistant.retrieval import Hit, Retrieval
from assistant.textnorm import compact, fold, is_cjk, sentence_spans, tokens

# Below this fused score the best clause is unrelated (calibrated on the odd-numbered half of the
# evaluation set; on-topic but unanswerable questions score higher and are caught by the checks
# in `judge`, not by this floor).
MIN_SCORE = 0.80
MIN_SCORE_CROSS_LINGUAL = 0.75  # questions with no Chinese words get no lexical help, so score lower
MAX_QUOTE_CHARS = 220
NOT_FOUND = "文件中未找到与该问题直接对应的内容。"

Idf = Callable[[str], float]
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—–\-~至到]\s*(?:19|20)\d{2}")


@dataclass(frozen=True)
class Verdict:
    found: bool
    reason: str  # why nothing was found, for the user; empty when found


VERIFY_TOP = 3  # how many of the best clauses may stand in for the first when it fails a check
VERIFY_MARGIN = 0.03  # ... if they score at most this much lower


def judge(retrieval: Retrieval, documents: dict[str, Document], idf: Idf) -> Verdict:
    """Whether the best clause answers the question, or a plain reason why not."""
    if retrieval.unknown_places:
        return Verdict(False, f"文件中未找到关于“{'、'.join(retrieval.unknown_places)}”的内容。")
    if not retrieval.hits or retrieval.off_topic:
        return Verdict(False, NOT_FOUND)
    return check_hit(retrieval.query, retrieval.hits[0], documents, idf, comparison=len(retrieval.pinned) > 1)


def verified_first(retrieval: Retrieval, documents: dict[str, Document], idf: Idf) -> Retrieval:
    """The retrieval with the first clause that passes every check moved to the front.

    A close runner-up that states what was asked beats a top clause that only resembles it.
    """
    hits = list(retrieval.hits[:VERIFY_TOP])
    if not hits or retrieval.unknown_places or len(retrieval.pinned) > 1:
        return retrieval
    for hit in hits:
        if hit.score < hits[0].score - VERIFY_MARGIN:
            break
        if check_hit(retrieval.query, hit, documents, idf).found:
            rest = [h for h in retrieval.hits if h is not hit]
            return replace(retrieval, hits=tuple([hit, *rest]))
    return retrieval


def check_hit(query: Query, top: Hit, documents: dict[str, Document], idf: Idf, comparison: bool = False) -> Verdict:
    """Whether one clause answers the question (for a comparison, its own document's part of it)."""
    if top.exact:
        return Verdict(True, "")
    if not top.places_ok:
        return Verdict(False, f"文件中未找到关于“{'、'.join(query.places)}”的内容。")
    if query.years and not top.years_ok:
        return Verdict(False, f"文件中未找到{'、'.join(query.years)}年的相关内容。")
    chinese_terms = [] if query.cross_lingual else [t for t in query.content_terms if is_cjk(t[0])]
    if top.score < (MIN_SCORE if chinese_terms else MIN_SCORE_CROSS_LINGUAL):
        return Verdict(False, NOT_FOUND)
    if chinese_terms and top.coverage == 0:  # the clause shares no word with what was asked
        return Verdict(False, NOT_FOUND)
    if query.translations and not any(fold(w) in fold(top.clause.text) for w in query.translations):
        return Verdict(False, NOT_FOUND)  # none of the English question's words, in Chinese, is in the clause
    missing = missing_indicators(query, top, documents[top.clause.source])
    if missing and not comparison:
        return Verdict(False, f"文件中未找到关于“{'、'.join(missing)}”的具体数字。")
    if not year_supported(query, top, documents[top.clause.source], idf):
        return Verdict(False, f"文件中未找到{'、'.join(query.years)}年的这项内容。")
    return Verdict(True, "")


def missing_indicators(query: Query, hit: Hit, document: Document) -> list[str]:
    """A figure must be a figure of what was asked: the nouns naming it must stand in the clause.

    '贵州八大工程计划每千人口床位数目标是多少' finds the staffing targets, which state no 床位数.
    Words of the document's own title ('八大工程') need not be repeated. A long description
    (three nouns or more) may word one in three differently; a short one must match.
    Returns the missing nouns when too many are missing, else [].
    """
    text, title = fold(hit.clause.text), fold(document.title)
    missing = [noun for noun in query.indicators if noun not in text and noun not in title]
    allowed = len(query.indicators) // 3 if len(query.indicators) >= 3 else 0
    return missing if len(missing) > allowed else []


def year_supported(query: Query, hit: Hit, document: Document, idf: Idf) -> bool:
    """A year asked about must stand in a sentence about what was asked, if the clause dates things.

    '贵州2022年全科医生要达到多少' finds the 2022 sentence of the staffing clause, but that
    sentence is about clinics, not general practitioners: the plan sets no such 2022 target.
    """
    text = hit.clause.text
    terms = [t for t in query.content_terms if is_cjk(t[0])]
    if not query.years or not terms or len(query.years) > 1 or query.cross_lingual:  # translations are too loose
        return True
    if set(query.years) <= title_years(document.title):  # a 2019 work plan: all of it is about 2019
        return True
    if not _YEAR_IN_TEXT.search(fold(text)):  # a clause that dates nothing leans on its title's years
        return True
    for start, end in sentence_spans(text):
        sentence = fold(text[start:end])
        if all(y in sentence for y in query.years):
            shared = [t for t in terms if t in sentence]
            if sum(idf(t) for t in shared) >= 0.25 * sum(idf(t) for t in terms):
                return True
    return False


def title_years(title: str) -> set[str]:
    """Years a title is about as a whole: '2019年…要点' → {'2019'}; a span '2019—2022年' names none."""
    return set(_YEAR_IN_TEXT.findall(_YEAR_SPAN.sub(" ", fold(title))))


def best_sentences(query: Query, text: str, offset: int, idf: Idf) -> tuple[tuple[int, int], ...]:
    """The sentence(s) of a clause that answer: the most telling shared terms with the question.

    A year the question names narrows the choice to sentences with that year; the clause's
    heading sentence counts half, since it names a topic rather than answering about it.
    """
    wanted = set(query.content_terms) | set(tokens(query.folded))
    spans = sentence_spans(text)
    with_years = [sp for sp in spans if query.years and any(y in fold(text[sp[0] : sp[1]]) for y in query.years)]
    scored = []
    for start, end in with_years or spans:
        weight = sum(idf(t) for t in wanted & set(tokens(fold(text[start:end]))))
        is_heading = start == 0 and len(spans) > 1 and end - start <= 40
        scored.append((weight / 2 if is_heading else weight, start, end))
    if not scored:
        return ()
    best = max(s for s, _, _ in scored)
    if best == 0:
        return ((offset + scored[0][1], offset + scored[0][2]),)
    chosen, length = [], 0
    for score, start, end in sorted(scored, key=lambda s: -s[0]):
        if score < 0.6 * best or length + (end - start) > MAX_QUOTE_CHARS and chosen:
            break
        chosen.append((start, end))
        length += end - start
    if chosen == [spans[0]] and len(spans) > 1:  # a heading alone names a topic: give what it says
        chosen.append(spans[1])
    return tuple((offset + start, offset + end) for start, end in sorted(chosen))


def whole_clause(text: str, offset: int) -> tuple[tuple[int, int], ...]:
    """For a question that names a clause: the clause itself, up to the quote limit, by sentences."""
    chosen = []
    for start, end in sentence_spans(text):
        if chosen and end - chosen[0][0] > MAX_QUOTE_CHARS:
            break
        chosen.append((start, end))
    return ((offset + chosen[0][0], offset + chosen[-1][1]),) if chosen else ()


def answering_hits(retrieval: Retrieval) -> list[Hit]:
    """The clauses quoted in the answer: one, or the best of each document a comparison names."""
    hits = list(retrieval.hits)
    if len(retrieval.pinned) > 1:
        per_doc = []
        for hit in hits:
            if hit.clause.source not in {h.clause.source for h in per_doc}:
                per_doc.append(hit)
        return per_doc[: len(retrieval.pinned)]
    return hits[:1]


def compose(question: str, retrieval: Retrieval, documents: dict[str, Document], idf: Idf) -> Answer:
    """The reply: quoted sentence(s) with numbered citations, or a plain 'not found' and leads."""
    retrieval = verified_first(retrieval, documents, idf)
    verdict = judge(retrieval, documents, idf)
    quoting = answering_hits(retrieval) if verdict.found else []
    citations = []
    for hit in retrieval.hits:
        quotes = ()
        if any(hit is q for q in quoting):
            if hit.exact:
                quotes = whole_clause(hit.clause.text, hit.clause.start)
            else:
                quotes = best_sentences(retrieval.query, hit.clause.text, hit.clause.start, idf)
        citations.append(Citation(hit.clause, documents[hit.clause.source].title, hit.score, quotes))
    if verdict.found:
        text = "\n".join(_quote_line(i, c, documents) for i, c in enumerate(citations, 1) if c.quotes)
    else:
        leads = "；".join(f"[{i}] 《{c.document_title}》{c.clause.label}" for i, c in enumerate(citations[:3], 1))
        text = verdict.reason + (f"可能相关的条款：{leads}" if leads else "")
    return Answer(question, text, verdict.found, tuple(citations), retrieval.query.text)


def _quote_line(number: int, citation: Citation, documents: dict[str, Document]) -> str:
    text = documents[citation.source].text
    quote = "……".join(compact(text[s:e]) for s, e in citation.quotes)
    return f"根据《{citation.document_title}》{citation.clause.label}：“{quote}”[{number}]"
