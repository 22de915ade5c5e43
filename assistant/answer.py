"""Composing an answer from retrieved clauses: decide, quote verbatim, cite. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.models import Answer, Citation, Document
from assistant.retrieval import Hit, Retrieval
from assistant.textnorm import compact, fold, sentence_spans, tokens

# Calibrated on the evaluation set (see eval/README.md): below this fused score the best clause
# is more often unrelated than right, so the assistant says it found nothing.
MIN_SCORE = 0.86
MAX_QUOTE_CHARS = 220
NOT_FOUND = "文件中未找到与该问题直接对应的内容。"


@dataclass(frozen=True)
class Verdict:
    found: bool
    reason: str  # why nothing was found, for the user; empty when found


def judge(retrieval: Retrieval) -> Verdict:
    """Whether the best clause answers the question, or a plain reason why not."""
    if retrieval.unknown_places:
        return Verdict(False, f"文件中未找到关于“{'、'.join(retrieval.unknown_places)}”的内容。")
    if not retrieval.hits:
        return Verdict(False, NOT_FOUND)
    top = retrieval.hits[0]
    if top.exact:
        return Verdict(True, "")
    if not top.places_ok:
        return Verdict(False, f"文件中未找到关于“{'、'.join(retrieval.query.places)}”的内容。")
    if retrieval.query.years and not top.years_ok:
        return Verdict(False, f"文件中未找到{'、'.join(retrieval.query.years)}年的相关内容。")
    if top.score < MIN_SCORE:
        return Verdict(False, NOT_FOUND)
    return Verdict(True, "")


def best_sentences(query_folded: str, years: tuple[str, ...], text: str, offset: int) -> tuple[tuple[int, int], ...]:
    """The sentence(s) of a clause that answer: most shared terms with the question.

    A year the question names narrows the choice to sentences with that year; the clause's
    heading sentence counts half, since it names a topic rather than answering about it.
    """
    wanted = set(tokens(query_folded))
    spans = sentence_spans(text)
    with_years = [sp for sp in spans if years and all(y in fold(text[sp[0] : sp[1]]) for y in years)]
    scored = []
    for start, end in with_years or spans:
        overlap = len(wanted & set(tokens(fold(text[start:end]))))
        is_heading = start == 0 and len(spans) > 1 and end - start <= 40
        scored.append((overlap / 2 if is_heading else overlap, start, end))
    if not scored:
        return ()
    best = max(s for s, _, _ in scored)
    if best == 0:
        start, end = scored[0][1], scored[0][2]
        return ((offset + start, offset + end),)
    chosen, length = [], 0
    for score, start, end in sorted(scored, key=lambda s: -s[0]):
        if score < 0.6 * best or length + (end - start) > MAX_QUOTE_CHARS and chosen:
            break
        chosen.append((offset + start, offset + end))
        length += end - start
    return tuple(sorted(chosen))


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


def whole_clause(text: str, offset: int) -> tuple[tuple[int, int], ...]:
    """For a question that names a clause: the clause itself, up to the quote limit, by sentences."""
    chosen = []
    for start, end in sentence_spans(text):
        if chosen and end - chosen[0][0] > MAX_QUOTE_CHARS:
            break
        chosen.append((start, end))
    return ((offset + chosen[0][0], offset + chosen[-1][1]),) if chosen else ()


def compose(question: str, retrieval: Retrieval, documents: dict[str, Document]) -> Answer:
    """The reply: quoted sentence(s) with numbered citations, or a plain 'not found' and leads."""
    verdict = judge(retrieval)
    quoting = answering_hits(retrieval) if verdict.found else []
    citations = []
    for hit in retrieval.hits:
        quotes = ()
        if any(hit is q for q in quoting):
            if hit.exact:
                quotes = whole_clause(hit.clause.text, hit.clause.start)
            else:
                quotes = best_sentences(retrieval.query.folded, retrieval.query.years, hit.clause.text, hit.clause.start)
        citations.append(Citation(hit.clause, documents[hit.clause.source].title, hit.score, quotes))
    if verdict.found:
        lines = [_quote_line(i, c, documents) for i, c in enumerate(citations, 1) if c.quotes]
        text = "\n".join(lines)
    else:
        leads = "；".join(f"[{i}] 《{c.document_title}》{c.clause.label}" for i, c in enumerate(citations[:3], 1))
        text = verdict.reason + (f"可能相关的条款：{leads}" if leads else "")
    return Answer(question, text, verdict.found, tuple(citations), retrieval.query.text)


def _quote_line(number: int, citation: Citation, documents: dict[str, Document]) -> str:
    text = documents[citation.source].text
    quote = "……".join(compact(text[s:e]) for s, e in citation.quotes)
    return f"根据《{citation.document_title}》{citation.clause.label}：“{quote}”[{number}]"
