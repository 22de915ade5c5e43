"""BM25 held as arrays, and the corpus features stored with the index: each checked against the plain
computation it replaces, on the real plans."""
from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from assistant.bm25 import B, BM25, K1
from assistant.features import Features, compute
from assistant.parser import parse_document
from assistant.textnorm import fold, tokens

ROOT = Path(__file__).resolve().parent.parent
ROWS = [tokens(fold(t)) for t in ("孕产妇死亡率控制在18/10万以下", "婴儿死亡率", "家庭医生签约服务", "孕产妇系统管理率", "")]


def reference_scores(rows: list[list[str]], query: list[str]) -> np.ndarray:
    """Okapi BM25 written out term by term, as the textbook has it."""
    n, mean = len(rows), max(sum(map(len, rows)) / len(rows), 1.0)
    out = np.zeros(n)
    for term in set(query):
        df = sum(term in r for r in rows)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, r in enumerate(rows):
            tf = Counter(r)[term]
            if tf:
                out[i] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(r) / mean))
    return out


def test_scores_idf_and_membership_are_bm25s():
    bm25 = BM25.build(ROWS)
    query = tokens(fold("孕产妇死亡率是多少"))
    assert np.allclose(bm25.scores(query), reference_scores(ROWS, query), rtol=1e-5)
    assert bm25.df("死亡") == 2 and "死亡" in bm25 and "肿瘤" not in bm25 and bm25.df("肿瘤") == 0
    assert bm25.idf("肿瘤") > bm25.idf("死亡") > 0
    rows, tfs = bm25.postings("孕产")
    assert rows.tolist() == [0, 3] and tfs.tolist() == [1.0, 1.0]


def test_coverage_counts_each_term_occurrence():
    bm25 = BM25.build(ROWS)
    assert bm25.coverage(["孕产", "死亡", "签约"]).tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3, 1 / 3, 0])
    assert bm25.coverage([]).tolist() == [0.0] * len(ROWS)


def test_saved_and_loaded_unchanged(tmp_path):
    bm25 = BM25.build(ROWS)
    bm25.save(tmp_path / "b.npz")
    again = BM25.load(tmp_path / "b.npz")
    query = tokens(fold("家庭医生签约"))
    assert np.array_equal(again.scores(query), bm25.scores(query)) and again.df("签约") == 1


def same_bm25(a: BM25, b: BM25) -> bool:
    return all(np.array_equal(getattr(a, name), getattr(b, name)) for name in ("keys", "starts", "rows", "tfs", "doc_lengths"))


def test_a_rebuild_from_an_earlier_bm25_equals_a_build_from_scratch(plans):
    """One document changed, one removed, one added, the rest moved: the earlier postings are remapped and
    only the fresh rows are read, and every array comes out as a build over all the rows gives it."""
    _, clauses, _ = plans
    rows = [tokens(fold(c.text)) for c in clauses]
    before = rows[:150]
    # Now: rows 0-39 gone, rows 40-149 kept (shifted), 20 rows changed in place, and 60 new rows appended.
    changed = {50 + i: tokens(fold(f"第{i}条 新增的家庭医生签约服务")) for i in range(20)}
    after = [changed.get(r, before[r]) for r in range(40, 150)] + rows[150:210]
    row_map = np.full(len(before), -1)
    fresh_rows = []
    for new, old in enumerate(range(40, 150)):
        if old in changed:
            fresh_rows.append(new)
        else:
            row_map[old] = new
    fresh_rows += list(range(110, 170))
    fresh = BM25.build([after[r] for r in fresh_rows])
    assert same_bm25(BM25.rebuilt(BM25.build(before), row_map, fresh, np.asarray(fresh_rows), len(after)),
                     BM25.build(after))
    # The kept rows reordered (their postings are then sorted again, not merged): the same.
    shuffled = list(reversed(before))
    assert same_bm25(BM25.rebuilt(BM25.build(before), np.arange(len(before))[::-1].copy(), BM25.build([]),
                                  np.zeros(0, int), len(before)), BM25.build(shuffled))
    # More new postings than are merged one by one: sorted together, the same.
    import assistant.bm25 as bm25_module

    limit, bm25_module.MERGE_LIMIT = bm25_module.MERGE_LIMIT, 10
    try:
        assert same_bm25(BM25.rebuilt(BM25.build(before), row_map, fresh, np.asarray(fresh_rows), len(after)),
                         BM25.build(after))
    finally:
        bm25_module.MERGE_LIMIT = limit
    # Nothing kept, or nothing fresh: the same.
    assert same_bm25(BM25.rebuilt(BM25.build(before), np.full(len(before), -1), BM25.build(after),
                                  np.arange(len(after)), len(after)), BM25.build(after))
    assert same_bm25(BM25.rebuilt(BM25.build(before), np.arange(len(before)), BM25.build([]), np.zeros(0, int),
                                  len(before)), BM25.build(before))


