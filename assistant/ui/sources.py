"""The 来源 and 文档 panes: each cited clause as a card, and a whole document with its outline, the clause asked
highlighted. Pure HTML renderers like assistant/ui/render.py, whose escaping and highlighting they use."""
from __future__ import annotations

import base64
from typing import Callable, Sequence

from assistant.models import META_NAMES, Answer, Citation, Clause, Document
from assistant.ui.render import EMPTY_DOCUMENT, EMPTY_SOURCES, card_caption, esc, highlight, open_link


def document_meta(document: Document) -> str:
    """Issuer, date and numbers where known, escaped and joined."""
    fields = [("发文单位", document.issuer), ("日期", document.date), ("文号", document.doc_number),
              ("索引号", document.index_number)]
    fields += [(META_NAMES[f.name], f.value) for f in document.fields if f.name in ("attachment", "adopted")]
    known = [f'<span class="pa-meta-item">{name}：{esc(value)}</span>' for name, value in fields if value]
    return " ".join(known)


def containing_clause(outline: Sequence[Clause], start: int) -> Clause | None:
    """The whole clause of an outline that contains absolute offset `start`."""
    for clause in outline:
        if clause.start <= start < clause.end:
            return clause
    return None


def _collection_item(document: Document) -> str:
    """'文件夹：法规库 › 本地文件' for a document in a sub-folder of the library; nothing for one at its top."""
    if not document.collection:
        return ""
    return f'<span class="pa-meta-item pa-collection">文件夹：{esc(document.collection)}</span> '


def render_source_card(number: int, citation: Citation, document: Document, clause: Clause | None = None) -> str:
    """One cited clause: document title, issuer/date, file, clause path, full text with quotes marked."""
    clause = clause or citation.clause
    meta = document_meta(document)
    marked = "pa-card-quoted" if citation.quotes else ""
    return (
        f'<div class="pa-card {marked}" id="source-{number}">'
        f'<div class="pa-card-head">{open_link(citation, card_caption(number, citation), citation.quotes)}</div>'
        f'<div class="pa-card-meta">{meta}{" " if meta else ""}{_collection_item(document)}<span class="pa-meta-item">文件：{esc(document.source.rsplit("/", 1)[-1])}</span></div>'
        f'<div class="pa-card-path">{esc(clause.path_text or clause.label)}</div>'
        f'<div class="pa-clause-text">{_card_text(clause, citation.quotes)}</div>'
        f'<div class="pa-card-foot">{open_link(citation, "在文档中查看 →", citation.quotes)}</div>'
        "</div>"
    )


CARD_LEAD = 160  # characters of a clause a card shows before its first quote; a quote further in starts the card


def _card_text(clause: Clause, quotes: Sequence[tuple[int, int]]) -> str:
    """The clause's text with its quotes marked; when the first quote stands far into a long clause (a news item's
    figures in its fourth paragraph), from the sentence holding it, after '……', so the card shows what was quoted."""
    first = min((s for s, _ in quotes), default=clause.start) - clause.start
    cut = 0
    if first > CARD_LEAD:
        cut = max(clause.text.rfind(stop, 0, first) for stop in ("。", "\n", "；", ";")) + 1
    if cut <= 0:
        return highlight(clause.text, clause.start, quotes, join_breaks=True)
    return "……" + highlight(clause.text[cut:], clause.start + cut, quotes, join_breaks=True)


def render_sources(answer: Answer | None, documents: dict[str, Document],
                   outline: Callable[[str], Sequence[Clause]] = lambda source: ()) -> str:
    """The sources panel for the latest answer (or its placeholder)."""
    if answer is None or not answer.citations:
        return f'<div class="pa-sources pa-empty">{esc(EMPTY_SOURCES)}</div>'
    heading = "回答引用的条款" if answer.found else "未找到直接答案，可能相关的条款"
    cards = []
    for number, citation in enumerate(answer.citations, 1):
        whole = containing_clause(outline(citation.source), citation.start)
        cards.append(render_source_card(number, citation, documents[citation.source], whole))
    return f'<div class="pa-sources"><div class="pa-sources-head">{heading}</div>{"".join(cards)}</div>'


