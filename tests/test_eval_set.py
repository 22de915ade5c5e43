"""The evaluation set (eval/questions.jsonl) is well formed and every label and key is real.

Fast: parses the corpus with the pure parser only, no model and no index.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.corpus import corpus_files, load_document
from assistant.evaluation import FIELDS, KINDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "eval" / "questions.jsonl"


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


@lru_cache(maxsize=None)
def corpus_clauses() -> dict[str, dict[str, list[str]]]:
    """source file name -> clause label -> texts (a label may repeat, e.g. two 前言 blocks)."""
    out: dict[str, dict[str, list[str]]] = {}
    for path in corpus_files(CORPUS):
        labels: dict[str, list[str]] = {}
        for clause in load_document(path).clauses:
            labels.setdefault(clause.label, []).append(clause.text)
        out[path.name] = labels
    return out


@lru_cache(maxsize=None)
def items() -> list[dict]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def answerable() -> list[dict]:
    return [item for item in items() if not item["unanswerable"]]


def test_file_parses_into_objects_with_the_documented_fields():
    assert items(), "eval/questions.jsonl is empty"
    for item in items():
        assert set(item) == set(FIELDS), item.get("id")
        assert isinstance(item["question"], str) and item["question"].strip()
        assert isinstance(item["history"], list) and all(isinstance(h, str) and h for h in item["history"])
        assert isinstance(item["expected"], list)
        assert isinstance(item["keys"], list) and all(isinstance(k, str) and k.strip() for k in item["keys"])
        assert isinstance(item["unanswerable"], bool)


def test_ids_are_unique_and_numbered():
    ids = [item["id"] for item in items()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"q\d{3,}", i) for i in ids)


def test_set_is_large_enough():
    assert len(items()) >= 150


def test_every_kind_is_present_in_useful_numbers():
    counts = Counter(item["kind"] for item in items())
    assert set(counts) == set(KINDS), set(counts) ^ set(KINDS)
    for kind in set(KINDS) - {"comparison"}:
        assert counts[kind] >= 8, (kind, counts[kind])
    assert counts["comparison"] >= 5


def test_expected_sources_exist_and_labels_are_real_clauses():
    clauses = corpus_clauses()
    for item in answerable():
        assert item["expected"], item["id"]
        for exp in item["expected"]:
            assert set(exp) == {"source", "label"}, item["id"]
            assert exp["source"] in clauses, (item["id"], exp["source"])
            assert exp["label"] in clauses[exp["source"]], (item["id"], exp)


def test_every_key_is_in_an_expected_clause_ignoring_whitespace():
    clauses = corpus_clauses()
    for item in answerable():
        texts = [squash(t) for exp in item["expected"] for t in clauses[exp["source"]][exp["label"]]]
        assert 1 <= len(item["keys"]) <= 3, item["id"]
        for key in item["keys"]:
            assert any(squash(key) in t for t in texts), (item["id"], key)


def test_followups_carry_their_history():
    for item in items():
        if item["kind"] == "followup":
            assert item["history"], item["id"]


def test_unanswerable_items_expect_nothing():
    for item in items():
        assert item["unanswerable"] == (item["kind"] == "unanswerable"), item["id"]
        if item["unanswerable"]:
            assert item["expected"] == [] and item["keys"] == [], item["id"]


def test_comparisons_name_one_clause_in_each_of_two_documents():
    for item in items():
        if item["kind"] == "comparison":
            sources = [exp["source"] for exp in item["expected"]]
            assert len(sources) == len(set(sources)) >= 2, item["id"]


@pytest.mark.parametrize("prefix", sorted(PLACES))
def test_each_document_is_covered_by_at_least_15_items(prefix):
    covering = [item for item in answerable() if any(e["source"].startswith(prefix) for e in item["expected"])]
    assert len(covering) >= 15, (prefix, len(covering))


def test_questions_pin_the_document_they_mean():
    """Several documents cover 医共体, 家庭医生, 中医药…; a question (or its history) must say which."""
    for item in answerable():
        said = " ".join([*item["history"], item["question"]])
        for exp in item["expected"]:
            names = PLACES[exp["source"][:3]]
            assert any(name in said for name in names), (item["id"], exp["source"], item["question"])
