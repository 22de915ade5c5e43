"""PdfReader on real PDFs printed from government Word files (tests/fixtures/real-pdf/README.md).

Each test reads like an example of use: read a real file, look at its paragraphs, table rows and
title the way a person reading the printed page would.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pdfium = pytest.importorskip("pypdfium2")

from assistant.ingest.pdf import Line, PdfReader, strip_furniture  # noqa: E402
from assistant.ingest.pdf.tables import Segment, find_tables, row_lines  # noqa: E402
from assistant.ingest.pdf.lines import Char, dedupe_chars  # noqa: E402
from assistant.ingest.pdf.page import page_chars, path_boxes  # noqa: E402
from assistant.ingest.pdf.threeline import find_rule_tables, horizontal_rules  # noqa: E402
from assistant.parser import match_marker, parse_document, row_keys  # noqa: E402

HERE = Path(__file__).resolve().parent / "fixtures" / "real-pdf"
OCT, ACELLULAR, CHEMI = "oct-guideline-p15-17.pdf", "acellular-matrix-p3-4.pdf", "chemiluminescence-p1-2.pdf"
TWO_COLUMNS = "hyaluronic-two-columns-p1-2.pdf"  # a real guideline set in two columns under its title
MIXED_COLUMNS = "hyaluronic-mixed-columns-p1-2.pdf"  # one column, two columns over a page break, one column
THREE_LINE = "hyaluronic-three-line-tables-p3-4.pdf"  # the same guideline, its tables given three-line borders
# A published draft (real library): a diagonal 征求意见稿 watermark drawn as glyph outlines over every page,
# and 表1, a three-line table (rules above, under the header and below; no vertical lines) over pages 17-18.
FUSION = HERE.parent / "real-library" / "2015-11-27" / "椎间融合器技术审查指导原则（征求意见稿）.pdf"


def read(name: str | Path):
    path = HERE / name
    extracted = PdfReader(ocr=False).extract(path.name, path.read_bytes())
    return extracted, parse_document(name, extracted.text, pages=extracted.pages)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


@pytest.mark.parametrize("name", [OCT, ACELLULAR, CHEMI, TWO_COLUMNS, MIXED_COLUMNS, THREE_LINE])
def test_no_sentence_is_cut_at_a_printed_line_end(name):
    """A paragraph of body text (20+ characters) ends a sentence, unless the next one opens a new item
    (a numbered heading or a table row): nothing stops at the end of a printed line."""
    extracted, _ = read(name)
    paras = paragraphs(extracted.text)
    cut = [(p[-15:], nxt[:15]) for p, nxt in zip(paras, paras[1:])
           if len(p) >= 20 and p[-1] not in "。！？；：…）)”" and row_keys(p) is None
           and match_marker(nxt) is None and row_keys(nxt) is None]
    assert cut == []


def test_line_numbers_in_the_margin_are_not_text():
    extracted, _ = read(ACELLULAR)
    assert not re.search(r"(?m)^\d{1,3}$", extracted.text)
    assert "依据《医疗器械分类目录》，该类产品为 III 类，根据产品描述及预期用途确定产品分类编码。" in extracted.text


def test_a_table_row_names_its_columns_across_a_page_break():
    extracted, parsed = read(OCT)
    rows = [c for c in parsed.clauses if "表" in c.label and "行" in c.label]
    assert len(rows) >= 15
    a1 = next(c for c in rows if c.text.startswith("条款号：A1；"))
    assert a1.text.startswith("条款号：A1；要求：医疗器械的设计和生产应确保其在预期条件和用途下，由具有相应技术知识")
    assert a1.text.endswith("；适用：适用")
    # rows on the next page are named by the same header, which is not repeated as a row
    later = [c for c in rows if extracted.pages[2] <= c.start]
    assert later and all(c.text.startswith("条款号：") for c in later)
    assert not any(c.text.startswith("条款号：条款号") for c in rows)
    for c in rows:  # every row is a clause of its own, whole, with exact offsets
        assert extracted.text[c.start:c.end] == c.text and "\n" not in c.text
        assert re.fullmatch(r".*表\d+行\d+", c.label)


def page_text(extracted, number: int) -> str:
    end = extracted.pages[number] if number < len(extracted.pages) else len(extracted.text)
    return extracted.text[extracted.pages[number - 1]:end]


def test_a_watermark_drawn_as_glyph_outlines_is_no_table():
    """The watermark's letters are curved path objects; their boxes had been read as a table's
    rulings, and the body characters inside them taken out of the page's text."""
    extracted, _ = read(FUSION)
    assert ("椎间融合器临床试验应以影像学终点为主要评价指标，观察椎间隙融合和融合器稳定性，即通过 X 线和 CT "
            "三维重建来静态观察终板之间的骨小梁衔接，X 线动力位观察包括椎间平移运动与屈伸角度变化，以构成联合指标。"
            ) in page_text(extracted, 17)


