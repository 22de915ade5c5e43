"""Follow-ups: a turn that leans on the ones before it ('那2022年呢？', '婴儿死亡率呢？', '那广州2023年定的目标是
多少？'), turned into the question as it would be asked on its own. Pure functions; the words a topic is made of
and the question's frame come from assistant.query, which calls resolve_followups when it makes a Query."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from assistant import query as words
from assistant.textnorm import fold

_FOLLOWUP_START = re.compile(r"^(那|那么|还有|另外|其中|它|其|该|这|此|上述|and\b|what about|how about|and what|what of)", re.I)


# '…又是多少', '…又怎么规定的': the same asked again, of something the turn names
_AGAIN = re.compile(r"又(?:是|有|要|定|怎么|如何|多少|该)")


def is_followup(question: str) -> bool:
    """A turn that leans on the one before: '那2022年呢？', 'what about 2025?', '牵头科室是哪个？'."""
    q = fold(question).strip()
    return says_it_leans(question) or len(re.sub(r"[\W_]+", "", q)) <= 8


def says_it_leans(question: str) -> bool:
    """A turn whose words say it leans on the one before ('那…', '其中…', '…呢？', '…又是多少'), whatever its length."""
    q = fold(question).strip()
    return bool(_FOLLOWUP_START.match(q)) or q.rstrip("?？").endswith("呢") or bool(_AGAIN.search(q))


@dataclass(frozen=True)
class Turn:
    """A question as it would be asked on its own, and the earlier turn it leans on."""

    text: str
    context: str = ""
    focus: str = ""  # a follow-up's own words, when it brings a subject of its own


def _own_words(question: str) -> str:
    """What a follow-up says beyond its cue words, years and punctuation: '那2022年呢？' → ''."""
    rest = re.sub(r"[\W_\d年]+", "", words._YEAR.sub("", fold(question)))
    return re.sub(r"^(那么?|还有|另外|and|whatabout|howabout)|呢$", "", rest, flags=re.I)


# How a figure is to move, the frame of a figure question ('到2030年要控制在多少以下'), not what it is about.
_MOVES = re.compile(r"低于|高于|超过|降到|降至|降低到|下降到|提高到|提升到|增加到|控制在|保持在|做到|达到")


def _without(text: str, places: list[str]) -> str:
    """`text` less the places it names ('木垒那边实际做到多少了' → '那边实际做到多少了')."""
    for place in places:
        text = re.sub(rf"{re.escape(place)}(?:{'|'.join(words._ADMIN_SUFFIX)})?", "", text)
    return text


def _names_nothing(own: str) -> bool:
    """A turn's own words name nothing to be about: '到要低于多少', '要控制在多少以下'."""
    return not words.topic_phrases(fold(_MOVES.sub("", own)))


# Which of an indicator's figures a question asks (answering.figure_records reads them from the resolved text).
_KIND = re.compile(r"基期水平|基期值|基期|基线|现状值?|目标值|目标|实际值?|完成值")
_SHORT_NOUN = 4  # characters: a follow-up this short after a figure question names another thing to count

_WHOLE_OF_PLACE = re.compile(r"全(?:省|市|县|区|州|国)(?=[\u4e00-\u9fff])")