def render_document(document: Document | None, outline: Sequence[Clause], focus: int | None = None,
                    quotes: Sequence[tuple[int, int]] = (), status: str = "",
                    page_image: tuple[int, bytes] | None = None) -> str:
    """A whole document with its outline; the clause containing offset `focus` highlighted.

    Each clause is an element with id `clause-<start>`; the focused one has class `pa-focus`.
    An offset outside every clause (a metadata value: issuer, date, 文号) has its `quotes` marked
    where they stand, and those marks are the focus.
    """
    status_html = f'<div class="pa-doc-status">{esc(status)}</div>' if status else ""
    if document is None:
        return f'<div class="pa-doc pa-empty">{status_html}{esc(EMPTY_DOCUMENT)}</div>'
    focused = containing_clause(outline, focus) if focus is not None else None
    loose = () if focused is not None or focus is None or not 0 <= focus < len(document.text) else quotes or ((focus, focus + 1),)
    nav = []
    for clause in outline:
        depth = min(max(len(clause.path), 1), 5)
        current = " pa-current" if clause is focused else ""
        name = clause.path[-1] if clause.path else clause.label
        nav.append(
            f'<li class="pa-depth-{depth}{current}">'
            f'{open_link(clause, _outline_entry(clause.label, name))}</li>'
        )
    body, pos = [], 0
    for clause in outline:
        if clause.start > pos:
            body.append(_gap(document.text, pos, clause.start, loose))
        cls = "pa-clause pa-focus" if clause is focused else "pa-clause"
        spans = quotes if clause is focused else ()
        body.append(
            f'<span class="{cls}" id="clause-{clause.start}" data-label="{esc(clause.label)}">'
            f"{highlight(clause.text, clause.start, spans, join_breaks=True)}</span>"
        )
        pos = max(pos, clause.end)
    if pos < len(document.text):
        body.append(_gap(document.text, pos, len(document.text), loose))
    meta = document_meta(document)
    return (
        f'<div class="pa-doc" data-source="{esc(document.source)}">'
        f'<div class="pa-doc-head"><div class="pa-doc-title">{esc(document.title)}</div>'
        f'<div class="pa-card-meta">{meta}{" " if meta else ""}{_collection_item(document)}<span class="pa-meta-item">文件：{esc(document.source.rsplit("/", 1)[-1])}</span></div>'
        f"{status_html}{render_page_image(page_image)}</div>"
        f'<div class="pa-doc-body"><nav class="pa-outline"><div class="pa-outline-head">目录</div><ul>{"".join(nav)}</ul></nav>'
        f'<div class="pa-doc-text">{"".join(body)}</div></div></div>'
    )


def render_page_image(page_image: tuple[int, bytes] | None) -> str:
    """The original PDF page (a PNG, inline), with the cited passage marked, folded open under the head."""
    if page_image is None:
        return ""
    page, png = page_image
    data = base64.b64encode(png).decode("ascii")
    return (f'<details class="pa-page-view" open><summary>原页面（第{int(page)}页，黄色为所引段落）</summary>'
            f'<img class="pa-page-img" alt="第{int(page)}页" src="data:image/png;base64,{data}"></details>')


def _gap(text: str, start: int, end: int, marks: Sequence[tuple[int, int]]) -> str:
    """Text between clauses (title, issuer, date, signature), with any metadata value shown marked."""
    return f'<span class="pa-gap">{highlight(text[start:end], start, marks, "pa-quote pa-focus")}</span>'


def _outline_entry(label: str, name: str) -> str:
    """The heading as written (it carries its own number); the short label as a tooltip."""
    return f'<span title="{esc(label)}">{esc(_short(name))}</span>'


def _short(text: str, limit: int = 28) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
