"""Which-documents answers: every document that says something, each with its best clause cited."""
from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Callable

from assistant.answering.base import AnswerContext, Understood, register
from assistant.answering.checks import aliased, first_stating, own_topic
from assistant.answering.mentions import alternatives, could_hold, phrase_in
from assistant.answering.metadata import documents_given, reverse_answer
from assistant.answering.sides import Side, find_sides, sides_answer, topic_words
from assistant.hits import Hit
from assistant.models import Answer, Intent
from assistant.query import word_classes
from assistant.textnorm import fold, is_cjk, tokens

GENERIC_SHARE = 0.5  # a word more than this share of the documents use tells none of them apart
MIN_DOCUMENTS = 8  # below this, how many documents use a word says little about it


def telling_topic(topic: tuple[str, ...], share: Callable[[str], float | None]) -> tuple[str, ...]:
    """The topic as it can tell documents apart. `share(words)` is the share of the collection's documents holding
    them (None: not known); a word more than half of them use is generic here ('研究', '要求', '明确').

    Of each phrase, the longest run of its words that some document holds and that keeps every word of it which
    is not generic: '要求 做 钩状效应' → '钩状效应', '无菌 保证 水平 明确' → '无菌 保证 水平'. A telling word is
    never dropped ('智慧 医院' stays whole when no document says 智慧医院: no mention is claimed for 医院). A
    phrase of generic words only ('研究') is left out when another phrase remains.

    '哪些指导原则要求做钩状效应（Hook）研究？' is thus about 钩状效应: a guideline naming it in a clause
    without the word 研究 still says it."""
    generic = lambda word: (share(word) or 0.0) > GENERIC_SHARE
    asking = lambda word: is_verb(word) and share(word) == 0.0  # a verb no document writes: the question asking
    kept, only_generic = [], []
    for phrase in topic:
        words = phrase.split()
        while len(words) > 1 and asking(words[0]):  # before what is asked ('谈到 动物 试验')
            words = words[1:]
        if len(words) == 1 and len(topic) > 1 and asking(words[0]):
            continue  # standing alone beside what is asked ('聊到')
        # a noun stays: at a phrase's end it heads the compound the phrase names ('长期 护理 保险')
        telling = [n for n, w in enumerate(words) if not generic(w) or is_noun(w)]
        if not telling:
            only_generic.append(phrase)
            continue
        first, last = telling[0], telling[-1]
        # beyond its telling words a run takes words, not a lone character ('产品 不' of '产品不在…目录里')
        lo, hi = first, last
        while lo > 0 and len(words[lo - 1]) > 1:
            lo -= 1
        while hi < len(words) - 1 and len(words[hi + 1]) > 1:
            hi += 1
        runs = sorted(((i, j) for i in range(lo, first + 1) for j in range(last + 1, hi + 2)),
                      key=lambda r: (r[0] - r[1], r[0]))
        best = next(((i, j) for i, j in runs if share(" ".join(words[i:j])) != 0.0), None)
        kept.append(" ".join(words[best[0]:best[1]]) if best else phrase)
    phrases = list(dict.fromkeys(kept or only_generic))
    rarity = {p: share(p) for p in phrases}  # the rarest first: the one a clause must name
    return tuple(sorted(phrases, key=lambda p: rarity[p] if rarity[p] is not None else 2.0))


def unsaid(topic: tuple[str, ...], share: Callable[[str], float | None]) -> tuple[str, ...]:
    """The topic's phrases no document of the collection says, when another phrase is said: the question's own
    way of putting it ('10的负6次方' for '10-6', '还剩一半活性' for '仍保持50%活性'). The documents that say the
    rest are listed, and the answer says these words stand in none ('文件中均未出现“…”'). A topic no document
    says at all is kept whole: nothing is claimed ('哪些文件提到了远程医疗'); so is a topic whose said phrases are
    all generic (more than half the documents use them: '产品' beside '免临床评价目录'): a mention of them is none."""
    absent = tuple(p for p in topic if share(p) == 0.0)
    telling_said = any((share(p) or 0.0) <= GENERIC_SHARE for p in topic if p not in absent)
    return absent if len(absent) < len(topic) and telling_said else ()


def is_verb(word: str) -> bool:
    return all(flag == "v" for flag in word_classes(word))


def is_activity(word: str) -> bool:
    """A word naming what is done ('防治', '建设', '接种'), as jieba tags it: verbs and verbal nouns only."""
    return all(flag in ("v", "vn", "vd") for flag in word_classes(word))


