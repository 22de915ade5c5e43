"""Fixtures shared by several test modules."""
from __future__ import annotations

import pytest


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
