"""The 文档管理 tab speaks Chinese: every refusal the real code produces (collection checks, the readers,
a failed index build) reaches the browser translated, keeping its names, numbers and technical detail;
a reason nobody translated is shown as it is."""
from __future__ import annotations

import hashlib
import html
import re
import zipfile
from pathlib import Path

import docx
import pytest

import docx_fixtures as fx
import html_fixtures as hx
import pdf_fixtures as px
from assistant.collection import MAX_NAME_CHARS, Outcome, add_files, check_file, remove_document
from assistant.config import Config
from assistant.corpus import load_document
from assistant.index import build_index
from assistant.ingest import CorpusError, extract
from assistant.librarian import FileState
from assistant.ui.documents import delete, render_states, upload
from assistant.ui.wording import zh_outcome, zh_reason

PLAN = "某县卫生健康工作要点\n\n一、基层服务\n\n（一）家庭医生签约率达到75%。\n".encode("utf-8")

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What may stay in Latin letters: parenthesised detail that is all ASCII (PDFium's, zipfile's, lxml's own
# words), file names and suffixes (notes.txt, .docx, word/document.xml).
TECHNICAL = re.compile(r"[（(][\x20-\x7e]*[）)]")
FILE_NAME = re.compile(r"[\w\-]*\.\w+")
ENGLISH_WORDS = re.compile(r"\b[a-z]+(?:\s+[a-z]+){2,}\b", re.IGNORECASE)


def english_left(text: str) -> list[str]:
    return ENGLISH_WORDS.findall(FILE_NAME.sub(" ", TECHNICAL.sub(" ", text)))


def assert_chinese(zh: str, english: str) -> None:
    assert CHINESE.search(zh), f"not translated: {english!r}"
    assert not english_left(zh), f"English left in {zh!r} (from {english!r})"


def refused(name: str, data: bytes, existing: dict[str, str] | None = None, **kwargs) -> str:
    reason = check_file(name, data, existing or {}, **kwargs)
    assert reason, f"{name} was accepted"
    return reason


def added(tmp_path: Path, name: str, data: bytes = PLAN) -> str:
    outcome, = add_files(tmp_path / "corpus", [(name, data)])
    assert outcome.status == "refused"
    return outcome.reason


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return fx.save(document)


def _zip_bomb(tmp_path: Path) -> bytes:
    """210 MB of zeros packed into a few hundred KB (over the 200 MB a .docx may unpack to)."""
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(bytes(2**20))
    return bomb.read_bytes()


def _blank_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


def _extract_refusal(name: str, data: bytes) -> str:
    with pytest.raises(CorpusError) as caught:
        extract(name, data)
    return str(caught.value).removeprefix(name + ": ")


NAV_ONLY = hx.page("<header><nav><a href='/'>首页</a><a href='/a'>政务公开</a></nav></header>"
                   "<div class='list'><a href='/1'>关于印发2023年卫生健康工作要点的通知</a></div>"
                   "<footer>版权所有</footer>")

# id → (how the real code refuses it, what the Chinese must still say)
REFUSALS = {
    "not-utf8-text": (lambda t: refused("latin.txt", "caf\xe9".encode("latin-1")), ["UTF-8", "GB18030"]),
    "bad-utf16": (lambda t: refused("notes.txt", b"\xff\xfe\x00"), ["UTF-16"]),
    "empty": (lambda t: refused("empty.txt", b""), ["空文件"]),
    "unsupported-suffix": (lambda t: refused("幻灯片.key", b"\xd0\xcf\x11\xe0"), [".key", ".docx"]),
    "no-suffix": (lambda t: refused("README", PLAN), ["扩展名", ".txt"]),
    "no-reader": (lambda t: _extract_refusal("幻灯片.key", b"x"), [".key", ".pdf"]),
    "too-big": (lambda t: refused("big.txt", b"x" * 1_500_000, max_bytes=1_000_000), ["1.5 MB", "1 MB"]),
    "duplicate": (lambda t: refused("copy.txt", PLAN, {"kept.txt": hashlib.sha256(PLAN).hexdigest()}),
                  ["与已收录的 kept.txt 内容完全相同"]),
    "folder-in-name": (lambda t: added(t, "../escape.txt"), ["文件夹"]),
    "control-character": (lambda t: added(t, "a\x00.txt"), ["控制字符"]),
    "long-name": (lambda t: added(t, "长" * (MAX_NAME_CHARS + 1) + ".txt"), [f"{MAX_NAME_CHARS} 个字符"]),
    "no-pdf-header": (lambda t: refused("x.pdf", b"hello, not a pdf"), ["%PDF"]),
    "truncated-pdf": (lambda t: refused("cut.pdf", px.many_pages_pdf(1)[:300]), ["不完整"]),
    "encrypted-pdf": (lambda t: refused("secret.pdf", px.encrypted_pdf()), ["密码"]),
    "too-many-pages": (lambda t: refused("long.pdf", px.many_pages_pdf(500)), ["共 500 页，超过 400 页的上限；请拆分文件"]),
    "blank-pdf": (lambda t: refused("blank.pdf", _blank_pdf()), ["空白"]),
    "zip-bomb": (lambda t: refused("bomb.docx", _zip_bomb(t)), ["压缩炸弹", "200 MB"]),
    "packed-too-tight": (lambda t: refused("dense.docx", fx.zip_of({"[Content_Types].xml": b"<Types/>",
                                                                 "word/document.xml": bytes(20 * 2**20)})),
                         ["word/document.xml", "100:1"]),
    "not-a-zip": (lambda t: refused("plain.docx", "只是文字".encode()), [".docx", "zip"]),
    # An old Word file named .docx is read as one (through LibreOffice); one that is damaged says so.
    "old-doc": (lambda t: refused("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)), [".doc", "LibreOffice"]),
    "cut-zip": (lambda t: refused("cut.docx", _docx("一、总则")[:2000]), ["zip 压缩包已损坏或不完整（"]),
    "zip-without-word": (lambda t: refused("notes.docx", fx.zip_of({"notes.txt": b"hello"})),
                         ["word/document.xml", "zip 压缩包"]),
    "excel-as-docx": (lambda t: refused("book.docx", fx.zip_of({"[Content_Types].xml": b"<Types/>",
                                                           "xl/workbook.xml": b"<workbook/>"})), ["Excel"]),
    "docx-python-docx-cannot-open": (lambda t: refused("broken.docx", fx.zip_of({
        "[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<"})),
        ["Word 文档"]),
    "docx-without-text": (lambda t: refused("empty.docx", _docx("", "   ")), ["没有文字"]),
    "html-navigation-only": (lambda t: refused("列表页.html", NAV_ONLY), ["正文", "附件"]),
    "png-as-html": (lambda t: refused("图.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), ["PNG 图片"]),
    "html-without-markup": (lambda t: refused("说明.html", "这是一份保存成网页后缀的纯文本说明。".encode()), [".txt"]),
    "html-wrong-charset": (lambda t: refused("页.html", b'<html><head><meta charset="gb2312"></head><body><p>'
                                              + bytes([0xFF, 0x80, 0xFE]) * 40 + b"</p></body></html>"),
                           ["gb2312", "UTF-8"]),
    "remove-missing": (lambda t: remove_document(t, "missing.txt").reason, ["文档库中没有"]),
    "remove-unsafe": (lambda t: remove_document(t, "../x.txt").reason, ["文件夹"]),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_every_refusal_reads_in_chinese_and_keeps_its_facts(tmp_path, case):
    produce, facts = REFUSALS[case]
    english = produce(tmp_path)
    zh = zh_reason(english)
    assert_chinese(zh, english)
    for fact in facts:
        assert fact in zh, f"{fact!r} lost in {zh!r}"


def test_technical_detail_stays_as_the_library_wrote_it():
    english = refused("cut.docx", _docx("一、总则")[:2000])
    detail = re.search(r"\((.*)\)", english)[1]  # zipfile's own words
    assert f"（{detail}）" in zh_reason(english)


def test_a_reason_the_index_kept_with_its_file_name(tmp_path):
    """The index manifest keeps 'name: reason'; the name stays, the reason is translated."""
    path = tmp_path / "secret.pdf"
    path.write_bytes(px.encrypted_pdf())
    with pytest.raises(CorpusError) as caught:
        load_document(path)
    zh = zh_reason(str(caught.value))
    assert zh.startswith("secret.pdf：PDF 已加密")
    assert_chinese(zh, str(caught.value))


def _failed_build(corpus: Path) -> str:
    """Librarian.last_error after a build that failed."""
    def no_embedding():
        raise AssertionError("nothing should be embedded")

    with pytest.raises(Exception) as caught:
        build_index(Config(corpus_dir=corpus, index_dir=corpus.parent / "index"), no_embedding, progress=False)
    return f"{type(caught.value).__name__}: {caught.value}"


def test_a_failed_build_says_why_in_chinese_for_every_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    empty = _failed_build(corpus)
    assert_chinese(zh_reason(empty), empty)
    (corpus / "bad.txt").write_bytes("caf\xe9".encode("latin-1"))
    (corpus / "secret.pdf").write_bytes(px.encrypted_pdf())
    error = _failed_build(corpus)
    zh = zh_reason(error)
    assert_chinese(zh, error)
    assert str(corpus) in zh and "bad.txt：不是 UTF-8" in zh and "secret.pdf：PDF 已加密（设有密码）；请去除密码后另存" in zh


@pytest.mark.parametrize("reason", ["the moon is made of green cheese",
                                    "OSError: [Errno 28] No space left on device",
                                    "x.pdf: something nobody has translated yet"])
def test_an_unknown_reason_is_shown_unchanged(reason):
    assert zh_reason(reason) == reason


def test_each_outcome_in_chinese(tmp_path):
    corpus = tmp_path / "corpus"
    first = add_files(corpus, [("基层卫生服务提升方案.txt", PLAN), ("notes.txt", b"\xff\xfe\x00")])
    again = add_files(corpus, [("基层卫生服务提升方案.txt", PLAN)])
    changed = add_files(corpus, [("基层卫生服务提升方案.txt", PLAN + "（二）新增一条。\n".encode())])
    gone = remove_document(corpus, "基层卫生服务提升方案.txt")
    lines = [zh_outcome(o) for o in first + again + changed + [gone]]
    assert lines == ["基层卫生服务提升方案.txt：已加入",
                     "notes.txt：未收录（以 UTF-16 标记开头，但不是有效的 UTF-16 文本（truncated data））",
                     "基层卫生服务提升方案.txt：未改变（已在文档库中）",
                     "基层卫生服务提升方案.txt：已替换",
                     "基层卫生服务提升方案.txt：已删除"]
    assert first[1].line().startswith("notes.txt: refused (starts with a UTF-16 mark")  # the CLI keeps English


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_the_state_table_shows_reasons_in_chinese():
    reason = refused("notes.txt", "caf\xe9".encode("latin-1"))
    kept = "secret.pdf: " + refused("secret.pdf", px.encrypted_pdf())  # as the index manifest keeps it
    states = [FileState("notes.txt", "refused", reason), FileState("secret.pdf", "refused", kept)]
    shown = _plain(render_states(states, busy=False, error="CorpusError: no document in /srv/corpus could be read"))
    assert "不是 UTF-8、UTF-16 或 GB18030 编码的文本；请另存为 UTF-8 后重新上传" in shown
    assert "secret.pdf：PDF 已加密" in shown and "索引更新失败：文件夹 /srv/corpus 中没有一份文档能够读取" in shown
    assert not english_left(shown)


class FolderLibrarian:
    """What upload() and delete() need of a Librarian: the same checks, without the background build."""

    def __init__(self, corpus: Path):
        self.corpus = corpus

    def add(self, files, folder=""):
        return add_files(self.corpus, files, folder=folder)

    def remove(self, name):
        return remove_document(self.corpus, name)


def test_upload_and_delete_messages_are_chinese(tmp_path):
    librarian = FolderLibrarian(tmp_path / "corpus")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "基层卫生服务提升方案.txt").write_bytes(PLAN)
    (uploads / "notes.txt").write_bytes("caf\xe9".encode("latin-1"))
    shown = _plain(upload(librarian, True, [str(p) for p in sorted(uploads.iterdir())], uploads_root=str(tmp_path)))
    assert "基层卫生服务提升方案.txt：已加入" in shown
    assert "notes.txt：未收录（不是 UTF-8、UTF-16 或 GB18030 编码的文本；请另存为 UTF-8 后重新上传）" in shown
    assert not english_left(shown) and not uploads.exists()  # Gradio's copies are gone, and the folder it made
    assert "missing.txt：未收录（文档库中没有这个文档）" in _plain(delete(librarian, True, "missing.txt"))
    assert "基层卫生服务提升方案.txt：已删除" in _plain(delete(librarian, True, "基层卫生服务提升方案.txt"))


def test_outcome_line_for_the_cli_is_unchanged():
    assert Outcome("a.txt", "refused", "empty file").line() == "a.txt: refused (empty file)"


def test_every_reason_pdfium_and_the_pdf_reader_give_for_an_unreadable_pdf():
    """The messages no small fixture provokes, taken from the reader's own functions."""
    import pypdfium2.raw as pdfium_c

    from assistant.ingest.pdf import PdfReader, _open_reason, _Page

    codes = [pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY, pdfium_c.FPDF_ERR_FORMAT, pdfium_c.FPDF_ERR_FILE, None]
    scanned = [_Page([], 100.0, 100.0, scan=True)]
    reasons = [_open_reason(code) for code in codes]
    for reader in (PdfReader(ocr=False), PdfReader(ocr=True)):  # scans without a text layer, OCR off or blind
        with pytest.raises(CorpusError) as caught:
            reader._assemble("scan.pdf", scanned)
        reasons.append(str(caught.value).removeprefix("scan.pdf: "))
    translated = [zh_reason(reason) for reason in reasons]
    for zh, english in zip(translated, reasons):
        assert_chinese(zh, english)
    assert len(set(translated)) == len(translated)
