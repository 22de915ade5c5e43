"""Places by their pinyin, for English questions ('What does Qinzhou plan…'): worked out when the index is built,
matched with one pattern at question time."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping


@lru_cache(maxsize=4096)
def pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name))


@dataclass(frozen=True, eq=False)
class Spellings:
    """The known places by their pinyin: one pattern finds any of them, as a whole word, in one scan of an
    English question, however many places the corpus knows."""

    pattern: re.Pattern | None
    places: dict[str, frozenset[str]]  # spelling -> the places spelt so
    of: dict[str, str]  # place -> its spelling


def spellings(places: Iterable[str], spelled: Mapping[str, str] | None = None) -> Spellings:
    """The places' pinyin from `spelled` (worked out when the index was built, so serving need not load
    pypinyin: 49 MB, 0.3 s) or, for a place it lacks, from pypinyin."""
    of = {p: (spelled or {}).get(p) or pinyin(p) for p in places}
    by_spelling: dict[str, set[str]] = {}
    for place, spelling in of.items():
        by_spelling.setdefault(spelling, set()).add(place)
    names = sorted((s for s in by_spelling if s), key=lambda s: (-len(s), s))
    pattern = re.compile(r"(?<![a-z])(" + "|".join(map(re.escape, names)) + r")(?![a-z])") if names else None
    return Spellings(pattern, {s: frozenset(p) for s, p in by_spelling.items()}, of)


@lru_cache(maxsize=8)
def cached_spellings(places: frozenset[str]) -> Spellings:
    """spellings(places), once per set of places (questions asked without a prepared set: tests, tools)."""
    return spellings(places)
