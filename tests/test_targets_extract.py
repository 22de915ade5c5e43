"""Targets extracted from real documents (the sample plans in corpus/ and the public plans in tests/fixtures/):
lists with one year, shared values, table columns, achieved figures, comparators, exact offsets."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.corpus import load_document
from assistant.targets import Targets, extract

ROOT = Path(__file__).resolve().parent.parent
BADA, QINZHOU, MULEI, YUNZHOU, GUANGZHOU = (
    "000_a7ee23972fa017a8.txt", "001_a2c9650bb564f988.txt", "002_02c8256838811767.txt", "003_0200143d345726b6.txt",
    "004_7019475e6841841c.txt")
GANGYAO = ROOT / "tests" / "fixtures" / "indicator-plans" / "“健康中国2030”规划纲要.pdf"


@lru_cache(maxsize=None)
def targets_of(path: Path) -> tuple:
    parsed = load_document(path)
    return parsed.document, Targets(extract(parsed.document, parsed.clauses))


def seed(name: str):
    return targets_of(ROOT / "corpus" / name)


def one(targets: Targets, indicator: str, year: str = "", value: str | None = None):
    found = [t for t in targets.find(indicator, year=year) if value is None or t.value.replace(" ", "") == value]
    assert found, f"no {indicator} {year} {value}"
    return found[0]


def test_every_value_is_the_text_at_its_offsets():
    for name in (BADA, QINZHOU, MULEI, YUNZHOU, GUANGZHOU):
        document, targets = seed(name)
        assert len(targets) > 5
        assert all(document.text[t.start:t.end] == t.value for t in targets)


def test_a_year_stated_once_applies_to_the_whole_list():
    _, targets = seed(BADA)  # "2022 年,孕产妇死亡率降到18/10 万,婴儿死亡率降到7‰,5 岁以下儿童死亡率降到9‰,人均预期寿命75 岁以上"
    assert one(targets, "孕产妇死亡率", "2022").value == "18/10 万"
    assert one(targets, "婴儿死亡率", "2022").number == 7.0
    assert one(targets, "5岁以下儿童死亡率", "2022").unit == "‰"
    life = one(targets, "人均预期寿命", "2022")
    assert (life.value, life.comparator) == ("75 岁以上", ">=")
    assert one(targets, "孕产妇死亡率", "2020").number == 20.0  # the sentence before names 2020


def test_comparator_words_set_the_comparator():
    _, targets = seed(BADA)
    assert one(targets, "出生人口性别比", "2020").comparator == "<="  # 控制在111 以内
    assert one(targets, "常住人口自然增长率", "2020").comparator == "~"  # 8‰左右
    assert one(targets, "烟草使用流行率", "2020").comparator == "<="  # 25%以内
    _, gz = seed(GUANGZHOU)
    assert one(gz, "老年友好型社区", "2023").comparator == ">="  # 不少于22个


def test_a_value_said_of_several_indicators_is_a_record_each():
    _, targets = seed(BADA)  # 突发急性传染病防控预警预报率、报告及时率、处置及时率100%
    same = [t for t in targets if t.value == "100%" and t.label == "一（二）"]
    assert {t.indicator for t in same} == {"突发急性传染病防控预警预报率", "报告及时率", "处置及时率"}
    _, qz = seed(QINZHOU)  # 創建健康社區、健康企業、健康學校各2家
    shared = {t.indicator for t in qz if t.value == "2家"}  # named in the document's own (Traditional) characters
    assert shared >= {"健康企業", "健康學校"} and any(i.endswith("健康社區") for i in shared)


def test_a_report_states_achieved_figures_and_a_later_year_is_a_target():
    _, targets = seed(MULEI)  # 木垒县…落实情况
    assert one(targets, "高血压健康管理率", value="52%").kind == "achieved"
    assert one(targets, "中医药骨干人才", "2025").kind == "target"  # 力争在2025年…有1-2名


def test_a_year_before_the_documents_own_is_achieved_and_a_starting_figure_a_baseline():
    _, targets = seed(GUANGZHOU)  # a 2023 work plan: "2022年,全市医疗卫生机构达6159个", "三甲医院由42家增至44家"
    assert one(targets, "医疗卫生机构", "2022", "6159个").kind == "achieved"
    old, new = [t for t in targets if "三甲医院" in t.indicator and t.value in ("42家", "44家")]
    assert (old.kind, old.year, new.kind, new.year) == ("baseline", "", "achieved", "2022")
    stated = [t for t in targets if t.indicator == "人均期望寿命" and t.year == "2021"]  # 83.18岁(2021年)
    assert [t.kind for t in stated] == ["achieved"]


def test_what_is_no_target_is_left_out():
    _, targets = seed(BADA)
    values = {t.value.replace(" ", "") for t in targets}
    assert "15分钟" not in values  # 15 分钟内能够达到: the service it names
    assert not any(t.unit == "岁" and "寿命" not in t.indicator for t in targets)  # 5 岁以下儿童: an age group
    assert not any(t.value.replace(" ", "") in ("10个", "6个") and "方面" in t.indicator for t in targets)
    _, gz = seed(GUANGZHOU)
    assert not any(t.value.lower() == "5g" for t in gz)


def test_a_table_row_gives_each_year_column_its_own_record():
    document, targets = targets_of(GANGYAO)  # 领域：健康水平 指标：婴儿死亡率(‰) 2015 年：8.1 2020 年：7.5 2030 年：5.0
    rows = [t for t in targets if t.statement == "table" and t.indicator == "婴儿死亡率"]
    assert [(t.year, t.value, t.kind, t.unit) for t in rows] == [
        ("2015", "8.1", "baseline", "‰"), ("2020", "7.5", "target", "‰"), ("2030", "5.0", "target", "‰")]
    share = [t for t in targets if t.statement == "table" and t.indicator.startswith("个人卫生支出")]
    assert [(t.year, t.comparator) for t in share] == [("2015", "="), ("2020", "~"), ("2030", "~")]  # 28 左右
    assert all(document.text[t.start:t.end] == t.value for t in targets)


def test_find_matches_indicators_by_folded_name_and_year():
    _, targets = seed(QINZHOU)  # traditional characters: 縣域就診率90%以上
    found = targets.find("县域就诊率")
    assert found and found[0].value == "90%以上" and found[0].year == "2019"
    assert targets.years_of("县域就诊率") == ["2019"]
    assert targets.find("县域就诊率", year="2030") == []


def test_table_rows_after_a_page_number_and_beside_a_roman_numeral_are_read():
    """The 纲要's list of indicators is cut by '- 10 -' (the clause comes in two parts, both read), and its second
    part names 'Ⅲ类水体' (a character folding to three: the rest of the part is still read folded, '：' as ':')."""
    document, targets = targets_of(GANGYAO)
    rows = {(t.indicator, t.year): t for t in targets if t.statement == "table"}
    assert rows[("健康服务业总规模", "2030")].value == "16"
    water = rows[("地表水质量达到或好于Ⅲ类水体比例", "2020")]
    assert (water.value, water.comparator, water.kind) == ("＞70", ">=", "target")
    assert rows[("经常参加体育锻炼人数", "2014")].kind == "baseline"  # 3.6(2014 年)
    assert all(document.text[t.start:t.end] == t.value for t in targets)


XINGDONG = ROOT / "tests" / "fixtures" / "indicator-plans" / "健康中国行动（2019—2030年）.pdf"


def test_the_tables_note_dates_its_base_levels_and_its_marked_targets():
    """健康中国行动's note: '未写明年份的基线水平值，均为 2017 年数值；#为 2020 年目标值'."""
    document, targets = targets_of(XINGDONG)
    rows = {(t.indicator, t.year, t.kind): t for t in targets if t.statement == "table"}
    assert rows[("孕产妇死亡率", "2017", "baseline")].value == "19.6"
    assert rows[("孕妇贫血率", "2013", "baseline")].value == "17.2"  # 2013年为17.2: its own year
    echinococcosis = rows[("达到基本控制要求的包虫病流行县比例", "2020", "target")]  # ≥70#
    assert (echinococcosis.value, echinococcosis.comparator, echinococcosis.property) == ("≥70", ">=", "预期性")
    salt = [t for t in targets if t.indicator == "人均每日食盐摄入量" and t.kind == "target"]
    assert [(t.year, t.value) for t in salt] == [("2022", "≤5"), ("2030", "≤5")]
    assert all(document.text[t.start:t.end] == t.value for t in targets)


