"""The persisted search index: clause vectors in FAISS, BM25 postings, and a manifest.

Layout under the index folder:
    manifest.json      what the index was built from; names the live generation
    gen-<id>/          rows.npz (the clause parts as columns), vectors.npy, faiss.index, bm25.npz,
                       documents.jsonl, outline.npz (each document's whole clauses, as columns),
                       features.json + doc_terms.npz (what retrieval derives from the corpus),
                       and manifest.json (a copy, so the generation can be checked on its own)

A build writes a new generation folder and only then replaces manifest.json (os.replace is
atomic), so a crash mid-build leaves the previous index usable. A build re-embeds only the
clauses of files whose bytes changed; everything else is copied from the previous generation.

A generation holds everything needed to answer (the parsed documents too), so the server can
answer from the last intact one while a newer one is built or a damaged one repaired. The build
keeps the newest intact earlier generation beside the live one for that, and deletes the rest.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
import zipfile
from datetime import datetime
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import orjson

from assistant.bm25 import BM25
from assistant.chunking import split_long_clauses
from assistant.clause_table import ClauseTable, Outline, Rows, assemble, row_keys
from assistant.config import Config
from assistant import features as corpus_features
from assistant.features import Features
from assistant.corpus import (CorpusError, ReadingProgress, TextTwins, convert_ahead_of, corpus_files, file_sha256,
                              load_document)
from assistant.models import Clause, Document, MetaField
from assistant.parser import PARSER_VERSION
from assistant.targets import EXTRACTOR_VERSION, Targets
from assistant.targets import store as targets_store
from assistant.textnorm import compact, fold, tokens
from assistant.vector_index import NodeVectors, kept_index, node_rows, prepared_for_search, row_vectors, vector_index

# 2: generations carry their documents (documents.jsonl) and a manifest copy; 3: BM25 as arrays, and
# the features retrieval derives from the corpus; 4: the documents' terms taken with whitespace removed
# (what lets a which-documents question skip the documents that cannot name its topic), rows by year;
# 5: clause parts and outlines as columns (clause_table.py) instead of JSON lines of whole records;
# 6: each document's targets (assistant/targets/, targets.json), extracted at build time
INDEX_FORMAT = 6
MANIFEST = "manifest.json"
ARTEFACTS = ("rows.npz", "vectors.npy", "faiss.index", "bm25.npz", "documents.jsonl", "outline.npz",
             *corpus_features.FILES, targets_store.FILE)
ROW_FILES = {"rows.npz", "chunks.jsonl", "vectors.npy"}  # the rows a rebuild reuses (chunks.jsonl: formats 1-4)


# What reading damaged index files raises: FAISS's C++ errors come through as RuntimeError.
UNREADABLE = (OSError, ValueError, RuntimeError, KeyError, TypeError, EOFError, zipfile.BadZipFile)


class StaleIndex(Exception):
    """The index does not match the corpus, parser or model; the message says what to run."""


@dataclass(frozen=True)
class Manifest:
    format: int
    parser_version: str
    model_id: str
    dimension: int
    max_clause_chars: int
    files: dict[str, str]  # file name -> sha256 of its bytes
    generation: str
    built_at: str
    clauses: int
    artefacts: dict[str, dict] = field(default_factory=dict)  # file name -> {"bytes": n, "sha256": hex}
    refused: dict[str, dict] = field(default_factory=dict)  # corpus file -> {"sha256": hex, "reason": one line}
    targets_version: str = ""  # the extractor that made targets.json (assistant/targets/extract.py)

    @classmethod
    def read(cls, folder: Path) -> "Manifest | None":
        """The manifest in `folder` (the index folder, or a generation's own copy); None if absent or unreadable."""
        path = folder / MANIFEST
        if not path.exists():
            return None
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError, OSError):
            return None  # unreadable or from another format: treated as no index


