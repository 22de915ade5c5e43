"""The UI's pure HTML renderers: plain strings and answer records in, escaped HTML out.

Every piece of document text and every question is escaped here (`esc`), so nothing a user
types or a file contains is ever interpreted as HTML, markdown or a template. Nothing here
needs Gradio or a browser; the CSS for these classes is assistant/ui/static/app.css.
"""
from __future__ import annotations

import html
import re
from typing import Sequence
from urllib.parse import quote

from assistant.models import Answer, AnswerItem, Citation, Clause, Intent, Prose

EMPTY_SOURCES = "提问后，这里会列出回答所引用的条款原文。"
EMPTY_DOCUMENT = "点击回答中的引用，或在上方选择文件、输入条款编号，即可在这里查看原文。"
OUTSIDE_CLAUSES = "高亮处位于文件信息部分（标题、发文单位、日期、文号等），不属于任何条款。"
QUESTION_PREVIEW_CHARS = 200

_EXTRA_ESCAPES = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;", "\\": "&#92;"})


def esc(text: object) -> str:
    """Text as inert HTML: markup characters, quotes and template characters ($ { } `) escaped."""
    return html.escape(str(text), quote=True).translate(_EXTRA_ESCAPES)


def esc_lines(text: str) -> str:
    """Escaped text with line breaks kept (for places that do not use white-space: pre-wrap)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def highlight(text: str, base: int, spans: Sequence[tuple[int, int]], css_class: str = "pa-quote",
              join_breaks: bool = False) -> str:
    """`text` (which starts at absolute offset `base`) escaped, with absolute `spans` wrapped in <mark>.

    With `join_breaks` (a clause's text), blank lines that only break a sentence (a page break in the
    source, see `page_break_gaps`) are not shown, so the sentence reads whole; every offset still
    points at the file's own characters.
    """
    cuts = []
    for start, end in sorted(spans):
        s, e = max(start - base, 0), min(end - base, len(text))
        if s < e and (not cuts or s >= cuts[-1][1]):
            cuts.append((s, e))
    gaps = page_break_gaps(text) if join_breaks else []
    out, pos = [], 0
    for s, e in cuts:
        out.append(_shown(text, pos, s, gaps))
        out.append(f'<mark class="{css_class}">{_shown(text, s, e, gaps)}</mark>')
        pos = e
    out.append(_shown(text, pos, len(text), gaps))
    return "".join(out)


_BREAK = re.compile(r"\n[ \t\u3000]*\n[\s\u3000]*")
_SENTENCE_END = set("。！？!?；;：:…”」）)")
_FULL_LINE = 16  # a line cut by a page break runs (nearly) to the margin: shorter ones end a headline


def page_break_gaps(text: str) -> list[tuple[int, int]]:
    """Spans of blank lines inside a sentence: a page break of the source (000: '…常住人口的\\n\\n30%以上').

    A break is inside a sentence when the line before does not end a sentence, is not a heading
    (a numbered line with no full stop) and is not short (a headline), and the line after is not
    indented and does not start a numbered item or a '——' group. Pure: offsets into `text`.
    """
    from assistant.parser import match_marker

    gaps = []
    for m in _BREAK.finditer(text):
        before = text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip()
        after = text[m.end():text.find("\n", m.end()) if "\n" in text[m.end():] else len(text)].strip()
        if not before or not after or before[-1] in _SENTENCE_END:
            continue
        if match_marker(after) or after.startswith(("——", "--", "#")):
            continue
        if match_marker(before) and not any(ch in before for ch in "。；;"):
            continue  # a heading such as '一、目标任务': its text follows on a line of its own
        if len(before) < _FULL_LINE or text[text.rfind("\n", m.start(), m.end()) + 1:m.end()]:
            continue  # a short headline ('人均期望寿命达83.18岁'), or an indented new paragraph
        gaps.append((m.start(), m.end()))
    return gaps


def _shown(text: str, start: int, end: int, gaps: Sequence[tuple[int, int]]) -> str:
    """text[start:end] escaped, without the characters of `gaps`."""
    out, pos = [], start
    for s, e in gaps:
        if e <= pos or s >= end:
            continue
        out.append(esc(text[pos:max(s, pos)]))
        pos = min(e, end)
    out.append(esc(text[pos:end]))
    return "".join(out)


def quotes_attr(quotes: Sequence[tuple[int, int]]) -> str:
    return ",".join(f"{int(s)}-{int(e)}" for s, e in quotes)


def parse_quotes(value: object) -> tuple[tuple[int, int], ...]:
    """The inverse of quotes_attr, tolerant of anything a browser may send."""
    found = re.findall(r"(\d{1,9})-(\d{1,9})", value if isinstance(value, str) else "")
    return tuple((int(s), int(e)) for s, e in found if int(s) < int(e))


def open_link(citation_or_clause: Citation | Clause, inner_html: str, quotes: Sequence[tuple[int, int]] = ()) -> str:
    """A link that opens a clause in the document view (handled by BRIDGE_JS, never navigates).

    The target is carried in a fragment URL, which survives the chat's HTML sanitizer
    (data-* attributes do not): #pa-open?s=<source>&at=<start>&q=<start-end,…>.
    """
    c = citation_or_clause
    target = f"#pa-open?s={quote(c.source, safe='')}&at={int(c.start)}&q={quotes_attr(quotes)}"
    return f'<a class="pa-open" role="button" href="{esc(target)}">{inner_html}</a>'


def card_caption(number: int, citation: Citation) -> str:
    """'[1] 《title》 label 第3页' as escaped HTML (the page, and an OCR note, for paged formats)."""
    return (
        f'<span class="pa-num">[{number}]</span> 《{esc(citation.document_title)}》'
        f' <span class="pa-label">{esc(citation.clause.label)}</span>{page_note(citation.clause)}'
    )


def page_note(clause: Clause) -> str:
    """' 第3页' for a clause of a paged document, ' 第3页（OCR识别）' when its text came from a page image."""
    if not clause.page:
        return ""
    ocr = '<span class="pa-ocr" title="此页文字由图像识别（OCR）得到，可能有个别错字">（OCR识别）</span>' if clause.ocr else ""
    return f' <span class="pa-page">第{int(clause.page)}页{ocr}</span>'



def citation_caption(number: int, citation: Citation) -> str:
    """'[1] 《title》 label file' as escaped HTML, for the list under an answer."""
    return f'{card_caption(number, citation)} <span class="pa-file">{esc(citation.source)}</span>'


def render_user_message(question: str) -> str:
    """The question as the user sent it; a huge paste is shown by its beginning only."""
    if len(question) <= QUESTION_PREVIEW_CHARS:
        return f'<div class="pa-msg">{esc_lines(question)}</div>'
    return (
        f'<div class="pa-msg">{esc_lines(question[:QUESTION_PREVIEW_CHARS])}…</div>'
        f'<div class="pa-note">（共 {len(question)} 字，仅显示开头）</div>'
    )


def render_notice(message: str) -> str:
    """A short message from the assistant (validation errors, failures)."""
    return f'<div class="pa-msg pa-notice">{esc_lines(message)}</div>'


def ask_link(question: str) -> str:
    """A link that asks `question` in the chat (handled by BRIDGE_JS, never navigates): #pa-ask?q=<question>."""
    return f'<a class="pa-ask" role="button" href="{esc("#pa-ask?q=" + quote(question, safe=""))}">{esc(question)}</a>'