def is_noun(word: str) -> bool:
    return all(flag.startswith("n") and flag != "nr" or flag == "vn" and len(word) > 2 for flag in word_classes(word))


def _share_of_documents(phrase: str, context: AnswerContext, near: bool = False) -> float | None:
    """The share of documents holding the phrase ("w1 w2 …") as written, all of it together (its character pairs
    found apart are no mention of it). With `near`, as a clause must name it (`phrase_in`): its words in order close
    together, as a document writes the full form of a question's short one ('免 临床 评价 目录' in
    '免于进行临床评价医疗器械目录')."""
    if near:
        holding = could_hold(phrase, context.documents_with, context.idf)
        holds = lambda text: phrase_in(phrase, text, context.idf)
    else:  # of a phrase offering alternatives ('检查 或 筛查'), any written whole
        words = [alternative.replace(" ", "") for alternative in alternatives(phrase)]
        held = [context.documents_with(terms) if (terms := [t for t in tokens(word) if all(map(is_cjk, t))]) else None
                for word in words]
        holding = None if any(h is None for h in held) else set().union(*held)
        holds = lambda text: any(word in text for word in words)  # noqa: E731
    if holding is None or len(context.documents) < MIN_DOCUMENTS:
        return None
    return len({s for s in holding & set(context.documents) if holds(context.folded_document(s))}) / len(context.documents)


# A longer phrase, or more of them, describes what it looks for: its words, not others, are what is looked for.
KINDRED_WORDS = 3
KINDRED_PHRASES = 2


def _kindred(understood: Understood, context: AnswerContext, stating: list[Side], sides: list[Side],
             share: Callable[[str], float | None]) -> list[Side]:
    """Documents saying the topic in other words than the question's ('结核病防治' as '加强结核病等重大疾病防控',
    '疫苗接种率' as '…免费接种23价肺炎球菌疫苗…确保接种率超80%'): a sentence holding every word of a short topic
    but those naming an activity, what it is about, in a clause as close in meaning to the question
    as one that says the topic in its words. The activity over it ('防治', '建设') may be worded otherwise;
    what the activity is over may not ('孕产妇死亡率' is not said by '粗死亡率', '无菌保证水平' by '无菌状态').
    Jieba's word classes are what tell an activity: its nouns are too unevenly tagged ('中医馆' j/ng, '接种率' l)
    for a thing to be told by them."""
    topic = understood.query.topic
    if len(topic) > KINDRED_PHRASES or any(len(phrase.split()) > KINDRED_WORDS for phrase in topic):
        return []
    # all of them, generic or not ('无菌 保证 水平'); of two characters a word may stand inside another ('医养' in
    # '中医养生') or be half a compound ('动物' of '动物 试验', which jieba tags an activity): a term of three or more
    # that tells documents apart must be among them
    things = [w for phrase in topic for w in phrase.split() if len(w) >= 2 and not is_activity(w)]
    if not any(len(w) >= 3 and (share(w) or 0.0) <= GENERIC_SHARE for w in things):
        return []
    holds = lambda folded: any(all(w in sentence for w in things) for sentence in _SENTENCES.split(folded))  # noqa: E731
    floor = min(s.hit.dense for s in stating)
    # among the question's best candidates (ranking each other document's clauses cost 20–50 ms at 10⁴ parts)
    silent = {s.source for s in sides if s.hit is None}
    best: dict[str, Hit] = {}
    for hit in understood.retrieval.ranked:
        source = hit.clause.source
        if source in silent and source not in best and hit.dense >= floor and hit.places_ok \
                and (hit.years_ok or not understood.query.years) and holds(context.folded(hit.clause)):
            best[source] = hit
    return [replace(side, hit=best[side.source]) for side in sides if side.source in best]


_SENTENCES = re.compile(r"[。！？!?；;]")


def _stating_values(understood: Understood, context: AnswerContext, stating: list[Side]) -> list[Side]:
    """The documents stating the topic with a value the question states ('精密度评价周期举例为至少20天的', '不少于3家'),
    each with its best clause stating both: the value is part of what is looked for, and a document giving another
    ('为期至少12天') does not say it."""
    values = understood.query.asks.value_forms()
    with_value = lambda folded: any(v in folded for v in values)  # noqa: E731
    valued = []
    for side in stating:
        if with_value(context.folded(side.hit.clause)):
            valued.append(side)
            continue
        # as find_sides reads a mention: the title says the kind of document asked of every clause
        within = fold(context.documents[side.source].title).replace(" ", "") + "。"
        hit = first_stating(understood.query, understood.hits_in(side.source, with_value), context.documents,
                            context.idf, lambda clause, within=within: within + context.folded(clause), None,
                            mention=True)
        if hit is not None:
            valued.append(replace(side, hit=hit))
    return valued


