"""Domain records shared by every layer. Small, frozen, defined once."""
from __future__ import annotations

from dataclasses import dataclass, field

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Document:
    """One source file and the metadata found in it."""

    source: str  # file name inside the corpus folder, e.g. "000_a7ee23972fa017a8.txt"
    title: str
    text: str  # the decoded file text; every offset points into it
    sha256: str  # of the file's bytes, for the index manifest
    issuer: str | None = None  # 发文单位 / 发布机构 / signature
    date: str | None = None  # 发文日期 / signature date
    doc_number: str | None = None  # 文号, e.g. 欽衛發〔2019〕14號
    index_number: str | None = None  # 索引号


@dataclass(frozen=True)
class Clause:
    """A numbered (or headed) unit of a document, or one part of an over-long one.

    `text == document.text[start:end]` always holds: the original characters.
    """

    source: str
    label: str  # short number path, e.g. "二（二）4"
    path: tuple[str, ...]  # headings from the top down to this clause, e.g. ("二、重点任务", "（二）…", "4.加强专科能力建设")
    title: str
    text: str
    start: int
    end: int
    part: int = 0  # index of this part when a clause was split
    parts: int = 1

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.source, self.start, self.end)


@dataclass(frozen=True)
class Citation:
    """A clause offered as evidence for an answer."""

    clause: Clause
    document_title: str
    score: float
    quotes: tuple[tuple[int, int], ...] = ()  # (start, end) of the answering sentence(s) in the file

    @property
    def source(self) -> str:
        return self.clause.source

    @property
    def start(self) -> int:
        return self.clause.start

    @property
    def end(self) -> int:
        return self.clause.end

    def to_json(self) -> dict:
        c = self.clause
        return {
            "source": c.source,
            "label": c.label,
            "path": c.path_text,
            "title": self.document_title,
            "clause_title": c.title,
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "score": round(float(self.score), 4),
            "quotes": [list(q) for q in self.quotes],
        }


@dataclass(frozen=True)
class Answer:
    """What the assistant says to one question."""

    question: str
    text: str
    found: bool
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    effective_question: str = ""  # the question after follow-up resolution

    def to_json(self) -> dict:
        return {
            "answer": self.text,
            "found": self.found,
            "citations": [c.to_json() for c in self.citations],
        }
