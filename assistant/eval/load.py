"""The evaluation set: one JSON line per item (format in eval/README.md), validated on load.

Nothing here knows about the assistant: an item is what the set file says, checked for form only.
Whether its labels exist is checked against the loaded index in `score.expected_spans`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from assistant.models import META_NAMES

KINDS = (
    "lookup",
    "figure",
    "paraphrase",
    "cross_script",
    "english",
    "followup",
    "comparison",
    "clause_ref",
    "outline",
    "metadata",
    "which_documents",
    "summary",
    "conversation",
    "unanswerable",
    "across",  # one figure asked of several documents ('各地孕产妇死亡率目标分别是多少'): each must be cited
    "achieved",  # a figure a report says was reached (落实情况, 完成情况)
)
FIGURE_SET_KINDS = ("across", "achieved")  # asked only by the figure set (eval/figures-*.jsonl), about plans' targets
CONVERSATION = "conversation"  # greetings and thanks: no clause expected, only the conversation intent
FIELDS = ("id", "kind", "question", "history", "expected", "keys", "unanswerable", "not_stated", "where", "named")
UNNAMED = "unnamed"  # the report's group of questions naming no document or place, across kinds
WHERE = ("text", "table", "crosses_line", "scan")  # where a blind item's answer stands in its file
REQUIRED_FIELDS = ("id", "kind", "question")
NO_DOCUMENT = "none"  # the "document" of an item about no document, in the per-document breakdown

# `expected[].label` "@issuer" means the document's metadata value Document.field("issuer").
FIELD_PREFIX = "@"
FIELD_LABELS = tuple(FIELD_PREFIX + name for name in META_NAMES)


class EvalSetError(ValueError):
    """The evaluation set or baseline is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Expected:
    source: str  # file name inside the corpus folder
    label: str  # a whole clause's label, as in Assistant.outline(source), or a FIELD_LABELS entry; "" with evidence
    # Or, for sets written blind from the files (no labels known to the writer): the answering passage copied
    # from the document, found in the reader's text up to whitespace and width (score.evidence_span).
    evidence: str = ""

    @property
    def field_name(self) -> str | None:
        """"issuer" for the label "@issuer"; None for a clause label."""
        return self.label[len(FIELD_PREFIX):] if self.label.startswith(FIELD_PREFIX) else None