def test_a_three_line_table_is_read_row_by_row_across_a_page_break():
    """表1 has rules only above, under the header and (on the next page) below: its columns are found
    from the gutter between them, each row is one line naming its columns, and row 3, cut by the page
    break, is one row that starts on page 17."""
    extracted, parsed = read(FUSION)
    rows = [p for p in paragraphs(extracted.text) if p.startswith("融合分级：")]
    assert [r.split("；")[0] for r in rows] == [
        "融合分级：1. 明显的影像学假关节", "融合分级：2. 可能的影像学假关节", "融合分级：3. 影像学状态不确定",
        "融合分级：4. 可能的影像学融合", "融合分级：5. 影像学融合"]
    assert rows[0] == "融合分级：1. 明显的影像学假关节；描述：结构塌陷，椎间盘高度丢失，脊椎滑脱，螺钉断裂，融合器移位，或骨移植物的吸收"
    assert rows[2].endswith("包括部分融合区，至少移植区的一半显示在移植骨和椎体骨之间没有透亮带")
    assert rows[4].endswith("CT 或 3D 影像重建中的“环形”现象")
    start = extracted.text.index(rows[2])
    assert extracted.pages[16] <= start < extracted.pages[17]
    clause = next(c for c in parsed.clauses if c.text == rows[2])  # a clause of its own, exact offsets
    assert extracted.text[clause.start:clause.end] == rows[2] and "表" in clause.label


def test_three_line_tables_on_one_page_keep_each_row_whole():
    """Cells centred in tall rows (分级 and 评价 stand between the lines of a wrapped 特征描述) stay in their
    row; a header centred far right of its column's short values still names that column."""
    extracted, _ = read(THREE_LINE)
    paras = paragraphs(extracted.text)
    at = paras.index("评价皱纹严重程度参考表（示例）")
    assert paras[at + 1:at + 6] == [
        "分级：1；评价：无；特征描述：没有可见的折纹；只见连续的皮肤纹线。",
        "分级：2；评价：轻度；特征描述：皱褶浅，但可见，呈轻微的凹痕；面部折纹细小。",
        "分级：3；评价：中度；特征描述：比较深的皱褶；面部折纹清晰；在一般情况下折纹可见。但当伸展时折纹消失。",
        "分级：4；评价：重度；特征描述：非常长而深的皱褶；面部折纹显著；伸展时有小于 2mm 的可见折纹。",
        "分级：5；评价：极度；特征描述：极其深而长的皱褶，严重损害面容；伸展时有 2-4mm 的清晰可见的 V 形折纹。"]
    assert paras[at + 6] == "2. 次要有效性评价指标"
    at = paras.index("全局美容效果分级参考表")
    assert paras[at + 1:at + 7] == ["分级：1；全局美容效果：改善非常明显", "分级：2；全局美容效果：改善明显",
                                    "分级：3；全局美容效果：有一定程度改善", "分级：4；全局美容效果：没有变化",
                                    "分级：5；全局美容效果：比以前更糟", "3. 安全性评价指标"]


