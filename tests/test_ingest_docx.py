"""The .docx reader on real Word files built from the sample plans and regulations (see tests/docx_fixtures.py),
on its numbering functions with plain values, and on files it must refuse with one line naming the file."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

import docx_fixtures as fx
from assistant.ingest.base import CorpusError
from assistant.ingest.docx import DocxReader, row_line
from assistant.ingest.word_numbering import (
    SUPPORTED_FORMATS, UNCOUNTED, Instance, Level, ListCounters, Numbering, Styles, advance, format_number, render_label,
)
from assistant.parser import parse_document

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "corpus").glob("*.txt"))
REGULATIONS = sorted(p for p in (ROOT / "tests" / "fixtures" / "regulations").glob("*.md") if p.name != "README.md")
READER = DocxReader()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """source name → (original .txt/.md, the .docx made from it), written once into a tmp dir."""
    out = tmp_path_factory.mktemp("docx")
    made = {}
    for path in PLANS:
        made[path.name] = fx.PLANS[path.name[:3]](path.read_text(encoding="utf-8"))
    for path in REGULATIONS:
        made[path.name] = fx.regulation(path.read_text(encoding="utf-8"), automatic_articles="北京" in path.name)
    pairs = {}
    for path in PLANS + REGULATIONS:
        target = out / (path.stem + ".docx")
        target.write_bytes(made[path.name])
        pairs[path.name] = (path, target)
    return pairs


def _squash(text: str) -> str:
    """Clause text up to whitespace; a Markdown heading's "#"s are markup, not text."""
    return re.sub(r"\s+", "", re.sub(r"^#+", "", text))


def _both(built, name):
    original, made = built[name]
    expected = parse_document(name, original.read_text(encoding="utf-8"))
    got = parse_document(name, READER.extract(made.name, made.read_bytes()).text)
    return expected, got


SOURCES = [p.name for p in PLANS + REGULATIONS]


@pytest.mark.parametrize("name", SOURCES, ids=lambda n: n[:6])
def test_docx_gives_the_same_clauses_as_the_original(built, name):
    expected, got = _both(built, name)
    assert [c.label for c in got.clauses] == [c.label for c in expected.clauses]
    assert [_squash(c.text) for c in got.clauses] == [_squash(c.text) for c in expected.clauses]
    assert [c.path for c in got.clauses] == [c.path for c in expected.clauses]


@pytest.mark.parametrize("name", SOURCES, ids=lambda n: n[:6])
def test_docx_gives_the_same_title_and_metadata(built, name):
    expected, got = _both(built, name)
    for field in ("title", "issuer", "doc_number", "date", "index_number"):
        assert getattr(got.document, field) == getattr(expected.document, field), field


def test_the_metadata_tables_really_carry_the_metadata(built):
    """002's and 003's issuer, date, number and index number are read from Word tables, not paragraphs."""
    for prefix, index_number in (("002", "MLX15/2023-000018"), ("003", "0352yunzh/2023-00346")):
        name = next(n for n in SOURCES if n.startswith(prefix))
        data = built[name][1].read_bytes()
        assert docx.Document(io.BytesIO(data)).tables
        assert index_number not in fx.typed_numbers(data)  # not in any body paragraph
        _, got = _both(built, name)
        assert got.document.index_number == index_number and got.document.issuer
    text = READER.extract("003.docx", built[next(n for n in SOURCES if n.startswith("003"))][1].read_bytes()).text
    assert "索 引 号：0352yunzh/2023-00346\n" in text and "文号：云州政办发〔2023〕26号\n" in text


@pytest.mark.parametrize("prefix,gone", [
    ("001", ["一、", "(五)", "(二十一)", "十、"]),
    ("003", ["一、总体要求", "(二)持续", "24.开展"]),
    ("004", ["1.基层", "18.信用"]),
    ("北京", ["第一条", "第五十九条"]),
])
def test_automatic_numbers_are_only_in_numbering_xml(built, prefix, gone):
    """The fixtures really rely on Word numbering: python-docx alone shows none of these numbers."""
    name = next(n for n in SOURCES if n.startswith(prefix))
    data = built[name][1].read_bytes()
    shown = fx.typed_numbers(data)
    text = READER.extract(name, data).text
    for marker in gone:
        assert marker not in shown
        assert marker in text


