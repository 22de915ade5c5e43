"""What retrieval derives from the corpus, computed when the index is built and stored in its generation,
so opening an index reads it instead of working it out again (folding 10⁵ clauses and tagging every
document's places took most of a minute at start-up).

- per document: its text script-folded, its folded title and date, the places it is about
  (`home_places`: jieba's place tags, the slowest part), its sha256 (what a rebuild reuses by);
- per clause part: its folded text, whether it is only a heading, which document it is in;
- `title_names`: names a title puts in quotation marks that no other document uses;
- `terms`: which documents contain which folded bigrams and characters (a BM25 over documents), so
  "which documents contain this word" looks up postings and then checks only those documents.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import orjson

from assistant.bm25 import BM25
from assistant.catalogue import bare, cited_names
from assistant.clause_table import ClauseTable
from assistant.models import Clause, Document
from assistant.place_spellings import pinyin
from assistant.query import leading_places, strip_admin_suffix, tagged_places
from assistant.textnorm import fold, is_cjk, tokens

FILES = ("features.json", "doc_terms.npz")


@dataclass(frozen=True)
class DocumentFeatures:
    sha256: str
    folded: str  # the whole text, script-folded
    title_folded: str  # title and date, folded
    places: tuple[str, ...]  # the places the document is about


@dataclass(frozen=True, eq=False)
class Features:
    sources: tuple[str, ...]  # the documents, in index order
    documents: dict[str, DocumentFeatures]
    row_folded: Sequence[str]  # each clause part's text, folded (FoldedRows)
    heading_only: np.ndarray  # bool per clause part
    row_document: np.ndarray  # int32 per clause part: its document's position in `sources`
    title_names: dict[str, tuple[str, ...]]
    terms: BM25  # rows are documents: which contain which bigram or character
    # Each four-digit string in the clause parts' folded texts -> the rows holding it (a year question
    # ranks by it); None in a generation saved before it was stored: then made on first use (0.3 s at 10⁵).
    numbers: dict[str, np.ndarray] | None = None
    squashed_terms: bool = True  # `terms` were taken with whitespace removed (False: saved before they were)
    spellings: dict[str, str] | None = None  # each place of `documents` -> its pinyin (None: saved before it was)

    def documents_with(self, terms) -> set[str] | None:
        """The documents holding every CJK bigram or character of `terms` once whitespace is removed;
        None when the stored postings cannot tell."""
        if not self.squashed_terms:
            return None
        found = holding_all(set(terms), self.terms)
        return set(self.sources) if found is None else {self.sources[i] for i in found}

    def rows_with_year(self, year: str) -> np.ndarray:
        """The rows whose folded text contains `year` (four digits), sorted."""
        return self._numbers.get(year, _NO_ROWS)

    def writes(self, words: str) -> bool:
        """Whether a document's text writes `words` (bare: letters, digits and CJK only), marks between its characters
        aside."""
        holding = self.documents_with([words[i:i + 2] for i in range(len(words) - 1)])
        return any(words in bare(self.documents[s].folded)
                   for s in (holding if holding is not None else self.sources))

    @cached_property
    def cited(self) -> frozenset[str]:
        """The names of the documents the texts cite in title marks (catalogue.cited_names), read on first use."""
        return cited_names(d.folded for d in self.documents.values())

    @cached_property
    def _numbers(self) -> dict[str, np.ndarray]:
        return self.numbers if self.numbers is not None else four_digit_rows(self.row_folded)

    def rows_of(self, source: str) -> np.ndarray:
        """The rows of one document's clause parts, in order."""
        at = self._position.get(source)
        if at is None:
            return np.zeros(0, dtype=np.int64)
        return self._row_order[self._row_bounds[at]:self._row_bounds[at + 1]]

    @cached_property
    def _position(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.sources)}

    @cached_property
    def _row_order(self) -> np.ndarray:  # rows grouped by document (a stable sort keeps their order)
        return np.argsort(self.row_document, kind="stable").astype(np.int64)

    @cached_property
    def _row_bounds(self) -> np.ndarray:
        return np.searchsorted(self.row_document[self._row_order], np.arange(len(self.sources) + 1))

    def containing(self, word: str) -> list[str]:
        """The documents whose folded text contains `word` (already folded), in index order."""
        return containing(word, self.sources, self.documents, self.terms)

    def save(self, folder: Path) -> None:
        payload = {"sources": list(self.sources), "documents": {s: asdict(d) for s, d in self.documents.items()},
                   **_row_spans(self.row_folded), "heading_only": self.heading_only.astype(int).tolist(),
                   "row_document": self.row_document.tolist(), "title_names": {s: list(n) for s, n in self.title_names.items()},
                   "numbers": {n: rows.tolist() for n, rows in self._numbers.items()}, "squashed_terms": self.squashed_terms,
                   "spellings": self.spellings}
        (folder / "features.json").write_bytes(orjson.dumps(payload))
        self.terms.save(folder / "doc_terms.npz")

    @classmethod
    def load(cls, folder: Path) -> "Features":
        data = orjson.loads((folder / "features.json").read_bytes())
        documents = {s: DocumentFeatures(d["sha256"], d["folded"], d["title_folded"], tuple(d["places"]))
                     for s, d in data["documents"].items()}
        row_document = np.asarray(data["row_document"], dtype=np.int32)
        if "row_folded" in data:  # before format 5: every part's folded text
            if not isinstance(data["row_folded"], list):
                raise ValueError("features.json: row_folded is not a list of texts")
            rows = tuple(data["row_folded"])
        else:
            rows = FoldedRows([documents[s].folded for s in data["sources"]], row_document,
                              np.asarray(data["row_starts"], dtype=np.int64), np.asarray(data["row_ends"], dtype=np.int64),
                              {int(r): t for r, t in data["row_own"].items()})
        return cls(tuple(data["sources"]), documents, rows,
                   np.asarray(data["heading_only"], dtype=bool), row_document,
                   {s: tuple(n) for s, n in data["title_names"].items()}, BM25.load(folder / "doc_terms.npz"),
                   {n: np.asarray(rows, dtype=np.int64) for n, rows in data["numbers"].items()} if "numbers" in data else None,
                   data.get("squashed_terms", False), data.get("spellings"))