def test_a_table_cell_is_one_statement():
    _, xingdong = targets_of(XINGDONG)
    bmi = [t for t in xingdong if t.indicator == "成年人维持健康体重"]
    assert [(t.year, t.value) for t in bmi if t.kind == "target"] == [("2022", "18.5≤BMI<24"), ("2030", "18.5≤BMI<24")]
    obesity = [t for t in xingdong if t.indicator == "成人肥胖增长率" and t.kind == "baseline"]
    assert [(t.year, t.value) for t in obesity] == [("2002—2012", "5.3%")]  # 2002—2012年平均每年增长约5.3%
    _, gangyao = targets_of(GANGYAO)
    early = [t for t in gangyao if t.indicator == "重大慢性病过早死亡率" and t.statement == "table"]
    assert [(t.year, t.value, t.number) for t in early] == [
        ("2013", "19.1", 19.1), ("2020", "比 2015 年降低 10%", 10.0), ("2030", "比 2015 年降低 30%", 30.0)]


# Learnt from the real library's 结核 guideline: '（2）最终临床诊断为肺结核患者的病例不少于350例' was recorded as the
# indicator '2）最终临床诊断为肺结核患者的病例', apart from the same indicator stated without a marker.
@pytest.mark.parametrize("text, indicator", [
    ("临床试验对象的选择应满足如下条件：（1）具有肺结核症状的疑似病例；（2）最终临床诊断为肺结核患者的病例不少于350例。",
     "最终临床诊断为肺结核患者的病例"),
    ("主要目标：①孕产妇系统管理率达到90%以上；②3岁以下儿童系统管理率达到85%以上。", "孕产妇系统管理率"),
    ("样本要求：(3)其他易混淆疾病的病例不少于150例。", "其他易混淆疾病的病例"),
])
def test_a_list_items_marker_is_no_part_of_the_indicator(tmp_path, text, indicator):
    path = tmp_path / "plan.txt"
    path.write_text("某某指导原则\n\n一、临床试验\n" + text + "\n", encoding="utf-8")
    document, targets = targets_of(path)
    names = [t.indicator for t in targets]
    assert indicator in names and not any(re.match(r"[①-⑳]|[(（]?\d{1,2}[)）]", n) for n in names), names
