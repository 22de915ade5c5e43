"""The served app over HTTP, as scripts and strangers reach it: the `/ask` API through gradio_client,
and raw requests that an ordinary client would never send (huge bodies, uploads, wrong types).

Runs the real app (queue, request limits) on a free localhost port; see conftest.served_app.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from assistant.ui.limits import Endpoints, ask_problem, queue_full_text

Q2022 = "2022年孕产妇死亡率的目标是多少？"


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, dict | str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def client(served_app):
    from gradio_client import Client

    client = Client(served_app, verbose=False, ssl_verify=False)
    yield client
    client.close()


def reply_text(chat: list) -> str:
    import re

    content = chat[-1]["content"]
    text = content[0]["text"] if isinstance(content, list) else content
    return re.sub(r"<[^>]+>", "", text)


# --- the /ask API ----------------------------------------------------------------------------


def test_ask_takes_the_question_and_keeps_the_conversation(served_app):
    """Each gradio_client Client is a session: the server keeps its conversation, so a follow-up
    needs only the new question; another client's session is its own."""
    from gradio_client import Client

    first, second = Client(served_app, verbose=False), Client(served_app, verbose=False)
    chat, sources = first.predict(Q2022, api_name="/ask")
    assert [m["role"] for m in chat] == ["user", "assistant"] and "18/10" in reply_text(chat)
    assert "pa-card" in sources
    chat, _ = first.predict("那2020年呢？", api_name="/ask")
    assert len(chat) == 4 and "20/10" in reply_text(chat)
    chat, _ = second.predict("那2020年呢？", api_name="/ask")
    assert len(chat) == 2 and "20/10" not in reply_text(chat)  # no earlier question in this session
    first.close(), second.close()


@pytest.mark.parametrize("bad", [123, {"question": Q2022}, ["a"], None, True])
def test_a_question_of_the_wrong_type_is_refused_with_a_message(client, bad, capfd):
    from gradio_client.exceptions import ValidationError

    with pytest.raises(ValidationError, match="参数 message 必须是文本"):
        client.predict(bad, api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("data, message", [
    ([], "缺少参数 message"),
    ("not a list", "缺少参数 message"),
    ([Q2022, [{"role": "user", "content": "an old-style chat"}]], "参数 folder 必须是文件夹名"),
    ([Q2022, "", "a third"], "只接受参数 message 和 folder"),
])
def test_missing_or_extra_arguments_are_refused_with_a_message(served_app, data, message, capfd):
    status, body = post(f"{served_app}/gradio_api/call/ask", json.dumps({"data": data}).encode())
    assert status == 422 and message in body["error"]
    assert "Traceback" not in capfd.readouterr().err


def test_garbage_and_unknown_endpoints_are_refused_with_a_message(served_app, capfd):
    status, body = post(f"{served_app}/gradio_api/call/ask", b"{not json")
    assert status == 422 and "不是有效的 JSON" in body["error"]
    status, body = post(f"{served_app}/gradio_api/queue/join",
                        json.dumps({"data": [Q2022, None], "fn_index": 999, "session_hash": "x"}).encode())
    assert status == 422 and "没有编号为 999 的接口" in body["error"]
    assert "Traceback" not in capfd.readouterr().err


# --- what a client may send ------------------------------------------------------------------


def test_a_ten_megabyte_chat_is_refused_before_any_work(served_app, client):
    """The old API took the chat from the client; a 10 MB one is now refused unread, in well under
    a second, and the server goes on answering."""
    history = [{"role": "user", "content": "问" * 1000}, {"role": "assistant", "content": "答" * 1000}] * 1700
    body = json.dumps({"data": [Q2022, history], "fn_index": 0, "session_hash": "big"}).encode()
    assert len(body) > 10_000_000
    began = time.perf_counter()
    status, reply = post(f"{served_app}/gradio_api/queue/join", body)
    refused_in = time.perf_counter() - began
    assert status == 413 and "请求过大" in reply["error"]
    print(f"\n[serving] 10 MB request refused in {refused_in * 1000:.0f} ms")
    chat, _ = client.predict(Q2022, api_name="/ask")
    assert "18/10" in reply_text(chat)


def test_an_anonymous_upload_is_refused_and_nothing_is_written(served_app, tmp_path):
    import tempfile
    from pathlib import Path

    before = {p for p in Path(tempfile.gettempdir()).rglob("upload.txt")}
    multipart = (b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"upload.txt\"\r\n"
                 b"Content-Type: text/plain\r\n\r\n" + b"x" * 50_000 + b"\r\n--b--\r\n")
    for route in ("/gradio_api/upload", "/gradio_api/upload/", "/upload"):
        status, reply = post(served_app + route, multipart, "multipart/form-data; boundary=b")
        assert status == 403 and "不接受上传" in reply["error"], route
    assert {p for p in Path(tempfile.gettempdir()).rglob("upload.txt")} == before


def test_replies_name_no_server_path(served_app, client):
    from assistant.config import PROJECT_ROOT

    chat, sources = client.predict(Q2022, api_name="/ask")
    pages = [urllib.request.urlopen(served_app + path, timeout=30).read().decode() for path in
             ("/", "/config", "/gradio_api/info")]
    for text in [json.dumps(chat, ensure_ascii=False), sources, *pages]:
        assert str(PROJECT_ROOT) not in text and "/.cache/" not in text


# --- the rules, on plain values --------------------------------------------------------------


def test_ask_problem_rules():
    endpoints = Endpoints(ask=3, inputs={0: 0, 3: 2})
    assert ask_problem({"data": [Q2022]}, endpoints, simple=True) is None
    assert ask_problem({"data": [Q2022, None], "fn_index": 3}, endpoints, simple=False) is None
    assert ask_problem({"data": [5], "fn_index": 0}, endpoints, simple=False) is None  # not /ask: Gradio's to check
    assert "必须是文本" in ask_problem({"data": [5, None], "fn_index": 3}, endpoints, simple=False)
    assert "只接受参数 message 和 folder" in ask_problem({"data": [Q2022, [], None], "fn_index": 3}, endpoints, simple=False)
    assert ask_problem({"data": [Q2022, "2018-01-16"]}, endpoints, simple=True) is None
    assert "参数 folder 必须是" in ask_problem({"data": [Q2022, 7]}, endpoints, simple=True)
    assert "没有编号为 True" in ask_problem({"data": [Q2022], "fn_index": True}, endpoints, simple=False)
    assert "不是有效的 JSON" in ask_problem([Q2022], endpoints, simple=True)


def test_a_full_queue_is_told_in_plain_words():
    gradio_says = json.dumps({"detail": "Queue is full. Max size is 256 and size is 256."}).encode()
    assert queue_full_text(gradio_says) == "服务繁忙：已有 256 个问题在排队，请稍后再试。 (server busy: the queue is full, try again shortly)"
    assert queue_full_text(json.dumps({"detail": "Queue is stopped."}).encode()) == "Queue is stopped."


def test_the_encoder_loads_beside_the_index_and_its_error_reaches_whoever_waits():
    from assistant.config import Config
    from assistant.model_prep import ModelError
    from assistant.service import embedder_in_background

    wait = embedder_in_background(Config.from_env().override(encoder="no-such-encoder"), progress=False)
    with pytest.raises(ModelError, match="unknown encoder 'no-such-encoder'"):
        wait()
