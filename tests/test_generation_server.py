"""The generation path against a real model: llama.cpp serving Gemma 3 270M on this machine.

The model is tiny and writes poor prose, so these tests assert only what must hold whatever it writes:
the stream arrives, every sentence the check keeps is backed by the clauses it cites, and a server that
dies or is not there ends in GenerationError, in time. The first run on a machine compiles llama.cpp
(~4–10 min, once; see assistant/generation/local_server.py).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from assistant.corpus import load_document
from assistant.generation import local_server
from assistant.generation.check import check
from assistant.generation.client import GenerationError, stream_chat
from assistant.generation.figures import unsupported
from assistant.generation.prompt import build_messages, check_sources
from assistant.models import Citation

pytestmark = pytest.mark.llm

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MAX_TOKENS = 96  # enough for 2–3 sentences; bounds the test's time on a slow CPU


def _installed_or_skip() -> None:
    try:
        local_server.install()
    except local_server.LocalServerError as error:
        pytest.skip(f"llama-cpp-python could not be built or installed here: {error}")


@pytest.fixture(scope="module")
def server():
    _installed_or_skip()
    with local_server.running_server(ready_timeout=120) as running:
        yield running


@pytest.fixture(scope="module")
def target_citations() -> tuple[Citation, ...]:
    """Three target clauses of sample plan 000, as retrieval would cite them."""
    parsed = load_document(CORPUS / "000_a7ee23972fa017a8.txt")
    by_label = {c.label: c for c in parsed.clauses}
    return tuple(Citation(by_label[label], parsed.document.title, 0.9) for label in ("一（三）", "一（六）", "一（一）"))


@pytest.fixture(scope="module")
def answer(server, target_citations) -> list[str]:
    """The deltas of one real answer to a figure question."""
    messages = build_messages("2022年孕产妇死亡率和婴儿死亡率的目标是多少？", target_citations)
    return list(stream_chat(server.base_url, server.model, messages, max_tokens=MAX_TOKENS, timeout=120,
                            idle_timeout=60))


def test_the_real_server_streams_a_chinese_answer(answer):
    assert len(answer) > 1 and all(isinstance(d, str) for d in answer)
    assert re.search(r"[\u4e00-\u9fff]", "".join(answer))


def test_every_kept_sentence_is_backed_by_the_clauses_it_cites(answer, target_citations):
    sources = check_sources(target_citations)
    # The model's answer, plus a sentence with a wrong figure and one citing a clause it was not given.
    generated = "".join(answer) + "\n孕产妇死亡率降到12/10万[1]。婴儿死亡率降到7‰[9]。"
    checked = check(generated, sources)
    for sentence in checked.kept:
        assert sentence.cites and all(1 <= n <= len(sources) for n in sentence.cites)
        assert unsupported(sentence.text, [sources[n - 1] for n in sentence.cites]) == ()
    reasons = {d.sentence.text: d.reason for d in checked.dropped}
    assert reasons["孕产妇死亡率降到12/10万[1]。"] == "unsupported figure 12/10万"
    assert reasons["婴儿死亡率降到7‰[9]。"] == "cites [9], which was not given"
    assert checked.fell_back == (not checked.kept or len(checked.dropped) > len(checked.kept))


def test_a_follow_up_with_the_conversation_so_far_is_answered(server, target_citations):
    history = [("2020年孕产妇死亡率的目标是多少？", "2020年，孕产妇死亡率降到20/10万[1]。")]
    messages = build_messages("那2022年呢？", target_citations, history=history)
    deltas = list(stream_chat(server.base_url, server.model, messages, max_tokens=32, timeout=120, idle_timeout=60))
    assert deltas


def test_a_server_killed_mid_answer_ends_the_stream_in_generation_error(target_citations):
    with local_server.running_server(ready_timeout=120) as doomed:
        messages = build_messages("2022年孕产妇死亡率的目标是多少？", target_citations)
        stream = stream_chat(doomed.base_url, doomed.model, messages, max_tokens=256, timeout=60, idle_timeout=30)
        assert next(stream)  # the answer has begun
        doomed.kill()
        started = time.monotonic()
        with pytest.raises(GenerationError, match="broke mid-answer|ended the answer"):
            for _ in stream:
                pass
        assert time.monotonic() - started < 5
        # Nothing listens on its port any more: the next request fails at once.
        started = time.monotonic()
        with pytest.raises(GenerationError, match="cannot reach the model server"):
            list(stream_chat(doomed.base_url, doomed.model, messages, timeout=60))
        assert time.monotonic() - started < 1


def test_a_failed_build_says_what_failed_and_where_its_log_is(tmp_path):
    with pytest.raises(local_server.LocalServerError) as caught:
        local_server.build_wheel(tmp_path, progress=lambda _: None, version="0.0.0")  # no such release
    message = str(caught.value)
    assert message.startswith("building llama-cpp-python failed (exit 1); last lines of ")
    assert str(tmp_path) in message and "build.log" in message