def merge_followup(previous: Turn, question: str, places: list[str],
                   swap_document: Callable[[str, str], str | None] = lambda previous, question: None,
                   new_places: list[str] = ()) -> Turn:
    """Carry the earlier turn's subject into a follow-up.

    '那2022年呢？' becomes the earlier question with the new year. A follow-up that asks something
    more of the same subject ('具体呢？', '目标呢？') joins the earlier question. One with a subject
    of its own ('那村医呢？', '组织实施阶段呢？') keeps it, takes the places the conversation is
    about, and leans on the earlier turn as context.
    """
    new_years = words._YEAR.findall(question)
    own = _own_words(question)
    fresh = [p for p in new_places if p not in places]
    rest = _without(own, fresh)
    if fresh and not words.topic_phrases(fold(rest)):
        # '那广州2023年定的目标是多少？', '钦州当时定的2019年底目标又是多少': the earlier question of that place (and year)
        text = _WHOLE_OF_PLACE.sub("", fold(previous.text))  # '全省' was the earlier place's whole
        text = text.replace(places[0], fresh[0], 1) if places and places[0] in text else f"{fresh[0]} {text}"
        if new_years:
            text = (words._YEAR.sub(new_years[0], text, count=1) if words._YEAR.search(text)
                    else f"{new_years[0]}年 {text}")
        kinds = _KIND.findall(fold(question))  # '木垒那边实际做到多少了？': what was achieved there
        return Turn(" ".join([_KIND.sub("", text) if kinds else text, *kinds]), previous.context)
    if new_years and words._YEAR.search(previous.text) and (len(own) <= 2 or _names_nothing(own)):
        # '那2022年呢？', '到2030年要低于多少': the earlier question of that year
        return Turn(words._YEAR.sub(new_years[0], previous.text, count=1), previous.context)
    if words.ASKS_FIGURE.search(fold(previous.text)) and _names_nothing(own) and (new_years or _KIND.search(own)):
        # '那2022年的目标值呢' after '…婴儿死亡率的基期水平是多少？': the earlier question's figure, of that year and kind
        text = _KIND.sub("", previous.text)
        if new_years:
            text = words._YEAR.sub(new_years[0], text, count=1) if words._YEAR.search(text) else text
        return Turn(f"{text} {question}", previous.context)
    swapped = _with_clause_of(previous.text, question)
    if swapped is not None:  # '那（三）13呢？' after '…的二（二）4讲什么': the other clause, not both
        return Turn(swapped, previous.context)
    swapped = swap_document(previous.text, question)
    if swapped is not None:  # '那胰岛素的呢？' after a question about C肽's guideline: the same, of 胰岛素's
        swapped = _without(swapped, places)  # the earlier question's place named its document, which this replaces
        if new_years and words._YEAR.search(swapped):  # '健康中国行动2022年的呢？': of that one, and that year
            swapped = words._YEAR.sub(new_years[0], swapped, count=1)
        elif new_years:  # the earlier question said no year ('今年'): the one this turn names
            swapped = f"{new_years[0]}年 " + re.sub(r"今年|明年|去年|当年", "", swapped)
        return Turn(swapped, previous.context)
    if len(own) <= 4 and not words.topic_phrases(fold(own)):
        return Turn(f"{previous.text} {question}", previous.context)
    if words.ASKS_FIGURE.search(fold(previous.text)) and not words.ASKS_FIGURE.search(fold(question)) and (
            words.MEASURE_END.search(own) or len(own) <= _SHORT_NOUN):
        # '5岁以下儿童死亡率呢？' after '…孕产妇死亡率2030年目标是多少？', '床位呢' after '…医疗卫生机构有多少个？':
        # the same figure of another indicator or thing counted, that year
        years = new_years or words._YEAR.findall(previous.text)[:1]
        return Turn(" ".join([question, *places, *(f"{y}年" for y in years), "是多少"]), _leaned_on(previous), own)
    return Turn(" ".join([question, *places]), _leaned_on(previous), own)


def _leaned_on(previous: Turn) -> str:
    """The context a follow-up with a subject of its own leans on: the turn before, and what that one leaned on in
    turn ('这份指导原则是正式发布的吗？' after '它需不需要做临床评价？' after a question naming the guideline)."""
    return f"{previous.text} {previous.context}" if previous.context else previous.text


def _clause_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names clause numbers, found on its folded form (folding keeps one character for one;
    when it does not, nothing is found rather than a wrong span)."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    return sorted(m.span() for pattern in (words._CLAUSE_REF, words._ARABIC_REF) for m in pattern.finditer(folded))


def _with_clause_of(previous: str, question: str) -> str | None:
    """The earlier question with its clause number replaced by the one a follow-up names, when the follow-up
    names one and nothing else of substance ('那（三）13呢？', '第十一条呢'); otherwise None."""
    theirs, ours = _clause_spans(previous), _clause_spans(question)
    if not theirs or not ours:
        return None
    rest = question[:ours[0][0]] + question[ours[-1][1]:]
    if len(_own_words(rest)) > 2:
        return None
    start, end = theirs[0]
    return previous[:start] + question[ours[0][0]:ours[-1][1]] + previous[end:]


def resolve_followups(question: str, history, places_in,
                      swap_document: Callable[[str, str], str | None] = lambda previous, question: None,
                      about_same_document: Callable[[str, str], bool] = lambda previous, question: False) -> Turn:
    """The question as it would be asked on its own, given the earlier turns (oldest first).

    A turn leans on the one before when it says so ('那…', '…呢？', very short) or, being
    short, names no place itself while the conversation is about one, or names no document while the earlier turn
    named one that says what this turn asks (`about_same_document`: '线性范围下限不高于多少？' after a question on the
    胰岛素 guideline). (The documents the earlier turn named by title are named by the follow-up's context:
    retrieval.Retriever._named_by_title.)
    """
    current: Turn | None = None
    for turn in [*history, question]:
        turn = turn.strip()
        if not turn:
            continue
        if current is None:
            current = Turn(turn)
            continue
        places = places_in(current.text)
        # it says so, or it names no place while the conversation is about one, or it asks a figure of nothing
        # ('到2030年要低于多少', '木垒那边实际做到多少了？'; a clause it names is something: '…的二（二）4讲什么')
        short = len(_own_words(turn)) <= 15
        leans = not words._ACROSS_DOCUMENTS.search(fold(turn)) and (
            is_followup(turn) or (places and not places_in(turn) and short)
            or (short and not places_in(turn) and about_same_document(current.text, turn))
            or (words.ASKS_FIGURE.search(fold(turn)) and not _clause_spans(turn)
                and _names_nothing(_without(_own_words(turn), places_in(turn)))))
        current = merge_followup(current, turn, places, swap_document, places_in(turn)) if leans else Turn(turn)
    return current or Turn(question)
