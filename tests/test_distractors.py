"""Two documents about one place (plan 004 and Guangzhou's first-aid regulation): a question about the
place is answered from the one it means, not treated as a comparison of the two."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.index import build_index
from assistant.models import Intent
from assistant.service import Assistant

ROOT = Path(__file__).resolve().parent.parent
PLAN = "004_7019475e6841841c.txt"
REGULATION = "广州市社会急救医疗管理条例(2023-02-01).md"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, shared_assistant, real_embedder):
    root = tmp_path_factory.mktemp("one-place-two-documents")
    (root / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / PLAN, root / "corpus")
    shutil.copy(ROOT / "tests" / "fixtures" / "distractors" / REGULATION, root / "corpus")
    config = shared_assistant.config.override(corpus_dir=root / "corpus", index_dir=root / "index")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    both = {s for s, d in index.features.documents.items() if "广州" in d.places}
    assert both == {PLAN, REGULATION}  # the premise: both are about 广州
    return Assistant(config, index, real_embedder)


@pytest.mark.parametrize("question, source, label, key", [
    ("广州18项重点工程里的第15项是什么？", PLAN, "15", "双网共建"),  # the plan's title names 重点工程
    ("广州重点工程第2项具体要干嘛？", PLAN, "2", "廉洁医院"),
    ("广州市社会急救医疗管理条例第十条是什么？", REGULATION, "第十条", ""),  # the regulation's title
])
def test_the_title_a_question_shares_words_with_decides(assistant, question, source, label, key):
    answer = assistant.ask(question)
    first = answer.citations[0]
    assert answer.found and answer.intent != Intent.COMPARISON
    assert (first.source, first.clause.label) == (source, label) and key in answer.text


def test_without_title_words_the_document_with_the_best_clause_answers(assistant):
    answer = assistant.ask("广州的院前急救呼叫受理有什么规定？")
    assert answer.found and answer.intent != Intent.COMPARISON
    assert {c.source for c in answer.citations} == {REGULATION}
