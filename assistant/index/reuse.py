"""What a rebuild takes from the previous generation, so that only what changed is read, parsed and embedded:
its reading of the corpus (documents, outlines, refusals, features, clause parts, targets: Earlier) and the rows
of the files unchanged since (vectors, BM25 postings, the HNSW graph's file: ReusableRows)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from assistant import features as corpus_features
from assistant.bm25 import BM25
from assistant.clause_table import ClauseTable, Outline, row_keys
from assistant.config import Config
from assistant.features import Features
from assistant.index.load import _read_documents
from assistant.index.manifest import INDEX_FORMAT, ROW_FILES, UNREADABLE, Manifest
from assistant.models import Document
from assistant.parser import PARSER_VERSION
from assistant.targets import EXTRACTOR_VERSION, Targets
from assistant.targets import store as targets_store


def _as_before(name: str, sha: str, earlier: "Earlier") -> bool:
    """The file is read as the last build read it: indexed, or unreadable (a copy is looked at again: its original may
    have gone). Nothing of it is converted or parsed again."""
    if name in earlier.documents:
        return earlier.documents[name].sha256 == sha
    entry = earlier.refused.get(name, {})
    return entry.get("sha256") == sha and "duplicate_of" not in entry


@dataclass(frozen=True)
class Earlier:
    """What the previous generation read from the corpus: its documents, their clauses, its refusals."""

    documents: dict[str, Document]
    whole: Outline
    refused: dict[str, dict]
    features: Features | None  # reused per unchanged document
    parts: ClauseTable | None  # its clause parts, split to the same length limit as now (None: not to be reused)
    targets: Targets | None = None  # reused per unchanged document, when this extractor made them


def _earlier(index_dir: Path, old: Manifest | None, damage: dict[str, str], max_clause_chars: int) -> Earlier | None:
    """The previous generation's reading of the corpus, when it was made by this parser and is intact."""
    if old is None or old.format not in (2, 3, 4, 5, INDEX_FORMAT) or old.parser_version != PARSER_VERSION:
        return None
    if damage.keys() & {"documents.jsonl", "outline.npz"}:
        return None
    try:
        documents, whole = _read_documents(index_dir / old.generation)
    except UNREADABLE:
        return None
    features = None
    if old.format in (3, 4, 5, INDEX_FORMAT) and not damage.keys() & set(corpus_features.FILES):  # per document: the same in 3
        try:
            features = Features.load(index_dir / old.generation)
        except UNREADABLE:
            pass
    parts = None
    if old.format in (5, INDEX_FORMAT) and old.max_clause_chars == max_clause_chars and not damage.keys() & ROW_FILES:
        try:
            parts = ClauseTable.load(index_dir / old.generation / "rows.npz", documents)
        except UNREADABLE:
            pass
    targets = None
    if old.format == INDEX_FORMAT and old.targets_version == EXTRACTOR_VERSION and targets_store.FILE not in damage:
        try:
            targets = targets_store.load(index_dir / old.generation)[1]
        except UNREADABLE:
            pass
    return Earlier(documents, whole, old.refused, features, parts, targets)


def _read_row_keys(gen: Path) -> list[tuple[str, int, int]]:
    """Each row's (source, start, end): all a rebuild needs of the rows it keeps (their vectors are by row)."""
    if (gen / "rows.npz").exists():
        return row_keys(gen / "rows.npz")
    keys = []  # formats 1-4: JSON lines of whole records
    with open(gen / "chunks.jsonl", "rb") as lines:
        for line in lines:
            r = orjson.loads(line)
            keys.append((r["source"], r["start"], r["end"]))
    return keys


@dataclass(frozen=True)
class ReusableRows:
    """What an earlier generation gives a rebuild for the files unchanged since: their rows' vectors (keyed
    by clause position) and, when its format stored them as this one does, their rows' BM25 postings."""

    vectors: np.ndarray  # the earlier generation's, by its rows
    old_rows: dict  # clause position -> its row in the earlier generation (the rows of unchanged files)
    bm25: BM25 | None = None
    faiss_file: Path | None = None  # the earlier generation's, unless damaged (its HNSW graph can be kept)
    size: int = 0  # rows of the earlier generation


def _reusable_rows(config: Config, old: Manifest | None, hashes: dict[str, str], damaged: set[str]) -> ReusableRows:
    """The rows of files unchanged since generation `old`, whose artefacts named in `damaged` are not to be read.

    Only the stored clause rows and vectors are needed: a damaged FAISS, BM25 or documents file is
    derived anew from them and the corpus, with nothing embedded again.
    """
    nothing = ReusableRows(np.zeros((0, 0), dtype=np.float32), {})
    if old is None or old.model_id != config.model_id or old.format not in (1, 2, 3, 4, 5, INDEX_FORMAT):
        return nothing  # formats 1 to 4 stored the same rows and vectors, as JSON lines
    if old.parser_version != PARSER_VERSION or old.max_clause_chars != config.max_clause_chars:
        return nothing
    gen = config.index_dir / old.generation
    try:
        keys, vectors = _read_row_keys(gen), np.load(gen / "vectors.npy")
    except UNREADABLE:
        return nothing
    if len(vectors) != len(keys):
        return nothing
    unchanged = {name for name, sha in hashes.items() if old.files.get(name) == sha}
    kept = [i for i, key in enumerate(keys) if key[0] in unchanged]
    bm25 = None
    if old.format in (4, 5, INDEX_FORMAT) and "bm25.npz" not in damaged:
        try:
            bm25 = BM25.load(gen / "bm25.npz")
        except UNREADABLE:
            pass
    return ReusableRows(vectors, {keys[i]: i for i in kept},
                        bm25 if bm25 is not None and bm25.size == len(keys) else None,
                        None if "faiss.index" in damaged else gen / "faiss.index", len(keys))
