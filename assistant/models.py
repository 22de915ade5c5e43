"""Domain records shared by every layer. Small, frozen, defined once."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import Enum

PATH_SEPARATOR = " › "

# The metadata fields a document may carry, in display order, with their Chinese names.
META_NAMES = {"title": "标题", "issuer": "发文单位", "date": "日期", "doc_number": "文号", "index_number": "索引号",
              "attachment": "附件序号", "adopted": "通过会议", "effective": "施行日期", "drafter": "起草单位",
              "status": "文件状态"}


def collection_of(source: str) -> str:
    """The folders a document lies in, as staff name them: '法规库/本地文件/x.pdf' -> '法规库 › 本地文件'
    ('' for a file directly in the corpus folder)."""
    return PATH_SEPARATOR.join(source.split("/")[:-1])


def in_collection(source: str, prefix: str) -> bool:
    """Whether a document lies in the collection `prefix` names ('法规库' or '法规库/本地文件', with '/', ' › '
    or '›' between folders), or in one of its sub-folders; the empty prefix is the whole library."""
    wanted = [p.strip() for p in prefix.replace("›", "/").split("/") if p.strip()]
    return source.split("/")[:-1][:len(wanted)] == wanted


@dataclass(frozen=True)
class MetaField:
    """One metadata value as it stands in the file: `value == document.text[start:end]`."""

    name: str  # a key of META_NAMES
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One source file and the metadata found in it."""

    source: str  # path inside the corpus folder, '/'-separated, e.g. "000_a7ee23972fa017a8.txt", "2018-01-16/x.doc"
    title: str
    text: str  # the decoded file text; every offset points into it
    sha256: str  # of the file's bytes, for the index manifest
    issuer: str | None = None  # 发文单位 / 发布机构 / signature
    date: str | None = None  # 发文日期 / signature date
    doc_number: str | None = None  # 文号, e.g. 欽衛發〔2019〕14號
    index_number: str | None = None  # 索引号
    fields: tuple[MetaField, ...] = ()  # where each metadata value stands in `text`, for exact citations
    pages: tuple[int, ...] = ()  # offset in `text` where each page starts, for paged formats (PDF)
    ocr_pages: tuple[int, ...] = ()  # 1-based pages whose text was recognised from an image

    def field(self, name: str) -> MetaField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def collection(self) -> str:
        return collection_of(self.source)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, or None for a document without pages."""
        if not self.pages:
            return None
        return max(1, bisect_right(self.pages, offset))

    def is_ocr(self, offset: int) -> bool:
        """Whether the text at `offset` was recognised from a page image (OCR)."""
        page = self.page_at(offset)
        return page is not None and page in self.ocr_pages


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
    page: int = 0  # 1-based page where the clause starts, for paged formats (PDF); 0 for the rest
    ocr: bool = False  # its text was recognised from a page image

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
            "collection": collection_of(c.source),
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


class Intent(str, Enum):
    """What a question asks for; each has one answering strategy (assistant/answering/)."""

    LOOKUP = "lookup"  # what a document says about something
    FIGURE = "figure"  # a target figure, percentage, date or count
    OUTLINE = "outline"  # the parts of a document or of one of its headings
    METADATA = "metadata"  # title, issuer, date, 文号 of a document, or the documents with a given one
    WHICH_DOCUMENTS = "which_documents"  # every document that says something
    COMPARISON = "comparison"  # what each of several named documents says
    SUMMARY = "summary"  # a document's structure and key figures
    CLAUSE_REF = "clause_ref"  # a clause named by its number
    CONVERSATION = "conversation"  # greetings, thanks, "what can you do"


@dataclass(frozen=True)
class AnswerItem:
    """One entry of a list answer (a part of an outline, a document that says it, one side of a comparison)."""

    text: str  # the entry as shown, without its citation marks
    citations: tuple[int, ...] = ()  # 1-based numbers into Answer.citations


@dataclass(frozen=True)
class Prose:
    """A language model's wording of a found answer, after the figure and citation check.

    `text` holds only sentences that cite given clauses ([n] marks into Answer.citations) and state only
    figures those clauses state; it is empty when the answer fell back to the extractive one. A Prose
    with `done=False` is a stream's state so far (the sentences checked up to now).
    """

    text: str
    done: bool = True
    fell_back: bool = False  # the extractive answer stands alone: the model failed, or its text failed the check
    notice: str = ""  # one line for the reader: why it fell back, or how many sentences were dropped
    generated: int = 0  # sentences the model wrote
    dropped: tuple[tuple[str, str], ...] = ()  # (sentence, why it was dropped)
    error: str = ""  # the endpoint's failure, for logs (the notice says it for readers)
    received: int = 0  # characters received from the model so far (progress while nothing is checked yet)

    def to_json(self) -> dict:
        return {"text": self.text, "fell_back": self.fell_back, "notice": self.notice, "generated": self.generated,
                "dropped": [{"sentence": s, "reason": r} for s, r in self.dropped], "error": self.error}


@dataclass(frozen=True)
class Answer:
    """What the assistant says to one question.

    `text` is the whole reply as plain text (what the CLI prints and JSON carries); a list answer
    also gives `lead` and `items` so a UI can show it as a list with each item's citations.
    """

    question: str
    text: str
    found: bool
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    effective_question: str = ""  # the question after follow-up resolution
    intent: Intent = Intent.LOOKUP
    lead: str = ""  # the sentence before a list ("《…》共分三个部分：")
    items: tuple[AnswerItem, ...] = ()
    not_stated: tuple[str, ...] = ()  # sources named in the question that do not state what was asked
    prose: Prose | None = None  # a language model's wording of it, when a generator is set and it was found

    def to_json(self) -> dict:
        prose = {"prose": self.prose.to_json()} if self.prose is not None else {}
        return {
            "answer": self.text,
            "found": self.found,
            "intent": self.intent.value,
            "citations": [c.to_json() for c in self.citations],
            "items": [{"text": i.text, "citations": list(i.citations)} for i in self.items],
            "not_stated": list(self.not_stated),
            **prose,
        }
