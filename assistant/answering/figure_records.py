"""A figure question read against the document's target records (issue 25): the targets extracted at build time
say which clause states a value of the indicator asked, and for which years. Pure.

Two things the clause ranking cannot tell on its own:
- which of several clauses naming the thing holds its value ('国家卫生乡镇' is counted in one clause, while another
  counts 国家临床重点专科 in the same words 'N个国家…');
- whether the year asked is one the document sets at all: a plan that sets 孕产妇死亡率 for 2020 and 2022 does not
  answer '2025年…', and the honest answer says which years it does give.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from assistant.answering.base import AnswerContext, Understood
from assistant.answering.figure_cells import unset_cell
from assistant.models import Clause
from assistant.hits import Hit
from assistant.targets import KIND_NAMES, Target
from assistant.textnorm import fold, sentence_spans, tokens

# A record names what was asked when most of its indicator's character pairs stand in the question ('国家卫生乡镇'
# in '…要创建多少个国家卫生乡镇？'), and it is at least three characters (two name too much: '医院', '人数').
NAMED_SHARE = 0.75
MIN_INDICATOR_CHARS = 3
MIN_PHRASE_CHARS = 4
_PERIOD = re.compile(r"^((?:19|20)\d\d)—((?:19|20)\d\d)$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class RecordReading:
    """What the records of one document say about a figure question."""

    source: str
    matching: tuple[Target, ...]  # the records of the indicator asked, best first
    of_year: tuple[Target, ...]  # of those, the ones of the year asked (all of them when no year is asked)
    years_asked: tuple[str, ...] = ()  # the year asked of the indicator (not one naming the document)
    scopes_asked: tuple[str, ...] = ()  # the breakdown asked ('农村'), which the records must state
    named: float = 1.0  # how much of the indicator's name the question states (names_indicator)
    target_asked: bool = False  # a target was asked ('…的目标定的多少') and the records state only other kinds

    @property
    def missing(self) -> str:
        """What the question asks that the document does not set the indicator for: the breakdown asked ('农村'),
        or the year asked when every record of it is dated and none is of that year; "" when nothing is missing."""
        if not self.matching or self.of_year:
            return ""
        if self.target_asked:
            return "目标"
        return "、".join(self.scopes_asked) if self.scopes_asked else f"{self.years_asked[0]}年"


def names_indicator(target: Target, question: str, phrases: Sequence[str] = ()) -> float:
    """How much of the record's indicator the question states (share of its character pairs), 0 when too short;
    0.9 when a phrase of the question's topic (four characters or more, a third of the name or more) stands whole in a
    longer name ('免疫规划疫苗接种率' in '适龄儿童免疫规划疫苗接种率', not '二级医院' in a clause's whole run)."""
    name = "".join(_CJK.findall(target.folded))
    if len(name) < MIN_INDICATOR_CHARS:  # '市(州)', '5岁': too little to tell one indicator from another
        return 0.0
    pairs = set(tokens(name))
    share = sum(p in question for p in pairs) / len(pairs)
    if any(len(p) >= MIN_PHRASE_CHARS and p in name and 3 * len(p) >= len(name) for p in phrases):
        return max(share, 0.9)
    return share


def topic_phrases(understood: Understood) -> list[str]:
    """The question's topic phrases as they would stand in a name: folded, no spaces."""
    return [re.sub(r"\s+", "", p) for p in understood.query.topic]


def covers(year: str, asked: str) -> bool:
    """A record's year answers the year asked only when it is that year: a period ('2019—2022') is most often the
    document's own, given to a figure that states no year, and vouches for none."""
    return year == asked


def dated(year: str) -> bool:
    return bool(_YEAR.match(year))


# A year a figure is compared with ('比2015年降低10%'), not the year asked of it.
_BASE_YEAR = re.compile(r"(?:比|较|相比|对比|与)\s*(?:19|20)\d\d\s*年?")


def _squashed(text: str) -> str:
    return re.sub(r"[\s“”\"'《》]", "", fold(text))


def asked_text(understood: Understood, context: AnswerContext) -> str:
    """The question as resolved (a follow-up with its earlier turn's subject), squashed, less the titles of the
    documents it names: words naming a document name no indicator and no year asked."""
    question = _squashed(understood.query.text or understood.question)
    for name in understood.named:
        question = question.replace(_squashed(context.documents[name].title), "")
    return question


def years_asked(understood: Understood, context: AnswerContext) -> list[str]:
    """The years a figure question asks of its indicator: those it names, less those inside the name of a document
    it names ('健康中国2030规划纲要里…') and those a value is compared with."""
    question = _BASE_YEAR.sub("", asked_text(understood, context))
    found = re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", question)
    return [y for y in understood.query.years if y in found]


# Which of an indicator's figures a question asks: the base level, what was achieved, else its target.
_ASKS_BASELINE = re.compile(r"基期|基线|基数|现状|现在|目前|当前")
_ASKS_ACHIEVED = re.compile(r"实际|完成|做到|达到了|已经|已达|累计|取得")
_ASKS_TARGET = re.compile(r"要求|目标|计划|规划|提出|定的")  # with what was achieved: both are asked
_NAMES_TARGET = re.compile(r"目标|要求")  # asked alone, a target and nothing else


def asked_kind(question: str) -> str:
    if _ASKS_BASELINE.search(question):
        return "baseline"
    return "achieved" if _ASKS_ACHIEVED.search(question) and not _ASKS_TARGET.search(question) else ""


def holds_asked(target: Target, nouns: Sequence[Sequence[str]], text: str) -> bool:
    """The record is of what the question counts: most of the nouns naming it (each as the question says it or a
    synonym) stand in the sentence stating the value ('老年人健康管理率' is not answered by '60岁及以上老年人口达
    2.49亿'); the sentence, not the record's name, since a name cut from a list ('县级医院和') keeps only part of
    what the sentence says."""
    if not nouns:
        return True
    sentence = stated_with(target, text)
    return sum(any(w in sentence for w in words) for words in nouns) * 2 > len(nouns)


def stated_with(target: Target, text: str) -> str:
    """What the value is stated with, folded: its sentence; a table cell's indicator cell and scope (a PDF's cells
    stand on lines of their own in the file's text)."""
    if target.statement == "table":
        return target.folded + fold(target.scope)
    return sentence_around(text, target.start) + fold(target.scope)


def with_synonyms(question: str, names: Sequence[str], synonyms) -> list[str]:
    """The question with one of its words put as a record's name puts it ('12岁孩子的患龋率' → '12岁儿童的患龋率'
    beside a record named '12岁儿童患龋率'), the words glossed alike by the dictionary (crosslingual.Glossary)."""
    joined = "｜".join(names)
    variants = []
    for size in (4, 3, 2):
        for at in range(len(question) - size + 1):
            word = question[at:at + size]
            if len(_CJK.findall(word)) < size or word in joined:
                continue
            variants.extend(question[:at] + other + question[at + size:] for other in synonyms(word) if other in joined)
    return list(dict.fromkeys(variants))


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def sentence_around(text: str, at: int) -> str:
    """The sentence of a file's text holding position `at`, folded, whitespace removed (a table row is one line)."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, at - 300), at)), default=max(0, at - 300))
    end = _SENTENCE_END.search(text, at)
    return re.sub(r"\s+", "", fold(text[start:end.start() if end else at + 300]))


# The breakdowns figures are stated by: a question asking one is answered only by a figure stated for it.
_BREAKDOWN = re.compile(r"农村|城市|城镇|乡村|男性|女性|东部|中部|西部")


def counted_nouns(understood: Understood, context: AnswerContext, question: str) -> list[tuple[str, ...]]:
    """What a figure question counts, each noun with its synonyms: less the words naming the document ('八大工程')
    and the breakdown asked ('农村', seen to apart)."""
    titles = "｜".join(_squashed(context.documents[name].title) for name in understood.named)
    return [(n, *context.synonyms(n)) for n in understood.query.indicators
            if n in question and n not in titles and not _BREAKDOWN.search(n)]


def cell_unset(understood: Understood, context: AnswerContext, clause: Clause) -> str:
    """The refusal when the clause is a table row of the indicator asked whose cell for the year asked (or the base
    level) states no number ('…2030年目标值为“持续提高”'); "" otherwise."""
    question = asked_text(understood, context)
    years = years_asked(understood, context)
    year = years[0] if len(years) == 1 else ""
    cell = unset_cell(clause, counted_nouns(understood, context, question), year, asked_kind(question) == "baseline")
    if cell is None:
        return ""
    name = cell.indicator or "、".join(understood.query.indicators)
    title = context.documents[clause.source].title
    return (f"文件中未给出“{name}”{f'{year}年' if year else '基期'}的具体数值：《{title}》{clause.label}中该项"
            f"{cell.header}为“{cell.value}”。")


def read_records(understood: Understood, context: AnswerContext, source: str) -> RecordReading | None:
    """The records of `source` naming the indicator asked; None when none does (the records cannot help)."""
    question = asked_text(understood, context)
    nouns = counted_nouns(understood, context, question)
    kind = asked_kind(question)
    text = context.documents[source].text
    phrases = topic_phrases(understood)
    scored = [(names_indicator(t, question, phrases), t) for t in context.targets.targets_of(source)
              if (not kind or t.kind == kind) and holds_asked(t, nouns, text)]
    if scored and max(s for s, _ in scored) < NAMED_SHARE:  # the question may name it in other words
        variants = with_synonyms(question, sorted({t.folded for _, t in scored}), context.synonyms)
        scored = [(max([s, *(names_indicator(t, v, phrases) for v in variants)]), t) for s, t in scored]
    # the record whose name the question states most of is the one asked: '老年人中医药管理率' (7 of its 8 pairs in
    # '老年人中医药健康管理率') over '管理率' (all 2 of its pairs)
    ranked = sorted(scored, key=lambda st: (-round(st[0] * len(tokens(st[1].folded))), -st[0], st[1].start))
    matching = [t for s, t in ranked if s >= NAMED_SHARE]
    if not matching:
        return None
    named = next(s for s, t in ranked if t is matching[0])
    best = matching[0].folded
    matching = [t for t in matching if t.folded == best]  # the best-named indicator only
    years = years_asked(understood, context)
    if not kind and _NAMES_TARGET.search(question) and not _ASKS_ACHIEVED.search(question) \
            and all(t.kind != "target" for t in matching):
        # '广州今年孕产妇死亡率的目标定的多少' of a report stating what was achieved: no target, and says so
        return RecordReading(source, tuple(matching), (), tuple(years), named=named, target_asked=True)
    scopes = tuple(dict.fromkeys(_BREAKDOWN.findall(question)))
    if scopes:  # '农村孕产妇死亡率' is not answered by the figure for all
        scoped = [t for t in matching if all(w in stated_with(t, text) for w in scopes)]
        if not scoped:
            return RecordReading(source, tuple(matching), (), tuple(years), scopes, named)
        matching = scoped
    if len(years) != 1:
        return RecordReading(source, tuple(matching), tuple(matching), tuple(years), named=named)
    of_year = tuple(t for t in matching if covers(t.year, years[0]))
    if not of_year and years[0] not in understood.query.asked:
        # the year came with the earlier turn ('钦州呢' after '贵州2022年…'): what this document sets, with its years
        return RecordReading(source, tuple(matching), tuple(matching), (), named=named)
    if not of_year and not all(dated(t.year) for t in matching):
        return None  # an undated record may be of that year: nothing to say either way
    return RecordReading(source, tuple(matching), of_year, tuple(years), named=named)


def hit_holding(understood: Understood, target: Target) -> Hit | None:
    """The candidate clause part of the target's document that holds its value."""
    for hit in understood.retrieval.hits:
        if holds(hit.clause, target):
            return hit
    return next((h for h in understood.hits_in(target.source) if holds(h.clause, target)), None)


def holds(clause: Clause, target: Target) -> bool:
    return clause.source == target.source and clause.start <= target.start and target.end <= clause.end


def value_sentence(clause: Clause, target: Target) -> tuple[int, int]:
    """The sentence of the clause the value stands in, as a file span."""
    at = target.start - clause.start
    for start, end in sentence_spans(clause.text):
        if start <= at < end:
            return clause.start + start, clause.start + end
    return target.start, target.end


def statement(targets: Sequence[Target]) -> str:
    """'孕产妇死亡率：2020年目标20/10 万；2022年目标18/10 万' — the values as the records state them."""
    parts = []
    for t in targets:
        when = f"{t.year}年" if _YEAR.match(t.year) else (f"{t.year}年间" if _PERIOD.match(t.year) else t.year)
        scope = f"（{t.scope}）" if t.scope else ""
        parts.append(f"{when}{scope}{KIND_NAMES.get(t.kind, '')}{with_unit(t)}")
    return f"{targets[0].indicator}：" + "；".join(parts)


def with_unit(target: Target) -> str:
    """The value with its unit: a table cell's ('≥50') takes the one its row's name gives ('（%）') → '≥50%'."""
    value = target.value.strip()
    return value if not target.unit or target.unit in re.sub(r"\s+", "", value) else value + target.unit


def missing_reason(reading: RecordReading, context: AnswerContext) -> str:
    """'文件中未找到2025年的这项内容：《…》只给出了“孕产妇死亡率”2020、2022年的目标。'"""
    years = sorted({t.year for t in reading.matching if t.year})
    kinds = {t.kind for t in reading.matching}
    kind = KIND_NAMES.get(next(iter(kinds)), "数字") if len(kinds) == 1 else "数字"
    title = context.documents[reading.source].title
    when = f"{'、'.join(years)}年的" if years else ""
    overall = "总体" if reading.scopes_asked else ""
    if reading.target_asked:
        return (f"文件中未找到“{reading.matching[0].indicator}”的目标：《{title}》只给出了{when}{kind}数字"
                f"（{statement(reading.matching[:MAX_STATED])}）。")
    return (f"文件中未找到{reading.missing}的这项内容：《{title}》只给出了“{reading.matching[0].indicator}”"
            f"{when}{overall}{kind}。")


def with_hit_first(understood: Understood, hit: Hit) -> Understood:
    retrieval = understood.retrieval
    hits = (hit, *(h for h in retrieval.hits if h is not hit and h.clause.key != hit.clause.key))
    return replace(understood, retrieval=replace(retrieval, hits=hits[: max(len(retrieval.hits), 1)]))


MAX_STATED = 4  # values a refusal quotes of what the document does state
CLEARLY_BETTER = 0.1  # a share of an indicator's name this much larger names another document's record better
MAX_CANDIDATE_DOCUMENTS = 5  # of a question naming no document: the documents of its best candidates, in order


def reading_for(understood: Understood, context: AnswerContext) -> RecordReading | None:
    """The records' reading of the one document a figure question is about: the one it names, else the first
    candidate's document whose records state the indicator as asked; else what the first candidate's records say
    is missing (a year or breakdown it does not set), or None."""
    if understood.retrieval.unknown_places or len(understood.named) > 1 or not context.targets:
        return None
    if understood.named:
        sources = list(understood.named)
    else:
        sources = list(dict.fromkeys(h.clause.source for h in understood.retrieval.hits))
    readings = [read_records(understood, context, source) for source in sources[:MAX_CANDIDATE_DOCUMENTS]]
    stating = [r for r in readings if r is not None and not r.missing]
    if stating:  # the first candidate stating it, unless a later one names it clearly better ('优秀率' over '优良率')
        best = stating[0]
        for reading in stating[1:]:
            if reading.named >= best.named + CLEARLY_BETTER:
                best = reading
        return best
    return readings[0]  # of a question naming none, a document stating it before the first's refusal