def test_tables_stay_where_they_stood(built):
    name = next(n for n in SOURCES if n.startswith("002"))
    text = READER.extract(name, built[name][1].read_bytes()).text
    lines = text.splitlines()
    assert lines[0] == "木垒县“健康中国”行动工作落实情况"
    assert lines[1] == "索 引 号 | MLX15/2023-000018 | 主题分类 |  | "
    assert lines[5].startswith("发文单位 | 木垒县卫生健康委员会 | 发布机构 | 木垒县政府网")
    assert lines[6].startswith("木垒县卫生健康委员会紧紧围绕")


def test_the_module_does_not_shadow_python_docx():
    """assistant/ingest/docx.py imports the python-docx package, not itself, however it is imported."""
    code = ("import assistant.ingest.docx as m, docx, sys; "
            "assert docx.__file__.endswith('site-packages/docx/__init__.py'), docx.__file__; "
            "assert sys.modules['docx'] is not m; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


# ------------------------------------------------------------------------------------- numbers, plain values

@pytest.mark.parametrize("n,expected", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"),
                                        (21, "二十一"), (35, "三十五"), (99, "九十九"), (100, "一〇〇")])
def test_chinese_counting(n, expected):
    assert format_number(n, "chineseCounting") == expected


@pytest.mark.parametrize("n,expected", [(10, "十"), (21, "二十一"), (100, "一百"), (101, "一百〇一"), (110, "一百一十"),
                                        (1010, "一千〇一十"), (10001, "一万〇一"), (150000, "十五万")])
def test_chinese_counting_thousand(n, expected):
    assert format_number(n, "chineseCountingThousand") == expected


@pytest.mark.parametrize("fmt,n,expected", [
    ("decimal", 7, "7"), ("decimal", 0, "0"), ("decimalZero", 7, "07"), ("decimalFullWidth", 12, "１２"),
    ("chineseLegalSimplified", 10, "壹拾"), ("chineseLegalSimplified", 23, "贰拾叁"),
    ("ideographLegalTraditional", 23, "貳拾參"), ("taiwaneseCountingThousand", 10000, "一萬"),
    ("ideographTraditional", 1, "甲"), ("ideographTraditional", 10, "癸"), ("ideographTraditional", 11, "11"),
    ("ideographZodiac", 12, "亥"), ("ideographZodiacTraditional", 11, "甲戌"), ("ideographDigital", 105, "一〇五"),
    ("ideographEnclosedCircle", 2, "㈡"), ("decimalEnclosedCircle", 1, "①"), ("decimalEnclosedCircle", 20, "⑳"),
    ("decimalEnclosedCircle", 21, "21"), ("decimalEnclosedCircleChinese", 3, "③"), ("decimalEnclosedParen", 1, "⑴"),
    ("decimalEnclosedFullstop", 2, "⒉"), ("lowerLetter", 1, "a"), ("upperLetter", 26, "Z"), ("upperLetter", 28, "BB"),
    ("lowerRoman", 14, "xiv"), ("upperRoman", 1994, "MCMXCIV"), ("ordinal", 22, "22nd"), ("ordinal", 13, "13th"),
    ("bullet", 3, ""), ("none", 3, ""), ("someFutureFormat", 4, "4"), ("chineseCounting", 0, "一"),
])
def test_format_number(fmt, n, expected):
    assert format_number(n, fmt) == expected
    assert (fmt in SUPPORTED_FORMATS) == (fmt != "someFutureFormat")


