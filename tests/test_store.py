"""The Milvus store (Milvus Lite: the embedded engine, with the client code a Milvus server uses)
finds what the local FAISS + BM25 store finds, keeps its collection in step with the index's
generations, and scores the evaluation set the same."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from assistant.eval.load import load_set
from assistant.eval.run import evaluate
from assistant.index import build_index
from assistant.service import Assistant
from assistant.store import LocalStore, StoreError, milvus_uri, open_store
from assistant.textnorm import fold, tokens

pytest.importorskip("milvus_lite")

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["2022年孕产妇死亡率的目标是多少？", "家庭医生签约服务有什么要求", "欽州市衛生健康工作要點", "远程医疗",
             "How many key projects does Guangzhou plan?"]


@pytest.fixture(scope="module")
def milvus_config(shared_assistant, tmp_path_factory):
    return shared_assistant.config.override(store=str(tmp_path_factory.mktemp("milvus") / "plans.db"))


@pytest.fixture(scope="module")
def milvus_assistant(shared_assistant, milvus_config):
    return Assistant(milvus_config, shared_assistant.index, shared_assistant.embedder)


def test_the_store_setting_names_local_milvus_lite_or_a_server(tmp_path):
    assert milvus_uri("local", tmp_path) is None
    assert milvus_uri("milvus", tmp_path) == str(tmp_path.resolve() / "milvus.db")
    assert milvus_uri("http://milvus.intranet:19530", tmp_path) == "http://milvus.intranet:19530"
    with pytest.raises(StoreError, match="unknown store 'faiss2'"):
        milvus_uri("faiss2", tmp_path)


def test_dense_search_gives_faiss_s_cosines(shared_assistant, milvus_assistant):
    local, milvus = shared_assistant.retriever.store, milvus_assistant.retriever.store
    assert isinstance(local, LocalStore) and milvus.name.startswith("milvus:")
    for question in QUESTIONS:
        vector = shared_assistant.embedder.encode_query(fold(question))
        a, b = local.dense(vector, 20, []), milvus.dense(vector, 20, [])
        assert set(np.flatnonzero(a > -1)) == set(np.flatnonzero(b > -1)) and len(np.flatnonzero(b > -1)) == 20
        assert np.allclose(a, b, atol=1e-5)


def test_a_pinned_document_has_every_row_scored(shared_assistant, milvus_assistant):
    plan = "001_a2c9650bb564f988.txt"
    rows = shared_assistant.index.features.rows_of(plan)
    vector = shared_assistant.embedder.encode_query(fold("食品安全"))
    dense = milvus_assistant.retriever.store.dense(vector, 5, [plan])
    assert (dense[rows] > -1).all()
    assert np.allclose(dense[rows], shared_assistant.index.vectors[rows] @ vector, atol=1e-5)


def test_bm25_in_milvus_ranks_as_the_local_bm25(shared_assistant, milvus_assistant):
    local, milvus = shared_assistant.retriever.store, milvus_assistant.retriever.store
    for question in QUESTIONS[:4]:
        terms = tokens(fold(question))
        a, b = local.lexical(terms, 10, []), milvus.lexical(terms, 10, [])
        # Milvus Lite keeps BM25 statistics per segment (its own TODO), so the figures are close, not equal
        first_a, first_b = np.argsort(-a, kind="stable")[:10], np.argsort(-b, kind="stable")[:10]
        assert first_a[0] == first_b[0] and len(set(first_a) & set(first_b)) >= 8
        found = b > 0
        assert np.allclose(a[found] / a.max(), b[found] / b.max(), atol=0.05)


def test_the_evaluation_scores_the_same_on_milvus_lite(shared_assistant, milvus_assistant):
    items = load_set(ROOT / "eval" / "questions.jsonl")
    local = evaluate(shared_assistant, items).metrics
    milvus = evaluate(milvus_assistant, items).metrics
    for name in ("hit_at_1", "hit_at_5", "answer_accuracy", "refusal_precision", "refusal_recall"):
        assert abs(getattr(local, name) - getattr(milvus, name)) <= 0.01, name
    assert milvus.citation_exactness == 1.0 and milvus.invalid == 0


def test_each_generation_has_its_collection_and_gone_ones_are_dropped(tmp_path, shared_assistant, real_embedder):
    from pymilvus import MilvusClient

    (tmp_path / "corpus").mkdir()
    plans = sorted((ROOT / "corpus").iterdir())
    shutil.copy(plans[2], tmp_path / "corpus")
    config = shared_assistant.config.override(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                                              store=str(tmp_path / "m.db"))
    seen = []
    for plan in plans[3:]:  # three builds: the index keeps the live generation and the one before
        index, _ = build_index(config, lambda: real_embedder, progress=False)
        store = open_store(config, index)
        seen.append(store.collection)
        assert store.dense(index.vectors[0], 3, []).max() == pytest.approx(1.0, abs=1e-5)
        shutil.copy(plan, tmp_path / "corpus")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    store = open_store(config, index)
    names = set(MilvusClient(uri=str(tmp_path / "m.db")).list_collections())
    assert store.collection in names and seen[-1] in names and seen[0] not in names


def test_a_half_filled_collection_is_filled_again(tmp_path, shared_assistant):
    from pymilvus import MilvusClient

    config = shared_assistant.config.override(store=str(tmp_path / "half.db"))
    store = open_store(config, shared_assistant.index)
    client = MilvusClient(uri=str(tmp_path / "half.db"))
    client.delete(store.collection, ids=list(range(100)))  # as if a sync had stopped part-way
    client.flush(store.collection)
    again = open_store(config, shared_assistant.index)
    assert again._count() == len(shared_assistant.index.clauses)


def test_an_unreachable_server_is_one_clear_message(shared_assistant, capsys):
    began = time.perf_counter()
    with pytest.raises(StoreError, match="cannot reach Milvus at http://127.0.0.1:9") as raised:
        open_store(shared_assistant.config.override(store="http://127.0.0.1:9"), shared_assistant.index)
    assert "<" not in str(raised.value) and "Exception" not in str(raised.value)  # its words, not its repr
    assert time.perf_counter() - began < 30
    assert cli.main(["ask", "--store", "nowhere", "远程医疗"]) == cli.EXIT_USAGE
    assert "unknown store 'nowhere'" in capsys.readouterr().err
