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
