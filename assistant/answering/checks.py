"""Whether a clause answers what was asked. Shared by every strategy; run once per candidate. Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping, Sequence

from assistant.answering.figure_checks import (YEAR_IN_TEXT, asks_event_duration, counted_by_measure, of_another_age,
                                               of_another_level, short_form_in, states_figure_of, title_readings)
from assistant.answering.mentions import could_hold, phrase_in
from assistant.models import Clause, Document
from assistant.query import ASKS_FIGURE, MEASURE_END, Query
from assistant.hits import Hit, Retrieval
from assistant.textnorm import fold, is_cjk, sentence_spans, tokens

# Below this fused score the best clause is unrelated (calibrated on the odd-numbered half of the
# evaluation set; on-topic but unanswerable questions score higher and are caught by the other
# checks, not by this floor).
MIN_SCORE = 0.80
MIN_SCORE_CROSS_LINGUAL = 0.75  # questions with no Chinese words get no lexical help, so score lower
NOT_FOUND = "文件中未找到与该问题直接对应的内容。"
VERIFY_TOP = 3  # how many of the best clauses may stand in for the first when it fails a check
VERIFY_MARGIN = 0.03  # ... if they score at most this much lower

Idf = Callable[[str], float]
# A clause that can answer 'how many': digits, or a Chinese number with a measure word (两家, 三级).
_STATES_FIGURE = re.compile(r"(?<![\d.])(?!(?:19|20)\d{2}\s*年)\d+|[一二三四五六七八九十两百千万]+\s*"
                            r"(?:[个家所名级项张人次岁倍成周天日秒]|小时|分钟|年|月)")
def states_number(text: str) -> bool:
    """Whether a text states a number other than a year ('控制在全国平均水平以下' of 2022 states none)."""
    return bool(_STATES_FIGURE.search(text))


# How a plan says an indicator is to move without a number ('持续提高', '显著提高', '增长最快', '明显下降').
_CHANGE = re.compile(r"(?:[^，,；;。]{0,4}?)(?:提高|提升|下降|降低|改善|增长|增加|减少|减缓|上升|稳定|好转)")


def named_without_number(phrases: Iterable[str], said: Iterable[str]) -> tuple[str, str]:
    """(indicator, part): the part of a quoted sentence (between commas or semicolons) naming an indicator asked,
    word for word, with no number in it ('人均健康预期寿命显著提高', '糖尿病并发症筛查率持续提高'): the sentence's
    numbers are other indicators'. ("", "") when there is none, or the sentence is a table row (no parts)."""
    named = [n for n in (_up_to_measure(p) for p in phrases) if len(n) >= 4]
    for text in said:
        if "指标：" in text or "指标:" in text:
            continue
        for part in re.split(r"[，,；;。]", text):
            squashed = re.sub(r"\s+", "", part)
            for name in named:
                at = squashed.find(name)
                if at >= 0 and _CHANGE.match(squashed, at + len(name)) and not states_number(squashed):
                    return name, squashed
    return "", ""


def _up_to_measure(phrase: str) -> str:
    """A topic phrase up to the end of the measure it names ('糖尿病并发症筛查率到' → '糖尿病并发症筛查率'), "" if none."""
    ends = [i for i in range(len(phrase), 0, -1) if MEASURE_END.search(phrase[:i])]
    return phrase[:ends[0]] if ends else ""


_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—–\-~至到]\s*(?:19|20)\d{2}")


@dataclass(frozen=True)
class Verdict:
    found: bool
    reason: str  # why nothing was found, for the user; empty when found


FOUND = Verdict(True, "")


def judge(retrieval: Retrieval, documents: dict[str, Document], idf: Idf) -> Verdict:
    """Whether the best clause answers the question, or a plain reason why not."""
    if retrieval.unknown_places:
        return Verdict(False, f"文件中未找到关于“{'、'.join(retrieval.unknown_places)}”的内容。")
    if not retrieval.hits or retrieval.off_topic:
        return Verdict(False, NOT_FOUND)
    return check_hit(retrieval.query, retrieval.hits[0], documents, idf, comparison=retrieval.compares)


