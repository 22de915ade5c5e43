"""PdfReader on the two public plans with indicator tables (tests/fixtures/indicator-plans/SOURCES.md).

Each test reads a plan as the assistant does and looks at its indicator table the way a person reading the
printed page would: every row one line naming its columns, whatever the page, the font matrix or the merged cells.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

pdfium = pytest.importorskip("pypdfium2")

from assistant.ingest.pdf import PdfReader  # noqa: E402

PLANS = Path(__file__).resolve().parent / "fixtures" / "indicator-plans"
XINGDONG = "健康中国行动（2019—2030年）.pdf"  # the 124-row table 健康中国行动主要指标, pp. 9-21
GANGYAO = "“健康中国2030”规划纲要.pdf"  # the 13-row table 健康中国建设主要指标, over a page break


@lru_cache(maxsize=None)
def lines_of(name: str) -> tuple[str, ...]:
    extracted = PdfReader(ocr=False).extract(name, (PLANS / name).read_bytes())
    return tuple(line.strip() for line in extracted.text.split("\n") if line.strip())


def row(name: str, *words: str) -> str:
    found = [line for line in lines_of(name) if all(w in line for w in words)]
    assert len(found) == 1, (words, found)
    return found[0]


def test_type_set_large_under_a_shrinking_matrix_stands_in_its_cells():
    """健康中国行动 sets '240 Tf' under a text matrix of 0.05: 12-pt type. Read as 240 pt, every character's band
    was twenty times too tall and fell a row above its cell, so the header row was read as data."""
    assert row(XINGDONG, "指标：孕产妇死亡率") == (
        "领域：（七）妇幼健康促进行动；序号：51；指标：孕产妇死亡率（1/10万）；基期水平：19.6；"
        "2022年目标值：≤18；2030年目标值：≤12；指标性质：预期性")
    assert row(XINGDONG, "指标：人均预期寿命（岁）").endswith("基期水平：76.7；2022年目标值：77.7；2030年目标值：79.0；指标性质：预期性")
    assert "引言" in lines_of(XINGDONG)  # the body's headings and paragraphs are lines of their own as before


def test_letter_spaced_lines_are_no_two_columns():
    """The 纲要 prints its indicators as lines '领域：健康水平　　指标：孕产妇死亡率(1/10 万)　　2015 年：…' wrapped over
    the page; their wide spaces overlap near x=230 on six lines, but by a sliver, not as one blank band, so the
    page is one column and each indicator's line stays whole across its wrap and the page break."""
    assert row(GANGYAO, "指标：孕产妇死亡率") == (
        "领域：健康水平 指标：孕产妇死亡率(1/10 万) 2015 年：20.1 2020 年：18.0 2030 年：12.0")
    assert row(GANGYAO, "健康服务业总规模") == "领域：健康产业 指标：健康服务业总规模(万亿元) 2015年：- 2020 年：＞8 2030 年：16"
    assert row(GANGYAO, "居民健康素养水平") == "领域：健康生活 指标：居民健康素养水平(%) 2015 年：10 2020 年：20 2030 年：30"


def test_a_figure_merged_over_both_target_years_is_said_of_each():
    """健康中国行动 prints '≤5' once across its 2022 and 2030 columns; a 说明 note across the whole row stays one cell."""
    assert "基期水平：2012年为10.5；2022年目标值：≤5；2030年目标值：≤5；指标性质：倡导性" in row(
        XINGDONG, "指标：人均每日食盐摄入量（g）")
    assert row(XINGDONG, "指标：说明：覆盖率以县为单位统计").endswith("指标：说明：覆盖率以县为单位统计。")
