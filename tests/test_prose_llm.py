"""Prose answers end to end against a real model: llama.cpp serving Gemma 3 270M on localhost, asked
through the service, the CLI, the evaluation and the browser UI. Marked `llm` (run by `make test-llm`).

The model is tiny and often states figures no clause states; these tests assert what must hold whatever
it writes: the extractive answer is unchanged, every shown sentence is backed by the clauses it cites,
a dead endpoint ends in the quoted answer and a notice, and nothing hangs or shows a traceback.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.generation import local_server
from assistant.generation.check import audit
from assistant.generation.compose import NO_ANSWER
from assistant.generation.prompt import check_sources
from assistant.service import Assistant

pytestmark = pytest.mark.llm

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Questions whose clauses the model often retells closely enough for the check to keep its prose.
WORDED = ("云州区方案的二（二）4讲什么", "钦州市家庭医生签约服务有什么安排？", "钦州市医联体建设有什么安排？",
          "云州区方案的工作目标是什么？")
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def server():
    try:
        local_server.install()
    except local_server.LocalServerError as error:
        pytest.skip(f"llama-cpp-python could not be built or installed here: {error}")
    with local_server.running_server(ready_timeout=120) as running:
        yield running


def with_generator(shared_assistant, url: str, timeout: float = 90.0) -> Assistant:
    """The session's index and encoder, with prose from `url` (a generous timeout: 2 busy cores)."""
    config = shared_assistant.config.override(llm_url=url, llm_timeout=timeout)
    return Assistant(config, shared_assistant.index, shared_assistant.embedder)


def test_real_prose_is_checked_and_leaves_the_extractive_answer_unchanged(shared_assistant, server):
    assistant = with_generator(shared_assistant, server.base_url)
    for question in WORDED:
        final = assistant.ask_with_prose(question)
        assert replace(final, prose=None) == shared_assistant.ask(question)
        prose = final.prose
        assert prose is not None and prose.done and prose.received > 0 and not prose.error
        assert audit(prose.text, check_sources(final.citations)) == ()
        assert bool(prose.text) != prose.fell_back


def test_the_cli_streams_a_real_answer(server):
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "-q", "--llm-url", server.base_url,
                           "--llm-timeout", "90", WORDED[0]], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "引用 (citations):\n[1] 《" in done.stdout and "Traceback" not in done.stdout + done.stderr


def test_the_cli_with_no_endpoint_listening_answers_from_the_clauses_with_a_notice():
    port = local_server.free_port()
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "-q", "--llm-url", f"http://127.0.0.1:{port}",
                           WORDED[0]], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"（{NO_ANSWER.rstrip('。')}）\n") and "引用 (citations):" in done.stdout
    assert "prose answer fell back: cannot reach the model server" in done.stderr
    assert time.monotonic() - began < 120


def test_eval_with_the_real_model_reports_no_unsupported_figure(server, tmp_path):
    done = subprocess.run([sys.executable, "-m", "assistant", "eval", "-q", "--llm-url", server.base_url,
                           "--llm-timeout", "90", "--limit", "8", "--report", str(tmp_path)],
                          capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unsupported figures after the check: 0 (must be 0)" in done.stdout
    assert "answers worded: " in done.stdout and "no gate: --limit 8" in done.stderr


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


def serve(assistant: Assistant):
    from assistant import ui

    port = local_server.free_port()
    return ui.launch(assistant, assistant.config, "127.0.0.1", port), f"http://127.0.0.1:{port}"


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector("#pa-input textarea")
    return page


def send(page, question: str) -> None:
    page.fill("#pa-input textarea", question)
    page.press("#pa-input textarea", "Enter")


@pytest.fixture(scope="module")
def kept(shared_assistant, server) -> tuple[str, str]:
    """A question whose real prose the check keeps here, and that prose. Which one depends on the model's wording,
    which changes with the prompt (the clauses found) and the CPU's arithmetic: at temperature 0 it is the same
    for the same prompt on one machine, but a question kept on one machine may be dropped on another."""
    assistant = with_generator(shared_assistant, server.base_url)
    for question in WORDED:
        prose = assistant.ask_with_prose(question).prose
        if prose.text:
            return question, prose.text
    pytest.xfail(f"the check dropped the model's wording of each of {len(WORDED)} questions here; the browser "
                 "shows it dropping them in the next test")


def test_the_browser_streams_prose_with_clickable_citations(shared_assistant, server, browser, kept):
    question, prose_text = kept
    demo, url = serve(with_generator(shared_assistant, server.base_url))
    try:
        page = open_page(browser, url)
        send(page, question)
        page.wait_for_selector("#pa-chat .pa-prose-pending")  # the quoted answer and "wording…" at once
        assert page.locator("#pa-chat .pa-answer-text").count() == 1
        page.wait_for_selector("#pa-chat .pa-prose, #pa-chat .pa-prose-notice")
        page.wait_for_selector("#pa-chat .pa-prose-pending", state="detached")
        page.screenshot(path=str(ARTIFACTS / "llm-01-prose.png"))
        prose = page.locator("#pa-chat .pa-prose")
        assert prose.count() == 1, page.locator("#pa-chat .pa-prose-notice").inner_text()
        assert re.sub(r"\[\d+\]|\s", "", prose.inner_text()) == re.sub(r"\[\d+\]|\s", "", prose_text)
        marks = prose.locator("a.pa-open")
        assert marks.count() >= 1
        marks.first.click()
        page.wait_for_selector("#pa-document .pa-focus")
        page.screenshot(path=str(ARTIFACTS / "llm-02-citation-opened.png"))
        assert "Traceback" not in page.content()
    finally:
        demo.close()


def test_the_browser_falls_back_when_the_endpoint_is_killed_mid_answer(shared_assistant, browser):
    try:
        dying = local_server.start_server(ready_timeout=120)
    except local_server.LocalServerError as error:
        pytest.skip(f"llama.cpp server could not start: {error}")
    demo, url = serve(with_generator(shared_assistant, dying.base_url))
    try:
        page = open_page(browser, url)
        send(page, WORDED[1])
        # The model has begun: the chat says how much it has sent (nothing unchecked is shown).
        page.wait_for_function("() => /已收到 \\d+ 字/.test(document.querySelector('#pa-chat').innerText)")
        page.screenshot(path=str(ARTIFACTS / "llm-03-streaming.png"))
        dying.kill()
        killed = time.monotonic()
        page.wait_for_selector("#pa-chat .pa-prose-notice")
        assert time.monotonic() - killed < 20
        notice = page.locator("#pa-chat .pa-prose-notice").inner_text()
        assert notice == NO_ANSWER
        assert page.locator("#pa-chat .pa-prose").count() == 0
        assert page.locator("#pa-chat .pa-answer-text").inner_text().strip()
        assert page.locator("#pa-chat .pa-cites a.pa-open").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "llm-04-endpoint-killed.png"))
        assert "Traceback" not in page.content()
    finally:
        dying.stop()
        demo.close()
