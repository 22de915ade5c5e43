"""PdfReader on real PDFs made by real tools (Chromium, Pillow, fpdf2), and its pure layout functions.

The sample plans and three regulations are printed to A4 with headless Chromium (running header,
page-number footer, house styles with and without paragraph spacing and indents); parsing the PDF's
text must give the same clauses as parsing the source. A page of a plan is turned into an image-only PDF and read back by OCR. Bad files must be
refused with one line naming the file. Timings are printed (run with -s to see them).
"""
from __future__ import annotations

import difflib
import io
import os
import re
import time
import unicodedata
from pathlib import Path

import pytest

pdfium = pytest.importorskip("pypdfium2")

import pdf_fixtures as fx  # noqa: E402  (tests/ is on sys.path, as for the other *_fixtures helpers)

from assistant.ingest.base import CorpusError  # noqa: E402
from assistant.ingest.pdf import (  # noqa: E402
    Char,
    Layout,
    Line,
    PdfReader,
    breaks_before,
    clean_char,
    dedupe_chars,
    group_boxes,
    group_chars,
    is_page_number,
    measure,
    ocr_boxes,
    page_pitches,
    reading_order,
    reflow,
    strip_furniture,
)
from assistant.parser import parse_document  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "corpus").glob("*.txt")) + sorted(
    p for p in (ROOT / "tests" / "fixtures" / "regulations").glob("*.md") if p.name != "README.md"
)
SCAN_SOURCE = "003"  # a Simplified Chinese plan numbering its items 1.–24.
SCAN_PAGE = 1  # 0-based: its second page, with 二、 （一） 1. 2. 3. (二)
# Character error rate allowed on a clean 200 dpi scan of printed Simplified Chinese, counted after
# folding full-/half-width forms (OCR reads ',' as '，'; the parser and search fold them alike).
# PP-OCRv4 measures 0–0.5 % here; 3 % is about one wrong character in a 33-character line, the point
# where a quoted clause stops reading as the original.
MAX_CER = 0.03


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def as_printed(text: str, source: Path) -> str:
    """Source text as the PDF shows it: Markdown heading marks are not printed."""
    return re.sub(r"(?m)^#{1,6}[ \t]+", "", text) if source.suffix == ".md" else text


def ids(path: Path) -> str:
    return path.name[:3] if path.name[0].isdigit() else path.stem[:4]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, fx.Printed]:
    if not os.path.exists(fx.CHROMIUM):
        pytest.skip(f"{fx.CHROMIUM} not found")
    pytest.importorskip("playwright.sync_api")
    if not fx.cjk_font_installed():
        pytest.skip("no Chinese font for Chromium (apt-get install fonts-noto-cjk)")
    out = tmp_path_factory.mktemp("pdf")
    return {p.source.name: p for p in fx.print_pdfs(SOURCES, out)}


@pytest.fixture(scope="module")
def extracted(printed) -> dict[str, tuple[bytes, object, float]]:
    """Each printed PDF's bytes, its extraction and the seconds it took."""
    reader = PdfReader()
    result = {}
    for name, p in printed.items():
        data = p.pdf.read_bytes()
        start = time.perf_counter()
        got = reader.extract(p.pdf.name, data)
        result[name] = (data, got, time.perf_counter() - start)
    return result