def _document_index(sources: Sequence[str], made: Mapping[str, DocumentFeatures], earlier: "Features | None") -> BM25:
    """Which documents hold which terms. The postings of documents kept from `earlier` are moved, not read
    again: with one file changed among 2 000, only its text is tokenised."""
    if earlier is None or not earlier.squashed_terms or earlier.terms.size != len(earlier.sources):
        return BM25.build([document_terms(made[s].folded) for s in sources])
    old_position = {s: i for i, s in enumerate(earlier.sources)}
    kept = [old_position[s] if s in old_position and made[s] is earlier.documents.get(s) else None for s in sources]
    return BM25.reusing(earlier.terms, kept, lambda row: document_terms(made[sources[row]].folded))


def containing(word: str, sources: Sequence[str], documents: Mapping[str, DocumentFeatures], terms: BM25) -> list[str]:
    """The documents whose folded text contains `word`: those whose postings hold all its terms, each
    then checked by a substring search of its text."""
    found = holding_all(word_terms(word), terms)
    candidates = range(len(sources)) if found is None else sorted(found)
    return [sources[i] for i in candidates if word in documents[sources[i]].folded]


def holding_all(keys: set[str], terms: BM25) -> set[int] | None:
    """The documents (positions) whose postings hold every one of `keys`; None when no key is given."""
    found = None
    for key in sorted(keys, key=terms.df):  # the rarest first: the smallest set
        rows = set(terms.postings(key)[0].tolist())
        found = rows if found is None else found & rows
        if not found:
            return set()
    return found


def word_terms(folded: str) -> set[str]:
    """Terms every document containing `folded` has: the bigrams of its CJK runs, and the character of a
    one-character run. (Latin words and numbers are left out: "202" lies inside the token "2022".)"""
    return {t for t in tokens(folded) if is_cjk(t[0])}


def document_terms(folded: str) -> list[str]:
    """Every CJK bigram of a folded text, and each of its CJK characters (what `word_terms` asks for).
    Whitespace is removed first, as phrase tests remove it ('法定传\n\n染病' holds 传染), so a document
    that lacks a bigram cannot have a clause whose squashed text holds it."""
    squashed = re.sub(r"\s+", "", folded)
    return [t for t in tokens(squashed) if is_cjk(t[0])] + [ch for ch in set(squashed) if is_cjk(ch)]


def home_places(document: Document, folded: str) -> tuple[str, ...]:
    """The places a document is about: those its title/issuer open with, and frequent named ones."""
    places = set(leading_places(document.title)) | set(leading_places(document.issuer or ""))
    counts = Counter(tagged_places(folded))
    for name, n in counts.items():
        with_suffix = any(name + s in folded for s in ("省", "市", "县", "区", "州"))
        if folded.count(name) >= 5 and with_suffix and strip_admin_suffix(name) == name:
            places.add(name)
    return tuple(sorted(places))


def main_place(document: DocumentFeatures) -> str | None:
    """The place a document is about when its title names none: the home place its text names most, twice as often
    as any other (the 八大工程 plan: 贵州 40 times, 遵义 5). None when the title names one or none stands out."""
    if any(place in document.title_folded for place in document.places):
        return None
    counts = sorted(((document.folded.count(place), place) for place in document.places), reverse=True)
    if not counts or counts[0][0] < 5 or len(counts) > 1 and counts[0][0] < 2 * counts[1][0]:
        return None
    return counts[0][1]


