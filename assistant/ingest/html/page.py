"""A saved page's bytes as characters (its BOM; UTF-8 whatever it declares; its declared charset, GB2312 and GBK
read as GB18030; GB18030), then as an element tree with comments, scripts, styles and forms gone. A binary file
named .html is refused, named by what it is."""
from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from assistant.ingest.base import CorpusError
from assistant.ingest.html.blocks import _drop
from assistant.ingest.text import decode

_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "map",
               "form", "button", "select", "textarea", "input")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HAS_MARKUP = re.compile(r"<\s*(html|head|body|meta|title|p|div|table|br|span|h[1-6]|article|section)\b", re.I)
_GB_LABELS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "csgb2312", "gb18030", "x-gb18030"}
_SIGNATURES = {  # what a file really is when it was only named .html
    b"%PDF": "a PDF file", b"PK\x03\x04": "a ZIP or Office (DOCX/XLSX) file",
    b"\xd0\xcf\x11\xe0": "an old Office (DOC/XLS) file", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image", b"{\\rtf": "an RTF file",
}
_SINGLE_BYTE = {"ascii", "cp1252"}  # with iso8859-*: often declared by mistake on pages really in GBK or UTF-8


def decode_page(data: bytes, name: str) -> str:
    """The page's characters: by its BOM; else UTF-8 if the bytes are UTF-8; else the charset its `<meta>`
    declares (GB2312/GBK read as GB18030, their superset); else GB18030 when that reads as Chinese.
    Binary files are refused, named by what they are."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name)
    kind = next((what for magic, what in _SIGNATURES.items() if data.startswith(magic)), None)
    if kind or b"\x00" in data[:4096]:
        raise CorpusError(f"{name}: {kind or 'binary data'}, not an HTML page")
    try:  # valid UTF-8 is UTF-8 whatever the page declares: re-saved pages keep their old GB2312 <meta>
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data[:4096])
    codec = _codec(declared) if declared else None
    single_byte = codec in _SINGLE_BYTE or (codec or "").startswith("iso8859")
    if codec and not single_byte:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass  # pages often declare the wrong charset; read what the bytes are
    try:
        return decode(data, name)
    except CorpusError:
        if single_byte and codec != "ascii":
            return data.decode(codec)  # it reads any bytes, so it is trusted only when nothing else fits
        said = f" (it declares {declared})" if declared else ""
        raise CorpusError(
            f"{name}: not valid UTF-8 or GB18030 text{said}; save the page as UTF-8 and run build again") from None


def declared_charset(head: bytes) -> str | None:
    """The charset the page's `<meta charset>`, http-equiv content-type or XML declaration names, as written."""
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _codec(label: str) -> str | None:
    """Python's text codec for a charset label; GB2312 and GBK as GB18030, their superset; None if unknown."""
    if label in _GB_LABELS:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None  # not "base64" or "rot13"


def parse_page(text: str, name: str) -> lxml.html.HtmlElement:
    """The page's element tree, with comments and processing instructions gone; CorpusError if it is no HTML."""
    if not _HAS_MARKUP.search(text):
        raise CorpusError(f"{name}: no HTML markup in it, so not a web page (a plain-text file should end in .txt)")
    text = _XML_DECLARATION.sub("", text)  # lxml refuses str input that declares an encoding
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "empty"
        raise CorpusError(f"{name}: cannot be read as HTML ({reason})") from None
    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
    for el in list(root.iter(*_NEVER_TEXT)):
        _drop(el)
    return root
