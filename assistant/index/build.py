"""build_index: the corpus read (files unchanged since the last generation taken from it), the clause parts of new
or changed files embedded, the vector and lexical indexes made (moving the earlier ones' rows where it can), and
the new generation written beside the last, then switched to atomically."""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import orjson

from assistant import features as corpus_features
from assistant.bm25 import BM25
from assistant.chunking import split_long_clauses
from assistant.clause_table import ClauseTable, Outline, Rows, assemble
from assistant.config import Config
from assistant.corpus import (CorpusError, ReadingProgress, TextTwins, convert_ahead_of, corpus_files, file_sha256,
                              load_document)
from assistant.features import Features
from assistant.index.load import SearchIndex, _corpus_hashes, load_generation
from assistant.index.manifest import (ARTEFACTS, INDEX_FORMAT, MANIFEST, ROW_FILES, UNREADABLE, Manifest, _save_stamps,
                                      _stamp, _verified_generations, artefact_problems, file_digest, intact_generations,
                                      staleness)
from assistant.index.reuse import Earlier, ReusableRows, _as_before, _earlier, _reusable_rows
from assistant.models import Clause, Document
from assistant.parser import PARSER_VERSION
from assistant.targets import EXTRACTOR_VERSION, Targets
from assistant.targets import store as targets_store
from assistant.textnorm import compact, fold, tokens
from assistant.vector_index import kept_index, row_vectors, vector_index

# Called as the build goes: ("reading", files done, files) then ("embedding", parts done, parts to embed).
BuildProgress = Callable[[str, int, int], None]
EMBED_STEP = 64  # clause parts embedded between two progress reports


def passage_text(document: Document, clause: Clause) -> str:
    """What is embedded: the clause with its document and heading context, script-folded."""
    return fold(f"{document.title}｜{clause.path_text}\n{compact(clause.text)}")


def lexical_terms(document: Document, clause: Clause) -> list[str]:
    return tokens(fold(f"{document.title} {clause.path_text} {compact(clause.text)}"))


def _load_corpus(config: Config, progress: bool = False, on_progress: BuildProgress | None = None,
                 earlier: "Earlier | None" = None):
    """Documents, their clause parts (split to the length limit), their whole clauses, and the files
    that were not indexed (name -> {"sha256", "reason"}, and "duplicate_of" for a copy): those are named,
    and the rest is indexed.

    A file whose bytes are those of `earlier` (the previous generation) is taken from it, parsed or
    refused as it was then, so a rebuild reads (and OCRs, and converts) only what changed. A file with
    the bytes of one before it (by name), or the same text (a .doc beside its .docx), is indexed once and
    listed as that one's duplicate.
    """
    earlier = earlier or Earlier({}, Outline.of({}, {}), {}, None, None)
    documents, parts, whole, refused = {}, [], {}, {}
    files = corpus_files(config.corpus_dir)
    hashes = {f.name: file_sha256(f.path) for f in files}
    convert_ahead_of([f for f in files if not _as_before(f.name, hashes[f.name], earlier)])
    first_of_bytes: dict[str, str] = {}
    twins = TextTwins(lambda n: documents[n].text)
    eta = ReadingProgress(len(files), progress and len(files) > 20)
    for done, file in enumerate(files):
        name, sha = file.name, hashes[file.name]
        if on_progress is not None:
            on_progress("reading", done, len(files))
        eta.tick(done)
        if sha in first_of_bytes:
            refused[name] = {"sha256": sha, "reason": f"the same bytes as {first_of_bytes[sha]}",
                             "duplicate_of": first_of_bytes[sha]}
            continue
        first_of_bytes[sha] = name
        if name in earlier.documents and earlier.documents[name].sha256 == sha:
            outline = earlier.whole.table
            documents[name], whole[name] = earlier.documents[name], Rows(outline, outline.rows_of(name))
        elif _as_before(name, sha, earlier):  # unreadable then, and the same bytes now
            refused[name] = earlier.refused[name]
            continue
        else:
            try:
                parsed = load_document(file.path, name)
            except CorpusError as exc:
                refused[name] = {"sha256": sha, "reason": str(exc)}
                _say(progress, f"skipped {exc}")
                continue
            documents[name], whole[name] = parsed.document, parsed.clauses
        twin = twins.twin_of(name, fresh=documents[name] is not earlier.documents.get(name))
        if twin is not None:
            del documents[name], whole[name]
            refused[name] = {"sha256": sha, "reason": f"the same text as {twin}", "duplicate_of": twin}
            continue
        if earlier.parts is not None and documents[name] is earlier.documents.get(name):
            parts.append(Rows(earlier.parts, earlier.parts.rows_of(name)))  # split as before: splitting 10⁵ again took seconds
        elif isinstance(whole[name], Rows):  # an earlier generation's outline, split to another length limit
            parts.append(split_long_clauses(earlier.whole[name], config.max_clause_chars))
        else:
            parts.append(split_long_clauses(whole[name], config.max_clause_chars))
    if not documents:
        raise CorpusError(f"no document in {config.corpus_dir} could be read"
                          + (f" ({'; '.join(r['reason'] for r in refused.values())})" if refused else ""))
    return documents, assemble(parts, documents), Outline.of(whole, documents), refused


