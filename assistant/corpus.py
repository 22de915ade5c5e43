"""The corpus folder as an office keeps it: a tree of sub-folders (库 / 分类 / 团组 / 年份), and reading one file.

A document's name (its `source`) is its path relative to the corpus folder, '/'-separated
(`2018-01-16/胰岛素测定试剂注册技术审查指导原则.doc`), so two files of the same name in two folders are two
documents; the folders above it are its collection (`models.collection_of`). Files directly in the folder keep
their bare names, as before sub-folders were read.

What is not read is listed, never dropped silently: hidden files and folders, Office's lock files (`~$…`),
archives, formats no reader takes. A folder reached twice through links is read once.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.ingest import CorpusError, decode, extract, sniffed_suffix, suffixes
from assistant.parser import ParsedDocument, parse_document

__all__ = ["CorpusError", "Library", "LibraryFile", "ReadingProgress", "Skipped", "TextTwins", "convert_ahead_of",
           "corpus_files", "decode", "file_sha256", "load_document", "scan_library", "text_digest"]

# Unpacking an archive is the office's decision (it may hold old versions, or another office's files).
ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".arj")


@dataclass(frozen=True)
class LibraryFile:
    """A file a reader may take: its document name (relative path) and where it lies."""

    name: str
    path: Path

    def __fspath__(self) -> str:  # opened, copied and hashed as its file is
        return str(self.path)


@dataclass(frozen=True)
class Skipped:
    """A file or folder of the tree that is not read, and why (one line, English; the UI words it in Chinese)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Library:
    files: tuple[LibraryFile, ...]
    skipped: tuple[Skipped, ...]


def scan_library(corpus_dir: Path) -> Library:
    """Every file under `corpus_dir` a reader may take, by name, and everything passed over with its reason."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR or set PLAN_CORPUS")
    readable = set(suffixes())
    files, skipped, seen_dirs = [], [], set()
    for folder, dirs, names in os.walk(corpus_dir, followlinks=True):
        here = Path(folder)
        real = here.resolve()
        relative = here.relative_to(corpus_dir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        if real in seen_dirs:  # a link back up the tree, or two links to one folder
            skipped.append(Skipped(prefix.rstrip("/"), "a folder already read through another link"))
            dirs[:] = []
            continue
        seen_dirs.add(real)
        for d in sorted(dirs):
            if d.startswith("."):
                skipped.append(Skipped(prefix + d + "/", "hidden folder"))
            elif not _utf8(d):
                skipped.append(Skipped(prefix + d + "/", "the folder name is not valid UTF-8; rename the folder"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _utf8(d))
        for name in sorted(names):
            path, shown = here / name, prefix + name
            reason = _passed_over(name, path, readable)
            if reason:
                skipped.append(Skipped(shown, reason))
            else:
                files.append(LibraryFile(shown, path))
    files.sort(key=lambda f: f.name)
    return Library(tuple(files), tuple(sorted(skipped, key=lambda s: s.name)))


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def passed_over_by_name(name: str) -> str | None:
    """Why a file is not read, from its path in the library alone ('a/.git/x', 'a/~$报告.docx', 'b.zip'),
    or None. The folder scan and an uploaded folder pass over the same files for the same reasons."""
    *folders, base = name.split("/")
    if any(folder.startswith(".") and folder not in (".", "..") for folder in folders):  # "..": refused as unsafe
        return "hidden folder"
    if base.startswith("~$") or base.startswith(".~lock."):
        return "a temporary file Office keeps while the document is open"
    if base.startswith(".") and base not in (".", ".."):
        return "hidden file"
    if Path(base).suffix.lower() in ARCHIVES or base.lower().endswith((".tar.gz", ".tar.bz2", ".tar.xz")):
        return "an archive: unpack it into the folder to index the files it holds"
    return None


def _passed_over(name: str, path: Path, readable: set[str]) -> str | None:
    if not _utf8(name):  # a name in GBK unpacked from an old zip: it cannot be stored, cited or shown
        return "the file name is not valid UTF-8 (unpacked from an old archive?); rename the file"
    by_name = passed_over_by_name(name)
    if by_name:
        return by_name
    if not path.is_file():
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return "cannot be opened (permission denied)"
    suffix = Path(name).suffix.lower()
    if suffix in readable:
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or exc})"
    if sniffed_suffix(head) in readable:  # a name without its extension, or with a wrong one
        return None
    return f"unsupported format '{suffix or '(none)'}'; can read {', '.join(sorted(readable))}"


def corpus_files(corpus_dir: Path) -> list[LibraryFile]:
    """The files of the tree a reader may take, by name; CorpusError when there is none."""
    library = scan_library(corpus_dir)
    if not library.files:
        raise CorpusError(f"corpus folder {corpus_dir} has no documents ({', '.join(suffixes())}), "
                          f"sub-folders included")
    return list(library.files)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_document(path: "Path | LibraryFile", name: str | None = None) -> ParsedDocument:
    """Read one file with its format's reader and parse it (whole clauses, not yet split); `name` is its
    document name (relative path): a LibraryFile's, or the file name."""
    name = name or path.name
    data = Path(path).read_bytes()
    extracted = extract(name, data)
    return parse_document(name, extracted.text, hashlib.sha256(data).hexdigest(),
                          pages=extracted.pages, ocr_pages=extracted.ocr_pages)


