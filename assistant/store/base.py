"""What a store does: search one index generation's rows by meaning (vectors) and by wording (BM25).

A row is a clause part, numbered as in the generation's chunks.jsonl. The clause records, their
exact offsets and everything derived from the corpus (folded text, places, term statistics) stay in
the generation folder; a store only says how close each row is to a question. Both searches return
one value per row (an array as long as the generation), so retrieval fuses them the same way
whichever store answered.
"""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np


class StoreError(Exception):
    """The store cannot be reached or used; the message says what to check."""


class Store(Protocol):
    name: str  # shown in the CLI and the benchmark ("local", "milvus:…")

    def dense(self, vector: np.ndarray, k: int, pinned: Sequence[str]) -> np.ndarray:
        """Cosine of the question's `vector` with its `k` nearest rows and with every row of the
        `pinned` documents; -1 for the rest."""
        ...

    def lexical(self, terms: Sequence[str], k: int, pinned: Sequence[str]) -> np.ndarray:
        """BM25 of the rows containing the question's `terms` (repeated terms count once): at least
        the `k` best and every row of the `pinned` documents; 0 for the rest."""
        ...

    def close(self) -> None: ...
