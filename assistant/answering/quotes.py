"""Choosing what to quote from a clause and writing the quote. Pure functions over the file's text."""
from __future__ import annotations

import re
from typing import Callable

from assistant.answering.mentions import phrase_in
from assistant.models import Citation, Clause
from assistant.query import Query
from assistant.textnorm import compact, fold, sentence_spans, tokens

MAX_QUOTE_CHARS = 220
TARGET_BONUS = 1.5
# A sentence setting a bound in figures: the requirement a question asks about ('线性范围有啥要求' is answered by
# '线性范围的下限不高于5.0mIU/L,上限不低于160mIU/L').
_BOUND = re.compile(r"(?:不[高低少多大小超]于|不超过|至少|[≥≤<>])\s*\d")
# A sentence naming a class ('管理类别为二类', '按第三类医疗器械管理'): the answer when the class is asked.
_CLASS_STATED = re.compile(r"[一二三123ⅰⅱⅲ]类")
_ASIDE = re.compile(r"\s*[(（][^()（）]*[)）][。.]?\s*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;]\s*$")
Idf = Callable[[str], float]
Span = tuple[int, int]

# A figure in a sentence: a number with a unit, a percentage or a ratio ("95%", "2.5 人", "18/10 万", "300 人次",
# a guideline's sample size "不少于30例").
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|‰|/\s*10\s*万|/\s*千|万|亿|个|家|人|名|张|所|项|床|岁|天|小时|分钟|次|元|平方米|公里|"
                    r"例|份|种|台|倍|周)")


def best_sentences(query: Query, text: str, offset: int, idf: Idf) -> tuple[Span, ...]:
    """The sentence(s) of a clause that answer: the most telling shared terms with the question.

    A year the question names narrows the choice to sentences with that year, and so does the
    new subject a follow-up brings ('那村医呢？'); the clause's heading sentence counts half,
    since it names a topic rather than answering about it.
    """
    wanted = _wanted(query)
    spans = sentence_spans(text)
    folded = [fold(text[s:e]) for s, e in spans]
    pool = list(range(len(spans)))
    kept = [i for i in pool if query.years and any(y in folded[i] for y in query.years)]
    pool = kept or pool
    squashed = [re.sub(r"\s+", "", f) for f in folded]
    kept = [i for i in pool if query.focus and any(phrase_in(p, squashed[i]) for p in query.focus)]
    pool = kept or pool
    wants_target = query.asks.target
    wants_bound = wants_target or query.asks.requirement
    scored = []
    for i in pool:
        start, end = spans[i]
        weight = _shared(wanted, folded[i], idf)
        # '…的目标是什么': the sentence that dates or counts it; '…有啥要求': the one bounding it in figures
        if wants_target and (FIGURE.search(folded[i]) or _YEAR.search(folded[i])) \
                or wants_bound and _BOUND.search(folded[i]) \
                or query.asks.management_class and _CLASS_STATED.search(folded[i]):
            weight *= TARGET_BONUS
        if _ASIDE.fullmatch(folded[i]):
            weight /= 3  # '(疾病防控科牵头,各相关科室参与落实)': who is responsible, not what is done
        # a heading line alone ('（3）毒理学研究'); run together with the sentence under it, it is that sentence
        is_heading = start == 0 and len(spans) > 1 and end - start <= 40 and not _ENDS_SENTENCE.search(folded[i])
        scored.append((weight / 2 if is_heading else weight, start, end))
    if not scored:
        return ()
    best = max(s for s, _, _ in scored)
    if best == 0:
        return ((offset + scored[0][1], offset + scored[0][2]),)
    chosen, length, said, words_of = [], 0, set(), dict(zip(spans, squashed))
    for score, start, end in sorted(scored, key=lambda s: -s[0]):
        if score < 0.6 * best or length + (end - start) > MAX_QUOTE_CHARS and chosen:
            break
        words = words_of[(start, end)]
        if words in said:  # a sentence the clause repeats word for word (one rule for two cases) is quoted once
            continue
        said.add(words)
        chosen.append((start, end))
        length += end - start
    if chosen == [spans[0]] and len(spans) > 1:  # a heading alone names a topic: give what it says
        chosen.append(spans[1])
    if query.asks.several:  # '哪些情况下要延长': the list an item quoted stands in, whole
        chosen = _with_inline_lists(chosen, spans, text)
    for part in asked_parts(query.asked):  # '有效期最短多久，…含量下降不能超过多少？': each part its own sentence
        terms = set(tokens(part))
        rest = [i for i in pool if spans[i] not in chosen and (not wants_target or FIGURE.search(folded[i]))]
        weight = {i: sum(idf(t) for t in terms & set(tokens(folded[i]))) for i in rest}
        if weight and max(weight.values()) > 0:
            chosen.append(spans[max(rest, key=weight.get)])
    return tuple((offset + start, offset + end) for start, end in sorted(chosen))


