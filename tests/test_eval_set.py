"""The evaluation sets are well formed and every label, metadata value and key is real.

`eval/questions.jsonl` is checked against corpus/; `eval/regulations.jsonl` (run with
`--extra-corpus tests/fixtures/regulations`) against the corpus and those regulations, its tests
skipped only while the file does not exist. Fast: the pure parser only, no model and no index.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.corpus import corpus_files, load_document
from assistant.eval import FIELDS, KINDS
from assistant.eval.load import FIGURE_SET_KINDS
from assistant.models import Document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REGULATIONS = ROOT / "tests" / "fixtures" / "regulations"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
REGULATION_QUESTIONS = ROOT / "eval" / "regulations.jsonl"

OPTIONAL_FIELDS = {"not_stated", "where", "named"}
LIST_KINDS = {"outline", "which_documents", "summary"}  # their keys are the items that must all appear
NO_KEYS = {"unanswerable", "conversation"}

# How a question names each document: place names in either script, or pinyin.
PLACES = {
    "000": ("贵州", "貴州", "Guizhou", "八大工程"),
    "001": ("钦州", "欽州", "Qinzhou"),
    "002": ("木垒", "木壘", "Mulei"),
    "003": ("云州", "雲州", "大同", "Yunzhou"),
    "004": ("广州", "廣州", "Guangzhou"),
}

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Keys are compared with all whitespace removed (000 writes `18/10 万`, keys say `18/10万`)."""
    return _WS.sub("", text)


@dataclass(frozen=True)
class Parsed:
    """One corpus file as the parser reads it: its Document and its clause texts by label."""

    document: Document
    clauses: dict[str, list[str]]  # label -> texts (a label may repeat, e.g. two 前言 blocks)


@lru_cache(maxsize=None)
def parsed_folder(folder: Path) -> dict[str, Parsed]:
    out = {}
    for path in corpus_files(folder):
        parsed = load_document(path)
        labels: dict[str, list[str]] = {}
        for clause in parsed.clauses:
            labels.setdefault(clause.label, []).append(clause.text)
        out[path.name] = Parsed(parsed.document, labels)
    return out


@dataclass(frozen=True)
class EvalSet:
    path: Path
    folders: tuple[Path, ...]  # the corpus it is run against
    id_pattern: str

    def items(self) -> list[dict]:
        if not self.path.exists():
            pytest.skip(f"{self.path.relative_to(ROOT)} does not exist yet")
        return _items(self.path)

    def answerable(self) -> list[dict]:
        return [item for item in self.items() if not item["unanswerable"] and item["kind"] != "conversation"]

    def corpus(self) -> dict[str, Parsed]:
        return {name: parsed for folder in self.folders for name, parsed in parsed_folder(folder).items()}


@lru_cache(maxsize=None)
def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


PLANS = EvalSet(QUESTIONS, (CORPUS,), r"q\d{3,}")
SETS = [
    pytest.param(PLANS, id="questions"),
    pytest.param(EvalSet(REGULATION_QUESTIONS, (CORPUS, REGULATIONS), r"[a-z]+\d{3,}"), id="regulations"),
]


def expected_texts(corpus: dict[str, Parsed], exp: dict) -> list[str]:
    """What an expected entry points at: a metadata value for `@field`, else the clause's texts."""
    parsed = corpus[exp["source"]]
    if exp["label"].startswith("@"):
        value = parsed.document.field(exp["label"][1:])
        return [value.value] if value else []
    return parsed.clauses.get(exp["label"], [])


@pytest.mark.parametrize("eval_set", SETS)
def test_file_parses_into_objects_with_the_documented_fields(eval_set):
    assert eval_set.items(), f"{eval_set.path} is empty"
    for item in eval_set.items():
        assert set(FIELDS) - OPTIONAL_FIELDS <= set(item) <= set(FIELDS), item.get("id")
        assert isinstance(item["question"], str) and item["question"].strip()
        assert isinstance(item["history"], list) and all(isinstance(h, str) and h for h in item["history"])
        assert isinstance(item["expected"], list)
        assert isinstance(item["keys"], list) and all(isinstance(k, str) and k.strip() for k in item["keys"])
        assert isinstance(item["unanswerable"], bool)
        assert isinstance(item.get("not_stated", []), list), item["id"]


@pytest.mark.parametrize("eval_set", SETS)
def test_ids_are_unique_and_numbered(eval_set):
    ids = [item["id"] for item in eval_set.items()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(eval_set.id_pattern, i) for i in ids), [i for i in ids if not re.fullmatch(eval_set.id_pattern, i)]


