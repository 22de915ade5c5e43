"""Feedback over HTTP, as scripts and strangers reach it: the `/rate` API refusing malformed and oversized
ratings and ratings of answers the session was not given; a damaged or locked records file leaving the chat
answering and feedback saying it is off; and a real server killed with SIGKILL while ratings pour in, losing
none that it acknowledged.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from assistant.ui.rating import NOT_YOURS, SAVED_PREFIX

ROOT = Path(__file__).resolve().parent.parent
Q2022 = "2022年孕产妇死亡率的目标是多少？"
BADA = "000_a7ee23972fa017a8.txt"
ANSWER_ID = re.compile(r"pa-rate\?a=([0-9a-f]{32})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_in_process(assistant, records: Path):
    from assistant import ui

    port = free_port()
    demo = ui.launch(assistant, assistant.config.override(records=str(records)), "127.0.0.1", port)
    return demo, f"http://127.0.0.1:{port}"


class Session:
    """One browser session as the page is: asks through the queue (gradio_client), rates with one POST."""

    def __init__(self, url: str):
        from gradio_client import Client

        self.url = url
        self.client = Client(url, verbose=False)

    def ask(self, question: str = Q2022) -> str:
        chat, *_ = self.client.predict(question, api_name="/ask")
        content = chat[-1]["content"]
        text = content[0]["text"] if isinstance(content, list) else content
        return ANSWER_ID.search(text).group(1)

    def rate(self, answer=None, vote=None, reason="", comment="", source="", label="", name="",
             body: bytes | None = None, timeout: float = 30) -> tuple[int, str]:
        """POST pa-rate as the page does; (HTTP status, the message)."""
        payload = body or json.dumps({"session": self.client.session_hash, "answer": answer, "vote": vote,
                                      "reason": reason, "comment": comment, "source": source, "label": label,
                                      "name": name}).encode()
        request = urllib.request.Request(f"{self.url}/pa-rate", data=payload,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        reply = json.loads(raw)
        return status, reply.get("message") or reply.get("error", "")

    def close(self) -> None:
        self.client.close()


def stored(records: Path) -> list[tuple]:
    with sqlite3.connect(records) as db:
        return db.execute("SELECT vote, reason, comment FROM feedback ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def served(shared_assistant, tmp_path_factory):
    records = tmp_path_factory.mktemp("served-feedback") / "records.sqlite"
    demo, url = serve_in_process(shared_assistant, records)
    yield url, records
    demo.close()


def test_bad_ratings_through_the_api_are_refused_with_a_message_and_nothing_stored(served):
    url, records = served
    mine, theirs = Session(url), Session(url)
    answer = mine.ask()
    refusals = {
        "vote": mine.rate(answer, "maybe", "", "", "", "", ""),
        "reason": mine.rate(answer, "down", "because", "", "", "", ""),
        "type": mine.rate(answer, "down", "other", {"not": "text"}, "", "", ""),
        "long": mine.rate(answer, "down", "other", "错" * 5000, "", "", ""),
        "clause": mine.rate(answer, "down", "wrong_clause", "", BADA, "九十九（九）", ""),
        "id": mine.rate("../../etc/passwd", "up", "", "", "", "", ""),
        "not given": theirs.rate(answer, "up", "", "", "", "", ""),
        "oversized": mine.rate(body=json.dumps({"session": mine.client.session_hash, "answer": answer, "vote": "up",
                                                "comment": "x" * 2_000_000}).encode()),
        "not json": mine.rate(body=b"vote=up"),
    }
    print(f"\n[feedback] refusals: { {k: (s, m[:60]) for k, (s, m) in refusals.items()} }")
    assert all(status == 400 and "未保存" in said for key, (status, said) in refusals.items()
               if key not in ("oversized", "not given"))
    assert "只能是" in refusals["vote"][1] and "哪里不对" in refusals["reason"][1] and "过长" in refusals["long"][1]
    assert "找不到条款" in refusals["clause"][1] and "编号无效" in refusals["id"][1]
    assert refusals["not given"] == (403, NOT_YOURS)
    assert refusals["oversized"][0] == 413 and "评价内容过大" in refusals["oversized"][1]  # not the question's message
    assert stored(records) == []
    status, said = mine.rate(answer, "down", "wrong_clause", "应引用一（三）", BADA, "一(三)", "")
    assert status == 200 and said.startswith(SAVED_PREFIX)
    assert stored(records) == [("down", "wrong_clause", "应引用一（三）")]
    mine.close(), theirs.close()


def test_a_locked_records_file_says_feedback_is_unavailable_once_and_the_chat_answers(served, capfd):
    url, records = served
    session = Session(url)
    answer = session.ask()
    locker = sqlite3.connect(records, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the file (a backup tool, a DB browser)
    try:
        said = [session.rate(answer, "up") for _ in range(2)]
        assert session.ask("那2020年呢？")  # the chat goes on meanwhile
    finally:
        locker.rollback()
        locker.close()
    assert all(status == 503 and "反馈功能暂不可用" in s for status, s in said)
    assert session.rate(answer, "up")[0] == 200  # and saved again once it is released
    log = capfd.readouterr().err
    assert log.count("feedback not saved") == 1 and "feedback is saved again" in log
    session.close()


def test_a_damaged_records_file_leaves_the_chat_answering_and_feedback_off(shared_assistant, tmp_path, capfd):
    records = tmp_path / "records.sqlite"
    records.write_bytes(b"this is no SQLite file, a disk error wrote over it " * 100)
    demo, url = serve_in_process(shared_assistant, records)
    try:
        session = Session(url)
        answer = session.ask()
        status, said = session.rate(answer, "up", "", "", "", "", "")
        assert status == 503 and "反馈功能已关闭" in said and "记录文件无法使用" in said
        session.close()
    finally:
        demo.close()
    log = [line for line in capfd.readouterr().err.splitlines() if "feedback" in line]
    assert len(log) == 1 and "feedback is off" in log[0] and str(records) in log[0]


def test_killing_the_server_while_ratings_are_written_loses_none_it_acknowledged(tmp_path):
    """A real `python -m assistant serve` on localhost; eight sessions rating as fast as they can; SIGKILL."""
    records = tmp_path / "records.sqlite"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), "--records", str(records)],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while True:
            assert server.poll() is None, server.stderr.read()[-2000:]
            assert time.time() < deadline, "the server did not start"
            try:
                urllib.request.urlopen(url, timeout=2).read(100)
                break
            except OSError:
                time.sleep(0.5)
        sessions = [Session(url) for _ in range(8)]
        answers = [s.ask() for s in sessions]
        acknowledged: list[str] = []
        failed: list[str] = []
        go_on = threading.Event()
        go_on.set()

        def pour(number: int) -> None:
            count = 0
            while go_on.is_set():
                comment = f"s{number}-{count}"
                count += 1
                try:
                    status, said = sessions[number].rate(answers[number], "down", "other", comment, "", "", "", timeout=10)
                except OSError as exc:  # the server is gone: this one was never acknowledged
                    failed.append(f"{comment}: {type(exc).__name__}")
                    continue
                if status == 200 and said.startswith(SAVED_PREFIX):
                    acknowledged.append(comment)

        threads = [threading.Thread(target=pour, args=(n,)) for n in range(len(sessions))]
        for t in threads:
            t.start()
        while len(acknowledged) < 300:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        time.sleep(0.5)  # what was in flight fails now
        go_on.clear()
        for t in threads:
            t.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    kept = {row[2] for row in stored(records)}  # the first connection after the kill replays the WAL
    lost = [c for c in acknowledged if c not in kept]
    print(f"\n[feedback] SIGKILL while rating: {len(acknowledged)} acknowledged, {len(kept)} stored, "
          f"{len(failed)} refused or cut off after the kill, {len(lost)} acknowledged and lost")
    assert acknowledged and failed and not lost