def test_term_frequencies_are_held_in_the_narrowest_type_and_a_rebuild_widens_it_when_it_must():
    short = [["家庭", "医生"], ["医生", "签约"]]
    assert BM25.build(short).tfs.dtype == np.uint8
    long_row = ["医生"] * 300  # a frequency beyond uint8
    rebuilt = BM25.rebuilt(BM25.build(short), np.arange(2), BM25.build([long_row]), np.asarray([2]), 3)
    assert rebuilt.tfs.dtype == np.uint16 and same_bm25(rebuilt, BM25.build(short + [long_row]))
    assert rebuilt.scores(["医生"]).dtype == np.float32 and np.allclose(rebuilt.scores(["医生"]), BM25.build(short + [long_row]).scores(["医生"]))


@pytest.fixture(scope="module")
def plans():
    parsed = [parse_document(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus").glob("*.txt"))]
    documents = {p.document.source: p.document for p in parsed}
    clauses = [c for p in parsed for c in p.clauses]
    return documents, clauses, compute(documents, clauses)


def test_containing_is_a_substring_search_of_every_document(plans):
    documents, _, features = plans
    folded = {s: fold(d.text) for s, d in documents.items()}
    rng = random.Random(7)
    words = ["钦州", "家庭医生", "孕产妇死亡率", "的", "乡", "2022", "hpv", "不存在的词语", "死亡率控制在"]
    for text in folded.values():
        for _ in range(40):  # pieces of the real texts, one to eight characters long
            at = rng.randrange(len(text) - 8)
            words.append(text[at: at + rng.randint(1, 8)])
    for word in words:
        assert features.containing(word) == [s for s in features.sources if word in folded[s]], word


def test_unchanged_documents_keep_their_features_and_a_round_trip_keeps_everything(plans, tmp_path):
    documents, clauses, features = plans
    features.save(tmp_path)
    loaded = Features.load(tmp_path)
    assert loaded.documents == features.documents and loaded.title_names == features.title_names
    assert loaded.row_folded == features.row_folded and np.array_equal(loaded.heading_only, features.heading_only)
    again = compute(documents, clauses, earlier=loaded)
    assert all(again.documents[s] is loaded.documents[s] for s in documents)  # taken, not worked out again
    assert any(features.documents[s].places for s in documents)


def test_a_pinned_documents_rows_get_their_cosine_when_faiss_candidates_miss_them(shared_assistant, monkeypatch):
    """With many documents, FAISS's candidates can all come from other documents; the rows of the document a
    question names must still be scored by meaning. Two candidates stand in for a large corpus here."""
    from assistant import retrieval

    retriever = shared_assistant.retriever
    question = "云州区对病人在门诊排队太久有啥办法？"
    before = retriever.retrieve(shared_assistant.understand(question))
    monkeypatch.setattr(retrieval, "DENSE_CANDIDATES", 2)
    after = retriever.retrieve(shared_assistant.understand(question))
    assert after.pinned == before.pinned == ("003_0200143d345726b6.txt",)
    assert [h.clause.key for h in after.hits] == [h.clause.key for h in before.hits]
    assert all(h.dense > 0 for h in after.hits)
