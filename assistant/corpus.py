"""The corpus folder: which files are documents, how their bytes become text, parsing them."""
from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from assistant.parser import ParsedDocument, parse_document

DOCUMENT_SUFFIXES = (".txt", ".md")


class CorpusError(Exception):
    """A corpus problem a user can fix; the message names the file and what to do."""


def decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030; anything else is refused, never mangled."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{name}: starts with a UTF-16 mark but is not valid UTF-16 ({exc.reason})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None and _looks_chinese(text):
            return text
    raise CorpusError(f"{name}: not UTF-8, UTF-16 or GB18030 text; save it as UTF-8 and run build again")


def _looks_chinese(text: str) -> bool:
    """GB18030 decodes almost any bytes; accept it only when the result reads as Chinese text."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    other = sum(1 for ch in text if not ch.isascii() and not ("\u4e00" <= ch <= "\u9fff") and ch not in "，。、；：？！“”（）《》【】—…·％")
    return cjk > 0 and other <= 0.05 * cjk


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Plain-text and Markdown files directly in the folder, by name."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR or set PLAN_CORPUS")
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    if not files:
        raise CorpusError(f"corpus folder {corpus_dir} has no .txt or .md files")
    return files


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_document(path: Path) -> ParsedDocument:
    """Read, decode and parse one file (whole clauses, not yet split)."""
    data = path.read_bytes()
    return parse_document(path.name, decode(data, path.name), hashlib.sha256(data).hexdigest())
