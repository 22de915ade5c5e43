"""Pure text helpers: script folding, compaction for display, tokens for BM25, sentences."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_TOKEN_RE = re.compile(f"[{_CJK}]+|[a-z]+|\\d+(?:\\.\\d+)?%?")
_LINEBREAK_RE = re.compile(r"[ \t\u3000\xa0]*\r?\n[\s\u3000\xa0]*")
# Sentence ends: full stops, with closing quotes kept on the sentence. Semicolons do not end one:
# in plans a year or subject stated before a semicolon governs the parts after it.
_SENTENCE_RE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)]*|$)")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # imported lazily: it reads its dictionaries on first use

    return OpenCC("t2s")


@lru_cache(maxsize=1 << 15)
def fold(text: str) -> str:
    """Traditional→Simplified, full-width→half-width, lower case: the form used for matching.

    Only ever used for comparing and scoring; citations quote the original characters. Cached:
    the same clause and sentence texts are folded again for every question that finds them.
    """
    converted = _t2s().convert(text).translate(_FULL_WIDTH)
    # NFKC is half of the cost and most texts need nothing more once full-width forms are mapped (as NFKC
    # maps them): checking is cheaper than normalising
    return (converted if unicodedata.is_normalized("NFKC", converted) else unicodedata.normalize("NFKC", converted)).lower()


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}  # ！…～ and the ideographic space


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def compact(text: str) -> str:
    """Join lines the way a reader would: page breaks inside Chinese sentences vanish."""

    def join(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        return " " if (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()) else ""

    return _LINEBREAK_RE.sub(join, text.strip())


def tokens(text: str) -> list[str]:
    """BM25 terms of already folded text: CJK character bigrams (and lone characters), words, numbers."""
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        run = m.group()
        if is_cjk(run[0]):
            out.extend(run if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
        else:
            out.append(run)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed, in order."""
    spans = []
    for m in _SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