def verified_first(retrieval: Retrieval, documents: dict[str, Document], idf: Idf) -> Retrieval:
    """The retrieval with the first clause that passes every check moved to the front.

    A close runner-up that states what was asked beats a top clause that only resembles it.
    """
    hits = list(retrieval.hits[:VERIFY_TOP])
    if not hits or retrieval.unknown_places or retrieval.compares:
        return retrieval
    answering = past_the_scope(retrieval.query, hits, documents[hits[0].clause.source], idf)
    if answering is not None:
        hits = [answering, *(h for h in hits if h is not answering)]
        retrieval = replace(retrieval, hits=tuple([answering, *(h for h in retrieval.hits if h is not answering)]))
    for hit in hits:
        if hit.score < hits[0].score - VERIFY_MARGIN:
            break
        if check_hit(retrieval.query, hit, documents, idf).found:
            query = retrieval.query  # a figure asked, or asked just before ('那其他…的病例呢？'): the rule's
            if query.indicators or ASKS_FIGURE.search(query.context):
                hit = _rule_before_cases(hit, hits, lambda h: check_hit(retrieval.query, h, documents, idf).found)
            rest = [h for h in retrieval.hits if h is not hit]
            return replace(retrieval, hits=tuple([hit, *rest]))
    return retrieval


def _rule_before_cases(hit: Hit, hits: Sequence[Hit], passes: Callable[[Hit], bool]) -> Hit:
    """An earlier part of the same clause scoring almost as well (VERIFY_MARGIN): a clause states its rule first
    and its special cases after ('…病例不少于350例' before '如果…适用于多种样本前处理方法…其中…不少于100例');
    a question asking a case names it, and its part then scores clearly higher."""
    clause = hit.clause
    earlier = [h for h in hits if h.clause.source == clause.source and h.clause.label == clause.label
               and h.clause.part < clause.part and h.score >= hit.score - VERIFY_MARGIN and passes(h)]
    return min(earlier, key=lambda h: h.clause.part, default=hit)


SCOPE_MARGIN = 0.06  # how much lower a clause may score and still answer instead of the document's first part


def past_the_scope(query: Query, hits: Sequence[Hit], document: Document, idf: Idf) -> Hit | None:
    """A close runner-up of the same document, when the best clause is the document's first part ('一、适用范围',
    '一、总体要求'): that part describes what the whole document is about, so it shares the words a question
    names the product or the plan by ('透析机内部管路用的消毒液…'), not those of what is asked ('毒理学…试验').
    The runner-up must hold a telling word of the question that neither that part nor the title holds."""
    top = hits[0].clause
    if top.label != "一" or top.part != 0 and top.parts > 1 or _asks_about_heading(query, top, idf):
        return None
    described = fold(top.text + document.title).replace(" ", "")
    asked = [t for t in query.content_terms if is_cjk(t[0]) and t not in described and idf(t) >= 2.0]
    for hit in hits[1:]:
        if hit.clause.source != top.source or hit.score < hits[0].score - SCOPE_MARGIN:
            continue
        if any(t in fold(hit.clause.text).replace(" ", "") for t in asked):
            return hit
    return None


HEADING_PAIR_IDF = 1.0  # '要求' (0.5 among guidelines and plans), '指导', '原则' name no part; '适用' (1.7) does


def _asks_about_heading(query: Query, clause: Clause, idf: Idf) -> bool:
    """The question names what the clause's heading names ('…不适用于哪些…' of '一、适用范围'): it asks about that
    part itself, a telling pair of its heading's characters standing in the question (not one every question
    may use: '要求' of '总体要求')."""
    pairs = [t for t in tokens(fold(clause.path[-1] if clause.path else "")) if len(t) == 2 and all(map(is_cjk, t))]
    asked = query.asked or query.folded
    return any(pair in asked and idf(pair) >= HEADING_PAIR_IDF for pair in pairs)


