"""HtmlReader on government-style pages made from the five sample plans and three regulations, real libraries only.

Each plan's .txt becomes a page (tests/html_fixtures.py) in four layouts; parsing the page's text must give
the clauses, title and metadata that parsing the .txt gives, with none of the page's furniture.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.html import HtmlReader
from assistant.parser import ParsedDocument, parse_document

from html_fixtures import FURNITURE, LAYOUTS, SMALL_TITLE, government_page, page, regulation_page

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "corpus").glob("*.txt"))
REGULATIONS = sorted((ROOT / "tests" / "fixtures" / "regulations").glob("*条例*.md"))
# How each plan's page is written: 000 and 003 in GB2312 declared by <meta charset> (000's "—", not in
# GB2312, as a &#…; reference), 001 (Traditional Chinese) in GBK declared by http-equiv, 004 (news) with
# its title only in the <h1>.
PAGE_OPTIONS = {
    "000": {"charset": "gb2312"},
    "001": {"charset": "gbk", "declare": "http-equiv"},
    "002": {},
    "003": {"charset": "gb2312"},
    "004": {"title_in_body": False},
}
META = ("title", "issuer", "date", "doc_number", "index_number")
READER = HtmlReader()


def txt_of(prefix: str) -> Path:
    return next(p for p in PLANS if p.name.startswith(prefix))


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(plan prefix or regulation name, layout) → the page written in a temporary folder."""
    folder = tmp_path_factory.mktemp("html-pages")
    built = {}
    for txt in PLANS:
        text = txt.read_text(encoding="utf-8")
        title = parse_document(txt.name, text).document.title
        for layout in LAYOUTS:
            path = folder / f"{txt.stem}-{layout}.html"
            path.write_bytes(government_page(text, title, layout=layout, **PAGE_OPTIONS[txt.name[:3]]))
            built[txt.name[:3], layout] = path
    for md in REGULATIONS:
        path = folder / f"{md.stem}.htm"
        path.write_bytes(regulation_page(md.read_text(encoding="utf-8")))
        built[md.stem, "p"] = path
    return built


def extract(path: Path) -> Extracted:
    return READER.extract(path.name, path.read_bytes())


def parsed_page(path: Path) -> ParsedDocument:
    return parse_document(path.name, extract(path).text)


