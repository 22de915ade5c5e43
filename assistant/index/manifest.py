"""A generation's manifest and the checks made on it: why an index cannot serve this corpus, parser and model
(read from the manifest alone), whether a generation's files are still what the build wrote (by size, then by hash,
each file hashed again only when its stat changes), and which earlier generations are intact."""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant import features as corpus_features
from assistant.config import Config
from assistant.parser import PARSER_VERSION
from assistant.targets import EXTRACTOR_VERSION
from assistant.targets import store as targets_store

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