# ---------------------------------------------------------------- text layer


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_pdf_gives_the_clauses_of_its_source(source, extracted):
    _, got, _ = extracted[source.name]
    want = parse_document(source.name, source.read_text(encoding="utf-8"))
    have = parse_document(source.name, got.text, pages=got.pages, ocr_pages=got.ocr_pages)
    assert [c.label for c in have.clauses] == [c.label for c in want.clauses]
    for w, h in zip(want.clauses, have.clauses):
        assert squash(h.text) == squash(as_printed(w.text, source)), w.label
    assert have.document.title == want.document.title
    for key in ("issuer", "date", "doc_number", "index_number"):
        assert getattr(have.document, key) == getattr(want.document, key), key
    assert got.ocr_pages == ()


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_paragraphs_are_the_source_lines(source, extracted):
    """Stricter than the clauses: every paragraph comes back as one line, none split, none joined."""
    _, got, _ = extracted[source.name]
    printed_lines = as_printed(source.read_text(encoding="utf-8"), source).splitlines()
    want = [squash(line) for line in printed_lines if squash(line) and not line.strip().startswith("<!--")]
    assert [squash(line) for line in got.text.splitlines() if squash(line)] == want


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_page_offsets_name_the_page_a_clause_is_on(source, extracted):
    data, got, _ = extracted[source.name]
    doc = pdfium.PdfDocument(data)
    try:
        layers = [squash(doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()
    assert len(got.pages) == len(layers)
    assert got.pages[0] == 0
    assert all(a < b for a, b in zip(got.pages, got.pages[1:])), got.pages
    parsed = parse_document(source.name, got.text, pages=got.pages)
    checked = later = 0
    page = 0
    for clause in parsed.clauses:
        key = squash(clause.text)[:10]
        # The page whose own text layer holds the clause's opening words, searching forward.
        found = next((i for i in range(page, len(layers)) if key in layers[i]), None)
        if found is None:
            continue  # the opening words straddle a page break
        page = found
        assert parsed.document.page_at(clause.start) == found + 1, clause.label
        checked += 1
        later += found >= 1
    assert checked >= 0.8 * len(parsed.clauses)
    assert later > 0  # clauses on page 2 and after were checked


def test_paragraphs_continue_across_page_breaks(extracted):
    """Some clause starts on one page and ends on the next, and it still equals its source (above)."""
    spanning = 0
    for name, (_, got, _) in extracted.items():
        parsed = parse_document(name, got.text, pages=got.pages)
        spanning += sum(parsed.document.page_at(c.start) < parsed.document.page_at(c.end - 1) for c in parsed.clauses)
    assert spanning >= 5


def test_running_headers_and_page_numbers_are_dropped(extracted):
    for name, (_, got, _) in extracted.items():
        assert "样本" not in got.text, name  # the running header
        assert not [line for line in got.text.splitlines() if is_page_number(line)], name


def test_text_layer_speed(extracted):
    pages = sum(len(got.pages) for _, got, _ in extracted.values())
    seconds = sum(t for _, _, t in extracted.values())
    print(f"\ntext layer: {pages} pages in {seconds:.2f} s = {pages / seconds:.1f} pages/s")
    assert pages / seconds > 2  # PDFium is fast; this only catches a pathological slowdown


def test_plain_layout_keeps_nearly_every_clause(printed, tmp_path):
    """No paragraph spacing and no indent: only where a line ends (and the numbering) tells paragraphs
    apart. The known loss: a headline that happens to fill its line is joined to the next paragraph."""
    labels = found = same = 0
    for p in fx.print_pdfs(SOURCES, tmp_path, styles=("plain",)):
        want = parse_document(p.source.name, p.source.read_text(encoding="utf-8")).clauses
        got = PdfReader().extract(p.pdf.name, p.pdf.read_bytes())
        pairs = paired(want, parse_document(p.source.name, got.text).clauses)
        labels += len(want)
        found += len(pairs)
        same += sum(squash(h.text) == squash(as_printed(w.text, p.source)) for w, h in pairs)
    print(f"\nplain layout: {found}/{labels} clause labels found, {same}/{found} of their texts identical")
    assert found >= 0.99 * labels and same >= 0.97 * found


# ---------------------------------------------------------------- scanned pages


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def paired(want, have) -> list[tuple[object, object]]:
    """Clauses matched by label, in order (a label may repeat on a page: （一） under 一 and under 二)."""
    matcher = difflib.SequenceMatcher(None, [c.label for c in want], [c.label for c in have], autojunk=False)
    return [(want[b.a + k], have[b.b + k]) for b in matcher.get_matching_blocks() for k in range(b.size)]


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", squash(text))


@pytest.fixture(scope="module")
def scan(printed):
    """One page of a printed plan: its text layer alone (the truth) and as a 200 dpi image-only PDF, OCR'd."""
    pytest.importorskip("rapidocr_onnxruntime")
    source = next(n for n in printed if n.startswith(SCAN_SOURCE))
    data = printed[source].pdf.read_bytes()
    truth = PdfReader().extract("page.pdf", fx.single_page(data, SCAN_PAGE))
    image_pdf = fx.image_pdf(data, SCAN_PAGE, dpi=200)
    start = time.perf_counter()
    got = PdfReader().extract("scan.pdf", image_pdf)
    seconds = time.perf_counter() - start
    return truth, got, seconds


def test_scanned_page_is_read_by_ocr(scan):
    truth, got, seconds = scan
    assert got.ocr_pages == (1,)
    assert got.pages == (0,)
    want = parse_document("page", truth.text).clauses
    have = parse_document("scan", got.text).clauses
    pairs = paired(want, have)
    numbered = [c for c in want if re.search(r"[一二三四五六七八九十\d]", c.label)]
    found = sum(1 for w, _ in pairs if w in numbered)
    assert found >= 0.9 * len(numbered), ([c.label for c in want], [c.label for c in have])
    length = sum(len(squash(w.text)) for w, _ in pairs)
    raw = sum(edit_distance(squash(w.text), squash(h.text)) for w, h in pairs) / length
    cer = sum(edit_distance(folded(w.text), folded(h.text)) for w, h in pairs) / length
    print(f"\nOCR: {found}/{len(numbered)} numbered clauses found; CER {cer:.4f} (width-folded), "
          f"{raw:.4f} raw, over {length} characters; {seconds:.1f} s for the page ({1 / seconds:.2f} pages/s, "
          "the first OCR also loads the models, ~1 s)")
    assert cer <= MAX_CER


def test_a_scanned_page_inside_a_text_pdf(printed, capfd):
    """A text page followed by a scanned one (the plan's last two pages): only the scan is OCR'd, the
    paragraph running from the text page onto the scan is joined, the offsets name both pages, and
    the progress bar reports on stderr."""
    pytest.importorskip("rapidocr_onnxruntime")
    source = next(p for p in printed.values() if p.source.name.startswith(SCAN_SOURCE))
    data = source.pdf.read_bytes()
    text_doc, scan_doc = pdfium.PdfDocument(data), pdfium.PdfDocument(fx.image_pdf(data, -1, dpi=200))
    mixed = pdfium.PdfDocument.new()
    try:
        mixed.import_pages(text_doc, [len(text_doc) - 2])
        mixed.import_pages(scan_doc, [0])
        buf = io.BytesIO()
        mixed.save(buf)
    finally:
        for d in (mixed, text_doc, scan_doc):
            d.close()
    start = time.perf_counter()
    got = PdfReader(progress=True).extract("mixed.pdf", buf.getvalue())
    seconds = time.perf_counter() - start
    assert got.ocr_pages == (2,)
    assert len(got.pages) == 2 and 0 == got.pages[0] < got.pages[1] < len(got.text)
    doc = parse_document("mixed.pdf", got.text, pages=got.pages, ocr_pages=got.ocr_pages)
    both = next(c for c in doc.clauses if squash(c.text).startswith("(四)营造舆论氛围"))
    assert doc.document.page_at(both.start) == 1 and not doc.document.is_ocr(both.start)
    assert doc.document.page_at(both.end - 1) == 2 and doc.document.is_ocr(both.end - 1)
    original = next(c for c in parse_document("t", source.source.read_text(encoding="utf-8")).clauses
                    if squash(c.text).startswith("(四)营造舆论氛围"))
    assert edit_distance(folded(original.text), folded(both.text)) <= MAX_CER * len(folded(original.text))
    err = capfd.readouterr().err
    assert "OCR mixed.pdf" in err and "1/1" in err
    print(f"\nOCR inside a text PDF: {seconds:.1f} s for 1 text page + 1 scanned page")


# ---------------------------------------------------------------- bad input


def _bad_inputs() -> dict[str, tuple[bytes, dict, str]]:
    """name → (bytes, reader options, a word the message must contain)."""
    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()
    return {
        "random": (os.urandom(4096), {}, "not a PDF"),
        "empty": (b"", {}, "not a PDF"),
        "garbled": (b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF\n", {}, "damaged"),
        "encrypted": (fx.encrypted_pdf(), {}, "password"),
        "500-pages": (fx.many_pages_pdf(500), {}, "limit of 400"),
        "blank": (bytes(blank.output()), {}, "blank"),
    }


@pytest.mark.parametrize("case", list(_bad_inputs()))
def test_bad_pdf_is_refused_in_one_line(case):
    data, options, word = _bad_inputs()[case]
    with pytest.raises(CorpusError) as err:
        PdfReader(**options).extract(f"{case}.pdf", data)
    message = str(err.value)
    assert message.startswith(f"{case}.pdf: ") and "\n" not in message and word in message, message
    assert "Traceback" not in message


def test_truncated_pdf_is_refused(printed):
    data = next(iter(printed.values())).pdf.read_bytes()
    with pytest.raises(CorpusError) as err:
        PdfReader().extract("cut.pdf", data[: len(data) // 2])
    assert "truncated" in str(err.value) and "\n" not in str(err.value)


def test_scan_without_ocr_is_refused(printed):
    data = next(iter(printed.values())).pdf.read_bytes()
    with pytest.raises(CorpusError) as err:
        PdfReader(ocr=False).extract("scan.pdf", fx.image_pdf(data, 0, dpi=100))
    assert str(err.value) == "scan.pdf: no text in the PDF (scanned pages without a text layer, and OCR is off)"


def test_max_pages_is_an_option():
    data = fx.many_pages_pdf(500)
    with pytest.raises(CorpusError, match="500 pages, more than the limit of 100"):
        PdfReader(max_pages=100).extract("many.pdf", data)


# ---------------------------------------------------------------- pure functions on plain values

# A column 100 units wide at em = 5 (20 characters a line), lines 7.5 apart.
LAY = Layout(left=0.0, right=100.0, em=5.0, pitch=7.5)


def line(text: str, y: float, x0: float = 0.0, x1: float | None = None) -> Line:
    width = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text) * 5.0
    return Line(text, x0, x0 + width if x1 is None else x1, y, y + 5.0)


def test_reflow_joins_wrapped_lines_and_breaks_paragraphs():
    page1 = [
        line("这是第一段的第一行文字很长很长很长很长很", 0),  # full: it wraps
        line("长的第二行结束了。", 7.5),  # ends short after a full stop: the paragraph ends
        line("第二段没有缩进也没有空行写满了整行为止。", 15),  # full, but ends with a stop ...
        line("（一）编号开始新的一段文字很长很长很长很", 22.5),  # ... so a marker starts a paragraph
        line("而且这一段一直写到了这一页的最后一行的末", 30),
    ]
    page2 = [
        line("尾还没有写完。", 10),  # continues across the page break
        line("缩进的新段落。", 17.5, x0=10.0),  # indented
        line("空行之后的新段落。", 40),  # after a vertical gap
    ]
    text, pages = reflow([page1, page2], [LAY, LAY])
    assert text.splitlines() == [
        "这是第一段的第一行文字很长很长很长很长很长的第二行结束了。",
        "第二段没有缩进也没有空行写满了整行为止。",
        "（一）编号开始新的一段文字很长很长很长很而且这一段一直写到了这一页的最后一行的末尾还没有写完。",
        "缩进的新段落。",
        "空行之后的新段落。",
    ]
    assert pages == (0, text.index("尾还没有"))


def test_reflow_keeps_an_inline_list_wrapped_at_its_marker():
    prev = line("本条所称的情形包括下列事项以及其他需要的", 0)  # full, mid-sentence
    assert not breaks_before(prev, line("（二）其他事项。", 7.5), LAY)
    after_stop = line("本条所称的情形包括下列事项以及其他需要。", 0)
    assert breaks_before(after_stop, line("（二）其他事项。", 7.5), LAY)


def test_reflow_joins_a_wrapped_centred_title_but_not_a_signature():
    title = [line("某某市卫生健康委员会关于印发某某工作方案", 0, x0=5.0, x1=95.0), line("的通知", 7.5, x0=42.5)]
    assert reflow([title], [LAY])[0] == "某某市卫生健康委员会关于印发某某工作方案的通知"
    signature = [line("某某市卫生健康委员会", 0, x0=25.0), line("2023年8月10日", 7.5, x0=30.0)]
    assert reflow([signature], [LAY])[0].splitlines() == ["某某市卫生健康委员会", "2023年8月10日"]


def test_reflow_keeps_latin_words_apart_and_a_long_token_joined():
    lines = [line("经费按照 2025 年预算的 3.5%执行 and the", 0, x1=97.0), line("report follows。", 7.5)]
    assert reflow([lines], [LAY])[0] == "经费按照 2025 年预算的 3.5%执行 and the report follows。"
    # 20 units left after 。, but the next line opens with a ~44-unit unbreakable code: a wrap.
    wrapped = [line("示例。", 0, x1=80.0), line("MLX15/2023-0000", 7.5)]
    assert "\n" not in reflow([wrapped], [LAY])[0]


def test_a_few_lines_take_the_right_margin_from_the_page():
    """Two one-line paragraphs alone do not show where a full line ends; the page's mirrored left
    margin does."""
    lines = [line("斜体的中文条款正常。", 0, x0=50.0), line("粗体标题", 20, x0=50.0)]
    lay = measure(lines, page_pitches(lines), page_width=600.0)
    assert lay.right == 550.0
    assert reflow([lines], [lay])[0] == "斜体的中文条款正常。\n粗体标题"


def test_empty_pages_keep_offsets_in_order():
    text, pages = reflow([[line("第一页。", 0)], [], [line("第三页。", 0)]], [LAY] * 3)
    assert text == "第一页。\n第三页。" and pages == (0, 5, 5)


def test_headers_footers_and_page_numbers_are_found():
    pages = []
    for n in range(1, 4):
        body = [line(f"正文第{n}页的内容。", 60), line("本页其余正文。", 70)]
        furniture = [line("某某市卫生健康委员会文件", 5), line(f"- {n} -", 190), line(f"第{n}页 共3页", 195)]
        pages.append(reading_order(furniture + body))
    pages[0].insert(1, line("一、总体要求", 15))  # top of one page only: body text
    kept = strip_furniture(pages, [200.0] * 3)
    assert [[ln.text for ln in page] for page in kept] == [
        ["一、总体要求", "正文第1页的内容。", "本页其余正文。"],
        ["正文第2页的内容。", "本页其余正文。"],
        ["正文第3页的内容。", "本页其余正文。"],
    ]


def test_a_one_page_file_loses_a_small_header_but_keeps_its_larger_title():
    def sized(text: str, y: float, size: float) -> Line:
        return Line(text, 0.0, 100.0, y, y + size)

    page = [sized("妇幼健康服务提升计划 · 样本", 4, 3), sized("某市妇幼健康服务提升计划", 14, 8),
            *(sized(f"正文第{n}行。", 30 + 8 * n, 5) for n in range(6))]
    assert [ln.text for ln in strip_furniture([page], [200.0])[0]][:2] == ["某市妇幼健康服务提升计划", "正文第0行。"]
    # The same small line with body text right under it (a note, not a header) stays.
    close = [sized("小字说明", 10, 3), sized("紧接其后的正文。", 13.5, 5), *page[2:]]
    assert strip_furniture([close], [200.0])[0][0].text == "小字说明"


@pytest.mark.parametrize("text", ["3", "- 3 -", "— 12 —", "第3页", "第 3 页 共 10 页", "共10页 第3页", "3/10", "3 / 10", "Page 3 of 10"])
def test_page_number_forms(text):
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["2023年", "第三条", "3.5%", "一、总体要求", "(3)"])
def test_not_page_numbers(text):
    assert not is_page_number(text)


def test_ocr_boxes_are_filtered_by_confidence_and_read_in_order():
    result = [
        [[[300, 30], [600, 30], [600, 60], [300, 60]], "第二段", 0.97],
        [[[30, 90], [300, 90], [300, 120], [30, 120]], "下一行", 0.99],
        [[[30, 32], [270, 32], [270, 62], [30, 62]], "第一段", 0.95],
        [[[700, 200], [720, 200], [720, 220], [700, 220]], "丨", 0.41],  # a speck
    ]
    boxes = ocr_boxes(result, scale=3.0)
    assert len(boxes) == 3 and boxes[0][1:] == (100.0, 200.0, 10.0, 20.0)
    assert [ln.text for ln in group_boxes(boxes)] == ["第一段 第二段", "下一行"]


def test_fake_bold_is_read_once_but_ligatures_keep_their_characters():
    heading = [Char(c, 10 * i, 10 * i + 10, 0, 10, run=1) for i, c in enumerate("重点任务")]
    bold_copy = [Char(c.text, c.x0 + 0.3, c.x1 + 0.3, 0.2, 10.2, run=2) for c in heading]
    dash = [Char("—", 50, 70, 0, 10, run=1), Char("—", 50, 70, 0, 10, run=1)]  # one '——' glyph
    lines = group_chars(dedupe_chars(heading + bold_copy + dash))
    assert [ln.text for ln in lines] == ["重点任务——"]


def test_kangxi_radicals_become_ideographs():
    assert "".join(map(clean_char, "\u2f8f\u52d5\u8a08\u5283")) == "行動計劃"
    assert clean_char("，") == "，" and clean_char("\ufb01") == "fi"
