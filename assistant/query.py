"""Understanding a question: follow-ups, named clauses, places, years. Pure functions."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.textnorm import fold

_CN_NUM = "一二三四五六七八九十百零〇两"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A named clause: 第十一条 / 第三章 / 二（三）2 / （十一） / (十一)3 — folded text uses ASCII parens.
_CLAUSE_REF = re.compile(
    rf"第[{_CN_NUM}\d]+[条章节编]"
    rf"|[{_CN_NUM}]{{1,3}}[、]?\([{_CN_NUM}]{{1,4}}\)(?:\d{{1,3}})?"
    rf"|\([{_CN_NUM}]{{1,4}}\)(?:\d{{1,3}})?"
)
_FOLLOWUP_START = re.compile(r"^(那|那么|还有|另外|其中|它|其|该|这|此|上述|and\b|what about|how about|and what|what of)", re.I)
_ADMIN_SUFFIX = ("自治区", "自治州", "省", "市", "县", "区", "州")
_LEADING_PLACES = re.compile(r"^(?:\d{4}年)?((?:[\u4e00-\u9fff]{2,3}?(?:省|市|县|区))+)")


@dataclass(frozen=True)
class Query:
    text: str  # the question after follow-up resolution
    folded: str
    years: tuple[str, ...]
    clause_ref: str | None  # normalised like clause labels: "二（三）2", "（十一）", "第十一条"
    places: tuple[str, ...]  # place names in folded form, without admin suffix where possible


def is_followup(question: str) -> bool:
    """A turn that leans on the one before: '那2022年呢？', 'what about 2025?', '牵头科室是哪个？'."""
    q = fold(question).strip()
    content = re.sub(r"[\W_]+", "", q)
    return bool(_FOLLOWUP_START.match(q)) or q.rstrip("?？").endswith("呢") or len(content) <= 8


def merge_followup(previous: str, question: str) -> str:
    """Carry the earlier question's subject into a follow-up.

    A follow-up that only swaps a year ('那2022年呢？') becomes the earlier question with the
    new year; any other follow-up is appended to the earlier question.
    """
    new_years = _YEAR.findall(question)
    rest = re.sub(r"[\W_\d年]+|^那么?|呢$", "", _YEAR.sub("", fold(question)))
    rest = re.sub(r"^(那么?|and|whatabout|howabout)|呢$", "", rest, flags=re.I)
    if new_years and _YEAR.search(previous) and len(rest) <= 2:
        return _YEAR.sub(new_years[0], previous, count=1)
    return f"{previous} {question}"


def resolve_followups(question: str, history: list[str] | tuple[str, ...]) -> str:
    """The question as it would be asked on its own, given the earlier turns (oldest first)."""
    effective = ""
    for turn in [*history, question]:
        turn = turn.strip()
        if not turn:
            continue
        effective = merge_followup(effective, turn) if effective and is_followup(turn) else turn
    return effective


def clause_reference(folded: str) -> str | None:
    """A clause number named in the question, written the way labels are ('（十一）')."""
    m = _CLAUSE_REF.search(folded)
    if not m:
        return None
    ref = m.group().replace("、", "").replace("(", "（").replace(")", "）")
    return ref


def years(folded: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_YEAR.findall(folded)))


def strip_admin_suffix(name: str) -> str:
    for suffix in _ADMIN_SUFFIX:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def tagged_places(folded: str) -> list[str]:
    """Place names jieba recognises (tag ns), suffix stripped: '深圳市' → '深圳'."""
    return [strip_admin_suffix(w) for w, flag in _posseg().lcut(folded) if flag == "ns" and len(w) >= 2]


def leading_places(title: str) -> list[str]:
    """Places a title or issuer opens with: '大同市云州区县级…' → ['大同', '云州']."""
    m = _LEADING_PLACES.match(fold(title))
    if not m:
        return []
    return [strip_admin_suffix(p) for p in re.findall(r"[\u4e00-\u9fff]{2,3}?(?:省|市|县|区)", m.group(1))]


@lru_cache(maxsize=4096)
def pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name))


def make_query(question: str, history: list[str] | tuple[str, ...], known_places: frozenset[str]) -> Query:
    """Everything retrieval needs to know about a question."""
    text = resolve_followups(question, history)
    folded = fold(text)
    places = {p for p in tagged_places(folded)}
    places |= {p for p in known_places if p in folded or re.search(rf"\b{pinyin(p)}\b", folded)}
    return Query(text, folded, years(folded), clause_reference(folded), tuple(sorted(places)))
