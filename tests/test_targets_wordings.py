"""Targets from made-up plans, one class of extraction failure at a time: each class found in the gold file's misses
(eval/targets/) is tried here in three wordings of its own, in the style of a health plan, none copied from the gold.
"""
from __future__ import annotations

import pytest

from assistant.parser import parse_document
from assistant.table_rows import table_row_text
from assistant.targets import extract


def targets(text: str, title: str = "某县卫生健康事业发展规划（2021—2025年）"):
    parsed = parse_document("方案.txt", f"{title}\n{text}")
    found = extract(parsed.document, parsed.clauses)
    assert all(parsed.document.text[t.start:t.end] == t.value for t in found)
    return found


def only(found, **fields):
    hits = [t for t in found if all(getattr(t, k) == v for k, v in fields.items())]
    assert len(hits) == 1, (fields, [(t.indicator, t.year, t.value, t.kind) for t in found])
    return hits[0]


# A figure merged over two year columns is said of both years; a span over columns of other kinds is written once.
@pytest.mark.parametrize("headers, cells, expected", [
    (["指标", "基期水平", "2025年目标值", "2030年目标值"], ["每千人口执业医师数（人）", "2.9", "≥3.2", None],
     "指标：每千人口执业医师数（人）；基期水平：2.9；2025年目标值：≥3.2；2030年目标值：≥3.2"),
    (["项目", "2020年", "2023年", "2025年", "属性"], ["县域内就诊率（%）", "85", "≥90", None, "约束性"],
     "项目：县域内就诊率（%）；2020年：85；2023年：≥90；2025年：≥90；属性：约束性"),
    (["序号", "指标名称", "近期目标（2025年）", "远期目标（2035年）"], ["3", "孕产妇系统管理率（%）", ">90", None],
     "序号：3；指标名称：孕产妇系统管理率（%）；近期目标（2025年）：>90；远期目标（2035年）：>90"),
])
def test_a_figure_merged_over_year_columns_is_said_of_each_year(headers, cells, expected):
    assert table_row_text(headers, cells) == expected


def test_a_note_merged_over_columns_of_other_kinds_is_written_once():
    headers = ["指标", "基期水平", "2025年目标值", "2030年目标值", "指标性质"]
    assert table_row_text(headers, ["说明：指在一定时期内的平均水平。", None, None, None, None]) == (
        "指标：说明：指在一定时期内的平均水平。")
    assert table_row_text(["指标", "现状", "目标"], ["床位使用率（%）", "85", None]) == "指标：床位使用率（%）；现状：85"


# A table's note gives the year of base levels stated without one, and of the cells it marks.
@pytest.mark.parametrize("note, base_year", [
    ("注：本表中未写明年份的基线水平值，均为 2020 年数值；*为 2023 年目标值。", "2020"),
    ("说明：1.未注明年份的基期水平值为2019年数据。2.※表示2023年目标值。", "2019"),
    ("备注：表内未标明年份的现状值均为 2021 年统计数。#指 2023 年应达到的目标值。", "2021"),
])
def test_a_tables_note_gives_the_year_of_its_base_levels_and_marked_cells(note, base_year):
    mark = next(ch for ch in note if ch in "*※#")
    text = ("一、主要指标\n"
            "指标：孕产妇死亡率（1/10万）；基期水平：12.5；2025年目标值：≤10；指标性质：预期性\n"
            f"指标：儿童健康管理率（%）；基期水平：2018年为88；2025年目标值：≥92{mark}；指标性质：约束性\n"
            f"{note}")
    found = targets(text)
    assert only(found, indicator="孕产妇死亡率", kind="baseline").year == base_year
    assert only(found, indicator="儿童健康管理率", kind="baseline").year == "2018"  # its own year stands
    marked = only(found, indicator="儿童健康管理率", kind="target")
    assert (marked.year, marked.value) == ("2023", "≥92")


def test_without_a_note_a_base_level_keeps_no_year():
    found = targets("一、主要指标\n指标：孕产妇死亡率（1/10万）；基期水平：12.5；2025年目标值：≤10")
    assert only(found, kind="baseline").year == ""


# A character that folds into several (Ⅲ, ㎡, ½) leaves the rest of its clause read folded.
@pytest.mark.parametrize("row", [
    "领域：健康环境 指标：达到或好于Ⅲ类水体比例（%） 2020 年：70 2025 年：＞75",
    "领域：健康服务 指标：人均体育场地面积（㎡） 2020 年：2.1 2025 年：＞2.6",
    "领域：健康保障 指标：县域医共体覆盖率（½以上县） 2020 年：60 2025 年：＞80",
])
def test_a_character_folding_into_several_leaves_its_rows_readable(row):
    found = targets(f"二、主要指标\n{row}\n领域：健康水平 指标：人均预期寿命（岁） 2020 年：77.1 2025 年：78.0")
    assert [t.year for t in found if t.statement == "table"] == ["2020", "2025", "2020", "2025"]
    assert only(found, year="2025", kind="target", statement="table", comparator=">=").value.startswith("＞")


