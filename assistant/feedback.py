"""Staff feedback on answers: what an answer was when it was given, and a rating of it (no Gradio in here).

- `GivenAnswer` is an answer as one session received it, with an id the server made (128 random bits): the
  question, the conversation's earlier questions, the text, each cited clause with its quotes, the index
  generation and the encoder. It is what a rating is about, what the review shows and what an export writes.
- `AnswersGiven` keeps the recent ones on the server, each with the session it went to: a rating, or an
  export link, names an answer by its id, and only the session that received the answer may rate it.
- `parse_rating` checks what a client sends (vote, reason, the right answer, the clause that holds it, a
  name) and refuses anything else with one Chinese sentence (`InvalidRating.reason`).

Storing ratings and reviewing them is feedback_store.py; writing answers out as Markdown or Word, export.py.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from assistant.models import Answer, Clause, Document
from assistant.records import now

VOTES = ("up", "down")
# Why an answer was wrong, as the 👎 form offers it (value -> what staff read).
REASONS = {
    "wrong_figure": "数字不对",
    "wrong_clause": "引用的条款不对",
    "should_refuse": "应当说明文件中没有这方面的内容",
    "should_answer": "文件中有，应当回答",
    "other": "其他",
}
MAX_COMMENT_CHARS = 2000  # the right answer as staff write it
MAX_NAME_CHARS = 40
MAX_LABEL_CHARS = 100
MAX_SOURCE_CHARS = 500
ANSWER_ID_CHARS = 32  # hex: 128 random bits
KEPT_ANSWERS = 20_000  # answers kept for rating and export, the oldest forgotten first (~2.3 KB each: ~50 MB at most)
QUOTE_CHARS = 600  # of a clause shown as its quote when the answer marked no sentence in it


class InvalidRating(ValueError):
    """A rating the server will not store; `reason` is the sentence for the user."""

    def __init__(self, reason: str, gloss: str):
        super().__init__(f"{reason} ({gloss})")
        self.reason = reason


@dataclass(frozen=True)
class CitedClause:
    """One citation of a given answer, as it was: enough to show, export and score it without the index."""

    number: int  # [n] in the answer
    source: str  # the document's name in the library
    title: str  # the document's title
    label: str
    path: str  # the clause's headings, joined with ' › '
    page: int  # 0 for documents without pages
    quotes: tuple[str, ...]  # the answering sentences (the clause's beginning when none was marked)

    def to_json(self) -> dict:
        return {"number": self.number, "source": self.source, "title": self.title, "label": self.label,
                "path": self.path, "page": self.page, "quotes": list(self.quotes)}

    @classmethod
    def from_json(cls, data: dict) -> "CitedClause":
        return cls(int(data["number"]), str(data["source"]), str(data["title"]), str(data["label"]),
                   str(data["path"]), int(data.get("page") or 0), tuple(map(str, data.get("quotes", ()))))


@dataclass(frozen=True)
class GivenAnswer:
    id: str
    session: str  # the Gradio session it went to ('' outside the browser)
    at: str  # UTC, as records.now()
    question: str
    history: tuple[str, ...]  # the conversation's earlier questions, oldest first
    text: str  # what was said: the prose when a language model worded it, else the quoted answer
    found: bool
    intent: str
    citations: tuple[CitedClause, ...]
    generation: str  # the index generation it was answered from
    encoder: str
    earlier: tuple[str, ...] = ()  # ids of the conversation's earlier answers, oldest first


def new_answer_id() -> str:
    return secrets.token_hex(ANSWER_ID_CHARS // 2)


def cited_clauses(answer: Answer, documents: Mapping[str, Document]) -> tuple[CitedClause, ...]:
    out = []
    for number, citation in enumerate(answer.citations, 1):
        clause: Clause = citation.clause
        document = documents.get(clause.source)
        text = document.text if document is not None else ""
        quotes = tuple(text[s:e].strip() for s, e in citation.quotes if 0 <= s < e <= len(text))
        if not any(quotes):
            quotes = (clause.text.strip()[:QUOTE_CHARS] + ("…" if len(clause.text.strip()) > QUOTE_CHARS else ""),)
        out.append(CitedClause(number, clause.source, citation.document_title, clause.label,
                               clause.path_text or clause.label, int(clause.page or 0), tuple(q for q in quotes if q)))
    return tuple(out)


def given_answer(answer: Answer, history: Sequence[str], documents: Mapping[str, Document], generation: str,
                 encoder: str, session: str = "", earlier: Sequence[str] = ()) -> GivenAnswer:
    said = answer.prose.text if answer.prose is not None and answer.prose.text else answer.text
    return GivenAnswer(new_answer_id(), session or "", now(), answer.question, tuple(history), said, bool(answer.found),
                       answer.intent.value, cited_clauses(answer, documents), str(generation), encoder, tuple(earlier))


class AnswersGiven:
    """The answers given lately, by id, each with its session; bounded (the oldest are forgotten first)."""

    def __init__(self, capacity: int = KEPT_ANSWERS):
        self.capacity = capacity
        self._answers: OrderedDict[str, GivenAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, given: GivenAnswer) -> GivenAnswer:
        with self._lock:
            self._answers[given.id] = given
            while len(self._answers) > self.capacity:
                self._answers.popitem(last=False)
        return given

    def of_session(self, answer_id: object, session: object) -> GivenAnswer | None:
        """The answer `answer_id` names, if it was given to `session`; None for any other session or id."""
        if not isinstance(answer_id, str) or not isinstance(session, str):
            return None
        with self._lock:
            given = self._answers.get(answer_id)
        return given if given is not None and given.session == session else None

    def by_id(self, answer_id: object) -> GivenAnswer | None:
        """The answer `answer_id` names, whichever session it went to: the id itself is the key (export
        links; only the session that received the answer was told its id)."""
        if not isinstance(answer_id, str) or len(answer_id) != ANSWER_ID_CHARS:
            return None
        with self._lock:
            return self._answers.get(answer_id)

    def conversation(self, given: GivenAnswer) -> list[GivenAnswer]:
        """`given` with the earlier answers of its conversation that are still kept, oldest first."""
        with self._lock:
            earlier = [self._answers.get(i) for i in given.earlier]
        return [g for g in earlier if g is not None and g.session == given.session] + [given]


@dataclass(frozen=True)
class Rating:
    answer_id: str
    vote: str  # up, down
    reason: str = ""  # a key of REASONS, for down
    comment: str = ""  # the right answer, in the staff member's words
    right_source: str = ""  # the clause that holds the right answer: a document's name ...
    right_label: str = ""  # ... and the clause's label as the document's outline has it
    name: str = ""


def _text(value: object, field: str, limit: int, gloss: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidRating(f"{field}必须是文本", f"{gloss} must be a string")
    value = value.strip()
    if len(value) > limit:
        raise InvalidRating(f"{field}过长（{len(value)} 字），请缩短到 {limit} 字以内", f"{gloss} too long")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise InvalidRating(f"{field}含有控制字符，请删除后重试", f"control character in {gloss}")
    return value


def parse_rating(answer_id: object, vote: object, reason: object = "", comment: object = "", right_source: object = "",
                 right_label: object = "", name: object = "",
                 lookup: Callable[[str, str], list[Clause]] | None = None, names_allowed: bool = False) -> Rating:
    """A checked Rating, or InvalidRating. `lookup` (Assistant.lookup) checks a typed clause against the
    index and gives its label as the outline has it; a name is only kept when the server asks for one."""
    if not isinstance(answer_id, str) or len(answer_id) != ANSWER_ID_CHARS or not all(
            ch in "0123456789abcdef" for ch in answer_id):
        raise InvalidRating("评价的回答编号无效", "malformed answer id")
    if vote not in VOTES:
        raise InvalidRating("评价只能是 👍 或 👎", "vote must be 'up' or 'down'")
    reason = _text(reason, "原因", 40, "reason")
    if vote == "down" and reason not in REASONS:
        raise InvalidRating("请选择这个回答哪里不对", "a down vote needs one of the reasons " + ", ".join(REASONS))
    if vote == "up":
        reason = ""
    comment = _text(comment, "正确答案", MAX_COMMENT_CHARS, "comment")
    source = _text(right_source, "文件名", MAX_SOURCE_CHARS, "source")
    label = _text(right_label, "条款编号", MAX_LABEL_CHARS, "label")
    name = _text(name, "姓名", MAX_NAME_CHARS, "name") if names_allowed else ""
    if bool(source) != bool(label):
        raise InvalidRating("请同时给出文件和条款编号（或都不填）", "give both the file and the clause label, or neither")
    if source and lookup is not None:
        found = lookup(source, label)
        if not found:
            raise InvalidRating(f"在“{source[:60]}”中找不到条款“{label}”，请核对文件名和条款编号",
                                "no such clause in the index")
        label = found[0].label
    return Rating(answer_id, vote, reason, comment, source, label, name)