def parsed_txt(path: Path) -> ParsedDocument:
    return parse_document(path.name, path.read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def clauses(parsed: ParsedDocument, strip_markdown: bool = False) -> list[tuple[str, int, str]]:
    """(label, part, text without whitespace) of every clause; a Markdown heading's "#"s left out on request."""
    texts = [squash(c.text) for c in parsed.clauses]
    if strip_markdown:
        texts = [re.sub(r"^#+", "", text) for text in texts]
    return [(c.label, c.part, text) for c, text in zip(parsed.clauses, texts)]


def metadata(parsed: ParsedDocument) -> dict[str, str | None]:
    return {key: getattr(parsed.document, key) for key in META}


# --- the five plans ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("prefix", sorted(PAGE_OPTIONS))
def test_a_plan_page_has_the_txt_clauses_in_order(pages, prefix, layout):
    want = clauses(parsed_txt(txt_of(prefix)))
    got = clauses(parsed_page(pages[prefix, layout]))
    assert [label for label, _, _ in got] == [label for label, _, _ in want]
    assert got == want


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("prefix", sorted(PAGE_OPTIONS))
def test_a_plan_page_has_the_txt_title_and_metadata(pages, prefix, layout):
    assert metadata(parsed_page(pages[prefix, layout])) == metadata(parsed_txt(txt_of(prefix)))


def test_the_metadata_is_read_from_the_table_not_the_article(pages):
    """002 and 003 carry their 索引号 / 发文单位 / 文号 / 日期 only in the page's table; it still reaches the parser."""
    for prefix in ("002", "003"):
        html = pages[prefix, "p"].read_bytes().decode(PAGE_OPTIONS[prefix].get("charset", "utf-8"))
        article = html[html.index('<div class="article">') :]
        assert "索 引 号" not in article and "索 引 号" in html
    assert metadata(parsed_page(pages["002", "p"])) == {
        "title": "木垒县“健康中国”行动工作落实情况", "issuer": "木垒县卫生健康委员会", "date": "2023-09-14",
        "doc_number": None, "index_number": "MLX15/2023-000018",
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_metadata_opens_the_text_once_as_key_value_lines(pages, layout):
    lines = extract(pages["003", layout]).text.splitlines()
    assert lines[:6] == [
        "索引号：0352yunzh/2023-00346",
        "信息分类：政府办文件",
        "发布机构：大同市云州区人民政府办公室",
        "发布日期：2023-08-25 16:00",
        "标题：大同市云州区人民政府办公室关于印发《大同市云州区县级医疗机构综合能力提升三年行动方案》的通知",
        "文号：云州政办发〔2023〕26号",
    ]
    assert sum("0352yunzh" in line for line in lines) == 1 and not any(line.startswith("时效") for line in lines)


def test_the_h1_opens_the_text_when_the_article_does_not_print_the_title(pages):
    title = parsed_txt(txt_of("004")).document.title
    html = pages["004", "p"].read_text(encoding="utf-8")
    assert html[html.index('<div class="article">') :].count(title) == 0
    assert extract(pages["004", "p"]).text.splitlines()[0] == title


def test_a_title_the_article_prints_is_not_added_again(pages):
    text = extract(pages["000", "p"]).text
    title = parsed_txt(txt_of("000")).document.title
    assert text.splitlines()[0] == title
    assert text.count(title) == txt_of("000").read_text(encoding="utf-8").count(title)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("prefix", sorted(PAGE_OPTIONS))
def test_page_furniture_is_left_out(pages, prefix, layout):
    text = extract(pages[prefix, layout]).text
    txt = txt_of(prefix).read_text(encoding="utf-8")
    assert [junk for junk in FURNITURE if junk in text and junk not in txt] == []
    assert not any(line.startswith(("扫一扫", "相关文档", "相关主题", "（声明", "(声明")) for line in text.splitlines())


def test_gb2312_and_gbk_pages_are_decoded(pages):
    words = {"000": "行动计划(2019—2022年)", "001": "欽州市衛生健康委員會", "003": "云州政办发〔2023〕26号"}
    for prefix, expected in words.items():
        data = pages[prefix, "p"].read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert expected in extract(pages[prefix, "p"]).text
    assert b"&#8212;" in pages["000", "p"].read_bytes()  # "—" written as a reference


def test_a_page_has_no_pages(pages):
    assert HtmlReader.suffixes == (".html", ".htm")
    extracted = extract(pages["000", "p"])
    assert extracted.pages == () and extracted.ocr_pages == ()


# --- regulations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("md", REGULATIONS, ids=lambda p: p.stem[:6])
def test_a_regulation_page_has_the_articles_under_their_chapters(pages, md):
    want, got = parsed_txt(md), parsed_page(pages[md.stem, "p"])
    assert clauses(got) == clauses(want, strip_markdown=True)
    assert [c.path for c in got.clauses] == [c.path for c in want.clauses]
    assert metadata(got) == metadata(want)
    assert any(c.label == "第一条" for c in got.clauses)


# --- single features --------------------------------------------------------------------------------------


def read(body: str, name: str = "feature.html", **kwargs) -> str:
    return READER.extract(name, page(body, **kwargs)).text


ARTICLE = f"<p>{SMALL_TITLE}</p><p>一、总体要求</p><p>为进一步提升基层医疗卫生服务能力，推动优质资源下沉，制定本方案。</p>"


@pytest.mark.parametrize("markup", [
    "<table><tr><td>索引号：000014349/2023-00123</td><td>发文机关：某市卫生健康委员会</td></tr></table>",
    "<table><tr><th>索 引 号</th><td>000014349/2023-00123</td><th>发文机关</th><td>某市卫生健康委员会</td></tr></table>",
    "<div class='xxgk'><b>索引号：</b>000014349/2023-00123<br><b>发文机关：</b>某市卫生健康委员会</div>",
    "<dl><dt>索引号</dt><dd>000014349/2023-00123</dd><dt>发文机关</dt><dd>某市卫生健康委员会</dd></dl>",
    "<ul><li><span>索引号：</span><span>000014349/2023-00123</span></li><li>发文机关：某市卫生健康委员会</li></ul>",
], ids=["kv-cells", "th-td", "b-br", "dl", "li-span"])
def test_metadata_is_read_in_the_forms_pages_use(markup):
    text = read(markup + f"<div class='article'>{ARTICLE}</div>")
    assert text.splitlines()[:2] == ["索引号：000014349/2023-00123", "发文机关：某市卫生健康委员会"]
    doc = parse_document("feature.html", text).document
    assert (doc.index_number, doc.issuer) == ("000014349/2023-00123", "某市卫生健康委员会")


def test_a_data_table_in_the_article_keeps_its_rows_and_its_header_of_labels():
    table = ("<table><tr><th>序号</th><th>名称</th><th>责任单位</th></tr>"
             "<tr><td>1</td><td>胸痛中心</td><td>区人民医院</td></tr></table>")
    lines = read(f"<div class='article'>{ARTICLE}{table}</div>").splitlines()
    assert lines[-2:] == ["序号 | 名称 | 责任单位", "1 | 胸痛中心 | 区人民医院"]


def test_a_byline_above_the_article_gives_the_date_and_issuer():
    text = read("<div class='info'>发布时间：2023-03-01　来源：广州市卫生健康委员会</div>"
                f"<div class='article'>{ARTICLE}</div>")
    doc = parse_document("feature.html", text).document
    assert (doc.date, doc.issuer) == ("2023-03-01", "广州市卫生健康委员会")


def test_a_line_break_in_the_source_inside_a_chinese_sentence_is_no_space():
    text = read("<div class='article'><p>为进一步提升基层医疗卫生\n      服务能力，推动优质资源下沉，制定本方案。</p></div>")
    assert "基层医疗卫生服务能力" in text


def test_a_utf8_page_that_still_declares_gb2312_is_read_as_utf8():
    text = read(f"<div class='article'>{ARTICLE}</div>", head='<meta charset="gb2312"><title>方案</title>')
    assert "为进一步提升基层医疗卫生服务能力" in text


SENTENCE = "为进一步提升基层医疗卫生服务能力，推动优质医疗资源扩容下沉，满足群众就近就医需求，结合本市实际，制定本方案。"


def test_a_covering_notice_beside_the_article_is_kept():
    notice = ("<div class='notice'><p>各区卫生健康局：</p><p>现将《某市基层医疗卫生服务能力提升方案》印发给你们，"
              "请结合实际认真贯彻落实，并于每季度末报送工作进展情况。</p><p>某市卫生健康委员会</p><p>2023年3月1日</p></div>")
    text = read(f"{notice}<div class='article'>{ARTICLE}<p>{SENTENCE * 3}</p></div>")
    assert "请结合实际认真贯彻落实" in text and SENTENCE in text
    doc = parse_document("feature.html", text).document
    assert (doc.issuer, doc.date) == ("某市卫生健康委员会", "2023年3月1日")


def test_headings_and_a_signature_beside_a_section_of_the_article_are_kept():
    section = f"<div class='section'><p>（一）工作目标。{SENTENCE}</p><p>（二）基本原则。{SENTENCE}</p></div>"
    text = read(f"<div class='article'><p>{SMALL_TITLE}</p><p>一、总体要求</p>{section}"
                "<p>某市卫生健康委员会</p><p>2023年3月1日</p></div>")
    labels = [c.label for c in parse_document("feature.html", text).clauses]
    assert labels == ["一", "一（一）", "一（二）"] and text.rstrip().endswith("2023年3月1日")


def test_a_sidebar_named_as_such_is_left_out_even_with_numbered_lines():
    side = "<div class='side'><h3>热点专题</h3><p>1.健康中国行动</p><p>2.爱国卫生月</p><p>2023年3月1日</p></div>"
    text = read(f"{side}<div class='article'>{ARTICLE}<p>{SENTENCE}</p></div>")
    assert "健康中国行动" not in text and "热点专题" not in text and SENTENCE in text


def test_link_lists_and_previous_next_links_inside_the_article_are_left_out():
    links = ("<p>上一篇：<a href='/a'>关于开展爱国卫生月活动的通知</a></p>"
             "<ul><li><a href='/1'>国家卫生健康委员会</a></li><li><a href='/2'>省卫生健康委员会</a></li></ul>"
             "<p>附件：<a href='/f/1.docx'>重点任务分工表</a> <a href='/f/2.pdf'>项目清单</a></p>")
    text = read(f"<div class='article'>{ARTICLE}{links}</div>")
    assert "上一篇" not in text and "国家卫生健康委员会" not in text
    assert "附件：重点任务分工表 项目清单" in text  # attachments are the document's, not the site's


# --- bad input --------------------------------------------------------------------------------------------


NAV_ONLY = page("<header><nav><a href='/'>首页</a><a href='/a'>政务公开</a></nav></header>"
                "<div class='crumb'>当前位置：<a href='/'>首页</a> &gt; <a href='/a'>政策文件</a></div>"
                "<div class='list'><a href='/1'>关于印发2023年卫生健康工作要点的通知</a><a href='/2'>全市卫生健康工作会议召开</a></div>"
                "<footer>版权所有</footer>")
ATTACHMENT_ONLY = page("<div class='article'><p><a href='/f/plan.pdf'>卫生健康服务能力提升行动计划.pdf</a></p></div>")


@pytest.mark.parametrize("data, reason", [
    (b'<html><head><meta charset="utf-8"></head><body><p>' + bytes([0xFF, 0x80, 0xFE]) * 40 + b"</p></body></html>",
     "not valid UTF-8 or GB18030"),
    (b'<html><head><meta charset="gb2312"></head><body><p>' + bytes([0xFF, 0x80, 0xFE]) * 40 + b"</p></body></html>",
     "declares gb2312"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "a PNG image, not an HTML page"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF file, not an HTML page"),
    (bytes(range(256)) * 4, "binary data, not an HTML page"),
    ("这是一份保存成网页后缀的纯文本说明，里面没有任何标记。".encode("utf-8"), "no HTML markup"),
    (b"", "no HTML markup"),
    (NAV_ONLY, "no article text"),
    (ATTACHMENT_ONLY, "no article text"),
], ids=["undecodable", "undecodable-declared", "png", "pdf", "binary", "plain-text", "empty", "navigation-only",
        "attachment-only"])
def test_bad_input_is_refused_in_one_line_naming_the_file(data, reason):
    with pytest.raises(CorpusError) as caught:
        READER.extract("政策/某页面.html", data)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("政策/某页面.html: ") and reason in message
