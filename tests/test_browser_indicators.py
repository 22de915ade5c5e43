"""End-to-end: the 指标 tab in headless Chromium on a two-folder library (the five sample plans in one folder, the
published PDF of 《“健康中国2030”规划纲要》 in another), the real model and index: filter, open a row's clause with
its value marked, look at the chart, download CSV and XLSX and check the XLSX against `indicators --json`.
Screenshots go to test-artifacts/indicators-*.png."""
from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from test_browser import ARTIFACTS, CHROMIUM, chromium_page, shot

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api")
openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
GANGYAO = "“健康中国2030”规划纲要.pdf"


@pytest.fixture(scope="module")
def library(tmp_path_factory, real_embedder):
    from assistant import ui
    from assistant.config import Config
    from assistant.index import build_index
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("targets")
    corpus = root / "library"
    (corpus / "各地计划").mkdir(parents=True)
    (corpus / "国家规划").mkdir()
    for seed in sorted((ROOT / "corpus").glob("*.txt")):
        shutil.copy(seed, corpus / "各地计划" / seed.name)
    shutil.copy(ROOT / "tests" / "fixtures" / "indicator-plans" / GANGYAO, corpus / "国家规划" / GANGYAO)
    config = Config.from_env().override(corpus_dir=corpus, index_dir=root / "index")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    assistant = Assistant(config, index, real_embedder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui.launch(assistant, config, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}", config
    finally:
        demo.close()


@pytest.fixture(scope="module")
def page(library):
    with chromium_page(library[0]) as page:
        page.wait_for_function("() => typeof window.__paOpen === 'function'")
        page.click("button[role=tab]:has-text('指标')")
        page.wait_for_selector("#pa-targets-table tbody tr")
        yield page


def rows(page) -> list[list[str]]:
    return page.eval_on_selector_all("#pa-targets-table tbody tr",
                                     "trs => trs.map(tr => [...tr.cells].map(td => td.innerText.trim()))")


def until_rows(page, column: int, text: str) -> None:
    """Wait until the table has rows and every one shows `text` in `column`."""
    page.wait_for_function("([text, column]) => { const trs = [...document.querySelectorAll('#pa-targets-table tbody tr')];"
                           " return trs.length > 0 && trs.every(tr => tr.cells[column].innerText.includes(text)); }",
                           arg=[text, column])


def pick(page, elem_id: str, label: str, column: int) -> None:
    """Choose `label` in a picker, then wait until every row shows it in `column`."""
    page.click(f"#{elem_id} input")
    page.get_by_role("option", name=label, exact=True).first.click()
    until_rows(page, column, label)


def indicators_json(config, *args: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "assistant", "indicators", "--json", "-q", "--corpus", str(config.corpus_dir),
                           "--index", str(config.index_dir), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_tab_lists_every_target_of_the_library(page):
    shown = rows(page)
    folders = {r[1] for r in shown}
    assert folders == {"各地计划", "国家规划"}
    assert any(r[2] == "孕产妇死亡率" and r[4] == "2022" and r[5] == "18/10 万" for r in shown)
    assert page.locator("#pa-t-chart img, #pa-t-chart canvas").count() == 1
    shot(page, "indicators-all")


def test_filters_narrow_the_table_and_the_chart_follows(page):
    pick(page, "pa-t-folder", "国家规划", 1)
    assert {r[1] for r in rows(page)} == {"国家规划"}
    page.fill("#pa-t-text textarea, #pa-t-text input", "婴儿死亡率")
    page.press("#pa-t-text textarea, #pa-t-text input", "Enter")
    until_rows(page, 2, "婴儿死亡率")
    shown = rows(page)
    assert shown and all("婴儿死亡率" in r[2] for r in shown)
    assert {r[4] for r in shown} >= {"2015", "2020", "2030"}  # the table's three year columns
    assert page.locator("#pa-t-chart img").count() == 1
    shot(page, "indicators-filtered")


def test_a_row_opens_its_clause_with_the_value_marked(page):
    first = rows(page)[0]
    page.locator("#pa-targets-table tbody tr").first.locator(".pa-value").click()
    page.wait_for_selector("#pa-document .pa-focus mark.pa-quote")
    marked = page.inner_text("#pa-document .pa-focus mark.pa-quote").replace("\n", "")
    assert marked == first[5]
    shot(page, "indicators-opened")
    page.click("button[role=tab]:has-text('指标')")


def test_too_long_a_filter_is_told_in_chinese(page):
    page.fill("#pa-t-text textarea, #pa-t-text input", "率" * 60)
    page.click("#pa-t-apply")
    page.wait_for_selector("#pa-targets-empty")
    assert "过长" in page.inner_text("#pa-targets-empty")
    page.fill("#pa-t-text textarea, #pa-t-text input", "")
    page.click("#pa-t-apply")
    until_rows(page, 1, "国家规划")


def test_downloads_hold_the_rows_of_indicators_json(page, library, tmp_path):
    expected = indicators_json(library[1], "--collection", "国家规划")
    assert expected and {r["collection"] for r in expected} == {"国家规划"}
    with page.expect_download() as got:
        page.click("#pa-t-xlsx")
    xlsx = tmp_path / "指标.xlsx"
    got.value.save_as(xlsx)
    with page.expect_download() as got:
        page.click("#pa-t-csv")
    csv_path = tmp_path / "指标.csv"
    got.value.save_as(csv_path)
    sheet = openpyxl.load_workbook(xlsx).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    fields = ("source", "collection", "label", "indicator", "scope", "year", "value", "number", "unit", "comparator")
    assert table[0][:4] == ["文件", "文件夹", "条款", "指标"]
    assert [r[:10] for r in table[1:]] == [[(r[f] if r[f] != "" else None) for f in fields] for r in expected]
    assert [(r[12], r[13]) for r in table[1:]] == [(r["start"], r["end"]) for r in expected]
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) == len(table)
