"""FAISS exact up to EXACT_LIMIT parts, HNSW above; either way the vectors are read back from the index itself."""
from __future__ import annotations

import faiss
import numpy as np

from assistant import vector_index as index_module
from assistant.vector_index import stored_vectors, vector_index


def test_a_large_collection_gets_an_hnsw_graph_that_finds_what_exact_search_finds(shared_assistant, monkeypatch):
    vectors = np.ascontiguousarray(shared_assistant.index.vectors)
    monkeypatch.setattr(index_module, "EXACT_LIMIT", 100)  # the plans' 235 parts stand in for 10⁵
    graph = vector_index(vectors)
    assert isinstance(graph, faiss.IndexHNSWFlat) and graph.ntotal == len(vectors)
    embedder = shared_assistant.retriever.embedder
    for question in ("2022年孕产妇死亡率的目标是多少？", "家庭医生签约服务", "中医药传承创新", "急救体系建设"):
        q = embedder.encode_query(question).reshape(1, -1)
        exact = set(np.argsort(-(vectors @ q[0]))[:10].tolist())
        found = set(graph.search(q, 10)[1][0].tolist())
        assert len(exact & found) >= 9


def test_the_vectors_are_read_from_the_index_without_a_copy(shared_assistant, tmp_path):
    vectors = np.ascontiguousarray(shared_assistant.index.vectors)
    flat = vector_index(vectors)
    faiss.write_index(flat, str(tmp_path / "f.index"))
    again = faiss.read_index(str(tmp_path / "f.index"))
    view = stored_vectors(again)
    assert np.array_equal(view, vectors) and not view.flags["OWNDATA"]
