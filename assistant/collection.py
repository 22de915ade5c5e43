"""Adding documents to the corpus folder and removing them: the checks both the CLI (`add`, `remove`)
and the browser's document management make, in one place.

A file is added only when its name is safe, its size within the limit, its format readable, its
bytes not already in the collection under another name, and its reader can extract its text (a
corrupt, encrypted or empty file is refused with the reader's one-line reason). Each file of a batch
gets its own outcome; a refusal never stops the others, and nothing already in the folder is lost.
Files are written under a temporary name and renamed, so a crash leaves no half-written document.
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from assistant.ingest import READERS, CorpusError, Reader, extract, suffixes

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: "added", "replaced" (same name, new bytes), "unchanged", "refused",
    "skipped" (passed over, as a folder scan passes it over: a lock file, a hidden file), "removed"."""

    name: str
    status: str
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "refused"

    def line(self) -> str:
        return f"{self.name}: {self.status}" + (f" ({self.reason})" if self.reason else "")


def safe_name(name: str) -> str:
    """The file name to store `name` under, or CorpusError: no folders, no '..', no control or hidden names."""
    if not isinstance(name, str) or not name.strip():
        raise CorpusError("a file without a name")
    shown = name.strip()[:MAX_NAME_CHARS]
    if "/" in name or "\\" in name or name.strip() in (".", "..") or name.startswith("."):
        raise CorpusError(f"{shown}: a file name may not contain folders ('/', '\\\\', '..') or start with '.'")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise CorpusError(f"{shown!r}: control characters in the file name")
    if len(name) > MAX_NAME_CHARS:
        raise CorpusError(f"{shown}…: file name longer than {MAX_NAME_CHARS} characters")
    return unicodedata.normalize("NFC", name.strip())


def safe_path(name: str) -> str:
    """A document name inside the library: folders and a file name, each checked as safe_name checks a name."""
    if not isinstance(name, str) or not name.strip():
        raise CorpusError("a file without a name")
    parts = name.strip().split("/")
    if any(not part.strip() for part in parts):
        raise CorpusError(f"{name.strip()[:MAX_NAME_CHARS]}: an empty folder name in the path")
    return "/".join(safe_name(part) for part in parts)


def check_file(name: str, data: bytes, existing: Mapping[str, str], readers: Mapping[str, Reader] = READERS,
               max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why `data` cannot join a collection whose files hash to `existing` (name → sha256); None if it can."""
    if Path(name).suffix.lower() not in readers:
        return f"unsupported format '{Path(name).suffix or '(none)'}'; can read {', '.join(suffixes(readers))}"
    if len(data) > max_bytes:
        return f"{len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit"
    if not data:
        return "empty file"
    digest = hashlib.sha256(data).hexdigest()
    twin = next((other for other, sha in existing.items() if sha == digest and other != name), None)
    if twin:
        return f"the same bytes as {twin}, already in the collection"
    try:
        extract(name, data, readers)  # which also refuses a file with no visible text
    except CorpusError as exc:
        return _reason(str(exc), name)
    return None


def _reason(message: str, name: str) -> str:
    """A reader's 'name: reason' without the repeated name."""
    return message[len(name) + 2:] if message.startswith(name + ": ") else message


def add_files(corpus_dir: Path, files: Iterable[tuple[str, bytes]], readers: Mapping[str, Reader] = READERS,
              max_bytes: int = MAX_FILE_BYTES, folder: str = "") -> list[Outcome]:
    """Copy each (name, bytes) that passes the checks into `corpus_dir`, or into its sub-folder `folder`
    ('法规库/本地文件': a collection, made if new); one Outcome per file, in order, named by its place in the library.

    A name may be a path ('通知/2023/x.doc', a file of an uploaded folder): its folders are kept under `folder`.
    Files a folder scan passes over (hidden ones, Office's lock files, archives) are "skipped", with the reason."""
    from assistant.corpus import passed_over_by_name, scan_library

    corpus_dir.mkdir(parents=True, exist_ok=True)
    existing = {f.name: _sha(f.path) for f in scan_library(corpus_dir).files}
    outcomes = []
    try:
        prefix = safe_path(folder.replace("›", "/").replace(" / ", "/").strip(" /")) + "/" if folder.strip(" /›") else ""
    except CorpusError:
        shown = folder.strip()[:MAX_NAME_CHARS]
        return [Outcome(str(n)[:MAX_NAME_CHARS], "refused", f"the folder '{shown}' is not a folder inside the library "
                                                           f"(no '..', no hidden or empty folder names)") for n, _ in files]
    for raw_name, data in files:
        passed_over = passed_over_by_name(raw_name.strip().replace("\\", "/")) if isinstance(raw_name, str) else None
        if passed_over:
            outcomes.append(Outcome(prefix + raw_name.strip()[:MAX_NAME_CHARS], "skipped", passed_over))
            continue
        try:
            name = prefix + safe_path(raw_name.replace("\\", "/") if isinstance(raw_name, str) else raw_name)
        except CorpusError as exc:
            outcomes.append(Outcome(str(raw_name)[:MAX_NAME_CHARS], "refused", _reason(str(exc), str(raw_name).strip())))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if existing.get(name) == digest:
            outcomes.append(Outcome(name, "unchanged"))
            continue
        problem = check_file(name, data, existing, readers, max_bytes)
        if problem:
            outcomes.append(Outcome(name, "refused", problem))
            continue
        (corpus_dir / name).parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(corpus_dir / name, data)
        outcomes.append(Outcome(name, "replaced" if name in existing else "added"))
        existing[name] = digest
    return outcomes


def remove_document(corpus_dir: Path, name: str) -> Outcome:
    """Delete one document of the collection by its name (its path in the library: '法规库/x.doc')."""
    try:
        name = safe_path(name)
    except CorpusError as exc:
        return Outcome(str(name)[:MAX_NAME_CHARS], "refused", _reason(str(exc), str(name).strip()))
    path = corpus_dir / name
    if not path.is_file():
        return Outcome(name, "refused", "no such document in the collection")
    path.unlink()
    return Outcome(name, "removed")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)


