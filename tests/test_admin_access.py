"""Admin access on an office network, tried from raw HTTP as an outside tester would: the real app served on a
localhost port with an admin secret, its own corpus and index, and its audit trail in a real SQLite file.

Run in file order: the last test locks this client's address out with wrong secrets.
"""
from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assistant.admin import Admin, SecretFileError, SecretHash, write_secret_file
from assistant.records import MIGRATIONS, Records, RecordsError

ROOT = Path(__file__).resolve().parent.parent
SECRET = "办公室-s3cret"
PLAN = ROOT / "corpus" / "003_0200143d345726b6.txt"


# --- the pieces on their own ---------------------------------------------------------------------------


def test_a_secret_file_holds_a_salted_scrypt_hash_and_checks_as_the_secret(tmp_path):
    path = tmp_path / "admin.secret"
    write_secret_file(path, SECRET)
    text = path.read_text()
    assert SECRET not in text and text.startswith("scrypt$16384$8$1$") and oct(path.stat().st_mode)[-3:] == "600"
    stored = SecretHash.parse(text)
    assert stored.matches(SECRET) and not stored.matches(SECRET[:-1]) and not stored.matches("")
    write_secret_file(tmp_path / "again", SECRET)
    assert (tmp_path / "again").read_text() != text  # salted: the same secret never hashes alike
    with pytest.raises(SecretFileError, match="not a secret file"):
        SecretHash.parse("plain text")


def test_a_login_ends_on_logout_when_idle_and_when_the_secret_changes(tmp_path, shared_assistant):
    secret_file = tmp_path / "admin.secret"
    write_secret_file(secret_file, SECRET)
    config = shared_assistant.config.override(admin_secret_file=str(secret_file), admin_idle_minutes=1.5 / 60)
    admin = Admin(config, Records(tmp_path / "records.sqlite"))
    first, second = admin.login("10.0.0.5", SECRET), admin.login("10.0.0.6", SECRET)
    assert first.ok and len(first.token) >= 43 and first.token != second.token  # 256 random bits each
    assert admin.valid(first.token) and admin.valid(second.token)
    admin.logout("10.0.0.5", first.token)
    assert not admin.valid(first.token) and admin.valid(second.token)
    time.sleep(1.8)  # idle longer than 1.5 s
    assert not admin.valid(second.token)
    third = admin.login("10.0.0.6", SECRET)
    time.sleep(0.05)
    write_secret_file(secret_file, "a new secret")  # "log out everywhere"
    assert not admin.valid(third.token) and admin.login("10.0.0.6", "a new secret").ok
    outcomes = [(e.client, e.action, e.outcome) for e in admin.records.audit_entries()]
    assert outcomes == [("10.0.0.5", "login", "ok"), ("10.0.0.6", "login", "ok"), ("10.0.0.5", "logout", "ok"),
                        ("10.0.0.6", "login", "ok"), ("10.0.0.6", "login", "ok")]


def test_the_records_file_is_sqlite_in_wal_mode_with_a_schema_version(tmp_path):
    path = tmp_path / "index-records.sqlite"
    records = Records(path)
    records.audit("192.168.1.7", "delete", "通知.doc", "removed")
    records.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)
        db.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    with pytest.raises(RecordsError, match="written by a newer version"):
        Records(path)
    old = tmp_path / "before-any-table.sqlite"
    sqlite3.connect(old).execute("CREATE TABLE schema_version (version INTEGER NOT NULL)").connection.close()
    assert Records(old).version == len(MIGRATIONS)  # an older file is brought up to date when opened


def test_an_upload_without_rights_touches_none_of_the_files_it_names(tmp_path):
    """The paths of an upload event come from the client: one without rights used to get them deleted."""
    from assistant.admin import NEED_LOGIN
    from assistant.ui.documents import upload

    someone_elses = tmp_path / "gradio" / "ab12" / "方案.docx"
    someone_elses.parent.mkdir(parents=True)
    someone_elses.write_bytes(b"an upload of the admin's, waiting to be sent")
    shown = upload(None, False, [str(someone_elses)], uploads_root=str(tmp_path / "gradio"))
    assert NEED_LOGIN in shown and someone_elses.exists()


# --- the served app ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_assistant):
    from assistant import ui
    from assistant.index import build_index
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("office")
    (root / "corpus").mkdir()
    shutil.copy(PLAN, root / "corpus")
    (root / "corpus" / "保留.txt").write_text("某县工作要点\n\n一、目标\n\n（一）签约率达到80%。\n", encoding="utf-8")
    config = shared_assistant.config.override(corpus_dir=root / "corpus", index_dir=root / "index",
                                              admin_secret=SECRET, allowed_hosts="127.0.0.1,localhost,plan.office.lan")
    embedder = shared_assistant.retriever.embedder
    assistant = Assistant(config, build_index(config, lambda: embedder, progress=False)[0], embedder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui.launch(assistant, config, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}", root, demo, config
    finally:
        demo.close()


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body text) of one raw request; `Host` may be set to anything."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                       headers=headers or {})
    reply = connection.getresponse()
    result = reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read().decode("utf-8", "replace")
    connection.close()
    return result


