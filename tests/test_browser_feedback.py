"""End-to-end feedback in headless Chromium: a staff member rates an answer 👎 with a reason and the clause that
holds the right answer (picked from the answer's sources), copies it and downloads the conversation as Markdown
and Word; the admin logs in, finds the rating in the 反馈 tab, opens the answer as it was, reviews it into an
evaluation item and downloads the set, which `feedback export` writes the same and `eval --set` scores.

Its own server (the session's assistant, a records file in a temporary folder, an admin secret).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SECRET = "feedback-secret-for-tests"
TIMEOUT = 90_000
Q2022 = "2022年孕产妇死亡率的目标是多少？"
Q2020 = "那2020年呢？"
BADA = "000_a7ee23972fa017a8.txt"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
from test_browser import ask  # noqa: E402


@pytest.fixture(scope="module")
def feedback_server(tmp_path_factory, shared_assistant):
    from assistant import ui

    root = tmp_path_factory.mktemp("feedback")
    config = shared_assistant.config.override(records=str(root / "records.sqlite"), admin_secret=SECRET)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui.launch(shared_assistant, config, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}", root, config
    finally:
        demo.close()


@pytest.fixture(scope="module")
def browser(feedback_server):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    """A page of its own browser context: its own cookies, its own Gradio session."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#pa-input textarea")
    page.wait_for_function("() => typeof window.__paTools === 'function'")
    return page, errors


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"feedback-{name}.png"), full_page=True)


