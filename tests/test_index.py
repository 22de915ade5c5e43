"""Building, updating and loading the index on a small corpus of real documents, with the real model."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Config
from assistant.index import Manifest, StaleIndex, build_index, load_index, staleness
from assistant.service import Assistant

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT / "tests" / "fixtures" / "regulations"  # not in the corpus; see its README


class CountingEmbedder:
    """The real embedder, counting how many passages it was asked to embed."""

    def __init__(self, embedder):
        self.embedder, self.embedded = embedder, 0

    def encode_passages(self, texts, **kwargs):
        self.embedded += len(texts)
        return self.embedder.encode_passages(texts, **kwargs)

    def encode_query(self, text):
        return self.embedder.encode_query(text)


TINY_PLAN = "某县卫生健康工作要点\n\n一、基层服务\n\n（一）家庭医生签约率达到75%。\n\n（二）每个乡镇卫生院配备2名全科医生。\n"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, real_embedder):
    """A corpus of a regulation the parser was not written for and a tiny plan, indexed once."""
    root = tmp_path_factory.mktemp("built")
    (root / "corpus").mkdir()
    shutil.copy(EXTRA / "广东省母婴保健管理条例(2023-03-30).md", root / "corpus")
    (root / "corpus" / "tiny.txt").write_text(TINY_PLAN, encoding="utf-8")
    config = Config.from_env().override(corpus_dir=root / "corpus", index_dir=root / "index")
    build_index(config, lambda: real_embedder, progress=False)
    return root


@pytest.fixture()
def small(tmp_path, built_once, real_embedder):
    """A private copy of the built corpus and index, and a counting embedder."""
    shutil.copytree(built_once / "corpus", tmp_path / "corpus")
    shutil.copytree(built_once / "index", tmp_path / "index")
    config = Config.from_env().override(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    return config, CountingEmbedder(real_embedder)


def test_build_writes_faiss_bm25_and_a_manifest_of_file_hashes(small):
    config, embedder = small
    shutil.rmtree(config.index_dir)
    index, embedded = build_index(config, lambda: embedder, progress=False)
    manifest = json.loads((config.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert embedded == len(index.clauses) == manifest["clauses"] == index.faiss_index.ntotal
    assert set(manifest["files"]) == {"tiny.txt", "广东省母婴保健管理条例(2023-03-30).md"}
    assert manifest["model_id"] == config.model_id and manifest["dimension"] == 384
    generation = config.index_dir / manifest["generation"]
    assert {p.name for p in generation.iterdir()} == {"rows.npz", "vectors.npy", "faiss.index", "bm25.npz",
                                                      "documents.jsonl", "outline.npz", "features.json", "doc_terms.npz",
                                                      "targets.json", "manifest.json", "verified.json"}
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-4)


def test_an_unchanged_corpus_is_not_embedded_again(small):
    config, _ = small
    _, embedded = build_index(config, lambda: pytest.fail("no model needed for an up-to-date index"), progress=False)
    assert embedded == 0


def test_changing_one_file_re_embeds_only_that_files_clauses(small):
    config, embedder = small
    first = load_index(config)
    plan = config.corpus_dir / "tiny.txt"
    plan.write_text(TINY_PLAN + "\n（三）开展慢性病随访。\n", encoding="utf-8")
    second, embedded = build_index(config, lambda: embedder, progress=False)
    assert embedded == embedder.embedded == len([c for c in second.clauses if c.source == "tiny.txt"]) == 4
    kept = [i for i, c in enumerate(second.clauses) if c.source != "tiny.txt"]
    old = {c.key: v for c, v in zip(first.clauses, first.vectors)}
    assert all(np.array_equal(second.vectors[i], old[second.clauses[i].key]) for i in kept)


def test_a_rebuild_reuses_the_postings_of_unchanged_files_and_equals_a_build_from_scratch(small, real_embedder,
                                                                                           tmp_path, monkeypatch):
    """One file changed, one added: only their rows and documents are tokenised (the rest of the postings are
    moved), and the lexical index and the document terms equal those of a build from nothing."""
    import assistant.features as features_module
    import assistant.index.build as index_build  # where the lexical index tokenises rows

    config, embedder = small
    (config.corpus_dir / "tiny.txt").write_text(TINY_PLAN + "\n（三）开展慢性病随访。\n", encoding="utf-8")
    shutil.copy(EXTRA / sorted(p.name for p in EXTRA.glob("*.md"))[1], config.corpus_dir)
    read = {"rows": [], "documents": 0}
    real_terms, real_document_terms = index_build.lexical_terms, features_module.document_terms
    monkeypatch.setattr(index_build, "lexical_terms", lambda d, c: read["rows"].append(d.source) or real_terms(d, c))
    monkeypatch.setattr(features_module, "document_terms",
                        lambda folded: read.__setitem__("documents", read["documents"] + 1) or real_document_terms(folded))
    again, _ = build_index(config, lambda: embedder, progress=False)
    assert set(read["rows"]) == set(again.documents) - {"广东省母婴保健管理条例(2023-03-30).md"}
    assert read["documents"] == 2
    monkeypatch.undo()
    fresh_config = config.override(index_dir=tmp_path / "from-scratch")
    scratch, _ = build_index(fresh_config, lambda: real_embedder, progress=False)
    for name in ("keys", "starts", "rows", "tfs", "doc_lengths"):
        assert np.array_equal(getattr(again.bm25, name), getattr(scratch.bm25, name)), name
        assert np.array_equal(getattr(again.features.terms, name), getattr(scratch.features.terms, name)), name


def test_a_stale_index_is_never_used_silently(small):
    config, _ = small
    (config.corpus_dir / "new.txt").write_text("某县卫生工作要点\n\n一、目标\n\n提高服务能力。\n", encoding="utf-8")
    with pytest.raises(StaleIndex, match=r"new\.txt is new.*run: python -m assistant build"):
        load_index(config)


def test_opening_the_assistant_brings_a_stale_index_up_to_date(small, monkeypatch):
    config, embedder = small
    (config.corpus_dir / "new.txt").write_text("某市卫生工作要点\n\n一、目标\n\n孕产妇系统管理率达到92%。\n", encoding="utf-8")
    monkeypatch.setattr("assistant.service.open_embedder", lambda config, progress=True: embedder)
    assistant = Assistant.open(config, progress=False)
    answer = assistant.ask("孕产妇系统管理率要达到多少？")
    assert embedder.embedded == 1  # the new file has one clause; nothing else is embedded again
    assert answer.found and answer.citations[0].source == "new.txt" and "92%" in answer.text


def test_manifest_mismatches_name_what_changed():
    config = Config()
    manifest = Manifest(1, "0", "path:/elsewhere", 384, 999, {"a.txt": "1", "b.txt": "2"}, "gen-x", "", 3)
    reasons = staleness(manifest, config, {"a.txt": "1", "b.txt": "changed", "c.txt": "3"})
    assert any("parser" in r for r in reasons)
    assert any("model path:/elsewhere" in r for r in reasons)
    assert "b.txt changed" in reasons and "c.txt is new" in reasons


def test_a_crash_mid_build_leaves_the_previous_index_usable(small, monkeypatch):
    config, embedder = small
    manifest_before = (config.index_dir / "manifest.json").read_text(encoding="utf-8")
    plan = config.corpus_dir / "tiny.txt"
    original = plan.read_bytes()
    plan.write_bytes(original + "\n新增内容。\n".encode())

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        build_index(config, lambda: embedder, progress=False)
    assert (config.index_dir / "manifest.json").read_text(encoding="utf-8") == manifest_before
    plan.write_bytes(original)
    assert load_index(config).faiss_index.ntotal > 0


def _answer_of(config, embedder, question="家庭医生签约率要达到多少？"):
    index = load_index(config)
    return Assistant(config, index, embedder).ask(question)


DAMAGE = {
    "cut in half": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "emptied": lambda path: path.write_bytes(b""),
    "garbage": lambda path: path.write_bytes(bytes(range(256)) * (1 + path.stat().st_size // 256)),
    "deleted": lambda path: path.unlink(),
}
# Rows and vectors are the only things that cost embedding; the rest is derived from them or the corpus.
RE_EMBEDDED = {"faiss.index": False, "bm25.npz": False, "documents.jsonl": False, "features.json": False,
               "doc_terms.npz": False, "vectors.npy": True, "rows.npz": True, "outline.npz": False}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("name", RE_EMBEDDED)
def test_a_damaged_index_file_is_named_and_build_repairs_it(small, name, damage):
    config, embedder = small
    before = _answer_of(config, embedder.embedder)
    manifest = Manifest.read(config.index_dir)
    DAMAGE[damage](config.index_dir / manifest.generation / name)
    with pytest.raises(StaleIndex) as refused:
        load_index(config)
    message = str(refused.value)
    assert name in message and "python -m assistant build" in message and "\n" not in message
    index, embedded = build_index(config, lambda: embedder, progress=False)
    # FAISS and BM25 are derived again from the stored rows and vectors; damaged rows or vectors are embedded anew.
    assert embedded == (len(index.clauses) if RE_EMBEDDED[name] else 0)
    after = _answer_of(config, embedder.embedder)
    assert after.text == before.text and [c.clause.key for c in after.citations] == [c.clause.key for c in before.citations]


class GatedEmbedder(CountingEmbedder):
    """The real embedder, whose passage embedding waits until the test lets it go on."""

    def __init__(self, embedder):
        super().__init__(embedder)
        import threading

        self.started, self.go = threading.Event(), threading.Event()

    def encode_passages(self, texts, **kwargs):
        self.started.set()
        assert self.go.wait(120)
        return super().encode_passages(texts, **kwargs)


NEW_PLAN = "某市卫生工作要点\n\n一、目标\n\n孕产妇系统管理率达到92%。\n"


def test_serving_answers_from_the_last_good_generation_while_the_index_is_repaired(small, monkeypatch):
    """The corpus gained a plan and the live generation's vectors were then damaged: the server
    answers at once from the generation before, while the build repairs in the background, then
    switches to the repaired one."""
    config, embedder = small
    earlier = Manifest.read(config.index_dir)
    question = "家庭医生签约率要达到多少？"
    before = _answer_of(config, embedder.embedder, question)
    (config.corpus_dir / "new.txt").write_text(NEW_PLAN, encoding="utf-8")
    build_index(config, lambda: embedder, progress=False)
    live = Manifest.read(config.index_dir)
    DAMAGE["cut in half"](config.index_dir / live.generation / "vectors.npy")

    gated = GatedEmbedder(embedder.embedder)
    monkeypatch.setattr("assistant.service.open_embedder", lambda config, progress=True: gated)
    assistant = Assistant.open_for_serving(config, progress=False)
    assert assistant.updating is not None and gated.started.wait(60)  # the repair is under way ...
    assert assistant.index.manifest.generation == earlier.generation  # ... and answers come from before
    answer = assistant.ask(question)
    assert answer.text == before.text and "new.txt" not in assistant.documents
    gated.go.set()
    assistant.updating.join(120)
    repaired = Manifest.read(config.index_dir)
    assert assistant.index.manifest.generation == repaired.generation not in (earlier.generation, live.generation)
    assert gated.embedded == 1  # only new.txt's clause: the rest comes from the intact generation before
    assert "92%" in assistant.ask("孕产妇系统管理率要达到多少？").text
    assert assistant.ask(question).text == before.text
    assert sorted(p.name for p in config.index_dir.glob("gen-*")) == sorted({repaired.generation, earlier.generation})


def test_with_no_good_generation_serving_repairs_first(small, monkeypatch):
    config, embedder = small
    live = Manifest.read(config.index_dir)
    DAMAGE["garbage"](config.index_dir / live.generation / "faiss.index")
    monkeypatch.setattr("assistant.service.open_embedder", lambda config, progress=True: embedder)
    assistant = Assistant.open_for_serving(config, progress=False)
    assert assistant.updating is None and embedder.embedded == 0  # repaired from the stored vectors
    assert "75%" in assistant.ask("家庭医生签约率要达到多少？").text


def test_a_build_keeps_the_live_generation_and_the_one_before(small, real_embedder):
    config, embedder = small
    names = []
    for n in range(3):
        (config.corpus_dir / "new.txt").write_text(NEW_PLAN + f"\n二、第{n}次修订。\n", encoding="utf-8")
        build_index(config, lambda: embedder, progress=False)
        names.append(Manifest.read(config.index_dir).generation)
    assert sorted(p.name for p in config.index_dir.glob("gen-*")) == sorted(names[-2:])


def test_an_unreadable_manifest_means_a_fresh_build(small):
    config, embedder = small
    (config.index_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StaleIndex):
        load_index(config)
    index, embedded = build_index(config, lambda: embedder, progress=False)
    assert embedded == len(index.clauses) and load_index(config).clauses == index.clauses


def test_the_manifest_records_each_artefact_by_size_and_hash(small):
    from assistant.index import ARTEFACTS, damaged_artefacts

    config, _ = small
    manifest = Manifest.read(config.index_dir)
    assert set(manifest.artefacts) == set(ARTEFACTS)
    assert all(entry["bytes"] > 0 and len(entry["sha256"]) == 64 for entry in manifest.artefacts.values())
    assert damaged_artefacts(config.index_dir, manifest) == []
    faiss_file = config.index_dir / manifest.generation / "faiss.index"
    data = bytearray(faiss_file.read_bytes())
    data[-1] ^= 0xFF  # same size, other contents
    faiss_file.write_bytes(bytes(data))
    assert damaged_artefacts(config.index_dir, manifest) == ["faiss.index is damaged (its contents changed since the build)"]


def test_an_unreadable_file_is_named_and_the_rest_is_indexed(small, capsys):
    config, embedder = small
    (config.corpus_dir / "broken.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    index, embedded = build_index(config, lambda: embedder, progress=True)
    assert "skipped broken.txt: not UTF-8" in capsys.readouterr().err
    assert "broken.txt" not in index.documents and "tiny.txt" in index.documents and embedded == 0
    manifest = Manifest.read(config.index_dir)
    assert "not UTF-8" in manifest.refused["broken.txt"]["reason"]
    assert load_index(config).clauses == index.clauses  # not stale: the refusal is recorded
    assert build_index(config, lambda: pytest.fail("nothing to embed"), progress=False)[1] == 0


def test_above_the_exact_limit_a_rebuild_keeps_the_graph_and_adds_only_the_new_rows(small, monkeypatch):
    """The HNSW graph is not built again for one changed file: its new rows are added to the earlier graph,
    the rows it replaced stay behind as holes no search returns, and the generation reads back the same."""
    import faiss

    import assistant.vector_index as vector_module
    from assistant.vector_index import node_rows, search_rows

    config, embedder = small
    monkeypatch.setattr(vector_module, "EXACT_LIMIT", 10)  # the small corpus's 29 parts stand in for 10⁵
    monkeypatch.setattr(vector_module, "HOLE_SHARE", 0.5)  # and its few changed rows for a small share
    shutil.rmtree(config.index_dir)
    first, _ = build_index(config, lambda: embedder, progress=False)
    assert isinstance(faiss.downcast_index(first.faiss_index), faiss.IndexHNSWFlat)
    old_tiny = sum(c.source == "tiny.txt" for c in first.clauses)

    (config.corpus_dir / "tiny.txt").write_text(TINY_PLAN + "\n（三）开展慢性病随访。\n", encoding="utf-8")
    second, embedded = build_index(config, lambda: embedder, progress=False)
    labels = node_rows(second.faiss_index)
    assert embedded == 4 and len(labels) == len(first.clauses) + 4
    assert np.count_nonzero(labels < 0) == old_tiny  # the replaced rows: holes
    assert sorted(labels[labels >= 0].tolist()) == list(range(len(second.clauses)))

    def found_by_own_vector(index) -> float:
        rows = [search_rows(index.faiss_index, index.vectors[r], 1)[1][0] for r in range(len(index.clauses))]
        return np.mean(np.asarray(rows) == np.arange(len(index.clauses)))

    everything = search_rows(second.faiss_index, second.vectors[0], len(labels))[1]
    assert sorted(everything.tolist()) == list(range(len(second.clauses)))  # every row once, and no hole
    assert found_by_own_vector(second) >= 0.98
    loaded = load_index(config)
    assert np.array_equal(node_rows(loaded.faiss_index), labels)
    assert np.array_equal(np.asarray(loaded.vectors), np.asarray(second.vectors)) and found_by_own_vector(loaded) >= 0.98

    (config.corpus_dir / "tiny.txt").unlink()
    third, embedded = build_index(config, lambda: embedder, progress=False)
    assert embedded == 0 and all(c.source != "tiny.txt" for c in third.clauses)
    assert np.count_nonzero(node_rows(third.faiss_index) < 0) == old_tiny + 4
    assert sorted(search_rows(third.faiss_index, third.vectors[0], 10_000)[1].tolist()) == list(range(len(third.clauses)))

    monkeypatch.setattr(vector_module, "HOLE_SHARE", 0.01)  # too many holes now: the graph is built again
    (config.corpus_dir / "tiny.txt").write_text(TINY_PLAN, encoding="utf-8")
    fourth, _ = build_index(config, lambda: embedder, progress=False)
    assert isinstance(faiss.downcast_index(fourth.faiss_index), faiss.IndexHNSWFlat)
    assert np.array_equal(node_rows(fourth.faiss_index), np.arange(len(fourth.clauses)))


def test_an_artefact_is_hashed_again_only_when_its_stat_changes(small, monkeypatch):
    """Opening trusts a file whose size, times and inode are those it had when last hashed; a write changes
    them, so damage is still found (and is, in the tests above, by contents)."""
    import assistant.index.manifest as index_manifest  # where artefacts are hashed when an index is opened

    config, _ = small
    load_index(config)  # the copied files are new inodes: hashed once here
    hashed = []
    real = index_manifest.file_digest
    monkeypatch.setattr(index_manifest, "file_digest", lambda path: hashed.append(path.name) or real(path))
    load_index(config)
    assert hashed == []
    manifest = Manifest.read(config.index_dir)
    target = config.index_dir / manifest.generation / "bm25.npz"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other contents
    target.write_bytes(bytes(data))
    with pytest.raises(StaleIndex, match="bm25.npz is damaged"):
        load_index(config)
    assert hashed == ["bm25.npz"]