def staleness(manifest: Manifest | None, config: Config, files: dict[str, str]) -> list[str]:
    """Why an index cannot serve this corpus and model; empty when it can. (Reads only the manifest;
    `damaged_artefacts` checks the files.)"""
    if manifest is None:
        return ["no index has been built"]
    reasons = []
    if manifest.format != INDEX_FORMAT or manifest.parser_version != PARSER_VERSION:
        reasons.append("the index was built by another version of the parser")
    elif manifest.targets_version != EXTRACTOR_VERSION:  # only the records are made again: nothing is embedded
        reasons.append("the targets were extracted by another version of the extractor")
    if manifest.model_id != config.model_id:
        reasons.append(f"the index was built with model {manifest.model_id}, not {config.model_id}")
    if manifest.max_clause_chars != config.max_clause_chars:
        reasons.append("the clause length limit changed")
    # A file the last build could not read is no news while its bytes stay the same.
    reasons += [f"{name} was removed" for name in sorted(manifest.refused) if name not in files]
    files = {name: sha for name, sha in files.items() if manifest.refused.get(name, {}).get("sha256") != sha}
    for name in sorted(set(files) | set(manifest.files)):
        if name not in manifest.files:
            reasons.append(f"{name} is new")
        elif name not in files:
            reasons.append(f"{name} was removed")
        elif files[name] != manifest.files[name]:
            reasons.append(f"{name} changed")
    return reasons


def file_digest(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def damaged_artefacts(index_dir: Path, manifest: Manifest) -> list[str]:
    """What is wrong with the generation's files, one line each ('faiss.index is damaged (…)')."""
    return list(artefact_problems(index_dir, manifest).values())


def artefact_problems(index_dir: Path, manifest: Manifest | None) -> dict[str, str]:
    """File name -> what is wrong with it, for the files missing or unlike what the build wrote.

    Checked by size, then by hash: a few milliseconds for the five plans. A manifest from before the
    check was recorded has nothing to compare against and is trusted.
    """
    if manifest is None:
        return {}
    gen = index_dir / manifest.generation
    verified = _verified_stamps(gen)
    problems, stamps = {}, {}
    for name, expected in manifest.artefacts.items():
        path = gen / name
        if not path.is_file():
            problems[name] = f"{name} is missing"
        elif path.stat().st_size != expected.get("bytes"):
            problems[name] = f"{name} is damaged ({path.stat().st_size} bytes, the build wrote {expected.get('bytes')})"
        elif verified.get(name) == (stamp := _stamp(path)) or file_digest(path)["sha256"] == expected.get("sha256"):
            stamps[name] = stamp
        else:
            problems[name] = f"{name} is damaged (its contents changed since the build)"
    if stamps != verified:
        _save_stamps(gen, stamps)
    return problems


# Hashing every artefact took ~1.5 s of each start at 10⁵ parts. A file is hashed once, and again only when
# its size, times or inode change (as git trusts its index): a write, a copy or a replacement changes them.
STAMPS = "verified.json"


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _verified_stamps(gen: Path) -> dict:
    try:
        return json.loads((gen / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_stamps(gen: Path, stamps: dict) -> None:
    try:
        partial = gen / (STAMPS + ".partial")
        partial.write_text(json.dumps(stamps), encoding="utf-8")
        os.replace(partial, gen / STAMPS)
    except OSError:  # a read-only index: hashed again next time
        pass


def passage_text(document: Document, clause: Clause) -> str:
    """What is embedded: the clause with its document and heading context, script-folded."""
    return fold(f"{document.title}｜{clause.path_text}\n{compact(clause.text)}")


def lexical_terms(document: Document, clause: Clause) -> list[str]:
    return tokens(fold(f"{document.title} {clause.path_text} {compact(clause.text)}"))


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


def intact_generations(config: Config) -> list[Manifest]:
    """Generations in the index folder that verify against their own manifest and were built with
    this model, parser and clause limit (whatever the corpus was then), newest first."""
    return [m for m in _verified_generations(config.index_dir) if not staleness(m, config, m.files)]


def _verified_generations(index_dir: Path) -> list[Manifest]:
    """Generation folders whose own manifest copy is readable and whose files match it, newest first."""
    found = []
    for folder in index_dir.glob("gen-*"):
        manifest = Manifest.read(folder)
        if manifest is None or manifest.generation != folder.name or set(manifest.artefacts) != set(ARTEFACTS):
            continue
        if not artefact_problems(index_dir, manifest):
            found.append(manifest)
    return sorted(found, key=lambda m: (m.built_at, m.generation), reverse=True)


# Called as the build goes: ("reading", files done, files) then ("embedding", parts done, parts to embed).
BuildProgress = Callable[[str, int, int], None]
EMBED_STEP = 64  # clause parts embedded between two progress reports


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