def test_staff_rate_copy_and_download_then_the_admin_reviews_exports_and_scores(browser, feedback_server, tmp_path):
    import docx

    url, root, config = feedback_server
    staff, errors = open_page(browser, url)
    ask(staff, Q2022)
    ask(staff, Q2020)
    tools = staff.locator("#pa-chat .pa-tools")
    assert tools.count() == 2 and tools.last.get_by_text("👎 有问题").is_visible()

    # 复制: the answer and its sources on the clipboard, the tools left out
    tools.last.locator("a.pa-copy").click()
    tools.last.get_by_text("已复制").wait_for()
    copied = staff.evaluate("() => navigator.clipboard.readText()")
    assert "18/10" in copied.replace(" ", "") or "2020" in copied
    assert BADA in copied and "有帮助" not in copied and "导出" not in copied

    # 👎: the form, a reason, the clause picked from this answer's sources
    tools.last.locator("a.pa-rate-down").click()
    staff.locator("#pa-rate-form").first.wait_for(state="visible")
    staff.locator("#pa-rate-reason").get_by_text("数字不对").click()
    staff.fill("#pa-rate-comment textarea", "应写明2020年的目标：20/10万")
    staff.locator("#pa-rate-clause input").click()
    options = staff.get_by_role("option")
    picked = options.filter(has_text="一（三）").first if options.filter(has_text="一（三）").count() else options.first
    picked_text = picked.inner_text()
    picked.click()
    staff.wait_for_function("() => document.querySelector('#pa-rate-label input').value !== ''")
    source, label = staff.input_value("#pa-rate-source input"), staff.input_value("#pa-rate-label input")
    assert source in picked_text.replace(" ", "") or label in picked_text, (picked_text, source, label)
    shot(staff, "01-thumbs-down-form")
    staff.locator("#pa-rate-send").click()
    staff.locator("#pa-rate-message").get_by_text("已记录你的反馈").wait_for()
    staff.locator("#pa-rate-form").first.wait_for(state="hidden")
    shot(staff, "02-rated")

    # 👍 on the first answer: stored at once
    tools.first.locator("a.pa-rate-up").click()
    tools.first.locator(".pa-rate-said").get_by_text("这个回答有帮助").wait_for()

    # the conversation downloaded as Markdown and Word, quotes and sources in both
    with staff.expect_download() as got:
        tools.last.locator("a.pa-export-conversation-md").click()
    md_path = tmp_path / "conversation.md"
    got.value.save_as(md_path)
    assert got.value.suggested_filename.startswith("问答记录-") and got.value.suggested_filename.endswith(".md")
    with staff.expect_download() as got:
        tools.last.locator("a.pa-export-conversation-docx").click()
    docx_path = tmp_path / "conversation.docx"
    got.value.save_as(docx_path)
    markdown = md_path.read_text(encoding="utf-8")
    assert f"## 1. {Q2022}" in markdown and f"## 2. {Q2020}" in markdown and f"文件：{BADA}" in markdown
    assert "> " in markdown and "索引版本：gen-" in markdown
    paragraphs = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    print(f"\n[feedback] conversation.docx: {len(paragraphs)} paragraphs; first quote: "
          f"{next(p for p in paragraphs if '孕产妇' in p and not p.startswith(('1.', '2.')))[:60]}")
    assert f"1. {Q2022}" in paragraphs and f"2. {Q2020}" in paragraphs
    assert any(p.startswith("[1] ") and BADA in p and "《" in p for p in paragraphs)
    assert any("18/10" in p.replace(" ", "") for p in paragraphs)  # a quote, as the file writes it
    assert sum("回答时间" in p and "索引版本" in p for p in paragraphs) == 2
    assert not errors

    # the admin: logs in (文档管理), finds the 👎 in the 反馈 tab, opens it, reviews it into an evaluation item
    admin, errors = open_page(browser, url)
    admin.get_by_role("tab", name="反馈").click()
    assert "仅限管理员" in admin.inner_text("#pa-fb-list")
    admin.get_by_role("tab", name="文档管理").click()
    admin.fill("#pa-secret input", SECRET)
    admin.locator("#pa-login").click()
    admin.locator("#pa-manage-message").get_by_text("已登录为管理员").wait_for()
    admin.get_by_role("tab", name="反馈").click()
    admin.locator("#pa-fb-refresh").click()
    admin.locator("#pa-fb-list table").wait_for()
    listed = admin.inner_text("#pa-fb-list")
    assert Q2020 in listed and Q2022 in listed and "数字不对" in listed
    admin.locator("#pa-fb-show").get_by_text("👎 有问题").click()
    admin.wait_for_function(f"() => !document.querySelector('#pa-fb-list').textContent.includes('{Q2022}')")
    shot(admin, "03-review-list")
    admin.locator("#pa-fb-pick input").click()
    admin.get_by_role("option").filter(has_text=Q2020).first.click()
    admin.locator("#pa-fb-item .pa-fb-item").wait_for()
    opened = admin.inner_text("#pa-fb-item")
    assert "当时的回答" in opened and "数字不对" in opened and "20/10万" in opened and BADA in opened
    assert admin.input_value("#pa-fb-label input") == label and admin.input_value("#pa-fb-source input") == source
    assert admin.input_value("#pa-fb-kind input") == "followup"
    admin.fill("#pa-fb-keys input", "20/10万")
    admin.fill("#pa-fb-expected textarea", "2020年孕产妇死亡率降到20/10万（一（三））")
    shot(admin, "04-review-open")
    admin.locator("#pa-fb-to-eval").click()
    admin.locator("#pa-fb-message").get_by_text("已加入评测集").wait_for()
    with admin.expect_download() as got:
        admin.locator("#pa-fb-export").click()
        admin.locator("#pa-fb-file a").first.click()
    downloaded = tmp_path / "feedback-from-browser.jsonl"
    got.value.save_as(downloaded)
    shot(admin, "05-reviewed-exported")
    assert not errors

    # the command line writes the same set, and the evaluation scores it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    exported = tmp_path / "feedback.jsonl"
    done = subprocess.run([sys.executable, "-m", "assistant", "feedback", "export", "--records", config.records,
                           "--to", str(exported)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and "1 reviewed items" in done.stdout, done.stderr
    assert exported.read_text(encoding="utf-8") == downloaded.read_text(encoding="utf-8")
    (item,) = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert item["question"] == Q2020 and item["history"] == [Q2022] and item["kind"] == "followup"
    assert item["expected"] == [{"source": source, "label": label}] and item["keys"] == ["20/10万"]
    scored = subprocess.run([sys.executable, "-m", "assistant", "eval", "--set", str(exported), "--json",
                             "--report", str(tmp_path / "report"), "--baseline", str(tmp_path / "none.json")],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    print(f"[feedback] eval --set feedback.jsonl: exit {scored.returncode}; {scored.stderr.strip().splitlines()[-3:]}")
    assert scored.returncode == 0, scored.stderr[-2000:]
    results = [json.loads(line) for line in (tmp_path / "report" / "results.jsonl").read_text().splitlines()]
    print(f"[feedback] the reviewed item re-asked: {[(r['id'], r.get('correct'), r.get('problems')) for r in results]}")
    assert [r["id"] for r in results] == [item["id"]]
