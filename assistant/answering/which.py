"""Which-documents answers: every document that says something, each with its best clause cited."""
from __future__ import annotations

import functools
from dataclasses import replace
from typing import Callable

from assistant.answering.base import AnswerContext, Understood, register
from assistant.answering.checks import phrase_terms
from assistant.answering.metadata import documents_given, reverse_answer
from assistant.answering.sides import find_sides, sides_answer, topic_words
from assistant.models import Answer, Intent
from assistant.query import word_classes
from assistant.textnorm import is_cjk, tokens

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
    kept, only_generic = [], []
    for phrase in topic:
        words = phrase.split()
        # a noun stays: at a phrase's end it heads the compound the phrase names ('长期 护理 保险')
        telling = [n for n, w in enumerate(words) if not generic(w) or is_noun(w)]
        if not telling:
            only_generic.append(phrase)
            continue
        first, last = telling[0], telling[-1]
        runs = sorted(((i, j) for i in range(first + 1) for j in range(last + 1, len(words) + 1)),
                      key=lambda r: (r[0] - r[1], r[0]))
        best = next(((i, j) for i, j in runs if share("".join(words[i:j])) != 0.0), None)
        kept.append(" ".join(words[best[0]:best[1]]) if best else phrase)
    phrases = list(dict.fromkeys(kept or only_generic))
    rarity = {p: share(p.replace(" ", "")) for p in phrases}  # the rarest first: the one a clause must name
    return tuple(sorted(phrases, key=lambda p: rarity[p] if rarity[p] is not None else 2.0))


def unsaid(topic: tuple[str, ...], share: Callable[[str], float | None]) -> tuple[str, ...]:
    """The topic's phrases no document of the collection says, when another phrase is said: the question's own
    way of putting it ('10的负6次方' for '10-6', '还剩一半活性' for '仍保持50%活性'). The documents that say the
    rest are listed, and the answer says these words stand in none ('文件中均未出现“…”'). A topic no document
    says at all is kept whole: nothing is claimed ('哪些文件提到了远程医疗')."""
    absent = tuple(p for p in topic if share(p.replace(" ", "")) == 0.0)
    return absent if len(absent) < len(topic) else ()


def is_noun(word: str) -> bool:
    return all(flag.startswith("n") and flag != "nr" or flag == "vn" and len(word) > 2 for flag in word_classes(word))


def _share_of_documents(word: str, context: AnswerContext) -> float | None:
    """The share of documents holding the word as written, all of it together (its character pairs found
    apart are no mention of it)."""
    terms = [t for t in tokens(word) if all(is_cjk(ch) for ch in t)]
    holding = context.documents_with(terms) if terms else None
    if holding is None or len(context.documents) < MIN_DOCUMENTS:
        return None
    holding = {s for s in holding & set(context.documents) if word in context.folded_document(s)}
    return len(holding) / len(context.documents)


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
        share = functools.cache(lambda word: _share_of_documents(word, context))
        topic = telling_topic(understood.query.topic, share)
        absent = unsaid(topic, share)
        topic = tuple(p for p in topic if p not in absent)
        understood = replace(understood, query=replace(understood.query, topic=topic))
        named = bool(understood.named)
        sources = understood.named if named else self._could_name(understood, context)
        sides = find_sides(understood, context, sources, mention=True, limit=None)
        stating = [s for s in sides if s.hit is not None]
        # The documents that say it, the best match first; the silent ones named in the question after them.
        sides = sorted(stating, key=lambda s: -s.hit.score) + [s for s in sides if s.hit is None]
        lead = f"共有{len(stating)}份文件提到“{topic_words(understood.query)}”："
        if absent and stating:
            lead = f"文件中均未出现“{'、'.join(p.replace(' ', '') for p in absent)}”的说法；" + lead
        return sides_answer(understood, context, sides, lead, Intent.WHICH_DOCUMENTS, silent_when_named=named,
                            quote_topic=True)

    @staticmethod
    def _could_name(understood: Understood, context: AnswerContext) -> list[str]:
        """Every document, less those that lack a bigram every clause naming the topic has."""
        topic = understood.query.topic  # with three phrases or more, only the first must be named (quorum)
        terms = [t for phrase in (topic[:1] if len(topic) >= 3 else topic) for t in phrase_terms(phrase)]
        possible = context.documents_with(terms) if terms else None
        return sorted(s for s in context.documents if possible is None or s in possible)