OUTLINE = {0: Level(1, "chineseCounting", "%1、"), 1: Level(1, "chineseCounting", "（%2）"),
           2: Level(1, "decimal", "%3."), 3: Level(1, "decimal", "%1.%2.%4", legal=True)}


def _run(levels, ilvls):
    counters, labels = UNCOUNTED, []
    for ilvl in ilvls:
        counters = advance(counters, ilvl, levels)
        labels.append(render_label(ilvl, counters, levels))
    return labels


def test_deeper_levels_restart_when_a_shallower_one_advances():
    assert _run(OUTLINE, [0, 1, 1, 2, 2, 1, 2, 0, 1, 2]) == [
        "一、", "（一）", "（二）", "1.", "2.", "（三）", "1.", "二、", "（一）", "1."]


def test_lvl_restart_zero_never_restarts_and_one_restarts_only_after_level_one():
    levels = dict(OUTLINE)
    levels[1] = Level(1, "chineseCounting", "（%2）", restart=0)
    levels[2] = Level(1, "decimal", "%3.", restart=1)  # restarts after level 1 (ilvl 0) only, not after ilvl 1
    assert _run(levels, [0, 1, 2, 1, 2, 0, 1, 2]) == ["一、", "（一）", "1.", "（二）", "2.", "二、", "（三）", "1."]


def test_labels_with_several_levels_and_legal_numbering():
    levels = {0: Level(1, "upperRoman", "%1."), 1: Level(1, "lowerLetter", "%1.%2"),
              2: Level(1, "lowerRoman", "%1.%2.%3", legal=True)}
    assert _run(levels, [0, 1, 1, 2, 0, 1]) == ["I.", "I.a", "I.b", "1.2.1", "II.", "II.a"]


def test_a_level_used_before_its_parent_shows_the_parent_one_below_its_start():
    levels = {0: Level(1, "decimal", "%1."), 1: Level(1, "decimal", "%1.%2")}
    assert _run(levels, [1, 0, 1]) == ["0.1", "1.", "1.1"]


def test_start_values_bullets_and_hidden_numbers():
    assert _run({0: Level(5, "decimal", "%1)")}, [0, 0]) == ["5)", "6)"]
    assert _run({0: Level(1, "bullet", "\uf0b7")}, [0]) == [""]
    assert _run({0: Level(1, "decimal", "%1.", hidden=True)}, [0]) == [""]
    assert _run({0: Level(1, "decimal", "第%1条")}, [0, 0]) == ["第1条", "第2条"]


def test_instances_of_one_definition_share_its_counters_and_a_start_override_restarts_them_once():
    levels = {0: Level(1, "decimal", "%1.")}
    plain, again = Instance("1", "A", levels, frozenset()), Instance("2", "A", levels, frozenset())
    restart = Instance("3", "A", {0: Level(1, "decimal", "%1.")}, frozenset({0}))
    other = Instance("4", "B", levels, frozenset())
    counters = ListCounters()
    numbers = [counters.step(inst, 0)[0] for inst in (plain, plain, again, other, restart, restart, plain)]
    assert numbers == [1, 2, 3, 1, 1, 2, 3]


def _numbering(xml: str, styles_xml: str = ""):
    styles = Styles(parse_xml(f'<w:styles {nsdecls("w")}>{styles_xml}</w:styles>'))
    return Numbering(parse_xml(f'<w:numbering {nsdecls("w")}>{xml}</w:numbering>'), styles), styles


def test_numbering_definitions_are_read_with_overrides_and_list_style_links():
    numbering, styles = _numbering(
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:suff w:val="space"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
        '<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Outline"/></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>',
        '<w:style w:type="numbering" w:styleId="Outline"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Base"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Child"><w:basedOn w:val="Base"/>'
        '<w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr></w:style>',
    )
    first = numbering.instance("1")
    assert first.levels[0] == Level(1, "chineseCounting", "%1、", suffix=" ") and first.restarts == frozenset()
    assert numbering.instance("2").levels[0].start == 4 and numbering.instance("2").restarts == {0}
    assert numbering.instance("3").list_id == "0"  # the list style's link leads to definition 0
    assert numbering.instance("9") is None
    assert styles.numbering("Child") == ("2", 0)  # numId inherited from Base, ilvl its own


