"""The staff's ratings in the records file (records.py, schema 2), their review, and the evaluation items
made of them (the format of eval/README.md), which `feedback export` writes and `eval --set` scores.

A rating is written in one transaction and synced before `rate` returns, so a rating the user was told is
saved survives the server being killed. When the file cannot be written (damaged, locked by another program,
the disk full), `rate` raises FeedbackUnavailable: the caller says so in one line and the chat goes on.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from assistant.eval.load import EvalSetError, parse_item
from assistant.feedback import REASONS, CitedClause, GivenAnswer, Rating
from assistant.records import Records, now

UNAVAILABLE = "反馈功能暂不可用：服务器的记录文件无法写入（已记入服务器日志），请联系管理员。问答不受影响。"
# An answer's intent as the evaluation set names the kind of its question ('followup' when it has history).
KIND_OF_INTENT = {"lookup": "lookup", "figure": "figure", "outline": "outline", "metadata": "metadata",
                  "which_documents": "which_documents", "comparison": "comparison", "summary": "summary",
                  "clause_ref": "clause_ref", "conversation": "conversation"}
EVAL_ID_PREFIX = "f"


class FeedbackUnavailable(Exception):
    """The records file cannot take or give feedback now; str() is the cause, for the server's log."""


class ReviewError(ValueError):
    """What a reviewer asked cannot be done; `reason` is the Chinese sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FeedbackItem:
    id: int
    at: str
    rating: Rating
    given: GivenAnswer
    reviewed_at: str = ""
    expected: str = ""  # the reviewer's expected answer
    eval_item: str = ""  # one JSON object in the evaluation set's format, or ''

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_at)

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents it is about: those the answer cited, and the one staff named."""
        named = (self.rating.right_source,) if self.rating.right_source else ()
        return tuple(dict.fromkeys([*named, *(c.source for c in self.given.citations)]))

    def to_json(self) -> dict:
        r, g = self.rating, self.given
        return {"id": self.id, "at": self.at, "answer_id": r.answer_id, "vote": r.vote, "reason": r.reason,
                "comment": r.comment, "right_source": r.right_source, "right_label": r.right_label, "name": r.name,
                "question": g.question, "history": list(g.history), "answer": g.text, "found": g.found,
                "intent": g.intent, "citations": [c.to_json() for c in g.citations], "generation": g.generation,
                "encoder": g.encoder, "answered_at": g.at, "reviewed_at": self.reviewed_at,
                "expected": self.expected, "eval_item": json.loads(self.eval_item) if self.eval_item else None}


_COLUMNS = ("id, at, answer_id, vote, reason, comment, right_source, right_label, name, question, history, answer, "
            "found, intent, citations, generation, encoder, answered_at, reviewed_at, expected, eval_item")
_RATED = _COLUMNS[len("id, "):_COLUMNS.index(", reviewed_at")]  # what a rating writes; the reviewer's come later


def _item(row: tuple) -> FeedbackItem:
    (id_, at, answer_id, vote, reason, comment, source, label, name, question, history, answer, found, intent,
     citations, generation, encoder, answered_at, reviewed_at, expected, eval_item) = row
    given = GivenAnswer(answer_id, "", answered_at, question, tuple(json.loads(history)), answer, bool(found), intent,
                        tuple(CitedClause.from_json(c) for c in json.loads(citations)), generation, encoder)
    return FeedbackItem(id_, at, Rating(answer_id, vote, reason, comment, source, label, name), given, reviewed_at,
                        expected, eval_item)


@dataclass(frozen=True)
class Filter:
    """Which ratings the review lists: all, the unreviewed, the 👎 (of one reason), about one document."""

    unreviewed: bool = False
    vote: str = ""  # '', up, down
    reason: str = ""  # a key of REASONS, or ''
    document: str = ""  # a document's name, or ''

    def keeps(self, item: FeedbackItem) -> bool:
        return ((not self.unreviewed or not item.reviewed) and (not self.vote or item.rating.vote == self.vote)
                and (not self.reason or item.rating.reason == self.reason)
                and (not self.document or self.document in item.documents))