def check_hit(query: Query, top: Hit, documents: dict[str, Document], idf: Idf, comparison: bool = False,
              vouched: bool = False, synonyms: Callable[[str], Sequence[str]] = lambda noun: ()) -> Verdict:
    """Whether one clause answers the question (for a comparison, its own document's part of it); `vouched`: the
    document's target records say the clause states a value of the indicator asked, of the year asked; a noun
    asked stands in the clause also as one of its `synonyms` ('孩子' as 儿童)."""
    if top.exact:
        return FOUND
    if not top.places_ok:
        return Verdict(False, f"文件中未找到关于“{'、'.join(query.places)}”的内容。")
    if query.years and not top.years_ok and not vouched:  # vouched: the records say which year it states
        return Verdict(False, f"文件中未找到{'、'.join(query.years)}年的相关内容。")
    chinese_terms = [] if query.cross_lingual else [t for t in query.content_terms if is_cjk(t[0])]
    if top.score < (MIN_SCORE if chinese_terms else MIN_SCORE_CROSS_LINGUAL):
        return Verdict(False, NOT_FOUND)
    if chinese_terms and top.coverage == 0:  # the clause shares no word with what was asked
        return Verdict(False, NOT_FOUND)
    if query.translations and not any(fold(w) in fold(top.clause.text) for w in query.translations):
        return Verdict(False, NOT_FOUND)  # none of the English question's words, in Chinese, is in the clause
    if query.indicators and not comparison and not _STATES_FIGURE.search(top.clause.text):
        return Verdict(False, f"文件中未给出“{'、'.join(query.indicators)}”的具体数字。")
    other_age = query.indicators and not comparison and of_another_age(query.asks, top.clause.text)
    if other_age:  # '65岁及以上老年人健康管理率' is not answered by '60 岁及以上老年人口达 2.49 亿'
        return Verdict(False, f"文件中未给出{other_age}岁人群的这项数字。")
    other_level = query.indicators and not comparison and of_another_level(query.asks, top.clause.text)
    if other_level:  # '几个县级区域医疗次中心' is not answered by '…建设省级区域医疗中心'
        return Verdict(False, f"文件中未给出{other_level}的这项数字。")
    missing = [] if asks_event_duration(query) else missing_indicators(query, top, documents[top.clause.source],
                                                                       synonyms)
    if missing and not comparison:
        return Verdict(False, f"文件中未找到关于“{'、'.join(missing)}”的具体数字。")
    if query.indicators and not comparison and not vouched and not states_figure_of(query, top.clause.text,
                                                                    documents[top.clause.source].title,
                                                                    " ".join(top.clause.path[:-1]),
                                                                    documents[top.clause.source].text):
        unit = query.asks.unit
        return Verdict(False, f"文件中未给出“{'、'.join(query.indicators)}”的具体数字" + (f"（{unit}）。" if unit else "。"))
    if not vouched and not year_supported(query, top, documents[top.clause.source], idf):
        return Verdict(False, f"文件中未找到{'、'.join(query.years)}年的这项内容。")
    return FOUND


def missing_indicators(query: Query, hit: Hit, document: Document,
                       synonyms: Callable[[str], Sequence[str]] = lambda noun: ()) -> list[str]:
    """A figure must be a figure of what was asked: the nouns naming it must stand in the clause.

    '贵州八大工程计划每千人口床位数目标是多少' finds the staffing targets, which state no 床位数.
    Words of the document's own title ('八大工程') need not be repeated. A long description
    (three nouns or more) may word one in three differently; a short one must match.
    Returns the missing nouns when too many are missing, else [].
    """
    text, title = fold(hit.clause.text), title_readings(document.title)
    headings = fold("".join(hit.clause.path[:-1])).replace(" ", "")  # above it: its own heading is in its text
    counted = counted_by_measure(query.asked or query.folded, query.indicators, text)  # '几家医疗单位' of '3家…机构'
    missing = [noun for noun in query.indicators if noun not in counted and not any(
        w in text or w in title or w in headings or short_form_in(w, text)
        for w in (noun, *synonyms(noun), *_of_everyone(noun)))]
    allowed = len(query.indicators) // 3 if len(query.indicators) >= 3 else 0
    return missing if len(missing) > allowed else []


def _of_everyone(noun: str) -> tuple[str, ...]:
    """The noun without a 城乡 ('urban and rural': everyone, no breakdown) before it: '城乡居民' is said by '居民'."""
    return (noun[2:],) if noun.startswith("城乡") and len(noun) >= 4 else ()


