"""A store on Milvus: the same rows, searched by a Milvus server or cluster, or by Milvus Lite (the
embedded engine from PyPI, which pymilvus starts for a `.db` path; the client code is the same).

One collection per index generation, filled from the generation's own vectors when first opened
(nothing is embedded again), so a rebuilt index switches collections the way it switches folders.
Collections of generations no longer in the index folder are dropped.

Lexical search is Milvus's own BM25, over the terms this project's analysis gives (Traditional
folded to Simplified, then character bigrams): Milvus's analyzers know neither the folding nor
these terms, so each term is sent as one opaque ASCII word (`t` + its 64-bit key in hex), which any
Milvus tokenizer keeps whole. Scores then follow the same formula as the local BM25.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.bm25 import B, K1, term_key
from assistant.store.base import StoreError

SEARCH_LIMIT = 16_384  # Milvus's largest top-k
INSERT_BATCH = 1_000
TERMS_CHARS = 65_535  # VARCHAR's largest length


def term_word(term: str) -> str:
    """A term as a word every Milvus tokenizer keeps whole."""
    return f"t{term_key(term):016x}"


def terms_text(terms: Sequence[str]) -> str:
    text = " ".join(term_word(t) for t in terms)
    return text if len(text) <= TERMS_CHARS else text[: text.rfind(" ", 0, TERMS_CHARS)]


def collection_prefix(index_dir: Path) -> str:
    """Collections of one index folder share a prefix, so several deployments can share a server
    without dropping each other's collections."""
    digest = hashlib.sha256(str(Path(index_dir).resolve()).encode("utf-8")).hexdigest()[:8]
    return f"plan_{digest}_"


def collection_name(prefix: str, generation: str) -> str:
    return prefix + re.sub(r"[^0-9A-Za-z_]", "_", generation)


class MilvusStore:
    """Dense (FLAT, inner product on unit vectors) and BM25 search in one Milvus collection."""

    def __init__(self, uri: str, index, index_dir: Path, prefix: str, token: str = "", progress: bool = False):
        self.name = f"milvus:{uri}"
        self.size = len(index.clauses)
        try:
            from pymilvus import MilvusClient

            self.client = MilvusClient(uri=uri, token=token or "")
        except ImportError:
            raise StoreError("the Milvus store needs pymilvus (and milvus-lite for a .db file): "
                             "pip install pymilvus milvus-lite") from None
        except Exception as exc:  # noqa: BLE001 - pymilvus's connection errors have no common type
            raise StoreError(f"cannot reach Milvus at {uri}: {_one_line(exc)}") from None
        self.collection = collection_name(prefix, index.manifest.generation)
        self._guarded(self._sync, index, progress)
        self._guarded(self._prune, prefix, index_dir)

    # --- searching ---------------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, k: int, pinned: Sequence[str]) -> np.ndarray:
        data = [np.asarray(vector, dtype=np.float32).ravel().tolist()]
        out = np.full(self.size, -1.0, dtype=np.float32)
        self._fill(out, self._search(data, "vector", "IP", k))
        if pinned:
            self._fill(out, self._search(data, "vector", "IP", SEARCH_LIMIT, _within(pinned)))
        return out

    def lexical(self, terms: Sequence[str], k: int, pinned: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        words = terms_text(list(dict.fromkeys(terms)))
        if not words:
            return out
        # Milvus Lite reports BM25 as a negative distance, a server as a positive score
        self._fill(out, self._search([words], "sparse", "BM25", k), absolute=True)
        if pinned:
            self._fill(out, self._search([words], "sparse", "BM25", SEARCH_LIMIT, _within(pinned)), absolute=True)
        return out

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing a connection that is already gone
            pass

    def _search(self, data, field: str, metric: str, limit: int, where: str = ""):
        return self._guarded(self.client.search, self.collection, data=data, anns_field=field,
                             limit=max(1, min(limit, self.size, SEARCH_LIMIT)), filter=where,
                             search_params={"metric_type": metric}, output_fields=["row"])[0]

    @staticmethod
    def _fill(out: np.ndarray, hits, absolute: bool = False) -> None:
        if not hits:
            return
        rows = np.fromiter((h["entity"].get("row", h.get("id")) for h in hits), dtype=np.int64, count=len(hits))
        values = np.fromiter((h["distance"] for h in hits), dtype=np.float32, count=len(hits))
        out[rows] = np.abs(values) if absolute else values

    # --- keeping the collection in step with the index ---------------------------------------------
    def _sync(self, index, progress: bool) -> None:
        """Make this generation's collection, unless it is there whole."""
        if self.client.has_collection(self.collection):
            if self._count() == self.size:
                self.client.load_collection(self.collection)
                return
            self.client.drop_collection(self.collection)  # left half-filled by an interrupted sync
        self._create(index.vectors.shape[1] if index.vectors.ndim == 2 and index.vectors.shape[1] else 384)
        self._insert(index, progress)
        self.client.load_collection(self.collection)

    def _create(self, dimension: int) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("source", DataType.VARCHAR, max_length=1024)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
        schema.add_field("terms", DataType.VARCHAR, max_length=TERMS_CHARS, enable_analyzer=True,
                         analyzer_params={"tokenizer": "standard"})
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name="terms_bm25", function_type=FunctionType.BM25,
                                     input_field_names=["terms"], output_field_names=["sparse"]))
        params = self.client.prepare_index_params()
        params.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
        params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": K1, "bm25_b": B})
        self.client.create_collection(self.collection, schema=schema, index_params=params)

    def _insert(self, index, progress: bool) -> None:
        from assistant.index import lexical_terms

        clauses = index.clauses
        for at in range(0, len(clauses), INSERT_BATCH):
            if progress:
                print(f"Milvus: {at}/{len(clauses)} rows into {self.collection}", file=sys.stderr, flush=True)
            batch = [{"row": i, "source": c.source, "vector": index.vectors[i].tolist(),
                      "terms": terms_text(lexical_terms(index.documents[c.source], c))}
                     for i, c in enumerate(clauses[at:at + INSERT_BATCH], start=at)]
            self.client.insert(self.collection, batch)
        self.client.flush(self.collection)

    def _count(self) -> int:
        stats = self.client.get_collection_stats(self.collection)
        return int(stats.get("row_count", 0))

    def _prune(self, prefix: str, index_dir: Path) -> None:
        """Drop this index folder's collections whose generation folder is gone."""
        alive = {collection_name(prefix, p.name) for p in index_dir.glob("gen-*")} | {self.collection}
        for name in self.client.list_collections():
            if name.startswith(prefix) and name not in alive:
                self.client.drop_collection(name)

    def _guarded(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - MilvusException and the gRPC errors under it
            raise StoreError(f"Milvus ({self.name[7:]}): {_one_line(exc)}") from None


def _within(sources: Sequence[str]) -> str:
    quoted = ", ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in sources)
    return f"source in [{quoted}]"


def _one_line(exc: Exception) -> str:
    """The error's own words: a MilvusException prints as '<MilvusException: (code=2, message=…)>'."""
    message = getattr(exc, "message", None)
    text = (message if isinstance(message, str) and message.strip() else str(exc)).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
