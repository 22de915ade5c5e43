"""Whether a text mentions a topic phrase: its words in one place, as a reader would say it mentions it. Pure
functions over folded text; which documents could mention it at all, from the stored postings."""
from __future__ import annotations

import re
from typing import Callable

from assistant.answering.figure_checks import word_in
from assistant.query import word_classes
from assistant.textnorm import is_cjk, tokens

Idf = Callable[[str], float]


# A conjunction offering alternatives inside one phrase ('检查 或 筛查', '对比 或 参考 方法').
_OR = frozenset({"或", "或者"})


def alternatives(phrase: str) -> list[str]:
    """The phrases a phrase offering alternatives stands for, any one of which is a mention of it: '检查 或 筛查' →
    检查, 筛查; a word shared by both sides goes with each: '宫颈癌 检查 或 筛查' → 宫颈癌 检查, 宫颈癌 筛查 (one word
    after the conjunction replaces the last before it), '对比 或 参考 方法' → 对比 方法, 参考 方法 (one word before it
    replaces the first after it); '远程 医疗 或 互联网 医院' → 远程 医疗, 互联网 医院. A phrase without one: itself."""
    words = phrase.split()
    at = next((i for i, w in enumerate(words) if w in _OR), None)
    if at is None:
        return [phrase]
    left, right = words[:at], words[at + 1:]
    if not left or not right:
        sides = [left or right]
    elif len(right) == 1 and len(left) > 1:
        sides = [left, left[:-1] + right]
    elif len(left) == 1 and len(right) > 1 and not any(w in _OR for w in right):
        sides = [left + right[1:], right]
    elif len(right) > 1 and _verb(left[-1]) and _verb(right[0]) and not any(w in _OR for w in right):
        # two verbs either side, qualifying what follows: the words before and after go with each ('测序 方法 作为
        # 对比 或 参考 方法' → …作为 对比 方法, …作为 参考 方法); two nouns are whole alternatives ('远程 医疗 或 …')
        sides = [left + right[1:], left[:-1] + right]
    else:
        sides = [left, right]
    found = [alt for side in sides if side for alt in alternatives(" ".join(side))]
    return list(dict.fromkeys(found)) or [phrase]


def _verb(word: str) -> bool:
    return all(flag == "v" for flag in word_classes(word))


def phrase_in(phrase: str, folded_text: str, idf: Idf | None = None, strict: bool = True) -> bool:
    """A topic phrase, or one of its alternatives ('检查 或 筛查'), is in the text (`_one_phrase_in`)."""
    if phrase.replace(" ", "") in folded_text:
        return True
    return any(_one_phrase_in(alternative, folded_text, idf, strict) for alternative in alternatives(phrase))


def _one_phrase_in(phrase: str, folded_text: str, idf: Idf | None = None, strict: bool = True) -> bool:
    """A topic phrase stands in the text whole, or its words stand close together.

    '重点 人群 签约 覆盖率' is in '…重点人群家庭医生签约覆盖率…'; '互联网 医院' is not in
    '…预约医院专家…探索“互联网+家庭医生服务平台”…'. A word of three characters or more counts
    when its character pairs stand there ('中医院' in '中医医院'). Given `idf`, a phrase of three
    words or more may miss one, unless it is its most telling ('家庭医生 总体 签约率' is answered by
    '…家庭医生签约…签约率87.5%'; '县级 区域 医疗次 中心' is not by '省级区域医疗中心'), or its last, the head of
    the compound, written nowhere even in part ('建设 智慧 医院' is not in '推进智慧医疗工程…建设'). The words
    stand in one sentence: '建设 智慧 医院' is not in '…综合医院设立老年病科。推动建设…。…开展智慧健康养老…'.

    Not `strict`, as when a document is to be called silent on a topic, the words need only stand near each other
    in any order, and the head of the compound may be missing too: strict to claim a mention, lenient to deny one.
    """
    if not strict:  # '床位数' is said by '床位达到3.5张/千人', '托位数量' by '新增托位90个': the count is the measure
        phrase = _MEASURE_END.sub("", phrase)
    whole = phrase.replace(" ", "")
    if whole in folded_text:
        return True
    words = phrase.split()
    # two words stand in order, almost together: '远程…医疗' far apart, or '中国…健康', is another thing; so do two
    # after a lone character governing them ('建 智慧 医院' is not in '…公立医院智慧化水平')
    pair = words if len(words) == 2 else words[-2:] if strict and all(len(w) == 1 for w in words[:-2]) else []
    if len(pair) == 2 and all(len(w) > 1 for w in pair) or len(words) == 2:
        return re.search(re.escape(pair[0]) + ".{0,4}" + re.escape(pair[1]), folded_text) is not None
    window = 3 * len(whole) + 10  # a longer description may spread over its clause
    # where to look: the longest word; not strict, any word, as the longest may be the one missing
    heads = [max(words, key=len)[:2]] if strict else list(dict.fromkeys(w[:2] for w in words if len(w) >= 2))
    anchors = sorted({m.start() for head in heads for m in re.finditer(re.escape(head), folded_text)})
    near = (lambda at: _sentence_around(folded_text, at, window)) if strict else \
        (lambda at: folded_text[max(0, at - window): at + window])
    return any(_words_near(words, near(at), idf, strict) for at in anchors)


