"""Chinese wording for the 文档管理 tab: the readers' and the collection's refusal reasons, and the
outcome of each upload or deletion. The CLI keeps the English of `Outcome.line()`; only the browser
shows these.

`zh_reason` matches a reason against an ordered table of whole-message patterns (the messages of
assistant.collection, assistant.ingest.* and the index build) and fills a Chinese template with what
the message carried: file names, numbers, suffixes and technical detail (PDFium, zip, lxml) stay as
they were. A reason it does not know is returned unchanged, so nothing is ever lost in translation.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Union

Template = Union[str, Callable[[re.Match], str]]

STATUS_WORDS = {"added": "已加入", "replaced": "已替换", "unchanged": "未改变（已在文档库中）",
                "refused": "未收录", "skipped": "已跳过", "removed": "已删除"}

# What a file really is, as the readers name it (docx._OTHER_FORMATS/_OTHER_PACKAGES, html._SIGNATURES).
KINDS = {
    "an RTF file": "RTF 文件", "a PDF file": "PDF 文件", "an XML or HTML file": "XML 或 HTML 文件",
    "an Excel workbook": "Excel 工作簿", "a PowerPoint file": "PowerPoint 文件",
    "an OpenDocument file": "OpenDocument 文件", "a zip archive": "zip 压缩包",
    "a ZIP or Office (DOCX/XLSX) file": "ZIP 或 Office（DOCX/XLSX）文件",
    "an old Office (DOC/XLS) file": "旧版 Office（DOC/XLS）文件", "a PNG image": "PNG 图片",
    "a JPEG image": "JPEG 图片", "a GIF image": "GIF 图片", "binary data": "二进制数据",
}

# Why a PDF has no text (pdf.PdfReader._why_empty).
WHY_EMPTY = {
    "its pages are blank": "页面均为空白",
    "scanned pages without a text layer, and OCR is off": "扫描页没有文字层，且文字识别（OCR）未开启",
    "scanned pages, and OCR recognised nothing on them": "扫描页上未识别出任何文字",
}

# What a zip should have been (zips.check_sizes' `what`), in the refusals of zip bombs.
_ZIP_KINDS = {"Word document": "Word 文档", "OFD document": "OFD 文档", "PowerPoint file": "PowerPoint 演示文稿"}


def _zip_bomb(m: re.Match) -> str:
    return f"可能是压缩炸弹，或不是正常的 {_ZIP_KINDS.get(m['what'], m['what'])}"


def _kind(m: re.Match) -> str:
    """The kind of file in Chinese, a space before it when it starts with a Latin name (PNG, zip …)."""
    kind = KINDS.get(m["kind"], m["kind"])
    return (" " if kind[:1].isascii() else "") + kind


def _listed(text: str) -> str:
    """'.docx, .htm, .txt' → '.docx、.htm、.txt'."""
    return "、".join(part.strip() for part in text.split(","))


def _unsupported(m: re.Match) -> str:
    what = "文件没有扩展名，无法识别格式" if m["suffix"] == "(none)" else f"不支持 {m['suffix']} 格式"
    return f"{what}；可上传的格式：{_listed(m['known'])}"


def _not_read(m: re.Match) -> str:
    """The index build's 'no document could be read (a: why; b: why)': each file's reason in Chinese."""
    head = f"文件夹 {m['folder']} 中没有一份文档能够读取"
    return head + (f"（{'。'.join(_items(m['why']))}）" if m["why"] else "")


def _items(joined: str) -> list[str]:
    """Split '; '-joined 'name: reason' items, though a reason may hold '; ' itself: each item is the
    shortest run of pieces that reads as a known reason; a piece that never does is kept as it is."""
    pieces, items, i = joined.split("; "), [], 0
    while i < len(pieces):
        for j in range(i + 1, len(pieces) + 1):
            zh = _translate("; ".join(pieces[i:j]))
            if zh is not None:
                items.append(zh)
                i = j
                break
        else:
            items.append(pieces[i])
            i += 1
    return items


_RULES: list[tuple[str, Template]] = [
    # assistant.collection: safe_name, check_file, remove_document
    (r"a file without a name", "文件没有名称"),
    (r"a file name may not contain folders \('/', '\\\\', '\.\.'\) or start with '\.'",
     "文件名不能包含文件夹（'/'、'\\'、'..'），也不能以 '.' 开头"),
    (r"control characters in the file name", "文件名中含有控制字符"),
    (r"file name longer than (?P<n>\d+) characters", "文件名超过 {n} 个字符"),
    (r"unsupported format '(?P<suffix>.*)'; can read (?P<known>.*)", _unsupported),
    (r"(?P<size>[\d.]+) MB, over the (?P<limit>[\d.]+) MB limit", "文件大小 {size} MB，超过 {limit} MB 的上限"),
    (r"empty file", "空文件"),
    (r"the same bytes as (?P<twin>.+), already in the collection", "与已收录的 {twin} 内容完全相同"),
    (r"no text could be read from it", "未能从中读出任何文字"),
    (r"no visible text \(only blank or control characters\); nothing to cite",
     "没有可见的文字（只有空白或控制字符）；没有可引用的内容"),
    (r"no such document in the collection", "文档库中没有这个文档"),
    # assistant.ingest.extract
    (r"no reader for '(?P<suffix>.*)' files \(can read (?P<known>.*)\)",
     lambda m: f"无法读取 {m['suffix'] or '无扩展名'} 格式的文件（可读取的格式：{_listed(m['known'])}）"),
    # assistant.ingest.text
    (r"starts with a UTF-16 mark but is not valid UTF-16 \((?P<detail>.*)\)",
     "以 UTF-16 标记开头，但不是有效的 UTF-16 文本（{detail}）"),
    (r"not UTF-8, UTF-16 or GB18030 text; save it as UTF-8 and run build again",
     "不是 UTF-8、UTF-16 或 GB18030 编码的文本；请另存为 UTF-8 后重新上传"),
    # assistant.ingest.html
    (r"no article text on this page \(only navigation, links or page furniture; "
     r"if the document is an attached file, add that file instead\)",
     "网页上没有正文（只有导航、链接或页面框架）；如果文件是网页的附件，请直接上传该附件"),
    (r"(?P<kind>[^:]+), not an HTML page", lambda m: f"是{_kind(m)}，不是 HTML 网页"),
    (r"not valid UTF-8 or GB18030 text(?: \(it declares (?P<declared>.+)\))?; "
     r"save the page as UTF-8 and run build again",
     lambda m: "不是有效的 UTF-8 或 GB18030 文本" + (f"（网页声明的编码为 {m['declared']}）" if m["declared"] else "")
     + "；请将网页另存为 UTF-8 后重新上传"),
    (r"no HTML markup in it, so not a web page \(a plain-text file should end in \.txt\)",
     "其中没有 HTML 标记，不是网页（纯文本文件的扩展名应为 .txt）"),
    (r"cannot be read as HTML \((?P<detail>.*)\)", "无法按 HTML 读取（{detail}）"),
    # assistant.ingest.pdf: _open, _open_reason, PdfReader
    (r"not a PDF file \(no %PDF header\); check the file or its suffix",
     "不是 PDF 文件（缺少 %PDF 文件头）；请检查文件内容或扩展名"),
    (r"truncated PDF \(its end is missing\); copy or download the file again",
     "PDF 文件不完整（结尾缺失）；请重新复制或下载该文件"),
    (r"encrypted PDF \(password protected\); save it without a password", "PDF 已加密（设有密码）；请去除密码后另存"),
    (r"PDF protected by an unsupported security handler; save it without protection",
     "PDF 使用了不支持的安全保护方式；请取消保护后另存"),
    (r"damaged PDF \(PDFium cannot read its structure\); save or export it again",
     "PDF 已损坏（无法解析其文件结构）；请重新保存或导出"),
    (r"damaged PDF \(PDFium could not open it\); save or export it again", "PDF 已损坏（无法打开）；请重新保存或导出"),
    (r"PDF could not be read \(file error\)", "无法读取 PDF（文件错误）"),
    (r"PDF could not be read \((?P<detail>.*)\)", "无法读取 PDF（{detail}）"),
    (r"the PDF has no pages", "PDF 中没有任何页面"),
    (r"(?P<count>\d+) pages, more than the limit of (?P<limit>\d+); split the file",
     "共 {count} 页，超过 {limit} 页的上限；请拆分文件"),
    (r"page (?P<page>\d+) cannot be read \(damaged PDF: (?P<detail>.*)\)", "第 {page} 页无法读取（PDF 已损坏：{detail}）"),
    (r"page (?P<page>\d+) is a scan and OCR is not installed \((?P<package>.*)\)",
     "第 {page} 页是扫描图像，但未安装文字识别（OCR）组件（{package}）"),
    (r"OCR of page (?P<page>\d+) failed \((?P<detail>.*)\)", "第 {page} 页文字识别（OCR）失败（{detail}）"),
    (r"no text in the PDF \((?P<why>.*)\)", lambda m: f"PDF 中没有文字（{WHY_EMPTY.get(m['why'], m['why'])}）"),
    # assistant.ingest.pages (the page viewer)
    (r"cannot open the PDF to show its page \((?P<detail>.*)\)", "无法打开 PDF 显示该页（{detail}）"),
    (r"has no page (?P<page>\d+)", "没有第 {page} 页"),
    # assistant.ingest.docx
    (r"encrypted or old \.doc format \(an OLE compound file, not a \.docx zip\); "
     r"remove the password or save it as \.docx",
     "已加密，或是旧版 .doc 格式（OLE 复合文件，不是 .docx 压缩包）；请去除密码或另存为 .docx"),
    (r"not a \.docx file: it is (?P<kind>.+)", lambda m: f"不是 .docx 文件，而是{_kind(m)}"),
    (r"corrupt or truncated zip archive \((?P<detail>.*)\); save the document again",
     "zip 压缩包已损坏或不完整（{detail}）；请重新保存文档"),
    (r"not a \.docx file \(not a zip archive\)", "不是 .docx 文件（不是 zip 压缩包）"),
    (r"not a Word document: (?P<kind>.+) without word/document\.xml",
     lambda m: f"不是 Word 文档：是不含 word/document.xml 的{_kind(m)}"),
    (r"the zip is password-protected; save the document again without a password", "压缩包设有密码；请取消密码后重新保存文档"),
    (r"refused: the zip holds (?P<n>\d+) files; not a normal (?P<what>.+)",
     lambda m: f"已拒收：压缩包内有 {m['n']} 个文件，不是正常的 {_ZIP_KINDS.get(m['what'], m['what'])}"),
    (r"refused: it would unpack to (?P<size>\d+) MB \(limit (?P<limit>\d+) MB\); "
     r"a zip bomb or not a normal (?P<what>.+)",
     lambda m: f"已拒收：解压后将达 {m['size']} MB（上限 {m['limit']} MB）；" + _zip_bomb(m)),
    (r"refused: its files unpack to more than the limit of (?P<limit>\d+) MB; a zip bomb or not a normal (?P<what>.+)",
     lambda m: f"已拒收：解压后超过 {m['limit']} MB 的上限；" + _zip_bomb(m)),
    (r"refused: (?P<member>.+) is compressed in a way no (?P<what>.+) is \(zip method (?P<method>\d+)\); "
     r"save the document again",
     lambda m: f"已拒收：其中的 {m['member']} 所用的压缩方式（zip 方法 {m['method']}）不是 "
               f"{_ZIP_KINDS.get(m['what'], m['what'])} 会用的；请重新保存文档"),
    (r"refused: (?P<member>.+) is packed (?P<ratio>\d+):1 \(limit (?P<limit>\d+):1\); "
     r"a zip bomb or not a normal (?P<what>.+)",
     lambda m: f"已拒收：其中的 {m['member']} 压缩比为 {m['ratio']}:1（上限 {m['limit']}:1）；" + _zip_bomb(m)),
    (r"cannot be read as a Word document \((?P<detail>.*)\)", "无法按 Word 文档读取（{detail}）"),
    (r"not a Word document \(its main part is (?P<type>.+)\); save it as \.docx",
     "不是 Word 文档（其主体部分为 {type}）；请另存为 .docx"),
    (r"refused: tables or text boxes nested too deep to read", "已拒收：表格或文本框嵌套过深，无法读取"),
    (r"the Word document has no text \(only images, or empty\); nothing to cite",
     "Word 文档中没有文字（只有图片，或是空文档）；没有可引用的内容"),
    # assistant.ingest.ofd
    (r"not an OFD file \(not a zip archive\)", "不是 OFD 文件（不是 zip 压缩包）"),
    (r"not an OFD document: a zip archive without OFD\.xml", "不是 OFD 文档：压缩包中没有 OFD.xml"),
    (r"encrypted OFD document; save it again without encryption", "OFD 文档已加密；请取消加密后重新保存"),
    (r"cannot be read as an OFD document \(damaged XML: (?P<detail>.*)\)", "无法按 OFD 文档读取（XML 已损坏：{detail}）"),
    (r"cannot be read as an OFD document \(OFD\.xml names no DocRoot\)", "无法按 OFD 文档读取（OFD.xml 中没有指明文档入口 DocRoot）"),
    (r"cannot be read as an OFD document \(it lists no pages\)", "无法按 OFD 文档读取（文档中没有任何页面）"),
    (r"cannot be read as an OFD document \((?P<detail>.*)\)", "无法按 OFD 文档读取（{detail}）"),
    (r"no text in the OFD document \(its pages hold only images, or are blank\)",
     "OFD 文档中没有文字（页面只有图片，或是空白页）"),
    # assistant.ingest.pptx
    (r"encrypted or old \.ppt format \(an OLE compound file, not a \.pptx zip\); "
     r"remove the password or save it as \.pptx",
     "已加密，或是旧版 .ppt 格式（OLE 复合文件，不是 .pptx 压缩包）；请去除密码或另存为 .pptx"),
    (r"not a \.pptx file \(not a zip archive\)", "不是 .pptx 文件（不是 zip 压缩包）"),
    (r"not a PowerPoint file: a zip archive without ppt/presentation\.xml",
     "不是 PowerPoint 演示文稿：压缩包中没有 ppt/presentation.xml"),
    (r"(?P<count>\d+) slides, more than the limit of (?P<limit>\d+); split the file",
     "共 {count} 张幻灯片，超过 {limit} 张的上限；请拆分文件"),
    (r"cannot be read as a PowerPoint file \((?P<detail>.*)\)", "无法按 PowerPoint 演示文稿读取（{detail}）"),
    (r"the PowerPoint file has no text \(only images, or empty\); nothing to cite",
     "PowerPoint 演示文稿中没有文字（只有图片，或是空文件）；没有可引用的内容"),
    # assistant.corpus and assistant.index (a failed build: Librarian.last_error)
    (r"corpus folder (?P<folder>.+) does not exist; pass --corpus DIR or set PLAN_CORPUS",
     "文档文件夹 {folder} 不存在；请用 --corpus DIR 或环境变量 PLAN_CORPUS 指定"),
    (r"corpus folder (?P<folder>.+) has no documents \((?P<known>.*)\)(?:, sub-folders included)?",
     lambda m: f"文档文件夹 {m['folder']}（含子文件夹）中没有文档（可读取的格式：{_listed(m['known'])}）"),
    # assistant.corpus: what a folder holds that is not read; assistant.index: copies
    (r"hidden file", "隐藏文件，未读取"),
    (r"hidden folder", "隐藏文件夹，未读取"),
    (r"a temporary file Office keeps while the document is open", "Office 打开文档时生成的临时文件，未读取"),
    (r"an archive: unpack it into the folder to index the files it holds", "压缩包：请解压到文件夹中再收录其中的文件"),
    (r"a folder already read through another link", "通过另一个链接已读取过的文件夹"),
    (r"not a regular file", "不是普通文件"),
    (r"the folder '(?P<folder>.*)' is not a folder inside the library \(no '\.\.', no hidden or empty folder names\)",
     "文件夹“{folder}”不是文档库内的文件夹（不能含 '..'、隐藏或空的文件夹名）"),
    (r"cannot be opened \(permission denied\)", "无权读取该文件"),
    (r"the file name is not valid UTF-8 \(unpacked from an old archive\?\); rename the file",
     "文件名编码不是 UTF-8（可能来自旧压缩包），请重命名该文件"),
    (r"the folder name is not valid UTF-8; rename the folder", "文件夹名编码不是 UTF-8，请重命名该文件夹"),
    (r"the same bytes as (?P<other>.+)", "与 {other} 内容完全相同（重复文件，只收录一份）"),
    (r"the same text as (?P<other>.+)", "与 {other} 文字相同（同一文件的另一格式，只收录一份）"),
    # assistant.ingest.convert
    (r"LibreOffice could not convert it \(damaged, password-protected, or not really a (?P<suffix>\S+) file\)",
     "LibreOffice 无法转换该文件（已损坏、设有密码，或并非 {suffix} 文件）"),
    (r"reading this format needs LibreOffice .*", "读取该格式需要 LibreOffice，但本机未安装"),
    (r"the spreadsheet has no text in any cell; nothing to cite", "表格中没有任何文字；没有可引用的内容"),
    (r"no document in (?P<folder>.+?) could be read(?: \((?P<why>.*)\))?", _not_read),
]
_TABLE: list[tuple[re.Pattern, Template]] = [(re.compile(p, re.S), t) for p, t in _RULES]
_EXCEPTION = re.compile(r"(?P<type>[A-Z]\w*(?:Error|Exception)): (?P<rest>.*)", re.S)


def zh_reason(reason: str) -> str:
    """One refusal reason (or a failed build's error) in Chinese; a reason not in the table, unchanged."""
    if not isinstance(reason, str) or not reason:
        return reason
    zh = _translate(reason)
    return reason if zh is None else zh


@lru_cache(maxsize=2048)
def _translate(text: str) -> str | None:
    for pattern, template in _TABLE:
        m = pattern.fullmatch(text)
        if m:
            return template(m) if callable(template) else template.format(**m.groupdict(default=""))
    m = _EXCEPTION.fullmatch(text)  # Librarian.last_error: "CorpusError: …", "OSError: …"
    if m:
        rest = _translate(m["rest"])
        if rest is not None:
            return rest if m["type"] == "CorpusError" else f"{m['type']}：{rest}"
    # "name: reason", as the index manifest keeps it, or a name the collection could not strip
    # ('…' after a cut name, repr() of a name with control characters)
    start = text.find(": ")
    while start > 0:
        rest = _translate(text[start + 2:])
        if rest is not None:
            return f"{text[:start]}：{rest}"
        start = text.find(": ", start + 1)
    return None


def zh_outcome(outcome) -> str:
    """One file's outcome (assistant.collection.Outcome), e.g. 'a.docx：已加入', 'b.txt：未收录（空文件）'."""
    status = STATUS_WORDS.get(outcome.status, outcome.status)
    return f"{outcome.name}：{status}" + (f"（{zh_reason(outcome.reason)}）" if outcome.reason else "")


# The audit trail's outcomes (records.py keeps them in English, as the CLI prints them), for the admin's tab.
AUDIT_OUTCOMES = {"ok": "成功", "added": "已加入", "replaced": "已替换", "unchanged": "未变（相同内容已在文档库中）",
                  "removed": "已删除", "skipped": "跳过", "started": "已开始", "not logged in": "本未登录",
                  "refused: wrong secret": "拒绝：密码错误", "refused: too soon": "拒绝：错误过多，须等待后再试",
                  "refused: locked": "拒绝：错误过多，该地址已锁定", "refused: not logged in": "拒绝：未登录或登录已失效",
                  "refused: malformed request": "拒绝：请求格式不对"}


def zh_audit(outcome: str) -> str:
    if outcome in AUDIT_OUTCOMES:
        return AUDIT_OUTCOMES[outcome]
    if outcome.startswith("refused: "):
        return "未收录：" + zh_reason(outcome[len("refused: "):])
    return outcome
