"""Files in, text out: one reader per format (see base.Reader), chosen by the file's suffix.

`READERS` maps each suffix to its reader; `extract(path)` reads a file with it. Readers of formats
whose libraries are missing are left out, so the suffixes on offer are exactly those that work.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Mapping

from assistant.ingest.base import CorpusError, Extracted, Reader
from assistant.ingest.text import TextReader, decode

__all__ = ["CorpusError", "Extracted", "READERS", "Reader", "decode", "extract", "sniffed_suffix", "suffixes"]


# (module, class) of each optional reader; a reader whose library is not installed is left out.
OPTIONAL_READERS = (("assistant.ingest.pdf", "PdfReader"), ("assistant.ingest.docx", "DocxReader"),
                    ("assistant.ingest.html", "HtmlReader"), ("assistant.ingest.convert", "WordReader"),
                    ("assistant.ingest.convert", "SheetReader"), ("assistant.ingest.ofd", "OfdReader"),
                    ("assistant.ingest.pptx", "PptxReader"), ("assistant.ingest.convert", "SlidesReader"))


def _readers() -> dict[str, Reader]:
    import importlib

    readers: list[Reader] = [TextReader()]
    for module, name in OPTIONAL_READERS:
        try:
            readers.append(getattr(importlib.import_module(module), name)())
        except ImportError:
            continue
    return {suffix: reader for reader in readers for suffix in reader.suffixes}


READERS: dict[str, Reader] = _readers()


def suffixes(readers: Mapping[str, Reader] = READERS) -> tuple[str, ...]:
    return tuple(sorted(readers))


def sniffed_suffix(data: bytes) -> str | None:
    """The format the bytes are, whatever the name says (None: no telling, go by the name). Real folders hold
    a .doc that is RTF or a web page, a .docx that is an old .doc, and names cut before their extension."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word, Excel, PowerPoint or WPS 97–2003
        if "Workbook".encode("utf-16-le") in data:
            return ".xls"
        if "PowerPoint Document".encode("utf-16-le") in data:
            return ".ppt"
        return ".doc"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:1 << 16]:
            return ".docx"
        if b"xl/" in data[:1 << 16]:
            return ".xlsx"
        if b"ppt/" in data[:1 << 16]:
            return ".pptx"
        # An OFD's OFD.xml is its first member or (ofdrw, Suwell) its last: the central directory at the end names it.
        if b"OFD.xml" in data[:1 << 16] or b"OFD.xml" in data[-(1 << 16):]:
            return ".ofd"
        return None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return ".html"
    return None


# Formats of one family: a name's suffix in the family is trusted over what sniffing guesses within it.
_FAMILIES = ({".doc", ".dot", ".wps", ".wpt", ".xls", ".et", ".ppt", ".pps", ".dps"}, {".docx", ".xlsx", ".pptx"},
             {".html", ".htm"})


def _format_of(name: str, data: bytes, readers: Mapping[str, Reader]) -> str:
    suffix = Path(name).suffix.lower()
    actual = sniffed_suffix(data)
    if actual is None or actual == suffix or actual not in readers:
        return suffix
    if any(suffix in family and actual in family for family in _FAMILIES):
        return suffix
    return actual


def extract(name: str, data: bytes, readers: Mapping[str, Reader] = READERS) -> Extracted:
    """The text of a file called `name` with bytes `data`; CorpusError naming the file when it cannot be read.

    The reader is the one of the format the bytes are (see sniffed_suffix), which is the name's suffix but
    for misnamed files; a .docx python-docx cannot open goes through LibreOffice, as a .doc does."""
    kind = _format_of(name, data, readers)
    reader = readers.get(kind)
    if reader is None:
        raise CorpusError(f"{name}: no reader for '{Path(name).suffix}' files (can read {', '.join(suffixes(readers))})")
    try:
        extracted = reader.extract(name, data)
    except CorpusError as exc:
        word = readers.get(".doc")
        if kind != ".docx" or word is None or not data.startswith(b"PK") or "refused:" in str(exc) or "no text" in str(exc):
            raise
        try:
            extracted = word.extract(name, data)  # LibreOffice repairs what python-docx cannot open
        except CorpusError:
            raise exc from None
    if not any(visible(ch) for ch in extracted.text):
        raise CorpusError(f"{name}: no visible text (only blank or control characters); nothing to cite")
    return extracted


def visible(ch: str) -> bool:
    """A character a reader sees: not white space, not a control, format, private-use or unassigned one.
    (str.strip() keeps '\x01'; a file of control characters only was indexed as 200 empty-looking parts.)"""
    return not ch.isspace() and unicodedata.category(ch)[0] not in "CZ"