def login(url: str, secret: str) -> tuple[int, dict, dict]:
    status, headers, body = request(f"{url}/admin/login", "POST", json.dumps({"secret": secret}).encode(),
                                    {"Content-Type": "application/json"})
    return status, headers, json.loads(body)


def run_event(url: str, fn_index: int, data: list, session_hash: str, cookie: str = "") -> list:
    """One event through Gradio's queue as any client can send it (join, then read the stream); its output."""
    headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
    status, _, body = request(f"{url}/gradio_api/queue/join", "POST", json.dumps(
        {"data": data, "fn_index": fn_index, "session_hash": session_hash, "event_data": None}).encode(), headers)
    assert status == 200, body
    stream = urllib.request.urlopen(urllib.request.Request(
        f"{url}/gradio_api/queue/data?session_hash={session_hash}", headers=headers), timeout=120)
    for line in stream:
        message = json.loads(line.decode()[5:]) if line.startswith(b"data:") else {}
        if message.get("msg") == "process_completed":
            stream.close()
            assert "data" in message["output"], message
            return message["output"]["data"]
    raise AssertionError("the event never completed")


def fn_named(demo, name: str) -> int:
    return next(fn_id for fn_id, fn in demo.fns.items() if fn.name == name)


def test_login_sets_an_httponly_strict_cookie_the_server_made(server):
    url, *_ = server
    status, headers, body = login(url, SECRET)
    cookie = headers["set-cookie"]
    assert status == 200 and body["ok"] and body["message"].startswith("已登录为管理员")
    assert cookie.startswith("pa_admin=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie and "Max-Age" not in cookie  # http here; the server ends it
    assert len(cookie.split(";")[0].split("=", 1)[1]) >= 43


def test_the_admins_own_delete_replayed_without_the_cookie_deletes_nothing(server):
    url, root, demo, config = server
    cookie = login(url, SECRET)[1]["set-cookie"].split(";")[0]
    delete = fn_named(demo, "on_delete")
    admins_session = "admins-tab-session"
    shown = run_event(url, fn_named(demo, "on_login"), [""], admins_session, cookie)  # the tab, as the admin sees it
    assert any("保留.txt" in json.dumps(update, ensure_ascii=False) for update in shown)  # listed for deletion
    replayed = run_event(url, delete, ["保留.txt"], admins_session)  # another client, the same session id
    assert "请先输入管理密码登录" in replayed[0] and (root / "corpus" / "保留.txt").exists()
    with_cookie = run_event(url, delete, ["保留.txt"], admins_session, cookie)
    assert "保留.txt：已删除" in with_cookie[0] and not (root / "corpus" / "保留.txt").exists()
    trail = [(e.action, e.target, e.outcome) for e in Records(config.records_path).audit_entries()][-2:]
    assert trail == [("delete", "保留.txt", "refused: not logged in"), ("delete", "保留.txt", "removed")]


def test_a_logged_out_cookie_opens_nothing(server):
    url, *_ = server
    cookie = login(url, SECRET)[1]["set-cookie"].split(";")[0]
    upload = (b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.txt\"\r\n\r\nhello\r\n--b--\r\n")
    form = {"Content-Type": "multipart/form-data; boundary=b"}
    status, _, _ = request(f"{url}/gradio_api/upload", "POST", upload, {**form, "Cookie": cookie})
    assert status == 200  # Gradio's upload route is open to a live login ...
    status, headers, _ = request(f"{url}/admin/logout", "POST", b"", {"Cookie": cookie})
    assert status == 200 and "pa_admin=" in headers["set-cookie"] and "Max-Age=0" in headers["set-cookie"]
    status, _, body = request(f"{url}/gradio_api/upload", "POST", upload, {**form, "Cookie": cookie})
    assert status == 403 and "不接受上传" in body  # ... and closed to the same cookie after logout


HOSTS = ["127.0.0.1:{port}", "localhost:{port}", "plan.office.lan", "plan.office.lan:{port}"]
FOREIGN = ["http://evil.example", "http://127.0.0.1:1", "http://localhost:8000", "null", "http://plan.office.lan.evil"]


def test_a_foreign_origin_is_never_granted_credentials_for_any_host(server):
    url, *_ = server
    port = urlsplit(url).port
    cookie = login(url, SECRET)[1]["set-cookie"].split(";")[0]
    tried = 0
    for host in HOSTS:
        for origin in FOREIGN:
            base = {"Host": host.format(port=port), "Origin": origin, "Cookie": cookie}
            for method, path, extra in (
                    ("GET", "/", {}), ("GET", "/config", {}), ("GET", "/gradio_api/info", {}),
                    ("OPTIONS", "/gradio_api/queue/join", {"Access-Control-Request-Method": "POST"}),
                    ("POST", "/gradio_api/queue/join", {"Content-Type": "application/json"}),
                    ("POST", "/admin/login", {"Content-Type": "application/json"})):
                status, headers, _ = request(url + path, method, b"{}" if method == "POST" else None, {**base, **extra})
                granted = [k for k in headers if k.startswith("access-control-allow")]
                assert not granted, (host, origin, method, path, headers)
                assert method == "GET" or status == 403, (host, origin, method, path, status)
                tried += 1
    print(f"\n[origins] {tried} requests from {len(FOREIGN)} foreign origins to {len(HOSTS)} hosts: none granted")
    own = {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}"}
    status, headers, _ = request(url + "/config", "GET", None, own)
    assert status == 200  # the app's own pages go on working


def test_an_unknown_host_is_refused_and_no_page_can_be_framed(server):
    url, *_ = server
    for host in ("evil.example", "plan.office.lan.evil.example", "192.168.1.99:7860", ""):
        status, headers, body = request(url + "/", "GET", None, {"Host": host})
        assert status == 400 and "未知的主机名" in json.loads(body)["error"], host
    status, headers, _ = request(url + "/", "GET", None, {"Host": "plan.office.lan"})
    assert status == 200
    assert headers["content-security-policy"] == "frame-ancestors 'self'" and headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize("method, path", [
    ("POST", "/gradio_api/run/ask"), ("POST", "/gradio_api/api/ask"), ("POST", "/gradio_api/call/v2/ask"),
    ("POST", "/gradio_api/call/on_delete"), ("POST", "/gradio_api/process_recording"),
    ("GET", "/monitoring"), ("GET", "/gradio_api/runs"), ("POST", "/login"),
])
def test_routes_that_skip_the_checks_of_ask_or_that_the_app_does_not_use_are_closed(server, method, path, capfd):
    url, *_ = server
    body = json.dumps({"data": [123, {"x": 1}, "extra"]}).encode() if method == "POST" else None
    status, _, text = request(url + path, method, body, {"Content-Type": "application/json"})
    assert status == 404 and "此接口未开放" in json.loads(text)["error"]
    assert "Traceback" not in capfd.readouterr().err


def test_the_direct_route_serves_only_the_pages_unqueued_events(server):
    """The page sends a new conversation (not queued) to /run/predict; nothing else goes that way, so an admin
    action sent there, which would skip the queue and its checks, is closed."""
    url, root, demo, _ = server
    cookie = login(url, SECRET)[1]["set-cookie"].split(";")[0]
    headers = {"Content-Type": "application/json", "Cookie": cookie}
    for name in ("on_delete", "on_reindex", "answer"):
        body = json.dumps({"data": ["003_0200143d345726b6.txt"], "fn_index": fn_named(demo, name), "session_hash": "d"})
        status, _, text = request(f"{url}/gradio_api/run/predict", "POST", body.encode(), headers)
        assert status == 404 and "此接口未开放" in text, name
    assert (root / "corpus" / "003_0200143d345726b6.txt").exists()
    body = json.dumps({"data": [], "fn_index": fn_named(demo, "new_conversation"), "session_hash": "d"})
    status, _, text = request(f"{url}/gradio_api/run/predict", "POST", body.encode(), headers)
    assert status == 200, text


def test_thirty_wrong_secrets_in_a_row_are_slowed_then_refused_and_recorded(server):
    url, root, demo, config = server
    began = time.perf_counter()
    replies = [login(url, f"guess-{n}") for n in range(30)]
    took = time.perf_counter() - began
    statuses = [status for status, _, _ in replies]
    checked = statuses.count(401)
    print(f"\n[rate limit] 30 wrong secrets in {took:.2f} s: {checked} checked (401), {statuses.count(429)} refused "
          f"unchecked (429); the last said {replies[-1][2]['message']!r}")
    assert checked == 3 and statuses.count(429) == 27
    status, _, body = login(url, SECRET)  # the right secret, at once: refused too, unchecked
    assert status == 429 and "请在" in body["message"] and not body["ok"]
    trail = Records(config.records_path).audit_entries()
    refusals = [e.outcome for e in trail if e.action == "login"][-31:]
    assert refusals.count("refused: wrong secret") == 3 and refusals.count("refused: too soon") == 28
    listed = subprocess.run([sys.executable, "-m", "assistant", "audit", "--records", str(config.records_path),
                             "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert listed.returncode == 0 and len(lines) == len(trail) and lines[-1]["outcome"] == "refused: too soon"


def test_the_secret_file_is_written_by_the_cli_and_a_broken_one_is_said(tmp_path, shared_assistant):
    path = tmp_path / "admin.secret"
    written = subprocess.run([sys.executable, "-m", "assistant", "admin-secret", str(path)], input=SECRET + "\n",
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert written.returncode == 0 and SECRET not in path.read_text() and SecretHash.parse(path.read_text()).matches(SECRET)
    admin = Admin(shared_assistant.config.override(admin_secret_file=str(path)))
    assert admin.login("10.0.0.9", SECRET).ok
    path.write_text("overwritten by hand")
    refused = admin.login("10.0.0.9", SECRET)
    assert not refused.ok and "管理密码文件无法读取" in refused.message
    bad = subprocess.run([sys.executable, "-m", "assistant", "audit", "--since", "yesterday"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "--since 'yesterday'" in bad.stderr