def test_paragraphs_between_two_rules_of_one_length_are_no_table():
    """On page 17 the running header's rule is as long as 表1's rules; the paragraphs between them run
    across the page (no gutter) and stay paragraphs: the one table starts at 表1's own top rule."""
    doc = pdfium.PdfDocument(FUSION)
    try:
        page = doc[16]
        width, height = page.get_size()
        textpage = page.get_textpage()
        chars = dedupe_chars(page_chars(textpage, height))
        boxes = path_boxes(page, height)
        rules = horizontal_rules(boxes, [])
        assert abs(rules[0].x0 - rules[1].x0) < 6 and rules[0].y < 60  # the header's rule, as long as the table's
        (table,) = find_rule_tables(boxes, chars, height)
        assert table.cells[0] == ("融合分级", "描述") and table.y0 > 500
        textpage.close()
    finally:
        doc.close()
    extracted, _ = read(FUSION)
    assert "有效性指标分主要评价指标与次要评价指标。\n（1）主要评价指标\n椎间融合器临床试验" in page_text(extracted, 17)


def test_two_columns_are_read_one_after_the_other():
    """The title stands across the page; the body is read down the left column, then down the right.
    A paragraph of the original .docx printed over six column lines is one paragraph, and the one
    running from the foot of the left column to the head of the right column is whole too."""
    extracted, parsed = read(TWO_COLUMNS)
    paras = paragraphs(extracted.text)
    assert paras[:5] == ["附件一：", "透明质酸钠类面部注射填充材料", "临床试验基本要求", "（征求意见稿）", "一、范围"]
    assert paras[5] == ("本基本要求适用于以透明质酸钠为主要原材料（通常需要进行化学交联）制成的，最终可被人体完全吸收的，"
                        "并且以纠正鼻唇部皱纹和/或额部皱纹为产品适用范围的面部注射填充材料。")
    across = ("结合法规的具体要求，需要进行完整的上市前临床试验时，适用于本部分。若按照相关法规不需在境内进行临床试验，"
              "则申报人在申报注册时所提交的相关临床数据原则上不应低于本部分的要求，并且考虑到人种差异对产品安全有效性的影响，"
              "需对亚裔人群单独提供临床数据。")
    assert paras[paras.index("（一）概述") + 1] == across  # left column's last paragraph, ending in the right column
    assert paras[paras.index(across) + 1].startswith("具有特殊设计（如添加不可降解成分等）")
    assert "质量管理规范的要求,在取得资质的临床试验机构内开展" in extracted.text  # and over the page break
    assert [c.label for c in parsed.clauses if c.label in ("一", "二", "二（一）", "二（二）", "二（三）")] == [
        "一", "二", "二（一）", "二（二）", "二（三）"]


def test_one_column_above_and_below_two_and_columns_over_a_page_break():
    """Paragraphs across the page keep the page's margins; the columns' last paragraph runs from the
    foot of page 1's right column to page 2's left column (three lines there, then the right column),
    and the one-column text below follows it."""
    extracted, _ = read(MIXED_COLUMNS)
    paras = paragraphs(extracted.text)
    assert paras[5] == ("本基本要求适用于以透明质酸钠为主要原材料（通常需要进行化学交联）制成的，最终可被人体完全吸收的，"
                        "并且以纠正鼻唇部皱纹和/或额部皱纹为产品适用范围的面部注射填充材料。")
    over = next(p for p in paras if p.startswith("本部分内容仅提到了"))
    assert over == ("本部分内容仅提到了临床试验中需要注意的几个方面，而非提供一个完整临床试验方案或报告的模板。"
                    "在境内进行的临床试验需按照医疗器械临床试验质量管理规范的要求,在取得资质的临床试验机构内开展，"
                    "在申报注册时按照相关法规提交临床试验方案、临床试验报告等资料。")
    assert paras[paras.index(over) + 1:paras.index(over) + 3] == [
        "（二）临床试验总体设计",
        "以申请首次注册上市为目的的临床试验需是前瞻性、多中心（至少两中心）、平行对照临床试验。需采用已上市同类产品作为对照"
        "器械，优先选择与试验器械成分、性能相似的对照器械。根据设计预期的临床意义及试验器械的性能选择合适的试验类型（优效/等效/非劣效）。"]
    start = extracted.text.index(over)
    assert start < extracted.pages[1] < start + len(over)  # the page map still places it: it starts on page 1