# A count of what a whole has is a description, not a target; the items listed with it are its parts.
@pytest.mark.parametrize("sentence, described, aimed", [
    ("全区共有11个社区卫生服务中心、45个村卫生室，到2025年，家庭医生签约服务覆盖率达到75%以上。", ["11个", "45个"], "75%以上"),
    ("全县现有3所县级公立医院。到2025年，县人民医院新建临床重点专科2个。", ["3所"], "2个"),
    ("依托全市12个区、300个街道的网格化管理，2025年建成社区健康驿站200个。", ["12个", "300个"], "200个"),
])
def test_a_count_of_what_a_whole_has_is_no_target(sentence, described, aimed):
    values = {t.value for t in targets(f"（一）发展目标\n{sentence}")}
    assert not values & set(described)
    assert aimed in values


def test_a_report_counting_a_whole_states_what_was_achieved():
    found = targets("（一）工作开展情况\n以全县56个家庭医生团队为基础组建巡诊小分队。", title="某县2023年家庭医生签约工作总结")
    assert only(found, value="56个").kind == "achieved"


# A figure a later section states again for the same indicator, year and kind is one target.
@pytest.mark.parametrize("summary, section", [
    ("2025年，全市二级以上医院远程医疗服务覆盖率达到100%。", "推进远程医疗建设，2025年二级以上医院远程医疗服务覆盖率达到100%。"),
    ("到2025年，每千人口拥有3岁以下婴幼儿托位数达到4.5个。", "扩大普惠托育供给，2025年每千人口拥有3岁以下婴幼儿托位数达到4.5个。"),
    ("2025年全县开展健康教育讲座的村卫生室不少于120家。", "加强健康教育，2025年全县开展健康教育讲座的村卫生室不少于120家。"),
])
def test_a_figure_restated_in_its_section_is_one_target(summary, section):
    found = targets(f"一、总体目标\n{summary}\n二、重点任务\n（一）专项工作\n{section}")
    assert len(found) == 1 and found[0].label == "一"


def test_a_short_name_counted_in_two_sections_is_two_statements():
    found = targets("一、基层建设\n2025年，新建乡镇分院11家。\n二、信息化\n2025年，接入平台的乡镇分院11家。")
    assert len([t for t in found if t.value == "11家"]) == 2


# A table cell is one statement: a range a measure is kept within, a period, a comparator word or a comparison base
# written in the cell belong to it.
ROW = "指标：{name}；基期水平：{base}；2025年目标值：{target}；指标性质：预期性"


@pytest.mark.parametrize("name, target, value, number", [
    ("成年人体重指数在正常范围内的比例", "18.5≤BMI<24", "18.5≤BMI<24", 18.5),
    ("空腹血糖控制范围（mmol/L）", "3.9≤FPG<7.0", "3.9≤FPG<7.0", 3.9),
    ("孕妇血红蛋白水平（g/L）", "110≤Hb<150", "110≤Hb<150", 110.0),
])
def test_a_range_a_measure_is_kept_within_is_one_value(name, target, value, number):
    t = only(targets(ROW.format(name=name, base="—", target=target)), year="2025")
    assert (t.value, t.number, t.comparator) == (value, number, "=")


@pytest.mark.parametrize("base, year", [
    ("2015—2020年平均每年增长约2.1%", "2015—2020"),
    ("2016-2020年年均下降3.5%", "2016—2020"),
    ("2018～2021年累计提高12%", "2018—2021"),
])
def test_a_base_level_over_a_period_is_of_that_period(base, year):
    t = only(targets(ROW.format(name="居民肥胖增长率（%）", base=base, target="持续减缓")), kind="baseline")
    assert t.year == year


@pytest.mark.parametrize("target, value, comparator", [
    ("接近100", "接近100", "~"),
    ("比2020年降低15%", "比2020年降低15%", "="),
    ("不低于95", "不低于95", ">="),
])
def test_a_cells_comparator_word_or_comparison_base_is_part_of_its_value(target, value, comparator):
    t = only(targets(ROW.format(name="县域内住院量占比（%）", base="88", target=target)), year="2025")
    assert (t.value, t.comparator) == (value, comparator)