_MARK = re.compile(r"\[(\d{1,4})\]")


def mark_link(number: int, citation: Citation) -> str:
    """A citation mark '[n]' that opens the cited clause (or metadata value) in the document view."""
    return open_link(citation, f'<span class="pa-num">[{number}]</span>', citation.quotes)


def with_marks(text: str, citations: Sequence[Citation]) -> str:
    """Escaped text, line breaks kept, each citation mark '[n]' of a known citation a link."""
    out, pos = [], 0
    for match in _MARK.finditer(text):
        number = int(match.group(1))
        if 1 <= number <= len(citations):
            out += [esc_lines(text[pos:match.start()]), mark_link(number, citations[number - 1])]
            pos = match.end()
    out.append(esc_lines(text[pos:]))
    return "".join(out)


def answer_blocks(answer: Answer) -> list[str | list[tuple[AnswerItem, tuple[int, ...]]]] | None:
    """`answer.text` cut into its lines of prose (str) and its lists (runs of items with their marks).

    Each item is found in the text in order; the text around the items is kept as prose, except
    the line breaks and '·' bullets that only lay the list out. None when an item is not in the
    text (then the text is shown as it is). An item's marks are its citations plus any the text adds.
    """
    if not answer.items:
        return None
    blocks: list = []
    text, pos = answer.text, 0
    for item in answer.items:
        at = _find_item(text, item.text, pos)
        if at < 0:
            return None
        between = re.sub(r"[ \t]*[·•][ \t]*$", "", text[pos:at].strip("\n")).strip("\n")
        if between.strip() or not blocks or isinstance(blocks[-1], str):
            if between.strip():
                blocks.append(between)
            blocks.append([])
        pos = at + len(item.text)
        marks = re.match(r"(?:\[\d{1,4}\])*", text[pos:]).group(0)
        pos += len(marks)
        extra = tuple(n for n in map(int, re.findall(r"\d+", marks)) if n not in item.citations)
        blocks[-1].append((item, (*item.citations, *extra)))
    rest = text[pos:].strip("\n")
    if rest.strip():
        blocks.append(rest)
    return blocks