def test_title_and_outline_of_a_first_page():
    extracted, parsed = read(CHEMI)
    assert parsed.document.title == "发光免疫类检测试剂注册技术审查指导原则"
    labels = [c.label for c in parsed.clauses]
    assert labels[:3] == ["一", "二", "三"]  # the 附件2 mark above the title is no part of the document
    assert "— 11 —" not in extracted.text and "11" not in paragraphs(extracted.text)


def test_contents_page_entries_are_not_clauses():
    page = [Line("目  录", 250, 300, 80, 96), Line("一、前言……………………………………1", 80, 515, 120, 136),
            Line("二、适用范围…………………………………2", 80, 515, 150, 166), Line("三、基本要求 ........ 3", 80, 515, 180, 196),
            Line("正文第一段。", 80, 200, 300, 316)]
    assert [ln.text for ln in strip_furniture([page], [842.0])[0]] == ["正文第一段。"]


def test_merged_cells_repeat_down_and_are_written_once_across():
    """A 3 x 3 grid: 领域 spans two rows (no ruling between them), a note spans two columns."""
    h = [Segment(0, 300, y, y + 1) for y in (0, 20, 40, 60)]
    v = [Segment(x, x + 1, 0, 60) for x in (0, 300)] + [Segment(100, 101, 0, 60), Segment(200, 201, 0, 40)]
    v.append(Segment(200, 201, 40, 60))
    h[2] = Segment(100, 300, 40, 41)  # row 2/3 border missing under column 1: 领域 merged down

    def chars(text, x, y):
        return [Char(ch, x + 10 * i, x + 10 * i + 10, y, y + 10) for i, ch in enumerate(text)]

    cs = chars("领域", 5, 5) + chars("指标", 105, 5) + chars("目标值", 205, 5)
    cs += chars("健康水平", 5, 25) + chars("人均预期寿命", 105, 25) + chars("79", 205, 25)
    cs += chars("婴儿死亡率", 105, 45) + chars("5", 205, 45)
    (table,) = find_tables(h + v, cs)
    rows, header = row_lines(table)
    assert header == ("领域", "指标", "目标值")
    assert [r.text for r in rows] == ["领域：健康水平；指标：人均预期寿命；目标值：79",
                                      "领域：健康水平；指标：婴儿死亡率；目标值：5"]


def test_a_table_row_is_a_clause_under_its_section_never_a_heading():
    text = ("某某行动方案\n一、主要指标\n表1 主要指标\n"
            "领域：健康水平；序号：1；指标：人均预期寿命（岁）；基期水平：77.3；2022年目标值：77.7\n"
            "领域：健康水平；序号：2；指标：婴儿死亡率（‰）；基期水平：5.6；2022年目标值：≤7.5\n"
            "二、保障措施\n（一）加强领导。\n")
    clauses = parse_document("x", text).clauses
    assert [(c.label, c.path) for c in clauses if "行" in c.label] == [
        ("一表1行1", ("一、主要指标", "表1行1")), ("一表1行2", ("一、主要指标", "表1行2"))]
    assert [c.label for c in clauses if c.label.startswith("二")] == ["二", "二（一）"]