# A count per thousand written after its unit (3.5 张/千人) keeps the 'per'.
@pytest.mark.parametrize("sentence, value, unit", [
    ("到2025年，县域公立医疗卫生机构床位达到4.2 张/千人。", "4.2 张/千人", "张/千人"),
    ("2025年，全县执业(助理)医师数达到3.1名/千人。", "3.1名/千人", "名/千人"),
    ("到2025年，每万人口全科医生数不少于4人/万人。", "4人/万人", "人/万人"),
])
def test_a_count_per_thousand_keeps_its_per(sentence, value, unit):
    t = only(targets(f"（一）主要目标\n{sentence}"))
    assert (t.value, t.unit, t.year) == (value, unit, "2025")


# Where a plan starts from takes no year from the period it aims over.
@pytest.mark.parametrize("sentence, base, aimed", [
    ("在现有12种重大疾病的基础上，将救治病种扩大到20种。", "12种", "20种"),
    ("在已建成3家胸痛中心的基础上，再建设卒中中心2家。", "3家", "2家"),
    ("在85%的签约率基础上，重点人群签约服务覆盖率提高到90%以上。", "85%", "90%以上"),
])
def test_a_starting_figure_takes_no_year_from_the_plans_period(sentence, base, aimed):
    found = targets(f"（一）专项救治\n{sentence}")
    start = only(found, value=base)
    assert (start.kind, start.year) == ("baseline", "")
    assert only(found, value=aimed).year == "2021—2025"  # the title's period, for the target


# A heading that quotes the figure its paragraph states is not a second statement.
@pytest.mark.parametrize("heading, body, value, year", [
    ("全市孕产妇死亡率降至8.5/10万", "2022年，全市孕产妇死亡率降至8.5/10万，低于全省平均水平。", "8.5/10万", "2022"),
    ("家庭医生签约率达到75%", "2022年底，家庭医生重点人群签约率达到75%。", "75%", "2022"),
    ("力争2024年建成120个健康村", "结合乡村振兴，力争2024年建成120个健康村，覆盖全部行政村。", "120个", "2024"),
])
def test_a_heading_quoting_its_paragraphs_figure_is_one_statement(heading, body, value, year):
    found = targets(f"{heading}\n{body}", title="某市卫生健康工作情况（2023年）")
    same = [t for t in found if t.value == value]
    assert len(same) == 1 and same[0].year == year


# Years listed once for figures given 分别: the first figure is of the first year, the next of the next.
@pytest.mark.parametrize("sentence, indicator, by_year", [
    ("到2023年和2025年，全县适龄儿童免疫规划疫苗接种率分别保持在95%以上和98%以上。",
     "适龄儿童免疫规划疫苗接种率", {"2023": "95%以上", "2025": "98%以上"}),
    ("力争到 2024 年、2027 年，电子健康档案建档率分别达到 85% 和 90%。",
     "电子健康档案建档率", {"2024": "85%", "2027": "90%"}),
    ("到2025年及2030年，城乡居民健康素养水平分别提高到25%、30%。",
     "城乡居民健康素养水平", {"2025": "25%", "2030": "30%"}),
    ("到2022年和2025年，婴儿死亡率分别控制在6‰及以下和5‰及以下。", "婴儿死亡率", {"2022": "6‰", "2025": "5‰"}),
])
def test_years_listed_once_go_to_the_figures_given_respectively_in_order(sentence, indicator, by_year):
    found = targets(f"一、主要目标\n{sentence}")
    assert {t.year: t.value.strip() for t in found if t.indicator == indicator} == by_year


# An area in square metres, as plans write it: m2, m², ㎡ beside 平方米.
@pytest.mark.parametrize("sentence, indicator, value", [
    ("到2025年，人均体育场地面积达到2.6m2及以上。", "人均体育场地面积", "2.6m2及以上"),
    ("到2025年，每千名老年人养老服务设施建筑面积不低于 350 m²。", "每千名老年人养老服务设施建筑面积", "350 m²"),
    ("到2025年，城市人均公园绿地面积达到 15㎡以上。", "城市人均公园绿地面积", "15㎡以上"),
])
def test_an_area_in_square_metres_is_a_figure(sentence, indicator, value):
    found = targets(f"一、主要目标\n{sentence}")
    assert only(found, indicator=indicator).value == value


# Parallel heads listed before one measure: each head is of that measure.
@pytest.mark.parametrize("sentence, names", [
    ("到2025年，小学生、初中生、高中生近视率分别控制在30%、60%、70%以内。",
     ["小学生近视率", "初中生近视率", "高中生近视率"]),
    ("到2025年，城市、农村婴儿死亡率分别降到3‰和5‰。", ["城市婴儿死亡率", "农村婴儿死亡率"]),
    ("到2025年，男性、女性居民健康素养水平分别达到30%和32%。", ["男性居民健康素养水平", "女性居民健康素养水平"]),
])
def test_parallel_heads_before_one_measure_each_name_it(sentence, names):
    found = targets(f"一、主要目标\n{sentence}")
    assert [t.indicator for t in found] == names