def year_supported(query: Query, hit: Hit, document: Document, idf: Idf) -> bool:
    """A year asked about must stand in a sentence about what was asked, if the clause dates things.

    '贵州2022年全科医生要达到多少' finds the 2022 sentence of the staffing clause, but that
    sentence is about clinics, not general practitioners: the plan sets no such 2022 target.
    """
    text = hit.clause.text
    terms = [t for t in query.content_terms if is_cjk(t[0])]
    if not query.years or not terms or len(query.years) > 1 or query.cross_lingual:  # translations are too loose
        return True
    # a 2019 work plan: all of it is about 2019; and a year the library files it under names it
    if set(query.years) <= title_years(document.title) | title_years(document.source):
        return True
    if not YEAR_IN_TEXT.search(fold(text)):  # a clause that dates nothing leans on its title's years
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
    return set(YEAR_IN_TEXT.findall(_YEAR_SPAN.sub(" ", fold(title))))


def states_topic(query: Query, folded_clause: str, any_phrase: bool = False, idf: Idf | None = None,
                 quorum: bool = False) -> bool:
    """The clause (with its headings, folded, no whitespace) names what the question is about.

    '哪些文件提到了远程医疗' needs 远程医疗 in the clause; a clause about 远程会诊 only resembles
    it. Every topic phrase must be named, or with `any_phrase` one of them (each side of a
    comparison may answer its own part). With `quorum`, a topic of three phrases or more is named by a
    clause naming its first (which.telling_topic puts the rarest first) and most of the rest: a
    which-documents question describes what it looks for at length, in its own words ('产品含可降解成分的，
    要交降解周期、降解产物资料'). A question with no topic words passes.
    """
    if not query.topic:
        return True
    topic = own_topic(query)
    # a side of a comparison is its document's say on the topic, read as leniently as silence is (mentions.phrase_in)
    named = lambda phrase: any(phrase_in(p, folded_clause, idf, strict=not any_phrase)  # noqa: E731
                               for p in (phrase, *aliased(phrase, query.folded)))
    if quorum and len(topic) >= 3:  # the first (most telling) phrase, and most of the others
        found = [named(phrase) for phrase in topic]
        return found[0] and 2 * sum(found) > len(found)
    test = any if any_phrase else all
    return test(named(phrase) for phrase in topic)


def own_topic(query: Query) -> list[str]:
    """The topic's phrases less those that only name another in brackets ('无菌保证水平(sal)': sal is no second
    thing to find)."""
    names = {alias.replace(" ", "") for phrase in query.topic for alias in aliased(phrase, query.folded)}
    return [p for p in query.topic if p.replace(" ", "") not in names]


def aliased(phrase: str, folded_question: str) -> tuple[str, ...]:
    """The phrase as the question also names it, by another name in brackets after it or after one of its words:
    '钩状效应(hook)' → 'hook'; '钩状(hook)效应' → 'hook 效应' (a guideline writes 'Hook 效应', another 钩状效应);
    '倾向评分法(倾向性评分)' → '倾向性评分'; a list named in quotes after it names each of its items:
    '宫颈癌、乳腺癌“两癌”' → '两癌'."""
    words = phrase.split()
    # (a phrase cut short by which.telling_topic may stand a character or two before the bracket: '倾向评分' of
    # '倾向评分法(倾向性评分)'); several names may stand in one bracket ('核磁共振(mri/mr)')
    after = lambda text: re.search(re.escape(text) + rf"[\u4e00-\u9fff]{{0,2}}\s*\(({_ALIAS}(?:\s*[/、,，]\s*{_ALIAS})*)\)",
                                   folded_question)
    names = lambda m: re.split(r"\s*[/、,，]\s*", m.group(1))  # noqa: E731
    joined = "".join(words)
    whole = after(joined)
    if whole:
        return tuple(names(whole))
    # a list named in quotes after it names each of its items ('宫颈癌、乳腺癌“两癌”': 两癌 names 宫颈癌)
    for listed in _LIST_NAMED.finditer(folded_question):
        if any(item.endswith(joined) for item in re.split(r"[、和及与]", listed.group(1))):  # the first run on
            return (listed.group(2),)
    return tuple(" ".join(words[:n] + [name] + words[n + 1:]) for n, w in enumerate(words) if (m := after(w))
                 for name in names(m))


