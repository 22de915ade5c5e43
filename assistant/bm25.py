"""Okapi BM25 over folded character bigrams. Pure: built from token lists, saved as plain data."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class BM25:
    postings: dict[str, list[tuple[int, int]]]  # term -> [(row, term frequency)]
    doc_lengths: tuple[int, ...]

    @classmethod
    def build(cls, documents: list[list[str]]) -> "BM25":
        postings: dict[str, list[tuple[int, int]]] = {}
        for row, terms in enumerate(documents):
            for term, tf in Counter(terms).items():
                postings.setdefault(term, []).append((row, tf))
        return cls(postings, tuple(len(t) for t in documents))

    def idf(self, term: str) -> float:
        n, df = len(self.doc_lengths), len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every row for the query (repeated query terms count once)."""
        n = len(self.doc_lengths)
        out = np.zeros(n, dtype=np.float32)
        if n == 0:
            return out
        lengths = np.asarray(self.doc_lengths, dtype=np.float32)
        norm = K1 * (1 - B + B * lengths / max(lengths.mean(), 1.0))
        for term in set(query_terms):
            hits = self.postings.get(term)
            if not hits:
                continue
            idf = self.idf(term)
            rows = np.fromiter((r for r, _ in hits), dtype=np.int64, count=len(hits))
            tfs = np.fromiter((tf for _, tf in hits), dtype=np.float32, count=len(hits))
            out[rows] += idf * tfs * (K1 + 1) / (tfs + norm[rows])
        return out

    def to_json(self) -> dict:
        return {"postings": {t: [list(p) for p in ps] for t, ps in self.postings.items()}, "doc_lengths": list(self.doc_lengths)}

    @classmethod
    def from_json(cls, data: dict) -> "BM25":
        return cls({t: [tuple(p) for p in ps] for t, ps in data["postings"].items()}, tuple(data["doc_lengths"]))
