"""What every format reader returns, and the error it raises.

A reader only turns a file's bytes into text (and, for paged formats, where each page starts);
`assistant.parser` then finds the title, the metadata and the clauses in that text, the same way
for every format, so every citation's offsets point into `Extracted.text`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol


class CorpusError(Exception):
    """A document problem a user can fix; the message names the file and says what is wrong, in one line."""


@dataclass(frozen=True)
class Extracted:
    """A file's text as the parser will read it.

    `pages[i]` is the offset in `text` where page i+1 starts (empty for formats without pages);
    `ocr_pages` are the 1-based numbers of the pages whose text was recognised from an image.
    """

    text: str
    pages: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()


class Reader(Protocol):
    """One file format: its suffixes, and bytes → Extracted (CorpusError when it cannot, never a guess)."""

    suffixes: ClassVar[tuple[str, ...]]

    def extract(self, name: str, data: bytes) -> Extracted: ...
