"""The target record and the lookup a figure question needs (pure)."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator, Sequence

from assistant.models import collection_of, in_collection
from assistant.textnorm import fold

KINDS = ("target", "baseline", "achieved")
KIND_NAMES = {"target": "目标", "baseline": "基期", "achieved": "实际"}
STATEMENTS = ("list", "sentence", "table")  # how the figure is stated: an item of a list, a sentence, a table cell


@dataclass(frozen=True)
class Target:
    """One quantified statement of a document: `document.text[start:end] == value`, always."""

    source: str
    label: str  # the clause it stands in ("二（二）4", "表1行3")
    indicator: str  # as written ("孕产妇死亡率")
    scope: str  # the population or unit it applies to ("全县", "区人民医院", "15岁以上人群"), or ""
    year: str  # "2022", "2019—2022", "每年", "十四五", or "" when the text states none
    value: str  # as written ("18/10 万", "95%以上", "≥22")
    number: float  # 18/10万 -> 18.0; ranges -> lower bound; 30万 -> 30.0 (万 stays in unit)
    unit: str
    comparator: str  # "=", ">=", "<=", "~"
    kind: str  # one of KINDS
    property: str  # 约束性 / 预期性 / 倡导性 when a table gives it, else ""
    start: int
    end: int
    statement: str = "sentence"  # one of STATEMENTS

    @property
    def collection(self) -> str:
        return collection_of(self.source)

    @property
    def folded(self) -> str:
        """The indicator as matched: script-folded, units in brackets and spaces dropped."""
        return fold_indicator(self.indicator)

    def to_json(self) -> dict:
        """The stable record of `indicators --json`."""
        return {"source": self.source, "collection": self.collection, **{k: v for k, v in asdict(self).items() if k != "source"},
                "folded": self.folded}


def fold_indicator(name: str) -> str:
    folded = fold(name)
    folded = re.sub(r"\((?:%|‰|[^()]{0,6}(?:万|人|g|岁|个|名|张|元|种)[^()]{0,3})\)", "", folded)  # 婴儿死亡率(‰)
    return re.sub(r"[\s“”\"'《》]", "", folded)


class Targets(Sequence[Target]):
    """Every target of a generation, in document order, with the look-ups answering will need."""

    def __init__(self, records: Iterable[Target]):
        self.records = tuple(records)
        self._by_source: dict[str, list[Target]] = {}
        for t in self.records:
            self._by_source.setdefault(t.source, []).append(t)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i):
        return self.records[i]

    def __iter__(self) -> Iterator[Target]:
        return iter(self.records)

    def targets_of(self, source: str) -> tuple[Target, ...]:
        return tuple(self._by_source.get(source, ()))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self._by_source)

    def select(self, document: str = "", collection: str = "", year: str = "", text: str = "",
               kind: str = "") -> list[Target]:
        """The records a table shows: of one document (its name, or the end of its path), in a collection (with its
        sub-folders), of a year, whose indicator or scope contains `text` (folded), of one kind."""
        wanted = fold_indicator(text) if text else ""
        out = []
        for t in self.records:
            if document and t.source != document and not t.source.endswith("/" + document):
                continue
            if collection and not in_collection(t.source, collection):
                continue
            if year and t.year != year:
                continue
            if kind and t.kind != kind:
                continue
            if wanted and wanted not in t.folded and wanted not in fold_indicator(t.scope):
                continue
            out.append(t)
        return out

    def find(self, indicator: str, year: str = "", scope: str = "", sources: Iterable[str] | None = None) -> list[Target]:
        """The records of an indicator (by folded name: equal first, then one containing the other, then sharing
        most characters), of `year` and `scope` when given, best match first: what a figure question asks."""
        wanted = fold_indicator(indicator)
        if not wanted:
            return []
        pool = self.records if sources is None else [t for s in sources for t in self.targets_of(s)]
        scored = []
        for t in pool:
            if year and t.year != year:
                continue
            if scope and fold_indicator(scope) not in fold_indicator(t.scope) + t.folded:
                continue
            score = similarity(wanted, t.folded)
            if score >= 0.6:
                scored.append((-score, t.source, t.start, t))
        return [t for *_, t in sorted(scored, key=lambda s: s[:3])]

    def years_of(self, indicator: str, sources: Iterable[str] | None = None) -> list[str]:
        """The years the documents state for an indicator: what a refusal says is there ("只给出了2022年和2030年的目标")."""
        return sorted({t.year for t in self.find(indicator, sources=sources) if t.year})


def similarity(a: str, b: str) -> float:
    """1.0 for the same name, 0.9 when one contains the other, else the share of the shorter's bigrams in the other."""
    if a == b:
        return 1.0
    if a and b and (a in b or b in a):
        return 0.9
    grams = lambda s: {s[i:i + 2] for i in range(len(s) - 1)} or {s}
    ga, gb = grams(a), grams(b)
    return 0.85 * len(ga & gb) / min(len(ga), len(gb)) if ga and gb else 0.0
