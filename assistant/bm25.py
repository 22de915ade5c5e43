"""Okapi BM25 over folded character bigrams, held as arrays: built from token lists, saved as one .npz,
loaded without a Python object per term or posting.

A term is known by a stable 64-bit key (`term_key`: the first 8 bytes of its BLAKE2b hash), so the
vocabulary is one sorted uint64 array looked up with `searchsorted`; the postings of key i are
`rows[starts[i]:starts[i + 1]]` with their term frequencies in `tfs`.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

K1 = 1.2
B = 0.75
MERGE_LIMIT = 200_000  # new postings up to which a rebuild inserts them into the kept ones instead of sorting all


def term_key(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True, eq=False)
class BM25:
    keys: np.ndarray  # uint64, sorted: one per term
    starts: np.ndarray  # int64, len(keys) + 1
    rows: np.ndarray  # int32, the rows of each term's postings, term by term
    tfs: np.ndarray  # the term's frequency in each of those rows: the narrowest unsigned type that holds them
    # (uint8 at 10⁵ parts: 31 MB less than float32), made float32 where a query scores them
    doc_lengths: np.ndarray  # float32, tokens per row

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> "BM25":
        vocabulary: dict[str, int] = {}
        term_ids, row_ids, counts = [], [], []
        for row, terms in enumerate(documents):
            for term, tf in Counter(terms).items():
                term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                row_ids.append(row)
                counts.append(tf)
        keys = np.fromiter((term_key(t) for t in vocabulary), dtype=np.uint64, count=len(vocabulary))
        order = np.argsort(keys, kind="stable")  # term id -> rank among the sorted keys
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        by_term = rank[np.asarray(term_ids, dtype=np.int64)] if term_ids else np.zeros(0, dtype=np.int64)
        postings = np.lexsort((np.asarray(row_ids, dtype=np.int64), by_term))
        starts = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(by_term, minlength=len(keys)), out=starts[1:])
        return cls(keys[order], starts, np.asarray(row_ids, dtype=np.int32)[postings],
                   _narrow(np.asarray(counts, dtype=np.int64)[postings]),
                   np.asarray([len(t) for t in documents], dtype=np.float32))

    @classmethod
    def rebuilt(cls, old: "BM25", row_map: np.ndarray, fresh: "BM25", fresh_rows: np.ndarray, size: int) -> "BM25":
        """The BM25 `build` would give over `size` rows, made from an earlier one without reading its rows
        again: old row r becomes row `row_map[r]` (-1: gone), and row i of `fresh` (built from the new or
        changed rows only) becomes row `fresh_rows[i]`. Every array operation: a rebuild after one changed
        file among 10⁵ rows costs a sort of the postings, not a pass of Python over every row's terms."""
        row_map, fresh_rows = np.asarray(row_map, dtype=np.int64), np.asarray(fresh_rows, dtype=np.int64)
        moved = row_map[old.rows] if len(old.rows) else np.zeros(0, dtype=np.int64)
        kept = moved >= 0
        old_keys, old_rows, old_tfs = np.repeat(old.keys, np.diff(old.starts))[kept], moved[kept], old.tfs[kept]
        new_keys = np.repeat(fresh.keys, np.diff(fresh.starts))
        new_rows = fresh_rows[fresh.rows] if len(fresh.rows) else np.zeros(0, dtype=np.int64)
        targets = row_map[row_map >= 0]
        if len(new_keys) <= MERGE_LIMIT and np.all(targets[1:] > targets[:-1]) and np.all(fresh_rows[1:] > fresh_rows[:-1]):
            # the kept rows keep their order, so their postings are still sorted by (term, row): the few new
            # ones are inserted where they belong (sorting all ~8·10⁶ postings again took 2 s at 10⁵ rows)
            at = _insertion_points(old_keys, old_rows, new_keys, new_rows)
            tfs = np.insert(old_tfs.astype(np.promote_types(old_tfs.dtype, fresh.tfs.dtype)), at, fresh.tfs)  # no overflow
            keys, rows = np.insert(old_keys, at, new_keys), np.insert(old_rows, at, new_rows)
        else:
            keys, rows, tfs = np.concatenate([old_keys, new_keys]), np.concatenate([old_rows, new_rows]), np.concatenate([old_tfs, fresh.tfs])
            order = np.lexsort((rows, keys))
            keys, rows, tfs = keys[order], rows[order], tfs[order]
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
        doc_lengths = np.zeros(size, dtype=np.float32)
        alive = row_map >= 0
        doc_lengths[row_map[alive]] = old.doc_lengths[alive]
        doc_lengths[fresh_rows] = fresh.doc_lengths
        return cls(keys[first], np.append(first, len(keys)).astype(np.int64), rows.astype(np.int32),
                   _narrow(tfs), doc_lengths)

    @classmethod
    def reusing(cls, old: "BM25", earlier_rows: Sequence[int | None], terms_of: Callable[[int], Sequence[str]]) -> "BM25":
        """`build` over len(earlier_rows) rows, where row i was row earlier_rows[i] of `old` (None: new or
        changed, its terms read with terms_of(i)); only those rows are tokenised."""
        row_map = np.full(old.size, -1, dtype=np.int64)
        fresh_rows = []
        for row, earlier in enumerate(earlier_rows):
            if earlier is None:
                fresh_rows.append(row)
            else:
                row_map[earlier] = row
        fresh = cls.build([terms_of(row) for row in fresh_rows])
        return cls.rebuilt(old, row_map, fresh, np.asarray(fresh_rows, dtype=np.int64), len(earlier_rows))

    @property
    def size(self) -> int:
        """Rows indexed."""
        return len(self.doc_lengths)

    def _slot(self, term: str) -> int:
        key = np.uint64(term_key(term))
        at = int(np.searchsorted(self.keys, key))
        return at if at < len(self.keys) and self.keys[at] == key else -1

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, term frequencies) of the rows containing `term`; empty arrays when none does."""
        at = self._slot(term)
        if at < 0:
            return self.rows[:0], self.tfs[:0]
        return self.rows[self.starts[at]:self.starts[at + 1]], self.tfs[self.starts[at]:self.starts[at + 1]]

    def __contains__(self, term: str) -> bool:
        return self._slot(term) >= 0

    def df(self, term: str) -> int:
        at = self._slot(term)
        return 0 if at < 0 else int(self.starts[at + 1] - self.starts[at])

    def idf(self, term: str) -> float:
        n, df = self.size, self.df(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: Iterable[str]) -> np.ndarray:
        """BM25 score of every row for the query (repeated query terms count once)."""
        out = np.zeros(self.size, dtype=np.float32)
        if self.size == 0:
            return out
        norm = K1 * (1 - B + B * self.doc_lengths / max(float(self.doc_lengths.mean()), 1.0))
        for term in set(query_terms):
            rows, tfs = self.postings(term)
            if len(rows):
                tfs = tfs.astype(np.float32)
                out[rows] += self.idf(term) * tfs * (K1 + 1) / (tfs + norm[rows])
        return out

    def coverage(self, terms: Sequence[str]) -> np.ndarray:
        """Per row, the share of `terms` (each occurrence counted) that the row contains (float64)."""
        counts = np.zeros(self.size, dtype=np.float64)
        for term in terms:
            counts[self.postings(term)[0]] += 1.0
        return counts / len(terms) if terms else counts

    def save(self, path: Path) -> None:
        with open(path, "wb") as out:  # a file object: np.savez would add ".npz" to a name without it
            np.savez(out, keys=self.keys, starts=self.starts, rows=self.rows, tfs=self.tfs, doc_lengths=self.doc_lengths)

    @classmethod
    def load(cls, path: Path) -> "BM25":
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in ("keys", "starts", "rows", "tfs", "doc_lengths")}
        return cls(**arrays)


def _narrow(counts: np.ndarray) -> np.ndarray:
    """Term frequencies in the narrowest unsigned integer type that holds them (they are counts)."""
    top = int(counts.max()) if len(counts) else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return counts.astype(dtype)
    return counts.astype(np.uint64)


def _insertion_points(keys: np.ndarray, rows: np.ndarray, new_keys: np.ndarray, new_rows: np.ndarray) -> np.ndarray:
    """Where each (key, row) of the new postings goes among postings sorted by (key, row)."""
    low = np.searchsorted(keys, new_keys, side="left")
    high = np.searchsorted(keys, new_keys, side="right")
    return np.fromiter((lo + np.searchsorted(rows[lo:hi], row) for lo, hi, row in zip(low, high, new_rows)),
                       dtype=np.int64, count=len(new_keys))
