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


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_number(n: int) -> str:
    """20 → 二十, 105 → 一百零五 (how articles are numbered)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else chinese_number(rest) if rest >= 20 else "一" + chinese_number(rest))
    return digits[hundreds] + "百" + tail


def chinese_integer(written: str) -> int:
    """十八 -> 18, 一百二十 -> 120, 三万五千 -> 35000, 一亿三千万 -> 130000000, 二〇二五 -> 2025."""
    if not any(c in written for c in "十百千万亿"):
        return int("".join(str(CN_DIGITS[c]) for c in written))
    total = section = digit = 0
    for c in written:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        elif c in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[c]  # 十八: a ten with no digit before it is one ten
            digit = 0
        elif c == "万":
            total += (section + digit) * _CN_BIG[c]
            section = digit = 0
        else:  # 亿: everything so far is counted in hundred-millions
            total = (total + section + digit) * _CN_BIG[c]
            section = digit = 0
    return total + section + digit