# A count closing a phrase, after a stem of two characters or more: what is counted is the stem.
_MEASURE_END = re.compile(r"(?<=[\u4e00-\u9fff]{2})\s*(?:数量|数目|个数|数)$")
_SENTENCE_END = re.compile(r"[。!?]")  # as textnorm.sentence_spans ends one


def is_thing(word: str) -> bool:
    """A noun naming a thing ('医院', '医学生'), not an activity ('建设', 'vn'), as jieba tags it."""
    return all(flag.startswith("n") and flag != "nr" for flag in word_classes(word))


def _sentence_around(folded_text: str, at: int, window: int) -> str:
    """The window around `at`, within the sentence holding it: words of a description spread over two sentences
    describe nothing ('…综合医院设立老年病科。推动建设…。…开展智慧健康养老…' names no 智慧医院)."""
    start = max(0, at - window)
    ends_before = [m.end() for m in _SENTENCE_END.finditer(folded_text, start, at)]
    after = _SENTENCE_END.search(folded_text, at, at + window)
    return folded_text[ends_before[-1] if ends_before else start: after.start() if after else at + window]


def phrase_terms(phrase: str) -> list[str]:
    """The CJK bigrams (a one-character word: its character) that every text in which `phrase_in`,
    asked without idf, finds the phrase holds: those of each of its words of two or more characters
    (of every word when none is that long). The whole phrase, two words in order and the nearby-words
    test each need all of those words, or (`_word_in`) all their character pairs. Of a phrase offering
    alternatives, those every alternative needs."""
    options = alternatives(phrase)
    if len(options) > 1:
        shared = set.intersection(*(set(phrase_terms(option)) for option in options))
        return [t for t in phrase_terms(options[0]) if t in shared]
    words = phrase.split()
    words = [w for w in words if len(w) >= 2] or words
    return [t for w in words for t in tokens(w) if all(is_cjk(ch) for ch in t)]


def _words_near(words: list[str], near: str, idf: Idf | None, strict: bool = True) -> bool:
    """The words stand in the window. A lone character ('医 联体', '医院 创 三级') is not required."""
    words = [w for w in words if len(w) >= 2] or words
    missing = [w for w in words if not word_in(w, near)]
    if not missing:
        return True
    if idf is None or len(words) < 3 or len(missing) > 1:
        return False
    # a noun heading the compound the phrase names is written, in part at least ('医学生' in '医学毕业生'); an
    # activity over it need not be ('急救 体系 建设' is in '…纳入…紧急医学救援体系,改善…急救硬件条件')
    head = words[-1]
    if strict and missing[0] == head and is_thing(head) and not any(head[i:i + 2] in near
                                                                  for i in range(len(head) - 1)):
        return False
    if not strict and len(words) >= 4:  # a long description all but one of whose words stand there is no silence
        return True
    weight = {w: sum(map(idf, tokens(w))) / max(len(tokens(w)), 1) for w in words}
    return weight[missing[0]] < max(weight.values())


def could_hold(phrase: str, documents_with: Callable[[list[str]], set[str] | None], idf: Idf | None = None) -> set[str] | None:
    """The documents in which `phrase_in(phrase, …, idf)` could find the phrase: those holding every bigram of
    its words or, when idf lets a phrase of three words miss one, of all its words but one. None: the stored
    postings cannot tell (no CJK bigram to look up). Of a phrase offering alternatives, those that could hold any."""
    options = alternatives(phrase)
    if len(options) > 1:
        held = [could_hold(option, documents_with, idf) for option in options]
        return None if any(h is None for h in held) else set().union(*held)
    words = [w for w in phrase.split() if len(w) >= 2] or phrase.split()
    ways = [words[:i] + words[i + 1:] for i in range(len(words))] if idf is not None and len(words) >= 3 else [words]
    found: set[str] = set()
    for way in ways:
        terms = [t for w in way for t in tokens(w) if all(is_cjk(ch) for ch in t)]
        held = documents_with(terms) if terms else None
        if held is None:
            return None
        found |= held
    return found
