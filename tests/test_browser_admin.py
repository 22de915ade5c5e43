"""End-to-end document management: an admin uploads documents in headless Chromium, watches them
being indexed, and asks a question the new document answers; without the secret nothing is written.

Its own server and corpus (uploads change the collection), started with an admin secret.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SECRET = "s3cret-for-tests"
TIMEOUT = 90_000

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
from test_browser import chromium_page  # noqa: E402


PDF_PLAN = ("某市妇幼健康服务提升计划\n\n一、工作目标\n\n（一）到2025年，全市孕产妇系统管理率达到93%以上。\n\n"
            "（二）新生儿访视率保持在95%以上。\n\n二、重点任务\n\n（一）加强妇幼保健机构建设。\n")


def pdf_plan(folder: Path) -> Path:
    """A small plan printed to a real PDF by Chromium (tests/pdf_fixtures.py)."""
    from pdf_fixtures import cjk_font_installed, print_pdfs

    if not cjk_font_installed():
        pytest.skip("no CJK font: a printed PDF would have no Chinese text layer")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "妇幼健康服务提升计划.txt"
    source.write_text(PDF_PLAN, encoding="utf-8")
    return print_pdfs([source], folder)[0].pdf


def word_plan(path: Path) -> None:
    """A small plan as a real .docx (python-docx), its numbers typed."""
    import docx

    document = docx.Document()
    for line in ("某区基层卫生服务提升方案", "一、目标任务", "（一）到2025年，全区家庭医生签约服务覆盖率达到85%。",
                 "（二）每个社区卫生服务中心至少配备3名全科医生。", "二、保障措施", "（一）加强组织领导。"):
        document.add_paragraph(line)
    document.save(str(path))


@pytest.fixture(scope="module")
def printed_plan(tmp_path_factory):
    """Printed before the test's browser starts (Playwright's sync API runs one session at a time)."""
    return pdf_plan(tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory, shared_assistant, printed_plan):
    from assistant import ui
    from assistant.index import build_index
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("admin")
    (root / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / "003_0200143d345726b6.txt", root / "corpus")
    config = shared_assistant.config.override(corpus_dir=root / "corpus", index_dir=root / "index",
                                              admin_secret=SECRET)
    embedder = shared_assistant.retriever.embedder
    assistant = Assistant(config, build_index(config, lambda: embedder, progress=False)[0], embedder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui.launch(assistant, config, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}", root
    finally:
        demo.close()


@pytest.fixture(scope="module")
def page(admin_server):
    url, _ = admin_server
    with chromium_page(url, TIMEOUT) as page:
        yield page


def test_an_upload_without_the_admin_cookie_is_refused(admin_server):
    url, root = admin_server
    body = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.txt\"\r\n\r\nhello\r\n--b--\r\n"
    request = urllib.request.Request(f"{url}/gradio_api/upload", data=body,
                                     headers={"Content-Type": "multipart/form-data; boundary=b"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403 and "不接受上传" in json.loads(refused.value.read())["error"]
    assert sorted(p.name for p in (root / "corpus").iterdir()) == ["003_0200143d345726b6.txt"]


def test_a_wrong_secret_shows_no_tools(page):
    page.get_by_role("tab", name="文档管理").click()
    assert page.locator("#pa-states").get_by_text("003_0200143d345726b6.txt").is_visible()
    page.fill("#pa-secret input", "wrong")
    page.locator("#pa-login").click()
    page.locator("#pa-manage-message").get_by_text("管理密码不正确").wait_for()
    assert not page.locator("#pa-upload").is_visible()


def test_an_admin_uploads_watches_and_asks(page, admin_server, printed_plan, tmp_path):
    _, root = admin_server
    page.fill("#pa-secret input", SECRET)
    page.locator("#pa-login").click()
    page.locator("#pa-upload").wait_for(state="visible")
    plan = tmp_path / "基层卫生服务提升方案.docx"
    word_plan(plan)
    junk = tmp_path / "notes.txt"
    junk.write_bytes("caf\xe9".encode("latin-1"))
    page.wait_for_function("() => document.cookie.includes('pa_admin=')")
    seen = []
    page.on("response", lambda r: seen.append((r.status, r.url.split("?")[0][-40:])) if "upload" in r.url else None)
    page.on("console", lambda m: seen.append(("console", m.text[:200])))
    with page.expect_file_chooser() as chooser:  # as a user does: click the upload area, pick the files
        page.locator("#pa-upload button").first.click()
    chooser.value.set_files([str(plan), str(printed_plan), str(junk)])
    # all three listed (textContent: the list's layout may split a name over elements)
    try:
        page.wait_for_function("() => [...document.querySelectorAll('#pa-upload')].some(e => "
                               "e.textContent.replace(/\\s/g, '').includes('notes.txt'))", timeout=30_000)
    except sync_api.TimeoutError:
        page.screenshot(path=str(ARTIFACTS / "admin-00-failed.png"))
        raise AssertionError(f"upload did not complete: {seen}; the upload area reads "
                             f"{page.evaluate('() => document.querySelector(`#pa-upload`).textContent')!r}")
    page.locator("#pa-upload-send").click()
    page.locator("#pa-manage-message").get_by_text("基层卫生服务提升方案.docx：已加入").wait_for()
    assert "notes.txt：未收录（不是 UTF-8" in page.locator("#pa-manage-message").inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-01-uploading.png"))
    row = page.locator('#pa-states tr[data-name="基层卫生服务提升方案.docx"]')
    row.get_by_text("已就绪").wait_for()
    assert "未收录" in page.locator('#pa-states tr[data-name="notes.txt"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-02-ready.png"))
    assert (root / "corpus" / "基层卫生服务提升方案.docx").exists() and not (root / "corpus" / "notes.txt").exists()

    page.locator('#pa-states tr[data-name="妇幼健康服务提升计划.pdf"]').get_by_text("已就绪").wait_for()

    page.fill("#pa-input textarea", "到2025年家庭医生签约服务覆盖率要达到多少？")
    page.locator("#pa-send").click()
    page.wait_for_function("() => document.querySelectorAll('#pa-chat .pa-cites').length >= 1")
    answer = page.locator("#pa-chat .pa-answer-text").last.inner_text()
    assert "85%" in answer and "基层卫生服务提升方案" in answer
    page.locator("#pa-chat .pa-cites").last.locator("a.pa-open").first.click()
    focus = page.locator("#pa-document .pa-focus")
    focus.wait_for(state="visible")
    assert "85%" in focus.inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-03-answered.png"))

    # the PDF: its citation names the page, and the document view shows that page with the clause marked
    page.fill("#pa-input textarea", "到2025年孕产妇系统管理率要达到多少？")
    page.locator("#pa-send").click()
    page.wait_for_function("() => document.querySelectorAll('#pa-chat .pa-cites').length >= 2")
    cites = page.locator("#pa-chat .pa-cites").last
    assert "93%" in page.locator("#pa-chat .pa-answer-text").last.inner_text()
    assert "妇幼健康服务提升计划.pdf" in cites.inner_text() and "第1页" in cites.inner_text()
    cites.locator("a.pa-open").first.click()
    image = page.locator("#pa-document img.pa-page-img")
    image.wait_for(state="visible")
    assert page.evaluate("() => document.querySelector('#pa-document img.pa-page-img').naturalWidth") > 700
    assert "93%" in page.locator("#pa-document .pa-focus").inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-04-pdf-page.png"))