@dataclass(frozen=True)
class EvalItem:
    id: str
    kind: str
    question: str
    history: tuple[str, ...] = ()
    expected: tuple[Expected, ...] = ()
    keys: tuple[str, ...] = ()
    unanswerable: bool = False
    line: int = 0  # line number in the set file, for messages
    not_stated: tuple[str, ...] = ()  # sources named in the question that do not state what is asked
    where: str = "text"  # blind sets: "table", "crosses_line" (a printed line or page break), "scan"
    named: bool | None = None  # blind sets: whether the question names its document or place (None: not said)

    @property
    def is_conversation(self) -> bool:
        return self.kind == CONVERSATION

    @property
    def expects_answer(self) -> bool:
        """Not a question to refuse: answer accuracy counts it."""
        return not self.unanswerable

    @property
    def expects_clauses(self) -> bool:
        """Retrieval (hit@k, MRR) and false refusals count it: it names clauses to cite."""
        return not self.unanswerable and not self.is_conversation

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents the item is about (each expected or not-stated source once), or ("none",)."""
        sources = tuple(dict.fromkeys([*(e.source for e in self.expected), *self.not_stated]))
        return sources if self.expects_clauses and sources else (NO_DOCUMENT,)


def parse_item(obj: object, line: int = 0, where: str = "") -> EvalItem:
    """One validated item from a decoded JSON line; EvalSetError with a one-line reason."""
    prefix = f"{where}line {line}: " if line else where

    def fail(message: str) -> EvalSetError:
        return EvalSetError(prefix + message)

    if not isinstance(obj, dict):
        raise fail("each line must be a JSON object")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise fail(f"unknown field(s) {', '.join(map(repr, unknown))} (allowed: {', '.join(FIELDS)})")
    missing = [name for name in REQUIRED_FIELDS if name not in obj]
    if missing:
        raise fail(f"missing field(s) {', '.join(map(repr, missing))}")
    item_id, kind, question = obj["id"], obj["kind"], obj["question"]
    if not isinstance(item_id, str) or not item_id.strip():
        raise fail('"id" must be a non-empty string')
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
    if not isinstance(question, str) or not question.strip():
        raise fail('"question" must be a non-empty string')
    history = obj.get("history", [])
    if not _strings(history, allow_empty=True):
        raise fail('"history" must be a list of earlier questions (strings)')
    keys = obj.get("keys", [])
    if not _strings(keys):
        raise fail('"keys" must be a list of non-empty strings')
    not_stated = obj.get("not_stated", [])
    if not _strings(not_stated):
        raise fail('"not_stated" must be a list of source file names')
    unanswerable = obj.get("unanswerable", kind == "unanswerable")
    if not isinstance(unanswerable, bool):
        raise fail('"unanswerable" must be true or false')
    raw_expected = obj.get("expected", [])
    if not isinstance(raw_expected, list):
        raise fail('"expected" must be a list of {"source": …, "label": …}')
    expected = tuple(_parse_expected(entry, fail) for entry in raw_expected)
    if unanswerable and (expected or keys or not_stated):
        raise fail('an unanswerable item must have empty "expected", "keys" and "not_stated"')
    if kind == CONVERSATION and (unanswerable or expected or keys or not_stated):
        raise fail('a conversation item expects only the conversation intent: no "expected", "keys" or "not_stated", '
                   'and "unanswerable" false')
    if not unanswerable and kind != CONVERSATION and not expected:
        raise fail('an answerable item needs at least one "expected" clause')
    where_ = obj.get("where", "text")
    if where_ not in WHERE:
        raise fail(f'"where" must be one of {", ".join(WHERE)}')
    named = obj.get("named")
    if named is not None and not isinstance(named, bool):
        raise fail('"named" must be true or false')
    return EvalItem(item_id, kind, question, tuple(history), expected, tuple(keys), unanswerable, line, tuple(not_stated),
                    where_, named)


def _strings(value: object, allow_empty: bool = False) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) and (allow_empty or s.strip()) for s in value)


def _parse_expected(entry: object, fail) -> Expected:
    if isinstance(entry, dict) and set(entry) == {"source", "evidence"}:
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in ("source", "evidence")):
            raise fail('"source" and "evidence" of an expected passage must be non-empty strings')
        return Expected(entry["source"], "", entry["evidence"])
    if not isinstance(entry, dict) or set(entry) != {"source", "label"}:
        raise fail('each "expected" entry must be exactly {"source": …, "label": …} or {"source": …, "evidence": …}')
    if not all(isinstance(entry[k], str) and entry[k] for k in ("source", "label")):
        raise fail('"source" and "label" of an expected clause must be non-empty strings')
    expected = Expected(entry["source"], entry["label"])
    if expected.field_name is not None and expected.label not in FIELD_LABELS:
        raise fail(f"unknown metadata label {expected.label!r} (one of: {', '.join(FIELD_LABELS)})")
    return expected


def parse_set(lines: Iterable[str], where: str = "") -> list[EvalItem]:
    """Items from JSON lines (blank lines skipped); ids must be unique."""
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}line {number}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        item = parse_item(obj, number, where)
        if item.id in seen:
            raise EvalSetError(f"{where}line {number}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = number
        items.append(item)
    return items


def load_set(path: Path) -> list[EvalItem]:
    """The validated items of a set file; EvalSetError if it is missing, empty or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalSetError(f"{path}: evaluation set not found") from None
    except UnicodeDecodeError:
        raise EvalSetError(f"{path}: not UTF-8 text") from None
    items = parse_set(text.splitlines(), f"{path} ")
    if not items:
        raise EvalSetError(f"{path}: the evaluation set has no items")
    return items


def retarget(items: Iterable[EvalItem], names: Iterable[str]) -> tuple[list[EvalItem], dict[str, str]]:
    """The items with each source that is not among `names` re-pointed to the one name of the same
    stem, and that mapping: the set names `000_….txt`, a collection of the same plans converted to
    PDF holds `000_….pdf`. A source with no such name, or with several, is left as it is (and
    reported by the span check as missing)."""
    by_stem: dict[str, list[str]] = {}
    for name in names:
        by_stem.setdefault(Path(name).stem, []).append(name)
    known = {name for names_ in by_stem.values() for name in names_}
    mapping: dict[str, str] = {}

    def to(source: str) -> str:
        if source in known:
            return source
        same = by_stem.get(Path(source).stem, [])
        if len(same) != 1:
            return source
        mapping[source] = same[0]
        return same[0]

    moved = [replace(item, expected=tuple(replace(e, source=to(e.source)) for e in item.expected),
                     not_stated=tuple(to(s) for s in item.not_stated)) for item in items]
    return moved, mapping