def build_index(
    config: Config,
    embedder_factory: Callable[[], object],
    progress: bool = True,
    on_progress: BuildProgress | None = None,
) -> tuple[SearchIndex, int]:
    """Build (or bring up to date) the index; returns it and how many clause parts were embedded.

    `embedder_factory` is called only if something needs embedding, so an up-to-date index
    costs no model load. `on_progress` (for a progress bar in the browser) hears each step.
    """
    old = Manifest.read(config.index_dir)
    damage = artefact_problems(config.index_dir, old)
    if not staleness(old, config, _corpus_hashes(config)) and not damage:  # hashes only: nothing parsed
        try:
            return load_generation(config.index_dir, old), 0
        except UNREADABLE as exc:  # an index from before artefacts were recorded, damaged since
            damage = {MANIFEST: f"the index files cannot be read ({type(exc).__name__})"}
    earlier = _earlier(config.index_dir, old, damage, config.max_clause_chars)
    documents, clauses, whole, refused = _load_corpus(config, progress, on_progress, earlier)
    hashes = {name: doc.sha256 for name, doc in documents.items()}
    if damage:
        _say(progress, f"repairing the index: {'; '.join(damage.values())}")
    source = old
    if damage.keys() & ROW_FILES:  # the live rows cannot be trusted: the last intact ones can
        source = next(iter(intact_generations(config)), None)
    rows = _reusable_rows(config, source, hashes, set(damage) if source is old else set())
    earlier_rows = [rows.old_rows.get(key) for key in clauses.keys()]  # each part's row in `source` (None: new or changed)
    todo = [i for i, row in enumerate(earlier_rows) if row is None]
    dimension = source.dimension if source and rows.old_rows else 0
    if todo:
        embedder = embedder_factory()
        _say(progress, f"embedding {len(todo)} of {len(clauses)} clause parts")
        texts = [passage_text(documents[clauses[i].source], clauses[i]) for i in todo]
        if on_progress is None:
            fresh = embedder.encode_passages(texts, show_progress=progress)
        else:  # in steps, so each can be reported
            steps = []
            for at in range(0, len(texts), EMBED_STEP):
                on_progress("embedding", at, len(texts))
                steps.append(embedder.encode_passages(texts[at:at + EMBED_STEP]))
            on_progress("embedding", len(texts), len(texts))
            fresh = np.concatenate(steps)
        dimension = fresh.shape[1]
        vectors = np.zeros((len(clauses), dimension), dtype=np.float32)
        vectors[todo] = fresh
    else:
        vectors = np.zeros((len(clauses), dimension), dtype=np.float32)
    kept = [(i, row) for i, row in enumerate(earlier_rows) if row is not None]
    if kept:
        vectors[[i for i, _ in kept]] = rows.vectors[[row for _, row in kept]]
    faiss_index = _vector_index(vectors, earlier_rows, rows)
    bm25 = _lexical_index(documents, clauses, earlier_rows, rows)
    old_features = earlier.features if earlier else None
    same_rows = source is old and old_features is not None and len(old_features.row_folded) == rows.size
    features = corpus_features.compute(documents, clauses, old_features, earlier_rows if same_rows else None)
    targets = targets_store.compute(documents, whole, earlier.targets if earlier else None,
                                    earlier.documents if earlier else None)
    manifest = Manifest(
        INDEX_FORMAT, PARSER_VERSION, config.model_id, dimension, config.max_clause_chars,
        hashes, f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}", datetime.now().isoformat(timespec="microseconds"), len(clauses),
        refused=refused, targets_version=EXTRACTOR_VERSION,
    )
    manifest = _write_generation(config.index_dir, manifest, clauses, vectors, faiss_index, bm25, documents, whole,
                                 features, targets)
    _say(progress, f"index written to {config.index_dir} ({len(clauses)} clause parts, {len(documents)} files, "
                   f"{len(targets)} targets)")
    vectors = row_vectors(faiss_index)  # not a second copy
    return SearchIndex(manifest, documents, clauses, vectors, faiss_index, bm25, whole, features, targets), len(todo)


