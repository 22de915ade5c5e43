"""Changing the collection while answering: the Librarian adds and removes files and rebuilds the
index in the background; the assistant answers from the previous index until the new one is ready."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from assistant.config import Config
from assistant.index import build_index, load_index
from assistant.librarian import Librarian
from assistant.service import Assistant

ROOT = Path(__file__).resolve().parent.parent
PLAN = "某县卫生健康工作要点\n\n一、基层服务\n\n（一）家庭医生签约率达到75%。\n"
NEW_PLAN = "某市卫生工作要点\n\n一、目标\n\n（一）孕产妇系统管理率达到92%。\n"


class SlowEmbedder:
    """The real embedder; passage embedding waits until the test lets it go on."""

    def __init__(self, embedder):
        self.embedder, self.go, self.started = embedder, threading.Event(), threading.Event()

    def encode_passages(self, texts, **kwargs):
        self.started.set()
        assert self.go.wait(120)
        return self.embedder.encode_passages(texts, **kwargs)

    def __getattr__(self, name):  # queries go straight to the real embedder
        return getattr(self.embedder, name)


@pytest.fixture()
def librarian(tmp_path, real_embedder):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "plan.txt").write_text(PLAN, encoding="utf-8")
    config = Config.from_env().override(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    return Librarian(Assistant(config, index, SlowEmbedder(real_embedder)))


def test_a_file_added_is_answered_once_indexed_and_the_old_index_answers_meanwhile(librarian):
    assistant, embedder = librarian.assistant, librarian.assistant.embedder
    outcomes = librarian.add([("new.txt", NEW_PLAN.encode("utf-8")), ("../bad.txt", b"x")])
    assert [o.status for o in outcomes] == ["added", "refused"]
    assert embedder.started.wait(60) and librarian.busy()
    states = {s.name: s for s in librarian.states()}
    assert states["new.txt"].status == "embedding" and states["plan.txt"].status == "ready"
    assert "75%" in assistant.ask("家庭医生签约率要达到多少？").text  # answered from the previous index
    assert "new.txt" not in assistant.documents
    embedder.go.set()
    assert librarian.wait(120)
    assert "new.txt" in assistant.documents and "92%" in assistant.ask("孕产妇系统管理率要达到多少？").text
    assert {s.name: s.status for s in librarian.states()} == {"new.txt": "ready", "plan.txt": "ready",
                                                              "../bad.txt": "refused"}
    assert load_index(assistant.config).documents.keys() == assistant.documents.keys()


def test_an_unreadable_upload_is_refused_with_its_reason_and_nothing_is_lost(librarian):
    librarian.assistant.embedder.go.set()
    outcomes = librarian.add([("broken.txt", "caf\xe9".encode("latin-1"))])
    assert outcomes[0].status == "refused" and "not UTF-8" in outcomes[0].reason
    assert not librarian.busy() and list(librarian.assistant.documents) == ["plan.txt"]


def test_removing_a_document_reindexes_without_it(librarian):
    librarian.assistant.embedder.go.set()
    librarian.add([("new.txt", NEW_PLAN.encode("utf-8"))])
    assert librarian.wait(120) and "new.txt" in librarian.assistant.documents
    assert librarian.remove("new.txt").status == "removed"
    assert librarian.wait(120) and list(librarian.assistant.documents) == ["plan.txt"]
    assert librarian.remove("new.txt").status == "refused"
