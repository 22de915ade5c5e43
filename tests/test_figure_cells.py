"""A figure asked of a table row whose cell for that year, or for the base level, states no number ('持续提高', '—'):
the row has numbers in its other cells, and was quoted as if it answered. Learnt from the fifth blind batch (six of
its development half's on-topic unanswerable questions); made-up rows in the two layouts tables are read into."""
from __future__ import annotations

import pytest

from assistant.answering.figure_cells import unset_cell
from assistant.models import Clause


def row(text: str) -> Clause:
    return Clause("方案.pdf", "表1行3", ("表1",), "某县规划", text, 0, len(text))


NOUNS = [("体检率",), ("健康",)]


@pytest.mark.parametrize("text, year, baseline, value", [
    ("序号：7；指标：居民健康体检率（%）；基期水平：45；2025年目标值：稳步提高；2030年目标值：≥70；指标性质：倡导性",
     "2025", False, "稳步提高"),
    ("领域：健康服务 指标：居民健康体检率(%) 2020 年：52 2025 年：逐年上升 2035 年：持续改善", "2035", False, "持续改善"),
    ("指标名称：老年人健康体检率（%）；现状值：—；2025年：≥65；2030年：≥75", "", True, "—"),
])
def test_the_cell_asked_that_states_no_number_is_found(text, year, baseline, value):
    cell = unset_cell(row(text), NOUNS, year, baseline)
    assert cell is not None and cell.value == value


@pytest.mark.parametrize("text, year, baseline", [
    ("序号：7；指标：居民健康体检率（%）；基期水平：45；2025年目标值：稳步提高；2030年目标值：≥70", "2030", False),
    ("领域：健康服务 指标：居民健康体检率(%) 2020 年：52 2025 年：逐年上升", "2020", False),
    ("指标：孕产妇死亡率（1/10万）；基期水平：—；2025年目标值：≤12", "", True),  # another indicator's row
])
def test_a_cell_with_a_number_or_another_indicators_row_is_no_refusal(text, year, baseline):
    assert unset_cell(row(text), NOUNS, year, baseline) is None