def _vector_index(vectors: np.ndarray, earlier_rows: Sequence[int | None], reusable: ReusableRows):
    """The earlier generation's HNSW graph with this one's changes (see vector_index.py), or a new index."""
    if reusable.faiss_file is not None and reusable.old_rows:
        row_map = np.full(reusable.size, -1, dtype=np.int64)
        moved = [(old, row) for row, old in enumerate(earlier_rows) if old is not None]
        if moved:
            row_map[[old for old, _ in moved]] = [row for _, row in moved]
        kept = kept_index(reusable.faiss_file, row_map, vectors)
        if kept is not None:
            return kept
    return vector_index(vectors)


def _lexical_index(documents: dict[str, Document], clauses: Sequence[Clause], earlier_rows: Sequence[int | None],
                   reusable: ReusableRows) -> BM25:
    """BM25 over the clause parts: the postings of rows kept from the earlier generation are moved to their
    new rows, and only the rows of new or changed files are tokenised (at 10⁵ parts, tokenising every row
    took ~40 s of a rebuild after one changed file)."""
    if reusable.bm25 is None or not reusable.old_rows:
        return BM25.build([lexical_terms(documents[c.source], c) for c in clauses])
    return BM25.reusing(reusable.bm25, earlier_rows,
                        lambda row: lexical_terms(documents[clauses[row].source], clauses[row]))


def _write_generation(index_dir: Path, manifest: Manifest, clauses: ClauseTable, vectors, faiss_index, bm25: BM25,
                      documents: dict[str, Document], outline: Outline, features: Features, targets: Targets) -> Manifest:
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    gen = index_dir / manifest.generation
    tmp = index_dir / (manifest.generation + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    clauses.save(tmp / "rows.npz")
    np.save(tmp / "vectors.npy", vectors)
    faiss.write_index(faiss_index, str(tmp / "faiss.index"))
    bm25.save(tmp / "bm25.npz")
    features.save(tmp)
    targets_store.save(tmp, targets)
    with open(tmp / "documents.jsonl", "wb") as out:  # orjson writes dataclasses as objects, in UTF-8
        for document in documents.values():
            out.write(orjson.dumps({"document": document}) + b"\n")
    outline.table.save(tmp / "outline.npz")
    manifest = replace(manifest, artefacts={name: file_digest(tmp / name) for name in ARTEFACTS})
    (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, gen)
    _save_stamps(gen, {name: _stamp(gen / name) for name in ARTEFACTS})  # just hashed: the first open need not
    manifest_tmp = index_dir / (MANIFEST + ".partial")
    manifest_tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(manifest_tmp, index_dir / MANIFEST)  # the switch: atomic
    _prune_generations(index_dir, manifest)
    return manifest


def _prune_generations(index_dir: Path, live: Manifest) -> None:
    """Keep the live generation and the newest intact one before it (to answer from while a
    later build runs); delete every other generation folder."""
    keep = {live.generation, *[m.generation for m in _verified_generations(index_dir) if m.generation != live.generation][:1]}
    for folder in index_dir.glob("gen-*"):
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)
