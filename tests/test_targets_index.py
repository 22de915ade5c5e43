"""Targets stored in the index generation: computed at build time, read back as built, extracted again only for
the documents that changed; and the `indicators` command's contract."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ("000_a7ee23972fa017a8.txt", "003_0200143d345726b6.txt")
CONTRACT = {"source", "collection", "label", "indicator", "scope", "year", "value", "number", "unit", "comparator",
            "kind", "property", "start", "end"}


@pytest.fixture(scope="module")
def built(tmp_path_factory, real_embedder):
    from assistant.config import Config
    from assistant.index import build_index

    root = tmp_path_factory.mktemp("targets-index")
    (root / "corpus" / "计划").mkdir(parents=True)
    for name in PLANS:
        shutil.copy(ROOT / "corpus" / name, root / "corpus" / "计划" / name)
    config = Config.from_env().override(corpus_dir=root / "corpus", index_dir=root / "index")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    return config, index


def cli(config, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "indicators", "-q", "--corpus", str(config.corpus_dir),
                           "--index", str(config.index_dir), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)


def test_the_build_stores_the_targets_and_a_load_reads_them_back(built):
    from assistant.index import load_index

    config, index = built
    assert {t.source for t in index.targets} == {f"计划/{n}" for n in PLANS}
    assert all(index.documents[t.source].text[t.start:t.end] == t.value for t in index.targets)
    assert list(load_index(config).targets) == list(index.targets)


def test_a_rebuild_extracts_again_only_the_document_that_changed(built, real_embedder, monkeypatch):
    from assistant.index import build_index
    from assistant.targets import store

    config, index = built
    changed = config.corpus_dir / "计划" / PLANS[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("床位达到 3.5 张", "床位达到 3.6 张"), encoding="utf-8")
    extracted = []
    real_extract = store.extract
    monkeypatch.setattr(store, "extract", lambda document, clauses: extracted.append(document.source)
                        or real_extract(document, clauses))
    again, embedded = build_index(config, lambda: real_embedder, progress=False)
    assert embedded > 0 and extracted == [f"计划/{PLANS[1]}"]
    kept = f"计划/{PLANS[0]}"
    assert again.targets.targets_of(kept) == index.targets.targets_of(kept)
    beds = again.targets.find("县域公立医疗卫生机构床位", year="2025")
    assert [t.value for t in beds] == ["3.6 张/千人"]  # per thousand, as the gold writes it (3.5张/千人)


def test_indicators_json_is_the_stable_contract(built):
    config, index = built
    done = cli(config, "--json", "--document", PLANS[0])
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert records and all(CONTRACT <= set(r) for r in records)
    assert {r["source"] for r in records} == {f"计划/{PLANS[0]}"} and {r["collection"] for r in records} == {"计划"}
    assert {r["kind"] for r in records} <= {"target", "baseline", "achieved"}


def test_bad_input_gets_one_clear_line(built, tmp_path):
    config, _ = built
    done = cli(config, "--document", "没有这个文件.txt")
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "no document named" in done.stderr
    done = cli(config, "--collection", "不存在的文件夹")
    assert done.returncode == 2 and "no folder" in done.stderr
    done = cli(config, "--score", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 2 and "no gold file" in done.stderr and "Traceback" not in done.stderr
