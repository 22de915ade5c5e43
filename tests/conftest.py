"""Fixtures shared by several test modules."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def shared_assistant():
    """One real Assistant (model + index) per test session, for the UI and browser tests."""
    from assistant.config import Config
    from assistant.service import Assistant

    return Assistant.open(Config.from_env(), progress=False)


@pytest.fixture(scope="session")
def real_embedder(shared_assistant):
    """The session's real e5 embedder, for tests that build their own indexes."""
    return shared_assistant.retriever.embedder


@pytest.fixture(scope="session")
def served_app(shared_assistant):
    """The real app served as `serve` serves it (queue, limits, middleware), in this process on a
    free localhost port; its URL. Closed at the end of the session."""
    import socket

    from assistant import ui

    ui.warm_up(shared_assistant)  # as serve() does
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui.launch(shared_assistant, shared_assistant.config, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def real_library(real_embedder):
    """The real library (tests/fixtures/real-library, 29 published guidelines), indexed where `make test`'s evaluation
    of it keeps its index: built once for both."""
    from assistant.config import Config
    from assistant.index import build_index
    from assistant.ingest.convert import soffice
    from assistant.service import Assistant

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    config = Config(corpus_dir=REPO / "tests" / "fixtures" / "real-library", index_dir=REPO / ".cache" / "real-library-index")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    return Assistant(config, index, real_embedder)