class ReadingProgress:
    """'reading 120/1000 files, ~3 min left' on stderr every few seconds, for folders of many files."""

    def __init__(self, total: int, on: bool, every_s: float = 3.0):
        self.total, self.on, self.every_s = total, on, every_s
        self.start = self.last = time.monotonic()

    def tick(self, done: int) -> None:
        now = time.monotonic()
        if not self.on or done == 0 or now - self.last < self.every_s:
            return
        self.last = now
        left = (now - self.start) / done * (self.total - done)
        shown = f"{left / 60:.0f} min" if left >= 90 else f"{left:.0f} s"
        print(f"reading {done}/{self.total} files, ~{shown} left", file=sys.stderr, flush=True)


def text_digest(text: str) -> str:
    """What two files of one text share whatever their format: the text without whitespace, hashed."""
    return hashlib.blake2b("".join(text.split()).encode("utf-8"), digest_size=16).hexdigest()


class TextTwins:
    """The first document (by name) of each text, whitespace aside: a .doc beside the .docx saved from it is one.

    Texts are hashed only once a document read anew joins: documents all taken from the last build were told apart
    then, so rebuilding a library whose files did not change hashes none of them."""

    def __init__(self, text_of):
        self.text_of = text_of  # name -> its document's text
        self._first: dict[str, str] = {}
        self._unhashed: list[str] = []
        self._hashing = False

    def twin_of(self, name: str, fresh: bool) -> str | None:
        """The earlier document with the text of `name` (None: it is the first), `fresh` if it was read anew."""
        if fresh and not self._hashing:
            self._hashing = True
            for earlier in self._unhashed:
                self._first.setdefault(text_digest(self.text_of(earlier)), earlier)
            self._unhashed.clear()
        if not self._hashing:
            self._unhashed.append(name)
            return None
        first = self._first.setdefault(text_digest(self.text_of(name)), name)
        return None if first == name else first


def convert_ahead_of(files: list[LibraryFile]) -> None:
    """Convert the legacy-format files a build is about to read, in batches (one LibreOffice start for many)."""
    from assistant.ingest.convert import SHEET_SUFFIXES, SLIDE_SUFFIXES, WORD_SUFFIXES, convert_ahead, soffice

    legacy = set(WORD_SUFFIXES) | set(SHEET_SUFFIXES) | set(SLIDE_SUFFIXES)
    todo = [(f.path, Path(f.name).suffix.lower()) for f in files if Path(f.name).suffix.lower() in legacy]
    if todo and soffice() is not None:
        try:
            convert_ahead(todo)
        except CorpusError:
            pass  # each file then says why on its own
