"""Hybrid retrieval over the index: dense (e5 + FAISS) and lexical (BM25 on folded bigrams).

Both sides see Traditional→Simplified-folded text. What is searched is what the question was understood to ask
(assistant/understanding): the documents it pins, its years, its clause numbers (a named number resolves to that
clause first).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterator, Sequence

import numpy as np

from assistant.index import SearchIndex
from assistant.features import main_place
from assistant.hits import Hit, Retrieval
from assistant.labels import label_form, label_matches
from assistant.models import PATH_SEPARATOR, Clause
from assistant.query import Query, without_place_names
from assistant.store import LocalStore, Store
from assistant.textnorm import fold, tokens
from assistant.understanding.record import Understanding

# Fusion weights: cosine carries meaning, BM25 (relative to the best row) carries exact wording,
# coverage (share of the question's terms present) rewards clauses that mention everything asked.
W_LEXICAL = 0.06
W_COVERAGE = 0.06
W_YEAR = 0.03
HEADING_PENALTY = 0.04  # a clause that is only a heading ("三、保障措施") names a topic, answers nothing
DENSE_CANDIDATES = 256
LEXICAL_CANDIDATES = 1024  # rows a store that searches BM25 top-k (Milvus) returns; the local store scores all
RANKED = 300  # candidates made into Hit records per question (the rest cannot reach the answer)


@dataclass(frozen=True, eq=False)
class Scores:
    """One question's scores of every row, as arrays (nothing per row in Python)."""

    dense: np.ndarray  # cosine, -1 for rows outside FAISS's candidates
    lexical: np.ndarray  # BM25 relative to the best row
    coverage: np.ndarray  # share of the question's content terms in the row
    fused: np.ndarray  # float64: dense + W_LEXICAL * lexical + W_COVERAGE * coverage
    base: np.ndarray  # fused less the heading penalty: the ranking score before the year bonus