def is_heading_only(text: str) -> bool:
    """A short single line without a full stop: an outline heading with no body."""
    return "\n" not in text.strip() and len(text) <= 40 and not re.search(r"[。！？!?]", text)


def quoted_names(folded_title: str) -> list[str]:
    """Names a title puts in quotation marks: '…“八大工程”行动计划' → ['八大工程'] (at least 3 characters)."""
    return [n for n in re.findall(r"[“\"「『]([^”\"」』]{3,20})[”\"」』]", folded_title)]


def _row_spans(rows: Sequence[str]) -> dict:
    """How features.json stores the folded rows: offsets into the documents' folded texts, and the rows of their own."""
    if not isinstance(rows, FoldedRows):
        raise TypeError("folded rows are saved from a FoldedRows")
    return {"row_starts": rows.starts.tolist(), "row_ends": rows.ends.tolist(), "row_own": {str(r): t for r, t in rows.own.items()}}


class FoldedRows(Sequence[str]):
    """Each clause part's folded text: the slice of its document's folded text at the part's offsets where
    folding kept every offset of the document (98 % of 10⁵ parts), else a string of its own. Stored as offsets,
    this is ~45 MB less than a folded copy of every part, and nothing to read at start-up."""

    def __init__(self, documents: Sequence[str], row_document: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                 own: dict[int, str]):
        self.documents, self.row_document, self.starts, self.ends, self.own = documents, row_document, starts, ends, own

    @classmethod
    def of(cls, texts: Sequence[str], documents: Sequence[str], row_document: np.ndarray, starts: np.ndarray,
           ends: np.ndarray) -> "FoldedRows":
        own = {row: text for row, text in enumerate(texts)
               if documents[row_document[row]][starts[row]:ends[row]] != text}
        return cls(documents, row_document, starts, ends, own)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row) + (len(self) if row < 0 else 0)
        if not 0 <= row < len(self):
            raise IndexError(row)
        if row in self.own:
            return self.own[row]
        return self.documents[self.row_document[row]][self.starts[row]:self.ends[row]]

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(other) == len(self) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]


_NO_ROWS = np.zeros(0, dtype=np.int64)
_DIGITS = re.compile(r"\d{4,}")


def four_digit_rows(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Each four-digit string occurring in `texts` (inside longer runs too: '20250' holds 2025 and 0250,
    as a substring test would find them) -> the indexes of the texts holding it."""
    found: dict[str, list[int]] = {}
    for row, text in enumerate(texts):
        for run in _DIGITS.findall(text):
            for window in {run[i:i + 4] for i in range(len(run) - 3)}:
                found.setdefault(window, []).append(row)
    return {window: np.asarray(rows, dtype=np.int64) for window, rows in found.items()}


def compute(documents: Mapping[str, Document], clauses: Sequence[Clause], earlier: "Features | None" = None,
            earlier_rows: Sequence[int | None] | None = None) -> Features:
    """The features of this corpus; a document whose bytes are those of `earlier` keeps its features, and
    clause part i keeps those of row earlier_rows[i] of `earlier` (None: a new or changed part)."""
    sources = tuple(documents)
    made = {}
    for source, document in documents.items():
        old = earlier.documents.get(source) if earlier is not None else None
        if old is not None and old.sha256 == document.sha256:
            made[source] = old
            continue
        folded = fold(document.text)
        made[source] = DocumentFeatures(document.sha256, folded, fold(document.title + " " + (document.date or "")),
                                        home_places(document, folded))
    position = {s: i for i, s in enumerate(sources)}
    terms = _document_index(sources, made, earlier)
    title_names = {s: tuple(n for n in quoted_names(fold(documents[s].title))
                            if all(o == s for o in containing(n, sources, made, terms)))
                   for s in sources}
    if earlier is None or earlier_rows is None:
        earlier_rows = [None] * len(clauses)
    # folding every part again was 3.7 s of a rebuild after one changed file at 10⁵ parts
    table = ClauseTable.of(clauses, documents)  # by column: a kept row's Clause is never made
    texts = [fold(table[i].text) if r is None else earlier.row_folded[r] for i, r in enumerate(earlier_rows)]
    row_document = np.asarray([position[s] for s in table.sources], dtype=np.int32)[table.columns["document"]]
    row_folded = FoldedRows.of(texts, [made[s].folded for s in sources], row_document,
                               table.columns["start"].astype(np.int64), table.columns["end"].astype(np.int64))
    heading_only = [is_heading_only(table[i].text) if r is None else earlier.heading_only[r] for i, r in enumerate(earlier_rows)]
    places = sorted({p for d in made.values() for p in d.places})
    spelt = (earlier.spellings if earlier is not None else None) or {}
    return Features(sources, made, row_folded, np.asarray(heading_only, dtype=bool), row_document, title_names, terms,
                    four_digit_rows(texts), spellings={p: spelt.get(p) or pinyin(p) for p in places})
