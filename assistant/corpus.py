"""The corpus folder: which files are documents, and reading one (its format's reader, then the parser)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.ingest import CorpusError, decode, extract, suffixes
from assistant.parser import ParsedDocument, parse_document

__all__ = ["CorpusError", "corpus_files", "decode", "file_sha256", "load_document"]


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The files directly in the folder that a reader can read, by name."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR or set PLAN_CORPUS")
    readable = suffixes()
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in readable)
    if not files:
        raise CorpusError(f"corpus folder {corpus_dir} has no documents ({', '.join(readable)})")
    return files


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_document(path: Path) -> ParsedDocument:
    """Read one file with its format's reader and parse it (whole clauses, not yet split)."""
    data = path.read_bytes()
    extracted = extract(path.name, data)
    return parse_document(path.name, extracted.text, hashlib.sha256(data).hexdigest(),
                          pages=extracted.pages, ocr_pages=extracted.ocr_pages)
