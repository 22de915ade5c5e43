"""Split over-long clauses into parts that keep the clause's label, path and exact offsets."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from itertools import groupby

from assistant.models import Clause

# Paragraphs first, then sentence ends (kept with the sentence they end), then clause breaks.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "!", "?", ";", "，", ",", ""]


@lru_cache(maxsize=8)
def _splitter(max_chars: int):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=max_chars,
        chunk_overlap=0,
        separators=SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )


def split_clause(clause: Clause, max_chars: int) -> list[Clause]:
    """The clause itself when short enough, else consecutive parts located in its original text."""
    if len(clause.text) <= max_chars:
        return [clause]
    parts, cursor = [], 0
    for piece in _splitter(max_chars).split_text(clause.text):
        offset = clause.text.index(piece, cursor)  # pieces are substrings, in order
        cursor = offset + len(piece)
        start = clause.start + offset
        parts.append(replace(clause, text=piece, start=start, end=start + len(piece)))
    return parts


def split_long_clauses(clauses: tuple[Clause, ...] | list[Clause], max_chars: int) -> tuple[Clause, ...]:
    """Split every over-long clause; number the parts of each clause 0..n-1 again."""
    pieces = [part for clause in clauses for part in split_clause(clause, max_chars)]
    out: list[Clause] = []
    for _, group in groupby(pieces, key=lambda c: (c.source, c.label, c.path)):
        group = list(group)
        # most clauses are one part, numbered already: copying each (dataclasses.replace) cost 2.5 s at 10⁵
        out.extend(c if (c.part, c.parts) == (i, len(group)) else replace(c, part=i, parts=len(group))
                   for i, c in enumerate(group))
    return tuple(out)
