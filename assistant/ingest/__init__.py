"""Files in, text out: one reader per format (see base.Reader), chosen by the file's suffix.

`READERS` maps each suffix to its reader; `extract(path)` reads a file with it. Readers of formats
whose libraries are missing are left out, so the suffixes on offer are exactly those that work.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from assistant.ingest.base import CorpusError, Extracted, Reader
from assistant.ingest.text import TextReader, decode

__all__ = ["CorpusError", "Extracted", "READERS", "Reader", "decode", "extract", "suffixes"]


# (module, class) of each optional reader; a reader whose library is not installed is left out.
OPTIONAL_READERS = (("assistant.ingest.pdf", "PdfReader"), ("assistant.ingest.docx", "DocxReader"),
                    ("assistant.ingest.html", "HtmlReader"))


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


def extract(name: str, data: bytes, readers: Mapping[str, Reader] = READERS) -> Extracted:
    """The text of a file called `name` with bytes `data`; CorpusError naming the file when it cannot be read."""
    reader = readers.get(Path(name).suffix.lower())
    if reader is None:
        raise CorpusError(f"{name}: no reader for '{Path(name).suffix}' files (can read {', '.join(suffixes(readers))})")
    return reader.extract(name, data)
