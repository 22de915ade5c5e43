"""Plain text and Markdown: decoded, never mangled."""
from __future__ import annotations

import codecs
from typing import ClassVar

from assistant.ingest.base import CorpusError, Extracted


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


class TextReader:
    suffixes: ClassVar[tuple[str, ...]] = (".txt", ".md")

    def extract(self, name: str, data: bytes) -> Extracted:
        return Extracted(decode(data, name))
