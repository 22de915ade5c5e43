"""parse_document: a file's text through both passes into its Document (title, metadata and where each value
stands in the text, the pages and OCR'd pages its reader gave) and its Clauses, with exact offsets."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Clause, Document, MetaField
from assistant.parser.lines import split_lines
from assistant.parser.outline import _OutlineBuilder, node_label
from assistant.parser.scan import _Scan, scan


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    clauses: tuple[Clause, ...]


def parse_document(source: str, text: str, sha256: str = "", pages: tuple[int, ...] = (),
                   ocr_pages: tuple[int, ...] = ()) -> ParsedDocument:
    """The whole parse: metadata, title and every clause with exact offsets into `text`.

    `pages` and `ocr_pages` come from the format's reader (see assistant.ingest.Extracted) and are kept
    on the Document, so a citation can name its page."""
    lines = split_lines(text)
    scanned = scan(lines, source)
    nodes = _OutlineBuilder(lines, scanned).build()
    meta = scanned.meta
    issuer_key = _first_present(meta, "issuer", "signature_issuer", "issuer_fallback")
    date_key = _first_present(meta, "date", "signature_date", "date_fallback", "adopted_date")
    fields = _meta_fields(text, scanned, {"title": None, "issuer": issuer_key, "date": date_key,
                                          "doc_number": "doc_number", "index_number": "index_number",
                                          "attachment": "attachment", "adopted": "adopted"}) + _effective(text)
    document = Document(
        source=source,
        title=scanned.title,
        text=text,
        sha256=sha256,
        issuer=meta.get(issuer_key),
        date=_date_only(meta.get(date_key)),
        doc_number=meta.get("doc_number"),
        index_number=meta.get("index_number"),
        fields=fields,
        pages=tuple(pages),
        ocr_pages=tuple(ocr_pages),
    )
    clauses = []
    for node in nodes:
        label = node_label(node)
        path = tuple(n.heading for n in node.ancestors()) or (node.heading,)
        segments = [(s, e) for s, e in node.segments if e > s]
        for part, (start, end) in enumerate(segments):
            page = document.page_at(start) or 0
            clauses.append(
                Clause(source, label, path, node.title or label, text[start:end], start, end, part, len(segments),
                       page=page, ocr=page in document.ocr_pages)
            )
    return ParsedDocument(document, tuple(clauses))


# When a regulation or rule takes effect, in its closing article: '本条例自2021年5月1日起施行', '自发布之日起施行'.
_TAKES_EFFECT = re.compile(r"自\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[公发颁]布之日|印发之日)\s*起\s*(?:施行|生效)")


def _effective(text: str) -> tuple[MetaField, ...]:
    """The last statement of when the document takes effect (an amended regulation states it once, at its end)."""
    found = list(_TAKES_EFFECT.finditer(text))
    return (MetaField("effective", found[-1].group(), found[-1].start(), found[-1].end()),) if found else ()


def _first_present(meta: dict[str, str], *keys: str) -> str | None:
    return next((k for k in keys if meta.get(k)), None)


def _meta_fields(text: str, scanned: _Scan, keys: dict[str, str | None]) -> tuple[MetaField, ...]:
    """Each metadata value with its offsets in the file; a value found nowhere exactly is left out."""
    fields = []
    for name, key in keys.items():
        span = scanned.title_span if name == "title" else scanned.spans.get(key) if key else None
        if span is None:
            continue
        start, end = span
        value = text[start:end]
        if name == "date":  # "2023-09-14 10:55:56" → the day only
            value = _date_only(value) or value
            end = start + len(value)
        fields.append(MetaField(name, value, start, end))
    return tuple(fields)


def _date_only(value: str | None) -> str | None:
    """The day of a date, without a time of day ('2023-09-14 10:55:56'); a date spaced as printed
    ('2016 年 10 月 25 日') stays whole."""
    if not value:
        return None
    value = re.sub(r"\s+\d{1,2}:\d{2}(?::\d{2})?\s*$", "", value)
    return re.sub(r"\s+(?:星期|周)[一二三四五六日天]\s*$", "", value).strip()