def _find_item(text: str, item: str, pos: int) -> int:
    """Where `item` stands in `text` from `pos`: at the start of a line (after a bullet) if it is there."""
    if not item:
        return -1
    line_start = re.compile(r"(?m)^[ \t]*(?:[·•][ \t]*)?(" + re.escape(item) + ")").search(text, pos)
    return line_start.start(1) if line_start else text.find(item, pos)


_OWN_NUMBER = re.compile(r"(?:[（(][一二三四五六七八九十百零〇\d]+[）)]|[一二三四五六七八九十百]+、|\d+[.．、])")


def render_list(answer: Answer, entries: list[tuple[AnswerItem, tuple[int, ...]]]) -> str:
    """One list of an answer: example questions as links that ask them; otherwise each entry with its marks."""
    if answer.intent is Intent.CONVERSATION:
        return '<ul class="pa-list pa-examples">' + "".join(
            f"<li>{ask_link(item.text)}</li>" for item, _ in entries) + "</ul>"
    lis = []
    for item, numbers in entries:
        subdued = ' class="pa-not-stated"' if answer.not_stated and not numbers else ""
        marks = "".join(mark_link(n, answer.citations[n - 1]) for n in numbers if 1 <= n <= len(answer.citations))
        lis.append(f'<li{subdued}>{esc_lines(item.text)}{marks}</li>')
    if all(_OWN_NUMBER.match(item.text) for item, _ in entries):  # '（一）…' carries its own number
        return f'<ul class="pa-list pa-numbered">{"".join(lis)}</ul>'
    tag = "ol" if answer.intent in (Intent.WHICH_DOCUMENTS, Intent.COMPARISON) else "ul"
    return f'<{tag} class="pa-list">{"".join(lis)}</{tag}>'


def render_answer_body(answer: Answer) -> str:
    """The answer's words: its lead and lists, or its text as it is when it has no lists."""
    blocks = answer_blocks(answer)
    if blocks is None:
        return with_marks(answer.text, answer.citations)
    return "".join(
        f'<div class="pa-para">{with_marks(block, answer.citations)}</div>' if isinstance(block, str)
        else render_list(answer, block)
        for block in blocks
    )


QUOTED_HEADING = "原文摘录"


def render_prose(prose: Prose, citations: Sequence[Citation]) -> str:
    """A language model's wording, as far as it is checked, with clickable [n] marks; while it streams, how
    much the model has sent; its notice (sentences dropped, or why the quoted answer stands alone)."""
    parts = []
    if prose.text:
        parts.append(f'<div class="pa-msg pa-prose">{with_marks(prose.text, citations)}</div>')
    if not prose.done:
        received = f"（已收到 {int(prose.received)} 字，逐句核对后显示）" if prose.received else ""
        parts.append(f'<div class="pa-note pa-prose-pending">正在组织文字回答…{received}</div>')
    elif prose.notice:
        parts.append(f'<div class="pa-note pa-prose-notice">{esc(prose.notice)}</div>')
    return "".join(parts)


def render_answer_message(answer: Answer) -> str:
    """The chat message for an answer: its prose (with a language model), its words, then its citations."""
    parts = []
    if answer.prose is not None:
        parts.append(render_prose(answer.prose, answer.citations))
        if answer.prose.text or not answer.prose.done:
            parts.append(f'<div class="pa-quoted-head">{QUOTED_HEADING}</div>')
    parts.append(f'<div class="pa-msg pa-answer-text">{render_answer_body(answer)}</div>')
    if answer.citations:
        heading = "引用" if answer.found else "可能相关"
        items = "".join(
            f'<li>{open_link(c, citation_caption(i, c), c.quotes)}</li>' for i, c in enumerate(answer.citations, 1)
        )
        parts.append(f'<div class="pa-cites"><div class="pa-cites-head">{heading}</div><ol>{items}</ol></div>')
    return "".join(parts)