def test_table_rows():
    assert row_line(["发文单位", "XX委"]) == "发文单位：XX委"
    assert row_line(["文号：", "X〔2023〕1号"]) == "文号：X〔2023〕1号"
    assert row_line(["索 引 号", "A-1", "主题分类", ""]) == "索 引 号 | A-1 | 主题分类 | "
    assert row_line(["序号", "任务", "", "责任单位"]) == "序号\t任务\t责任单位"
    assert row_line(["1", "加强基层\n医疗"]) == "1\t加强基层 医疗"
    doc = parse_document("t", "关于印发某某方案的通知\n" + row_line(["发文单位", "XX委"]) + "\n一、总则\n正文。\n")
    assert doc.document.issuer == "XX委"


# ------------------------------------------------------------------------------------- the body's XML

def _document_with(body_xml: str) -> bytes:
    """A real python-docx document whose body gets these extra elements (before its w:sectPr)."""
    document = docx.Document()
    body = document.element.body
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    for element in parse_xml(f'<w:body {nsdecls("w")} {mc}>{body_xml}</w:body>'):
        body.insert(len(body) - 1, element)
    return fx.save(document)


def test_revisions_hidden_text_fields_and_breaks():
    data = _document_with(
        '<w:p><w:r><w:t>保留</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>删去</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:r><w:br/><w:t>下一行</w:t><w:br w:type="page"/>'
        '<w:tab/><w:t>完</w:t></w:r></w:p>')
    assert READER.extract("x.docx", data).text == "保留插入7链接\n下一行\t完\n"


def test_content_controls_text_boxes_and_one_cell_tables_keep_their_paragraphs():
    data = _document_with(
        '<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>一、控件里</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'
        '<w:p><w:r><w:t>锚定段</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<w:txbxContent><w:p><w:r><w:t>框里</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框里</w:t></w:r></w:p></w:txbxContent></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>（一）格里一</w:t></w:r></w:p><w:p><w:r><w:t>（二）格里二</w:t></w:r></w:p>'
        '</w:tc></w:tr></w:tbl>')
    assert READER.extract("x.docx", data).text == "一、控件里\n锚定段\n框里\n（一）格里一\n（二）格里二\n"


def test_numbered_paragraphs_inside_table_cells_count_in_document_order():
    document = docx.Document()
    num_id = fx.add_num(document, fx.add_list(document, [fx.Lvl("decimal", "%1.")]))
    fx.number(document.add_paragraph("甲"), num_id)
    table = document.add_table(rows=1, cols=1)
    fx.number(table.cell(0, 0).paragraphs[0], num_id)
    table.cell(0, 0).paragraphs[0].add_run("乙")
    fx.number(document.add_paragraph(""), num_id)  # empty: counted, not written
    fx.number(document.add_paragraph("丙"), num_id)
    assert READER.extract("x.docx", fx.save(document)).text == "1.甲\n2.乙\n4.丙\n"


def test_table_of_contents_entries_are_left_out():
    document = docx.Document()
    styles = document.styles.element
    styles.append(parse_xml(f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/>'
                            "</w:style>"))
    document.add_paragraph("目录")
    document.add_paragraph("第一章 总则\t1").style = document.styles["toc 1"]
    document.add_paragraph("第一章 总则")
    assert READER.extract("x.docx", fx.save(document)).text == "目录\n第一章 总则\n"


# ------------------------------------------------------------------------------------- what is refused

def _refused(name: str, data: bytes) -> str:
    with pytest.raises(CorpusError) as caught:
        READER.extract(name, data)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(name + ": "), message
    return message


def _valid() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总则")
    return fx.save(document)