_ALIAS = r"(?:[a-z][a-z0-9\-]{1,15}|[\u4e00-\u9fff]{2,12})"
_LIST_NAMED = re.compile(r"((?:[\u4e00-\u9fff]{1,10}[、和及与])+[\u4e00-\u9fff]{1,10})\s*[“\"]([\u4e00-\u9fff]{2,6})[”\"]")


def first_stating(query: Query, hits: Iterable[Hit], documents: Mapping[str, Document], idf: Idf,
                  folded: Callable[[Clause], str], limit: int | None = VERIFY_TOP, mention: bool = False) -> Hit | None:
    """The best of a document's clauses that names the topic and passes the checks.

    Only the first `limit` candidates are tried (None: all). With `mention`, naming the topic in a
    clause about the asked place and year is enough ('哪些文件提到了…'); otherwise the clause must
    pass every check for its document's side of a comparison.
    """
    for n, hit in enumerate(hits):
        if limit is not None and n >= limit:
            break
        if mention:
            if states_topic(query, folded(hit.clause), quorum=True, idf=idf) and hit.places_ok and (hit.years_ok or not query.years):
                return hit
        elif states_topic(query, folded(hit.clause), any_phrase=True, idf=idf) and check_hit(query, hit, documents, idf, comparison=True).found:
            return hit
    return None


def silent_documents(query: Query, named: Sequence[str], all_sources: Iterable[str],
                     folded_document: Callable[[str], str], idf: Idf,
                     documents_with: Callable[[list[str]], set[str] | None] = lambda terms: None,
                     synonyms: Callable[[str], Sequence[str]] = lambda word: ()) -> list[str]:
    """The named documents that never name the topic, when another document of the collection does.

    The collection's own wording shows how the topic is written ('家庭医生签约' in four plans), so a
    named plan without it does not cover it ('云州区的家庭医生签约服务是怎么安排的？'). A topic no
    document names may be a paraphrase ('大脖子病') and is left to the other checks. A named document saying
    a word of the topic in a word the dictionary glosses alike ('孩子' as 儿童) is not silent.
    """
    if not query.topic or not named:
        return []
    # lenient (not strict): a document is silent only when it says nothing like the topic anywhere
    states = lambda source: any(phrase_in(p, folded_document(source), idf, strict=False) for p in query.topic)
    said_alike = lambda source: any(phrase_in(form, folded_document(source), idf, strict=False)
                                    for phrase in query.topic for form in _synonym_forms(phrase, synonyms))
    silent = [s for s in named if not states(s) and not said_alike(s)]
    if len(silent) < len(named):
        return []
    possible = [could_hold(p, documents_with, idf) for p in query.topic]  # the rest cannot: not read (10⁵ rows: 0.3 s)
    if all(found is not None for found in possible):
        all_sources = set().union(*possible)
    # and another document says it, as a mention is claimed (strict): the collection's own wording of the topic
    if not any(phrase_in(p, folded_document(s), idf) for s in all_sources if s not in named for p in query.topic):
        return []
    return silent


def _synonym_forms(phrase: str, synonyms: Callable[[str], Sequence[str]]) -> list[str]:
    """A one-word phrase in a word glossed alike ('孩子' → 儿童). A longer phrase is a term, and a term is written as
    it is: '互联网 医院' is not any 互联网 clinic."""
    return list(synonyms(phrase)) if " " not in phrase else []


def unknown_acronyms(query: Query, folded_document: Callable[[str], str], sources: Iterable[str]) -> list[str]:
    """Latin-letter terms of the topic ('DRG') that no document uses: such terms are not paraphrased."""
    words = [w for p in query.topic for w in p.split() if re.fullmatch(r"[a-z]{2,6}\d?", w)]
    return [w for w in words if not any(w in folded_document(s) for s in sources)]