def test_set_is_large_enough():
    assert len(PLANS.items()) >= 150


def test_every_kind_is_present_in_useful_numbers():
    counts = Counter(item["kind"] for item in PLANS.items())
    kinds = set(KINDS) - set(FIGURE_SET_KINDS)
    assert set(counts) == kinds, set(counts) ^ kinds
    for kind in kinds - {"comparison"}:
        assert counts[kind] >= 8, (kind, counts[kind])
    assert counts["comparison"] >= 5


@pytest.mark.parametrize("eval_set", SETS)
def test_kinds_are_known(eval_set):
    assert {item["kind"] for item in eval_set.items()} <= set(KINDS)


@pytest.mark.parametrize("eval_set", SETS)
def test_expected_sources_exist_and_labels_are_real_clauses_or_metadata(eval_set):
    corpus = eval_set.corpus()
    for item in eval_set.answerable():
        assert item["expected"], item["id"]
        for exp in item["expected"]:
            assert set(exp) == {"source", "label"}, item["id"]
            assert exp["source"] in corpus, (item["id"], exp["source"])
            if exp["label"].startswith("@"):
                # Document.field: a MetaField whose value stands at its offsets in the file text
                value = corpus[exp["source"]].document.field(exp["label"][1:])
                assert value is not None, (item["id"], exp, "the parser found no such field")
                assert corpus[exp["source"]].document.text[value.start : value.end] == value.value, (item["id"], exp)
            else:
                assert exp["label"] in corpus[exp["source"]].clauses, (item["id"], exp)


@pytest.mark.parametrize("eval_set", SETS)
def test_every_key_is_in_an_expected_clause_or_value_ignoring_whitespace(eval_set):
    """Metadata keys are (parts of) the field value; others are in an expected clause; in a list
    kind each key may come from a different one of its clauses."""
    corpus = eval_set.corpus()
    for item in eval_set.answerable():
        texts = [squash(t) for exp in item["expected"] for t in expected_texts(corpus, exp)]
        if item["kind"] in LIST_KINDS:
            assert item["keys"], item["id"]
        else:
            assert 1 <= len(item["keys"]) <= 3, item["id"]
        for key in item["keys"]:
            assert any(squash(key) in t for t in texts), (item["id"], key)


@pytest.mark.parametrize("eval_set", SETS)
def test_silent_sources_exist_and_are_not_expected(eval_set):
    corpus = eval_set.corpus()
    for item in eval_set.items():
        expected = {exp["source"] for exp in item["expected"]}
        for source in item.get("not_stated", []):
            assert source in corpus, (item["id"], source)
            assert source not in expected, (item["id"], source, "both expected and not stated")


@pytest.mark.parametrize("eval_set", SETS)
def test_followups_carry_their_history(eval_set):
    for item in eval_set.items():
        if item["kind"] == "followup":
            assert item["history"], item["id"]


@pytest.mark.parametrize("eval_set", SETS)
def test_unanswerable_and_conversation_items_expect_nothing(eval_set):
    for item in eval_set.items():
        assert item["unanswerable"] == (item["kind"] == "unanswerable"), item["id"]
        if item["kind"] in NO_KEYS:
            assert item["expected"] == [] and item["keys"] == [] and not item.get("not_stated"), item["id"]


@pytest.mark.parametrize("eval_set", SETS)
def test_comparisons_cover_at_least_two_documents(eval_set):
    """Each side is an expected clause, or a document named as not stating it (a silent side)."""
    for item in eval_set.items():
        if item["kind"] == "comparison":
            sides = {exp["source"] for exp in item["expected"]} | set(item.get("not_stated", []))
            assert len(sides) >= 2, item["id"]


@pytest.mark.parametrize("prefix", sorted(PLACES))
def test_each_document_is_covered_by_at_least_15_items(prefix):
    covering = [item for item in PLANS.answerable() if any(e["source"].startswith(prefix) for e in item["expected"])]
    assert len(covering) >= 15, (prefix, len(covering))


def test_questions_pin_the_document_they_mean():
    """Several documents cover 医共体, 家庭医生, 中医药…; a question (or its history) must say which,
    silent ones included. A which_documents question asks which, so it names none."""
    for item in PLANS.answerable():
        if item["kind"] == "which_documents":
            continue
        said = " ".join([*item["history"], item["question"]])
        for source in [e["source"] for e in item["expected"]] + item.get("not_stated", []):
            names = PLACES[source[:3]]
            assert any(name in said for name in names), (item["id"], source, item["question"])