class Retriever:
    def __init__(self, index: SearchIndex, embedder, store: Store | None = None):
        self.index = index
        self.embedder = embedder
        self.features = index.features
        self.store = store or LocalStore.of(index)
        self.home = {source: set(d.places) for source, d in self.features.documents.items()}
        # A document about one place names others it covers (the 八大工程 plan, about 贵州, names 遵义 five times): a
        # question about one of those is answered only by a clause naming it, not by the province's own figures.
        self.minor = {source: self.home[source] - {main} for source, d in self.features.documents.items()
                      if (main := main_place(d))}
        self.labels = index.clauses.label_of_row
        self._starts: dict[str, np.ndarray] = {}  # per document, its rows' start offsets (for _row_of)

    def retrieve(self, understanding: Understanding, k: int = 5) -> Retrieval:
        """The best clause parts for what the question was understood to ask: of the documents it pins (within its
        scope, if any), else of all of them."""
        query, incidental, scope = understanding.query, list(understanding.incidental_places), understanding.scope
        pinned, named = list(understanding.pinned), list(understanding.named)
        searched = lambda: pinned or (sorted(scope) if scope is not None else [])  # noqa: E731
        rows = self._candidate_rows(searched())
        scores = self._scores(query, pinned, incidental, searched())
        if understanding.alternatives:
            pinned, named = self._one_of_each(understanding.alternatives, scores, pinned, named)
            rows = self._candidate_rows(searched())
        chosen = self._best_rows(query, rows, scores, pinned)
        hits = sorted((self._hit(query, int(r), scores, incidental) for r in chosen), key=lambda h: -h.score)
        hits = _named_first(query, hits)
        if len(pinned) > 1:
            hits = _best_of_each_first(hits, pinned)

        def of_document(source: str, keep: Callable[[str], bool] | None = None) -> Iterator[Hit]:
            mine = self.rows_of(source)
            ranked = mine[np.argsort(-self._hit_scores(query, mine, scores), kind="stable")]
            return (self._hit(query, int(r), scores, incidental) for r in ranked
                    if keep is None or keep(self._folded_row(int(r))))

        return Retrieval(understanding, tuple(hits[: max(k, 1)]), tuple(pinned), tuple(hits), tuple(named), of_document)

    def folded_document(self, source: str) -> str:
        """A whole document's text, script-folded, whitespace removed (for phrase tests)."""
        return _squashed(self.features.documents[source].folded)

    def folded(self, clause: Clause) -> str:
        """A clause part's headings and text, script-folded, whitespace removed: a page break inside a
        word ('法定传\n\n染病') must not hide it from a phrase test."""
        row = self._row_of(clause)
        if row is not None:
            return self._folded_row(row)
        return _squashed(fold(clause.path_text)) + "｜" + _squashed(fold(clause.text))

    def _folded_row(self, row: int) -> str:
        """folded() of the clause part in `row` (its text folded at build time), without making its Clause."""
        table = self.index.clauses
        return _squashed(fold(PATH_SEPARATOR.join(table.paths[table.columns["path"][row]]))) + "｜" + \
            _squashed(self.features.row_folded[row])

    def _row_of(self, clause: Clause) -> int | None:
        """The row of a clause part (None for a whole clause that was split): its document's rows are in
        order of position, so a binary search over their starts finds it."""
        if clause.source not in self._starts:
            self._starts[clause.source] = self.index.clauses.columns["start"][self.rows_of(clause.source)]
        rows, at = self.rows_of(clause.source), int(np.searchsorted(self._starts[clause.source], clause.start))
        ends = self.index.clauses.columns["end"]
        return next((int(r) for r, start in zip(rows[at:at + 2], self._starts[clause.source][at:at + 2])
                     if start == clause.start and ends[r] == clause.end), None)

    def rows_of(self, source: str) -> np.ndarray:
        """The rows of one document's clause parts."""
        return self.features.rows_of(source)

    def idf(self, term: str) -> float:
        """How telling a term is in this corpus (BM25's idf; unseen terms count like the rarest)."""
        return self.index.bm25.idf(term)

    def _one_of_each(self, shared: list[list[str]], scores: "Scores", pinned: list[str], named: list[str]):
        """A place is one document's: of several still about it, the one with the best-scoring clause."""
        drop = set()
        for group in shared:
            best = max(group, key=lambda s: float(scores.base[self.rows_of(s)].max()) if len(self.rows_of(s)) else -9.0)
            drop |= {s for s in group if s != best}
        return [s for s in pinned if s not in drop], [s for s in named if s not in drop]

    def _candidate_rows(self, pinned: list[str]) -> np.ndarray:
        if not pinned:
            return np.arange(len(self.index.clauses))
        return np.sort(np.concatenate([self.rows_of(s) for s in pinned]))

    def _best_rows(self, query: Query, rows: np.ndarray, scores: Scores, pinned: list[str]) -> np.ndarray:
        """The candidate rows that can rank among the first RANKED (the year bonus, up to W_YEAR, is only
        known per row, so every row within W_YEAR of the RANKED-th base score is kept), the rows whose
        number the question names, and the best row of each document it pins."""
        base = scores.base[rows]
        if len(rows) > RANKED:
            if query.years:  # the bonus of the rows that will have it, before they are ranked
                base = base + W_YEAR * self._years_ok(query, rows)
            keep = [_top(rows, base, RANKED)]
        else:
            keep = [rows]
        for ref in query.clause_refs:
            wanted = label_form(ref)
            if wanted:
                ends = rows[np.char.endswith(self.labels[rows], wanted)]
                keep.append(np.asarray([r for r in ends if label_matches(str(self.labels[r]), ref)], dtype=np.int64))
        for source in pinned:
            mine = self.rows_of(source)
            if len(mine):
                keep.append(mine[np.argsort(-scores.base[mine], kind="stable")[:1]])
        return np.unique(np.concatenate(keep))

    def _years_ok(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """Per row, what Hit.years_ok will say: the years the question names are in the row's folded
        text or its document's title and date (any of them for a comparison naming several)."""
        features, has = self.features, []
        for year in query.years:
            titled = [i for i, s in enumerate(features.sources) if year in self._naming(s)]
            has.append(np.isin(rows, features.rows_with_year(year)) | np.isin(features.row_document[rows], titled))
        return (np.logical_or if len(query.years) > 1 else np.logical_and).reduce(has)

    def _naming(self, source: str) -> str:
        """What names a document as a whole: its title and date, and its place in the library ('2009-12-30/…',
        '2023年文件/…'): '2009年那份指导原则' asks of the document filed under 2009, not of 2009."""
        return self.features.documents[source].title_folded + "｜" + source

    def _scores(self, query: Query, pinned: list[str], incidental: list[str] = (),
                searched: list[str] | None = None) -> Scores:
        """Dense, lexical and coverage scores of every row; a follow-up's context counts a third.
        The rows of pinned documents get their exact cosine, whether or not the nearest rows reach them.

        BM25 leaves out the places that pinned the documents they are about: those documents name them
        throughout, so the names tell none of their clauses apart, and among many documents (where they are
        rare) they outweighed the topic asked ('贵州和木垒的控烟工作…': the 控烟 clause fell to 12th in its plan).
        A place only mentioned in passing stays: the clause must name it."""
        homes = [p for p in query.places if p not in incidental] if pinned else []
        searched = pinned if searched is None else searched  # the documents answers may come from
        dense, lexical = self._scores_for(query.folded, searched, homes)
        if query.context:
            context_dense, context_lexical = self._scores_for(query.context, searched, homes)
            dense = (2 * dense + context_dense) / 3
            lexical = (2 * lexical + context_lexical) / 3
        coverage = self.index.bm25.coverage(query.content_terms)
        fused = dense.astype(np.float64) + W_LEXICAL * lexical.astype(np.float64) + W_COVERAGE * coverage
        return Scores(dense, lexical, coverage, fused, fused - HEADING_PENALTY * self.features.heading_only)

    def _scores_for(self, folded: str, pinned: list[str], unsaid: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        """(cosines, BM25 relative to the best candidate row) of the text; BM25 without the place names `unsaid`."""
        vector = self.embedder.encode_query(folded).astype(np.float32)
        dense = self.store.dense(vector, DENSE_CANDIDATES, pinned)
        lexical = self.store.lexical(tokens(without_place_names(folded, unsaid)), LEXICAL_CANDIDATES, pinned)
        # Relative to the best row that can be answered from: a question pinned to documents ranks only their
        # rows, and a document elsewhere that uses its words more (a regulation on smoking, for a plan's
        # 控烟) must not shrink their lexical scores against their cosines.
        among = lexical[self._candidate_rows(pinned)] if pinned else lexical
        top = float(among.max()) if len(among) else 0.0
        return dense, (lexical / top if top > 0 else lexical)

    def _hit_scores(self, query: Query, rows: np.ndarray, scores: Scores) -> np.ndarray:
        """What Hit.score will be for each row, as arrays (summed in the order _hit sums it)."""
        bonus = W_YEAR * self._years_ok(query, rows) if query.years else 0.0
        return (scores.fused[rows] + bonus) - HEADING_PENALTY * self.features.heading_only[rows]

    def _hit(self, query: Query, row: int, scores: Scores, incidental: list[str]) -> Hit:
        clause = self.index.clauses[row]
        folded = self.features.row_folded[row]
        context = folded + self._naming(clause.source)
        # A comparison may name one year per document; otherwise every year named must be there.
        years_ok = (any if len(query.years) > 1 else all)(y in context for y in query.years)
        # A place no document is about (but one mentions in passing) must be in the clause itself.
        places_ok = all(p in folded for p in incidental) and \
            all(p in folded for p in query.places if p in self.minor.get(clause.source, ()))
        score = float(scores.fused[row]) + (W_YEAR if query.years and years_ok else 0.0)
        score -= HEADING_PENALTY if self.features.heading_only[row] else 0.0
        return Hit(clause, score, float(scores.dense[row]), float(scores.lexical[row]), float(scores.coverage[row]),
                   years_ok, places_ok)


@lru_cache(maxsize=1 << 15)
def _squashed(folded: str) -> str:
    """Folded text without whitespace, for phrase tests; the last 32 768 are kept (at 10⁵ clauses a
    store of every one would grow the server by the corpus again)."""
    return re.sub(r"\s+", "", folded)


def _top(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The `n` rows of highest value; of rows tied at the last place, the first ones (a question with no
    word the corpus has scores 10⁵ rows alike, and only `n` of them can be ranked)."""
    floor = np.partition(values, len(values) - n)[len(values) - n]
    above = rows[values > floor]
    return np.concatenate([above, rows[values == floor][: n - len(above)]])


def _named_first(query: Query, hits: list[Hit]) -> list[Hit]:
    """A clause whose number the question names comes first, exact label before a label ending in it."""
    named: dict[int, Hit] = {}
    for ref in query.clause_refs:
        named |= {id(h): h for h in hits if h.clause.label == ref}
    for ref in query.clause_refs:
        named |= {id(h): h for h in hits if id(h) not in named and label_matches(h.clause.label, ref)}
    if not named:
        return hits
    return [replace(h, exact=True) for h in named.values()] + [h for h in hits if id(h) not in named]


def _best_of_each_first(hits: list[Hit], pinned: list[str]) -> list[Hit]:
    """For a question about several documents, the best clause of each comes first."""
    firsts = []
    for source in pinned:
        best = next((h for h in hits if h.clause.source == source), None)
        if best is not None:
            firsts.append(best)
    chosen = {id(h) for h in firsts}
    return sorted(firsts, key=lambda h: -h.score) + [h for h in hits if id(h) not in chosen]