def closest_sentence(query: Query, text: str, idf: Idf) -> float:
    """How much of the question the text's closest sentence says: the most telling shared terms of one sentence."""
    wanted = _wanted(query)
    return max((_shared(wanted, fold(text[s:e]), idf) for s, e in sentence_spans(text)), default=0.0)


def _wanted(query: Query) -> set[str]:
    return set(query.content_terms) | set(tokens(query.folded))


def _shared(wanted: set[str], folded: str, idf: Idf) -> float:
    return sum(idf(t) for t in wanted & set(tokens(folded)))


# An item of a list written inline ('…如：①…。②…。', '…包括：（1）…；（2）…'), and the lead-in introducing it; or a list
# set one item a line under a lead-in ending its line in a colon ('下列情形原则上划分为不同的注册单元：⏎…。⏎…。').
_ITEM = r"(?:[①-⑳]|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．](?!\d))"
_ITEM_START = re.compile(r"\s*" + _ITEM)
_LEAD_IN = re.compile(r"[:：]\s*(?:" + _ITEM + r"|$)")
_LINES_LEAD_IN = re.compile(r"[:：][ \t\u3000]*\n")
MAX_LIST_ITEMS = 12


def _with_inline_lists(chosen: list[Span], spans: list[Span], text: str) -> list[Span]:
    """The chosen sentences, each standing in a list written inline with every sentence of that list added: its
    lead-in (ending in a colon, or in a colon and the first item) and the items after it."""
    marked = [bool(_ITEM_START.match(text, s)) for s, _ in spans]
    on_a_line = [s > 0 and "\n" in text[(spans[i - 1][1] if i else 0):s] for i, (s, _) in enumerate(spans)]
    wanted = list(chosen)
    for lead, (start, end) in enumerate(spans):
        starts = marked if _LEAD_IN.search(text, start, end) else on_a_line if _LINES_LEAD_IN.search(text, start, end) \
            else None
        if starts is None:
            continue
        last = lead
        while last + 1 < len(spans) and starts[last + 1] and last - lead < MAX_LIST_ITEMS:
            last += 1
        whole = (start, spans[last][1])  # one quote: the items follow each other, nothing is left out between them
        if last > lead and any(whole[0] <= s < whole[1] for s, _ in wanted):
            wanted = [(s, e) for s, e in wanted if not whole[0] <= s < whole[1]] + [whole]
    return sorted(wanted)


_JOINED = re.compile(r"^(?:以及|并且|还有|同时|另外|和|及)")
_ASKS = re.compile(r"多少|几|多[久长大高]|什么|啥|哪|怎么|如何|是否|有没有")


def asked_parts(asked: str) -> list[str]:
    """The parts of a turn asking two things or more ('…有效期最短多久，存放后…含量下降不能超过多少？', '…总例数，
    以及B型、C型各自最少要多少例？'): its comma- or question-mark-separated pieces, when each asks something of its
    own or is joined on to the one before ('以及…'); [] for a turn asking one thing ('…临床试验，最终确诊…多少例？')."""
    pieces = [p.strip() for p in re.split(r"[，,？?；;]", asked) if p.strip()]
    if len(pieces) < 2 or not all(_ASKS.search(p) or _JOINED.match(p) for p in pieces[1:]) \
            or not (_ASKS.search(pieces[0]) or _JOINED.match(pieces[1])):
        return []
    return pieces


def whole_clause(text: str, offset: int) -> tuple[Span, ...]:
    """For a question that names a clause: the clause itself, up to the quote limit, by sentences."""
    chosen = []
    for start, end in sentence_spans(text):
        if chosen and end - chosen[0][0] > MAX_QUOTE_CHARS:
            break
        chosen.append((start, end))
    return ((offset + chosen[0][0], offset + chosen[-1][1]),) if chosen else ()


def heading_span(clause: Clause) -> Span:
    """The clause's heading as it stands in the file: its first line, up to the first full stop."""
    text = clause.text
    end = len(text)
    for stop in ("\n", "。", "：", ":"):
        at = text.find(stop)
        if 0 < at < end:
            end = at + (1 if stop == "。" else 0)
    end = min(end, 80)
    lead = len(text) - len(text.lstrip("# \t"))  # a Markdown heading's marks are not its words
    return (clause.start + min(lead, end), clause.start + len(text[:end].rstrip()))


def figure_sentences(clause: Clause) -> list[Span]:
    """Absolute spans of the clause's sentences that state a figure."""
    return [(clause.start + s, clause.start + e) for s, e in sentence_spans(clause.text)
            if FIGURE.search(fold(clause.text[s:e]))]


def quote_text(file_text: str, spans: tuple[Span, ...]) -> str:
    """The quoted characters as a reader sees them (page-break line breaks joined)."""
    return "……".join(compact(file_text[s:e]) for s, e in spans)


def quote_line(number: int, citation: Citation, file_text: str) -> str:
    return f"根据《{citation.document_title}》{citation.clause.label}：“{quote_text(file_text, citation.quotes)}”[{number}]"
