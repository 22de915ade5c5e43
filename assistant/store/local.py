"""The default store: FAISS for vectors and BM25 arrays, both files of the generation, in this process."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from assistant.bm25 import BM25
from assistant.vector_index import search_rows


class LocalStore:
    """Exact or HNSW search in FAISS; BM25 of every row (exact, a few milliseconds at 10⁵ rows)."""

    name = "local"

    def __init__(self, faiss_index, vectors: np.ndarray, bm25: BM25, rows_of: Callable[[str], np.ndarray]):
        self.faiss_index = faiss_index
        self.vectors = vectors  # in row order, over FAISS's own storage (vector_index.row_vectors)
        self.bm25 = bm25
        self.rows_of = rows_of

    @classmethod
    def of(cls, index) -> "LocalStore":
        """The store of a loaded generation (`index.SearchIndex`): its FAISS index, vectors and BM25."""
        return cls(index.faiss_index, index.vectors, index.bm25, index.features.rows_of)

    def dense(self, vector: np.ndarray, k: int, pinned: Sequence[str]) -> np.ndarray:
        n = len(self.vectors)
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        out = np.full(n, -1.0, dtype=np.float32)
        if n == 0:
            return out
        sims, rows = search_rows(self.faiss_index, query, k)
        out[rows] = sims
        if pinned:  # their exact cosine, whether or not the nearest rows reach them
            mine = np.concatenate([self.rows_of(s) for s in pinned])
            out[mine] = self.vectors[mine] @ query[0]
        return out

    def lexical(self, terms: Sequence[str], k: int, pinned: Sequence[str]) -> np.ndarray:
        return self.bm25.scores(terms)

    def close(self) -> None:
        pass
