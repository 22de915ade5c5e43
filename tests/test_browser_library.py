"""End-to-end: an office's folder tree served on localhost and asked in headless Chromium, one folder at a time.

Real files (tests/fixtures/real-library, read by LibreOffice and the PDF reader), the real model, a real server.
Screenshots go to test-artifacts/library-*.png.
"""
from __future__ import annotations

import os
import shutil
import socket

import pytest

from test_browser import ARTIFACTS, CHROMIUM, answers, chromium_page
from test_library import office_tree

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM) or shutil.which("soffice") is None:
    pytest.skip("needs /usr/bin/chromium and LibreOffice", allow_module_level=True)
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def library_app(tmp_path_factory, real_embedder):
    from assistant import ui
    from assistant.config import Config
    from assistant.index import build_index
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("office")
    config = Config.from_env().override(corpus_dir=office_tree(root / "library"), index_dir=root / "index",
                                        admin_secret="s3cret-for-test")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    assistant = Assistant(config, index, real_embedder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui.launch(assistant, config, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def page(library_app):
    with chromium_page(library_app) as page:
        yield page


def pick_folder(page, label: str) -> None:
    page.click("#pa-collection input")
    page.get_by_role("option", name=label, exact=False).first.click()


def ask(page, question: str) -> None:
    before = answers(page).count()
    page.fill("#pa-input textarea", question)
    page.press("#pa-input textarea", "Enter")
    page.wait_for_function(f"() => document.querySelectorAll('#pa-chat .pa-answer-text').length > {before}")
    page.wait_for_timeout(300)


def test_staff_ask_one_folder_and_the_sources_say_which_folder(page):
    question = "产品的储存条件和有效期有什么要求？"
    pick_folder(page, "上位法规")
    ask(page, question)
    page.screenshot(path=str(ARTIFACTS / "library-folder-picked.png"))
    cards = page.locator("#pa-sources .pa-card")
    assert cards.count() >= 1
    folders = page.locator("#pa-sources .pa-collection").all_inner_texts()
    assert folders and all(f == "文件夹：法规库 › 上位法规" for f in folders), folders
    pick_folder(page, "全部文件")
    ask(page, question)
    everywhere = set(page.locator("#pa-sources .pa-collection").all_inner_texts())
    assert everywhere - {"文件夹：法规库 › 上位法规"}, everywhere  # other folders answer too


def test_the_manage_tab_lists_copies_and_what_was_passed_over_in_chinese(page):
    page.get_by_role("tab", name="文档管理").click()
    page.wait_for_selector("#pa-states")
    text = page.locator("#pa-states").inner_text()
    page.screenshot(path=str(ARTIFACTS / "library-manage.png"))
    assert "重复，未收录" in text and "内容完全相同" in text
    assert "Office 打开文档时生成的临时文件" in text and "压缩包：请解压" in text and "不支持 .xyz 格式" in text
    assert "法规库/上位法规/C-肽测定试剂注册技术审查指导原则.doc" in text


def test_an_admin_uploads_a_whole_folder_and_its_sub_folders_are_kept(page, tmp_path):
    """As a user does: log in, pick a folder in the 上传整个文件夹 box, send. Its sub-folders become collections;
    the lock file and the hidden file in it are skipped and said to be."""
    from test_library import LIBRARY

    guide = LIBRARY / "2024-03-25" / "口腔修复膜注册审查指导原则（征求意见稿）.docx"
    insulin = LIBRARY / "2018-01-16" / "胰岛素测定试剂注册技术审查指导原则.pdf"
    picked = tmp_path / "县卫健局转发"
    (picked / "2021年" / "器械").mkdir(parents=True)
    shutil.copy(guide, picked / "2021年" / "器械" / guide.name)
    shutil.copy(insulin, picked / insulin.name)
    (picked / "2021年" / "~$临时.docx").write_bytes(b"\x00" * 162)
    (picked / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    page.get_by_role("tab", name="文档管理").click()
    if not page.locator("#pa-upload-tree").is_visible():
        page.fill("#pa-secret input", "s3cret-for-test")
        page.locator("#pa-login").click()
        page.locator("#pa-upload-tree").wait_for(state="visible")
        assert "pa_admin" not in page.evaluate("() => document.cookie")  # HttpOnly: no script reads it
    with page.expect_file_chooser() as chooser:
        page.locator("#pa-upload-tree button").first.click()
    chooser.value.set_files(str(picked))
    page.wait_for_function("() => (window.__paTree || []).length >= 3")  # Chromium may leave .DS_Store out
    page.wait_for_function("() => document.querySelector('#pa-upload-tree').textContent.includes('.pdf')",
                           timeout=60_000)
    page.wait_for_timeout(1000)  # Gradio finishes its uploads before the button sends them
    page.locator("#pa-upload-send").click()
    message = page.locator("#pa-manage-message")
    message.get_by_text("已加入").first.wait_for(timeout=60_000)
    text = message.inner_text()
    page.screenshot(path=str(ARTIFACTS / "library-folder-upload.png"))
    assert f"县卫健局转发/2021年/器械/{guide.name}：已加入" in text, text
    assert f"县卫健局转发/{insulin.name}：已加入" in text, text
    assert "跳过" in text and "Office 打开文档时生成的临时文件" in text, text
    row = page.locator(f'#pa-states tr[data-name="县卫健局转发/2021年/器械/{guide.name}"]')
    row.get_by_text("已就绪").wait_for(timeout=300_000)
    page.reload()  # the folder picker lists the folders as they were when the page was opened
    page.wait_for_selector("#pa-input textarea")
    pick_folder(page, "器械")
    ask(page, "口腔修复膜的技术要求有哪些性能指标？")
    folders = page.locator("#pa-sources .pa-collection").all_inner_texts()
    assert folders and all(f == "文件夹：县卫健局转发 › 2021年 › 器械" for f in folders), folders