class Feedback:
    """Ratings kept in `records`; every method raises FeedbackUnavailable when the file fails."""

    def __init__(self, records: Records):
        self.records = records

    def rate(self, given: GivenAnswer, rating: Rating, at_once: bool = False) -> int | None:
        """Store `rating` of `given`; its id once it is on disk. `at_once`: None instead of waiting when the file is
        busy (Records.write_at_once)."""
        g, r = given, rating
        values = (now(), g.id, r.vote, r.reason, r.comment, r.right_source, r.right_label, r.name, g.question,
                  _dump(list(g.history)), g.text, int(g.found), g.intent, _dump([c.to_json() for c in g.citations]),
                  g.generation, g.encoder, g.at)
        return self._write(f"INSERT INTO feedback ({_RATED}) VALUES ({', '.join('?' * len(values))})", values, at_once)

    def items(self, which: Filter = Filter(), limit: int | None = None) -> list[FeedbackItem]:
        """The ratings `which` keeps, newest first."""
        found = [item for item in map(_item, self._read(f"SELECT {_COLUMNS} FROM feedback ORDER BY id DESC"))
                 if which.keeps(item)]
        return found[:limit] if limit else found

    def item(self, item_id: object) -> FeedbackItem | None:
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            return None
        rows = self._read(f"SELECT {_COLUMNS} FROM feedback WHERE id = ?", (item_id,))
        return _item(rows[0]) if rows else None

    def count(self) -> int:
        return self._read("SELECT COUNT(*) FROM feedback")[0][0]

    def review(self, item_id: int, expected: str | None = None, eval_item: dict | None = None) -> FeedbackItem:
        """Mark an item reviewed, keeping the reviewer's expected answer and, given one, its evaluation item
        (checked against the evaluation set's format first: ReviewError says what is wrong)."""
        item = self.item(item_id)
        if item is None:
            raise ReviewError(f"没有编号为 {item_id} 的反馈")
        line = item.eval_item
        if eval_item is not None:
            try:
                parse_item(eval_item)
            except EvalSetError as exc:
                raise ReviewError(f"评测条目格式不对：{exc}") from None
            line = _dump(eval_item)
        text = item.expected if expected is None else str(expected).strip()[:4000]
        self._write("UPDATE feedback SET reviewed_at = ?, expected = ?, eval_item = ? WHERE id = ?",
                    (item.reviewed_at or now(), text, line, item.id))
        return self.item(item.id)

    def reopen(self, item_id: int) -> None:
        """Back to unreviewed (its evaluation item dropped from the export, kept in the row)."""
        self._write("UPDATE feedback SET reviewed_at = '' WHERE id = ?", (item_id,))

    def eval_items(self) -> list[dict]:
        """The reviewed items that were made evaluation items, oldest first: the lines of feedback.jsonl."""
        return [json.loads(item.eval_item) for item in reversed(self.items())
                if item.reviewed and item.eval_item]

    def export(self, path: Path) -> int:
        """Write eval_items() to `path` as JSON lines (replacing it); how many."""
        lines = [_dump(item) for item in self.eval_items()]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        partial.replace(path)
        return len(lines)

    def _write(self, statement: str, values: tuple, at_once: bool = False) -> int | None:
        try:
            return (self.records.write_at_once if at_once else self.records.write)(statement, values)
        except sqlite3.Error as exc:
            raise FeedbackUnavailable(f"{self.records.path}: {type(exc).__name__}: {exc}") from None

    def _read(self, query: str, values: tuple = ()) -> list[tuple]:
        try:
            return self.records.read(query, values)
        except sqlite3.Error as exc:
            raise FeedbackUnavailable(f"{self.records.path}: {type(exc).__name__}: {exc}") from None


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def draft_eval_item(item: FeedbackItem, kind: str = "", keys: tuple[str, ...] = (), source: str = "",
                    label: str = "", unanswerable: bool | None = None) -> dict:
    """The evaluation item a reviewer starts from: the question and its history as asked; the clause staff
    named (or the one given); unanswerable when staff said the documents do not say it. Its keys are the
    answer's keywords the reviewer types (numbers as the document writes them)."""
    r, g = item.rating, item.given
    if unanswerable is None:
        unanswerable = r.reason == "should_refuse" or (r.vote == "up" and not g.found)
    source, label = source or r.right_source, label or r.right_label
    if not source and g.citations and r.vote == "up":
        source, label = g.citations[0].source, g.citations[0].label
    kind = kind or ("unanswerable" if unanswerable else "followup" if g.history
                    else KIND_OF_INTENT.get(g.intent, "lookup"))
    answerable = not unanswerable and kind != "conversation"
    return {"id": f"{EVAL_ID_PREFIX}{item.id:04d}", "kind": kind, "question": g.question, "history": list(g.history),
            "expected": [{"source": source, "label": label}] if answerable and source and label else [],
            "keys": [k for k in keys if k] if answerable else [], "unanswerable": bool(unanswerable)}


def reason_text(reason: str) -> str:
    return REASONS.get(reason, reason)
