"""OFD and PowerPoint files, read as an office keeps them: real OFD documents (tests/fixtures/real-ofd, from
ofdrw's test resources) and a real deck (tests/fixtures/real-pptx), through the readers, the parser, the
folder listing and the command line."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.shapes.autoshape import Shape
from pptx.util import Inches

from assistant.corpus import load_document, scan_library
from assistant.ingest import CorpusError, extract, sniffed_suffix
from assistant.ingest.convert import soffice
from assistant.ingest.ofd import OfdReader, deltas
from assistant.ingest.pptx import PptxReader
from assistant.ui.wording import zh_reason

ROOT = Path(__file__).resolve().parent.parent
OFD = ROOT / "tests" / "fixtures" / "real-ofd"
APPROVAL = OFD / "关于同意张阿三同志辞职的批复.ofd"  # a county health bureau's 红头文件, 2 pages
LETTER = OFD / "关于加快南货场铁路涵洞下穿建设的函.ofd"  # one TextObject per word, DeltaX in 'g N v' form
ESSAY = OFD / "拿来主义.ofd"  # a paragraph running over the page break
DECK = ROOT / "tests" / "fixtures" / "real-pptx" / "三国演义阅读分享.pptx"


def read(path: Path):
    return extract(path.name, path.read_bytes())


# ------------------------------------------------------------------------------------------------- OFD

def test_an_official_ofd_reads_as_paragraphs_without_its_page_numbers():
    got = read(APPROVAL)
    # printed over five lines; one sentence here
    assert ("2011年3月1日该同志向医院递交辞职报告，鉴于本人实际情况，根据《浙江省专业技术人员和管理人员辞职暂行办法》"
            "（浙人才〔1993〕73号）文件精神，经研究，同意张阿三同志辞职。") in got.text
    assert "你院《关于给张阿三同志辞职的请示》（路中医发〔2011〕10号）收悉。\n" in got.text  # wrapped at '发'
    assert "张阿三，男，1978年2月出生，籍贯江西新建，2001年9月参加工作，本科学历，主治医师，系区中医院职工。" in got.text
    assert "— 1 —" not in got.text and "— 2 —" not in got.text and "—" not in got.text
    assert len(got.pages) == 2 and got.text[got.pages[1]:].startswith("测试符路桥区卫生局办公室\n2011年3月10日")
    assert "测试符路桥区卫生局办公室 2011年3月10日印发" in got.text  # two objects on one line, parted by a space


def test_the_parser_finds_title_number_issuer_and_pages_of_an_ofd():
    parsed = load_document(APPROVAL)
    doc = parsed.document
    assert doc.title == "关于同意张阿三同志辞职的批复"  # not the red masthead above it
    assert (doc.doc_number, doc.issuer, doc.date) == ("路卫发〔2011〕76号", "测试符路桥区卫生局办公室", "2011年3月10日")
    assert doc.pages == read(APPROVAL).pages
    body = next(c for c in parsed.clauses if "递交辞职报告" in c.text)
    assert body.page == 1
    assert [c.page for c in parsed.clauses if "印发" in c.text] == [2]


def test_words_set_as_separate_objects_join_into_one_sentence():
    got = read(LETTER)
    assert got.text.splitlines()[0] == "关于加快南货场铁路涵洞下穿建设的函"
    assert ("根据我市2023年房地产用地供应计划，蚌山区东海大道北侧、解放路西侧居住地块计划于7月份出让，按照7月7日张铭副市长"
            "主持召开市自然资源和规划委员会审查会2023年第7次会议要求，你区需尽快落实南货场铁路涵洞下穿建设方案，") in got.text
    assert got.text.splitlines()[-2:] == ["此函。", "2023年7月12日"]
    assert load_document(LETTER).document.title == "关于加快南货场铁路涵洞下穿建设的函"


def test_a_paragraph_runs_on_over_the_page_break():
    got = read(ESSAY)
    sentence = "我想，首先是不管三七二十一，“拿来”！但是，如果反对这宅子的旧主人，怕给他的东西染污了，徘徊不敢走进门，是孱头；"
    at = got.text.index(sentence)
    assert at < got.pages[1] < at + len(sentence)  # page 2 starts inside it
    assert "\n" not in got.text[at:at + len(sentence)]


def test_delta_lists_write_out_their_repeats():
    assert deltas("g 3 5.6 2.8") == [5.6, 5.6, 5.6, 2.8]
    assert deltas("5.6301 5.6726 g 2 5.6301") == [5.6301, 5.6726, 5.6301, 5.6301]
    assert deltas(None) == []


def test_an_ofd_is_known_by_its_bytes():
    assert sniffed_suffix(APPROVAL.read_bytes()) == ".ofd"
    assert sniffed_suffix(LETTER.read_bytes()) == ".ofd"  # its OFD.xml is the zip's last member
    assert "张阿三同志辞职" in extract("批复（无扩展名）", APPROVAL.read_bytes()).text


def refusal(name: str, data: bytes, reader=None) -> str:
    with pytest.raises(CorpusError) as caught:
        (reader.extract(name, data) if reader else extract(name, data))
    message = str(caught.value)
    assert message.startswith(name + ": ") and "\n" not in message
    assert zh_reason(message.split(": ", 1)[1]) != message.split(": ", 1)[1]  # worded in Chinese for the UI
    return message


def test_damaged_and_oversized_ofd_files_are_refused_in_one_line():
    data = APPROVAL.read_bytes()
    assert "corrupt or truncated zip archive" in refusal("cut.ofd", data[: len(data) // 2])
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as real, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in real.infolist():
            out.writestr(info, real.read(info.filename))
        out.writestr("Doc_0/Res/pad.bin", b"\0" * (8 << 20))  # 8 MB packed ~1000:1
    message = refusal("bomb.ofd", bomb.getvalue())
    assert "Doc_0/Res/pad.bin is packed" in message and "not a normal OFD document" in message
    assert "OFD 文档" in zh_reason(message.split(": ", 1)[1])
    assert "without OFD.xml" in refusal("deck.ofd", DECK.read_bytes(), OfdReader())
    assert "2 pages, more than the limit of 1" in refusal("long.ofd", data, OfdReader(max_pages=1))


def test_an_ofd_of_page_images_says_it_has_no_text():
    data = APPROVAL.read_bytes()
    out = io.BytesIO()  # the real document with its text objects taken out: what a scanned OFD holds
    with zipfile.ZipFile(io.BytesIO(data)) as real, zipfile.ZipFile(out, "w") as blank:
        for info in real.infolist():
            content = real.read(info.filename)
            if info.filename.endswith("Content.xml"):
                content = content.replace(b"ofd:TextObject", b"ofd:ImageObject")
            blank.writestr(info, content)
    assert "no text in the OFD document" in refusal("scan.ofd", out.getvalue())


# ---------------------------------------------------------------------------------------------- PowerPoint

def test_a_deck_reads_slide_by_slide_with_each_title_first():
    got = read(DECK)
    assert len(got.pages) == 12  # one page per slide
    slides = [got.text[a:b] for a, b in zip(got.pages, got.pages[1:] + (len(got.text),))]
    assert slides[0].startswith("《三国演义》阅读分享\n")  # the title placeholder, above a box set higher
    assert slides[3].startswith("东汉末年的政治格局\n")  # a template's text box at the top: the title
    assert ("东汉桓帝时期，宦官势力崛起，朝政腐败，导致国家治理失效，民怨沸腾，为后来的黄巾起义埋下了隐患。\n"
            in slides[3])
    assert slides[11].startswith("谢谢观看\n")
    assert load_document(DECK).document.title == "《三国演义》阅读分享"
    assert next(c for c in load_document(DECK).clauses if "黄巾起义迅速蔓延" in c.text).page == 5


def test_speaker_notes_are_left_out_and_tables_name_their_columns(tmp_path):
    deck = Presentation(str(DECK))
    slide = deck.slides[3]
    notes = slide.notes_slide  # this deck's notes master has no body placeholder: the note as a text box there
    box = notes.shapes._spTree.add_textbox(999, "备注", Inches(1), Inches(1), Inches(5), Inches(1))
    Shape(box, notes.shapes).text_frame.text = "讲到这里停一下，问同学们的看法。"
    assert "讲到这里停一下" in [s.text_frame.text for s in slide.notes_slide.shapes if s.has_text_frame][-1]
    rows = [("朝代", "时期", "事件"), ("东汉", "桓帝时期", "宦官势力崛起"), ("东汉", "灵帝时期", "黄巾起义")]
    table = slide.shapes.add_table(3, 3, Inches(1), Inches(6), Inches(6), Inches(1)).table
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 0).merge(table.cell(2, 1))  # a cell across two columns: written once, under the first
    table.cell(2, 0).text = "东汉灵帝时期"
    saved = io.BytesIO()
    deck.save(saved)
    text = PptxReader().extract("deck.pptx", saved.getvalue()).text
    assert "讲到这里停一下" not in text
    assert "朝代：东汉；时期：桓帝时期；事件：宦官势力崛起\n朝代：东汉灵帝时期；事件：黄巾起义\n" in text


def test_damaged_decks_are_refused_in_one_line():
    data = DECK.read_bytes()
    assert "corrupt or truncated zip archive" in refusal("cut.pptx", data[: len(data) // 3])
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024  # what an encrypted .pptx is
    assert "encrypted or old .ppt format" in refusal("locked.pptx", ole, PptxReader())
    assert "without ppt/presentation.xml" in refusal("batch.pptx", APPROVAL.read_bytes(), PptxReader())


def _impress_made(tmp_path: Path, suffix: str) -> Path:
    """The real deck saved by LibreOffice Impress as PowerPoint 97 (what .ppt and WPS's .dps files are)."""
    shutil.copy(DECK, tmp_path / "deck.pptx")
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", "ppt", "--outdir", str(tmp_path / "out"), str(tmp_path / "deck.pptx")],
                   capture_output=True, timeout=180, env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    made = tmp_path / "out" / "deck.ppt"
    if not made.exists():
        pytest.skip("LibreOffice Impress (libreoffice-impress-nogui) is not installed")
    return made.rename(tmp_path / f"三国演义阅读分享{suffix}")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("suffix", [".ppt", ".dps"])
def test_old_powerpoint_and_wps_decks_are_read_through_libreoffice(tmp_path, monkeypatch, suffix):
    monkeypatch.setenv("PLAN_CACHE", str(tmp_path / "cache"))
    made = _impress_made(tmp_path, suffix)
    assert sniffed_suffix(made.read_bytes()) == ".ppt"
    got = read(made)
    assert len(got.pages) == 12
    assert "东汉桓帝时期，宦官势力崛起，朝政腐败，导致国家治理失效，民怨沸腾，为后来的黄巾起义埋下了隐患。\n" in got.text


# ------------------------------------------------------------------------------------ a folder, end to end

def test_a_folder_lists_the_new_formats_and_still_names_what_it_cannot_read(tmp_path):
    for path in (APPROVAL, DECK):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "汇报.key").write_bytes(b"PK\x03\x04" + b"\0" * 40)  # Keynote: no reader
    library = scan_library(tmp_path)
    assert sorted(f.name for f in library.files) == sorted([APPROVAL.name, DECK.name])
    assert [(s.name, s.reason.split(";")[0]) for s in library.skipped] == [("汇报.key", "unsupported format '.key'")]
    assert ".ofd" in library.skipped[0].reason and ".pptx" in library.skipped[0].reason


def test_build_and_ask_cite_the_ofd(tmp_path):
    corpus = tmp_path / "文档"
    (corpus / "公文").mkdir(parents=True)
    for path in (APPROVAL, LETTER):
        shutil.copy(path, corpus / "公文" / path.name)
    shutil.copy(DECK, corpus / DECK.name)
    env = {**os.environ, "PYTHONUTF8": "1"}

    def run(command: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "assistant", command, "--corpus", str(corpus), "--index",
                               str(tmp_path / "index"), "-q", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=900, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    run("build")
    answer = run("ask", "张阿三从什么时候起未到单位上班？")
    assert "公文/关于同意张阿三同志辞职的批复.ofd" in answer
    assert "2006年1月至今未到单位上班" in answer
