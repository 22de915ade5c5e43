"""The clause parser on the five shipped plans, on real regulations it was not written for, and on strings."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.chunking import split_long_clauses
from assistant.corpus import corpus_files, load_document
from assistant.parser import match_marker, parse_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXTRA = ROOT / "tests" / "fixtures" / "regulations"  # not in the corpus; see its README
CN = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 21 → 二十一, 50 → 五十."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN[tens - 1]) + "十" if tens else "") + (CN[ones - 1] if ones else "")


def parsed(prefix: str):
    return load_document(next(p for p in corpus_files(CORPUS) if p.name.startswith(prefix)))


def top_sections(clauses):
    return [c for c in clauses if len(c.path) == 1 and c.label != "前言"]


@pytest.mark.parametrize("path", corpus_files(CORPUS), ids=lambda p: p.name[:3])
def test_every_clause_quotes_the_original_characters(path):
    doc = load_document(path)
    for clause in split_long_clauses(doc.clauses, 120):
        assert doc.document.text[clause.start : clause.end] == clause.text
        assert clause.text.strip() == clause.text and clause.text


@pytest.mark.parametrize("path", corpus_files(CORPUS), ids=lambda p: p.name[:3])
def test_web_boilerplate_and_metadata_are_not_clauses(path):
    text = " ".join(c.text for c in load_document(path).clauses)
    for junk in ("扫一扫", "相关文档", "相关主题", "最新文档", "声明", "城市站点", "人气:", "索 引 号", "发文单位 |", "无附件", "無附件"):
        assert junk not in text


def test_000_three_sections_fifty_items_in_order_under_eight_projects():
    clauses = parsed("000").clauses
    assert [c.path[0] for c in top_sections(clauses)] == ["一、目标任务", "二、重点工作", "三、保障措施"]
    items = [c for c in clauses if re.fullmatch(r"[一二三]（[一二三四五六七八九十]+）", c.label)]
    assert [c.label[1:] for c in items] == [f"（{cn_number(n)}）" for n in range(1, 51)]
    groups = [c for c in clauses if "·" in c.label]
    assert [g.title for g in groups] == [
        "乡村能力提升工程", "三级创建提升工程", "妇幼服务提升工程", "中医振兴提升工程",
        "公共卫生提升工程", "远程医疗提升工程", "健康养老提升工程", "党建引领提升工程",
    ]
    owned = lambda group: [c.label for c in items if group in c.path_text]
    assert owned("乡村能力提升工程") == [f"二（{cn_number(n)}）" for n in range(7, 12)]
    assert owned("三级创建提升工程") == [f"二（{cn_number(n)}）" for n in range(12, 17)]


def test_000_repeated_title_is_read_once_and_page_breaks_stay_inside_clauses():
    doc = parsed("000")
    assert doc.document.title == "卫生健康服务能力提升“八大工程”行动计划(2019—2022年)"
    assert all("行动计划(2019" not in c.text for c in doc.clauses)
    item_two = next(c for c in doc.clauses if c.label == "一（二）")
    assert "法定传\n\n染病总发病率" in item_two.text  # a sentence broken by a page break is one clause
    item_eight = next(c for c in doc.clauses if c.label == "二（八）")
    assert item_eight.text.endswith("医疗卫生机构全部达标")


def test_001_traditional_work_points_ten_sections_thirty_six_items_and_metadata():
    doc = parsed("001")
    assert len(top_sections(doc.clauses)) == 10
    items = [c for c in doc.clauses if "（" in c.label]
    assert len(items) == 36
    assert doc.document.title == "2019年欽州市衛生健康工作要點"
    assert doc.document.doc_number == "欽衛發〔2019〕14號"
    assert doc.document.issuer == "欽州市衛生健康委員會"
    assert doc.document.date == "2019年5月10日"


def test_002_one_section_ten_subsections_thirty_one_items():
    doc = parsed("002")
    assert [c.label for c in top_sections(doc.clauses)] == ["一"]
    assert len([c for c in doc.clauses if re.fullmatch(r"一（[一二三四五六七八九十]+）", c.label)]) == 10
    assert len([c for c in doc.clauses if re.fullmatch(r"一（.+）\d+", c.label)]) == 31
    assert doc.document.index_number == "MLX15/2023-000018"
    assert doc.document.issuer == "木垒县卫生健康委员会"
    assert doc.document.date == "2023-09-14"


def test_003_items_one_to_twenty_four_sit_under_the_right_subsection():
    doc = parsed("003")
    assert [c.path[0] for c in top_sections(doc.clauses)] == ["一、总体要求", "二、重点任务", "三、工作安排", "四、保障措施"]
    assert len([c for c in doc.clauses if len(c.path) == 2]) == 16
    items = {int(m.group(2)): m.group(1) for c in doc.clauses if (m := re.fullmatch(r"二（(.+)）(\d+)", c.label))}
    assert sorted(items) == list(range(1, 25))
    expected = {range(1, 4): "一", range(4, 10): "二", range(10, 14): "三", range(14, 16): "四",
                range(16, 19): "五", range(19, 22): "六", range(22, 25): "七"}
    for numbers, parent in expected.items():
        assert all(items[n] == parent for n in numbers)
    four = next(c for c in doc.clauses if c.label == "二（二）4")
    assert four.path == ("二、重点任务", "（二）持续提升医疗服务能力", "4.加强专科能力建设")
    assert doc.document.title == "大同市云州区县级医疗机构综合能力提升三年行动方案"
    assert doc.document.doc_number == "云州政办发〔2023〕26号"


def test_004_eighteen_projects_each_with_its_body_and_narrative_under_headlines():
    doc = parsed("004")
    projects = [c for c in doc.clauses if c.label.isdigit()]
    assert [int(c.label) for c in projects] == list(range(1, 19))
    first = projects[0]
    assert first.title == "基层党建提质工程" and "巩固党建工作" in first.text
    assert all(c.path[0] == "2023年全市卫生健康重点工程(摘要)" for c in projects)
    life = next(c for c in doc.clauses if c.title == "人均期望寿命达83.18岁")
    assert "6159个" in life.text  # the narrative paragraph below the headline belongs to it


@pytest.mark.parametrize(
    "name, chapters, articles",
    [("上海市精神卫生条例.md", 9, 73), ("北京市中医药条例(2020-11-27).md", 7, 59), ("广东省母婴保健管理条例(2023-03-30).md", 0, 25)],
)
def test_regulations_every_article_is_a_clause_under_its_chapter(name, chapters, articles):
    doc = load_document(EXTRA / name)
    chapter_clauses = [c for c in doc.clauses if re.fullmatch(r"第.+章", c.label)]
    article_clauses = [c for c in doc.clauses if re.fullmatch(r"第.+条", c.label)]
    assert len(chapter_clauses) == chapters
    assert len(article_clauses) == articles
    for article in article_clauses:
        assert len(article.path) == (2 if chapters else 1)
        assert article.path[-1] == article.label
    assert doc.document.title == name.split("(")[0].removesuffix(".md")


def test_regulation_items_stay_inside_their_article():
    doc = load_document(EXTRA / "上海市精神卫生条例.md")
    assert not any(re.search(r"（[一二三四五六七八九十]+）$", c.label) for c in doc.clauses)
    with_items = [c for c in doc.clauses if "（一）" in c.text and c.label.startswith("第")]
    assert with_items, "some article lists items （一）…"


@pytest.mark.parametrize("line", ["2020 年,每千常住人口", "5.33張床位", "1/3 县级医院", "按照第十条规定", "2.5 人"])
def test_numbers_inside_sentences_never_open_a_clause(line):
    assert match_marker(line) is None


@pytest.mark.parametrize(
    "line, style",
    [("一、总体要求", "cn"), ("（二）工作目标", "paren_cn"), ("(十一)加强", "paren_cn"), ("4.加强", "arabic"),
     ("1、健全", "arabic"), ("12．完善", "arabic"), ("（3）推进", "paren_arabic"), ("①建立", "circled"),
     ("第十一条 本市", "tiao"), ("第二章 总则", "zhang")],
)
def test_outline_markers(line, style):
    assert match_marker(line)[0] == style


def test_mixed_outline_in_a_made_up_notice():
    text = (
        "某市卫生健康工作方案\n\n索引号: ABC-1\n\n一、目标\n\n到2025年，覆盖率达到90%。\n\n"
        "（一）基层\n\n1.建设中心\n\n（1）选址\n\n①完成规划。\n\n2.培训\n\n二、保障\n\n扫一扫在手机上查看当前页面\n"
    )
    doc = parse_document("x.txt", text)
    assert doc.document.title == "某市卫生健康工作方案" and doc.document.index_number == "ABC-1"
    assert [c.label for c in doc.clauses] == ["一", "一（一）", "一（一）1", "一（一）1（1）", "一（一）1（1）①", "一（一）2", "二"]
    assert doc.clauses[0].text == "一、目标\n\n到2025年，覆盖率达到90%。"


def test_long_clauses_split_into_parts_with_label_and_exact_offsets():
    doc = parsed("004")
    parts = split_long_clauses(doc.clauses, 150)
    long_ones = [c for c in parts if c.parts > 1]
    assert long_ones
    for c in long_ones:
        assert doc.document.text[c.start : c.end] == c.text and len(c.text) <= 150
    one_clause = [c for c in parts if c.label == long_ones[0].label]
    assert [c.part for c in one_clause] == list(range(len(one_clause)))
    assert all(c.text[-1] in "。；;，,！？”" or c is one_clause[-1] for c in one_clause)  # punctuation stays with its sentence


@pytest.mark.parametrize("path", [*corpus_files(CORPUS), *sorted(p for p in EXTRA.glob("*.md") if p.name != "README.md")], ids=lambda p: p.name[:3])
def test_every_metadata_value_is_cited_by_its_own_characters(path):
    doc = load_document(path).document
    assert doc.field("title") is not None
    for field in doc.fields:
        assert doc.text[field.start : field.end] == field.value


def test_metadata_of_a_notice_and_of_a_news_page_with_their_offsets():
    yunzhou = parsed("003").document
    assert yunzhou.field("doc_number").value == "云州政办发〔2023〕26号" and yunzhou.field("date").value == "2023年8月10日"
    assert yunzhou.field("issuer").value == "大同市云州区人民政府办公室"
    news = parse_document("n.txt", "某市卫生健康工作要闻\n\n时间:2023-03-01     人气:326     来源:某市卫生健康委员会     作者:\n\n正文。")
    assert (news.document.issuer, news.document.date) == ("某市卫生健康委员会", "2023-03-01")
    assert news.document.text[news.document.field("issuer").start :].startswith("某市卫生健康委员会")


def test_a_regulations_date_is_the_day_it_was_adopted():
    doc = load_document(EXTRA / "北京市中医药条例(2020-11-27).md").document
    assert doc.date == "2020年11月27日" and doc.field("date").value == "2020年11月27日"


# Titles as real files print them (learnt from the review centre's guidelines; three new wordings of each layout).
@pytest.mark.parametrize("head, title", [
    ("附件3\n轮状病毒抗原检测试剂注册技术审查\n指导原则\n", "轮状病毒抗原检测试剂注册技术审查指导原则"),
    ("附件 2\n某某县家庭医生签约服务\n工作方案\n", "某某县家庭医生签约服务工作方案"),
    ("附件\n真实世界数据用于医疗器械临床评价技术\n指导原则（试行）\n", "真实世界数据用于医疗器械临床评价技术指导原则（试行）"),
    ("口腔修复膜注册审查指导原则\n（征求意见稿）\n", "口腔修复膜注册审查指导原则（征求意见稿）"),
    ("附件1\n一次性使用无菌侧孔钝针注册\n   审查指导原则（征求意见稿）\n", "一次性使用无菌侧孔钝针注册审查指导原则（征求意见稿）"),
    ("指导原则编号：XXXXXX\n椎间融合器技术审查指导原则(征求意见稿)\n发布日期 XXXX 年 X 月\n",
     "椎间融合器技术审查指导原则(征求意见稿)"),
])
def test_a_title_printed_over_lines_is_one_title_and_its_attachment_mark_is_no_part(head, title):
    text = head + "本指导原则旨在指导注册申请人准备申报资料，同时为技术审评提供参考。\n一、适用范围\n本原则适用于该类产品。\n二、基本要求\n（一）产品名称应规范。\n"
    parsed = parse_document("x.docx", text)
    assert parsed.document.title == title
    span = parsed.document.field("title")
    assert re.sub(r"\s+", "", text[span.start:span.end]) == re.sub(r"\s+", "", title)
    assert [c.label for c in parsed.clauses if c.label in ("一", "二")] == ["一", "二"]
    assert not any(part.startswith("附件") for c in parsed.clauses for part in c.path)


@pytest.mark.parametrize("mark, label", [("附录1：", "附录1"), ("附件2 产品风险分析", "附件2"), ("附表", "附表")])
def test_an_appendix_in_the_body_is_a_top_level_part(mark, label):
    text = ("某产品注册审查指导原则\n一、适用范围\n本原则适用于该类产品。\n二、参考文献\n[1]. GB 15811-2016 一次性使用无菌注射针[S].\n"
            f"{mark}\n（1）.原材料的生物学和化学危害\n材料或材料来源变化\n（2）.生产\n加工过程可能产生的危害\n")
    parsed = parse_document("x.doc", text)
    items = [c for c in parsed.clauses if c.text.startswith("（")]
    assert [c.label for c in items] == [f"{label}（1）", f"{label}（2）"]
    assert all(c.path[0].startswith(label) for c in items)
