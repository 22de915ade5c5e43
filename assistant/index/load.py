"""A generation read into memory: the SearchIndex retrieval answers from, read from the generation's folder alone,
or StaleIndex saying what changed and what to run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from assistant.bm25 import BM25
from assistant.clause_table import ClauseTable, Outline
from assistant.config import Config
from assistant.corpus import corpus_files, file_sha256
from assistant.features import Features
from assistant.index.manifest import UNREADABLE, Manifest, StaleIndex, damaged_artefacts, staleness
from assistant.models import Clause, Document, MetaField
from assistant.targets import Targets
from assistant.targets import store as targets_store
from assistant.vector_index import NodeVectors, node_rows, prepared_for_search, row_vectors


@dataclass
class SearchIndex:
    """Everything retrieval needs, in memory."""

    manifest: Manifest
    documents: dict[str, Document]
    clauses: ClauseTable  # one row per clause part, the FAISS row order
    vectors: "np.ndarray | NodeVectors"  # in row order, over the FAISS index's own memory
    faiss_index: object
    bm25: BM25
    whole_clauses: Outline  # unsplit outline per document, for browsing
    features: Features
    targets: Targets = field(default_factory=lambda: Targets(()))  # every quantified statement (assistant/targets/)


def _corpus_hashes(config: Config) -> dict[str, str]:
    return {f.name: file_sha256(f.path) for f in corpus_files(config.corpus_dir)}


def _read_generation(index_dir: Path, manifest: Manifest, documents: dict[str, Document], outline: Outline):
    import faiss

    gen = index_dir / manifest.generation
    clauses = ClauseTable.load(gen / "rows.npz", documents, alike=outline.table)
    faiss_index = faiss.read_index(str(gen / "faiss.index"))  # the owner: views of it must not outlive it
    prepared_for_search(faiss_index)
    labels = node_rows(faiss_index)
    if np.count_nonzero(labels >= 0) != len(clauses) or labels.max(initial=-1) >= len(clauses):
        raise ValueError("faiss.index does not hold one vector per clause part")
    bm25 = BM25.load(gen / "bm25.npz")
    return clauses, row_vectors(faiss_index), faiss_index, bm25


def _read_documents(gen: Path) -> tuple[dict[str, Document], Outline]:
    documents, legacy = {}, {}
    with open(gen / "documents.jsonl", "rb") as lines:  # line by line: reading the file whole left ~35 MB of the
        rows = [orjson.loads(line) for line in lines]  # server's heap in holes at 10⁵ parts
    for row in rows:
        d = row["document"]
        document = Document(**{**d, "fields": tuple(MetaField(**f) for f in d["fields"]),
                                 "pages": tuple(d.get("pages", ())), "ocr_pages": tuple(d.get("ocr_pages", ()))})
        documents[document.source] = document
        if "outline" in row:  # formats 2-4 kept each outline beside its document
            legacy[document.source] = tuple(Clause(**{**c, "path": tuple(c["path"])}) for c in row["outline"])
    if (gen / "outline.npz").exists():
        return documents, Outline(ClauseTable.load(gen / "outline.npz", documents))
    return documents, Outline.of(legacy, documents)


def load_index(config: Config) -> SearchIndex:
    """The index as built, or StaleIndex saying exactly what changed and what to run."""
    manifest = Manifest.read(config.index_dir)
    reasons = staleness(manifest, config, _corpus_hashes(config))
    if not reasons:
        reasons = damaged_artefacts(config.index_dir, manifest)
    if reasons:
        raise StaleIndex(
            f"index in {config.index_dir} is out of date ({'; '.join(reasons)}); "
            f"run: python -m assistant build --corpus {config.corpus_dir} --index {config.index_dir}"
        )
    try:
        return load_generation(config.index_dir, manifest)
    except UNREADABLE as exc:
        raise StaleIndex(f"index in {config.index_dir} cannot be read ({type(exc).__name__}); "
                         f"run: python -m assistant build --corpus {config.corpus_dir} --index {config.index_dir}") from None


def load_generation(index_dir: Path, manifest: Manifest) -> SearchIndex:
    """One generation, whole, from its folder alone (the corpus files are not read)."""
    documents, whole = _read_documents(index_dir / manifest.generation)
    clauses, vectors, faiss_index, bm25 = _read_generation(index_dir, manifest, documents, whole)
    features = Features.load(index_dir / manifest.generation)
    targets = targets_store.load(index_dir / manifest.generation)[1]
    return SearchIndex(manifest, documents, clauses, vectors, faiss_index, bm25, whole, features, targets)


def index_problems(config: Config) -> list[str]:
    """Why the live index cannot serve the corpus as it is now (stale or damaged); empty when it can."""
    manifest = Manifest.read(config.index_dir)
    return staleness(manifest, config, _corpus_hashes(config)) or damaged_artefacts(config.index_dir, manifest)