def _position(phrase: str, asked: tuple[str, ...]) -> int:
    """Where the phrase (or the question's phrase telling_topic cut it from) stands in the question."""
    return next((n for n, p in enumerate(asked) if phrase in p or p in phrase), len(asked))


@register
class WhichDocuments:
    intent = Intent.WHICH_DOCUMENTS

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None:
        given = documents_given(understood, context.documents)
        if given is not None:  # '哪一份是2019年5月印发的', '哪些文件是市卫健委发的': told by the documents' own records
            return reverse_answer(understood, context, *given)
        if not understood.query.topic:
            return None
        # asked again of the same words by telling_topic (runs, then rarity) and unsaid: each counted once
        share = functools.cache(lambda phrase: _share_of_documents(phrase, context))
        topic = telling_topic(tuple(own_topic(understood.query)), share)  # a name in brackets is no second topic
        near = functools.cache(lambda phrase: _share_of_documents(phrase, context, near=True))
        absent = unsaid(topic, share)
        if not absent and all(share(p) == 0.0 for p in topic):  # none written whole: any in a fuller form?
            absent = unsaid(topic, near)
        asked = tuple(p for p in topic if p not in absent)
        named = bool(understood.named)
        # A question describing what it looks for in several phrases may put together what no clause does
        # ('卫健委等五部门联合公布的罕见病目录'): a phrase goes, one at a time, and the answer says which phrases no
        # clause holds together. Modifiers come before what is asked about (Chinese puts the head last:
        # '…公布的罕见病目录'), so the earliest phrase goes first.
        # A phrase no document says even in a fuller form never goes: what is left would be about something else
        # ('哪几份文件规定了呼吸机的注册申报要求' is not answered by the documents on 注册申报).
        said_order = sorted(asked, key=lambda p: _position(p, understood.query.topic))
        droppable: list[str] = []  # looked for in fuller forms only once the whole topic is found nowhere
        dropped = 0
        while True:
            kept = tuple(p for p in asked if p not in droppable[:dropped])  # still the rarest first
            understood = replace(understood, query=replace(understood.query, topic=kept))
            sources = understood.named if named else self._could_name(understood, context)
            sides = find_sides(understood, context, sources, mention=True, limit=None)
            stating = [s for s in sides if s.hit is not None]
            if stating or named or len(kept) <= 1:
                break
            droppable = droppable or [p for p in said_order if near(p) != 0.0]
            if dropped >= len(droppable):
                break
            dropped += 1
        kindred = [] if named or not stating else _kindred(understood, context, stating, sides, share)
        stating = stating + kindred
        unvalued = ()
        if understood.query.asks.values and stating:
            valued = _stating_values(understood, context, stating)
            stating, unvalued = (valued, ()) if valued else (stating, understood.query.asks.values)
        # The documents that say it, the best match first; the silent ones named in the question after them.
        sides = sorted(stating, key=lambda s: -s.hit.score) + [s for s in sides if s.hit is None]
        lead = f"共有{len(stating)}份文件提到“{topic_words(understood.query)}”："
        if stating and dropped:
            lead = f"没有文件在同一处同时提到“{'”与“'.join(p.replace(' ', '') for p in said_order)}”；" + lead
        if (absent or unvalued) and stating:
            lead = f"文件中均未出现“{'、'.join([*(p.replace(' ', '') for p in absent), *unvalued])}”的说法；" + lead
        return sides_answer(understood, context, sides, lead, Intent.WHICH_DOCUMENTS, silent_when_named=named,
                            quote_topic=True)

    @staticmethod
    def _could_name(understood: Understood, context: AnswerContext) -> list[str]:
        """Every document, less those that lack a bigram every clause naming the topic has."""
        topic = understood.query.topic  # with three phrases or more, only the first must be named (quorum)
        held = [None if aliased(phrase, understood.query.folded) else could_hold(phrase, context.documents_with, context.idf)
                for phrase in (topic[:1] if len(topic) >= 3 else topic)]  # a Latin name has no pairs to look up
        known = [h for h in held if h is not None]
        possible = set.intersection(*known) if known else None
        return sorted(s for s in context.documents if possible is None or s in possible)