def test_not_a_zip():
    assert "not a zip archive" in _refused("plain.docx", "只是文字".encode())
    assert "RTF" in _refused("rtf.docx", b"{\\rtf1\\ansi hello}")


def test_corrupt_zip():
    data = _valid()
    assert "corrupt or truncated zip" in _refused("cut.docx", data[: len(data) // 2])
    broken = bytearray(data)
    start = data.index(b"word/document.xml") + 40  # inside that member's compressed bytes
    broken[start : start + 200] = bytes(200)
    # members are read (under a running cap) before python-docx is handed them: a garbled one is a damaged zip
    assert "corrupt or truncated zip archive (Error -3 while decompressing" in _refused("garbled.docx", bytes(broken))


def test_encrypted_or_old_doc_format():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    assert "encrypted or old .doc format" in _refused("secret.docx", ole)


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    """300 MB of zeros packed into a few hundred KB, written in 1 MB pieces (quick, little memory)."""
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(2**20)
            for _ in range(300):
                member.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    assert "zip bomb" in _refused("bomb.docx", bomb.read_bytes())


def test_a_highly_packed_document_part_is_refused_even_under_the_total_limit():
    data = fx.zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(20 * 2**20)})
    message = _refused("dense.docx", data)
    assert "word/document.xml" in message and "100:1" in message


def test_a_zip_that_is_not_a_word_document():
    assert "a zip archive without word/document.xml" in _refused("notes.docx", fx.zip_of({"notes.txt": b"hello"}))
    message = _refused("book.docx", fx.zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}))
    assert "Excel" in message and "word/document.xml" in message


def test_a_package_python_docx_cannot_open():
    data = fx.zip_of({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<"})
    assert "cannot be read as a Word document" in _refused("broken.docx", data)


def test_a_word_document_with_no_text():
    document = docx.Document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    assert "no text" in _refused("empty.docx", fx.save(document))


def test_a_word_table_is_written_in_the_row_form_a_printed_pdf_gives():
    """Named by its header row, merged cells repeated down: the same text as tests/test_real_pdf.py's
    merged-cell table read from a PDF, so a document and its printed PDF give the same clauses."""
    document = docx.Document()
    document.add_paragraph("一、主要指标")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["领域", "指标", "目标值"], ["健康水平", "人均预期寿命", "79"], ["", "婴儿死亡率", "5"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(2, 0)).text = "健康水平"
    buf = io.BytesIO()
    document.save(buf)
    assert READER.extract("t.docx", buf.getvalue()).text.splitlines()[1:] == [
        "领域：健康水平；指标：人均预期寿命；目标值：79", "领域：健康水平；指标：婴儿死亡率；目标值：5"]


def test_a_one_column_table_of_values_names_its_header_in_every_row():
    """The published B群链球菌 guideline lists cross-reacting organisms in a one-column table under '微生物'."""
    path = next((ROOT / "tests" / "fixtures" / "real-library" / "2020-08-13").glob("*.docx"))
    lines = READER.extract(path.name, path.read_bytes()).text.splitlines()
    assert "微生物：A群链球菌" in lines
    assert "微生物：肺炎链球菌" in lines
    assert "微生物" not in lines  # the header is named in the rows, not left as a line of its own


def test_a_one_column_table_is_told_from_a_frame_around_paragraphs():
    rows = "".join(f"<w:tr><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr>" for text in
                   ("检测项目", "乙肝表面抗原", "丙肝抗体"))
    assert READER.extract("x.docx", _document_with(f"<w:tbl>{rows}</w:tbl>")).text == (
        "检测项目：乙肝表面抗原\n检测项目：丙肝抗体\n")
    framed = "".join(f"<w:tr><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr>" for text in
                     ("各地要认真组织实施本方案，确保各项任务落实。", "甲", "乙"))
    assert READER.extract("x.docx", _document_with(f"<w:tbl>{framed}</w:tbl>")).text == (
        "各地要认真组织实施本方案，确保各项任务落实。\n甲\n乙\n")
