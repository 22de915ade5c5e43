"""The document view's event handlers: a document, a clause opened from a citation, a clause looked up by label."""
from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.service import Assistant
from assistant.ui.chat import FAILED, log_error
from assistant.ui.render import OUTSIDE_CLAUSES, parse_quotes
from assistant.ui.sources import containing_clause, render_document


def document_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """(title, file name) of each document, for the document picker."""
    return [(d.title, source) for source, d in sorted(assistant.documents.items())]


def show_document(assistant: Assistant, source: Any, status: str = "") -> str:
    document = assistant.documents.get(source) if isinstance(source, str) else None
    if document is None:
        return render_document(None, (), status=status)
    return render_document(document, assistant.outline(source), status=status)


def open_clause(assistant: Assistant, source: Any, start: Any, quotes: Any = "") -> tuple[str, Any, str]:
    """The document view scrolled to the clause containing `start` (a citation click or an outline entry).

    Returns (document HTML, source for the dropdown, label for the label box).
    """
    try:
        document = assistant.documents.get(source) if isinstance(source, str) else None
        offset = int(start)
    except (TypeError, ValueError):
        document, offset = None, -1
    if document is None:
        return render_document(None, (), status="未找到该文件。"), gr.skip(), gr.skip()
    outline = assistant.outline(source)
    clause = containing_clause(outline, offset)
    if clause is None and 0 <= offset < len(document.text):  # a metadata value: shown marked where it stands
        return render_document(document, outline, focus=offset, quotes=parse_quotes(quotes),
                               status=OUTSIDE_CLAUSES), source, ""
    if clause is None:
        return render_document(document, outline, status="未找到该条款。"), source, ""
    return render_document(document, outline, focus=offset, quotes=parse_quotes(quotes),
                           page_image=assistant.page_image(source, offset)), source, clause.label


def lookup_clause(assistant: Assistant, source: Any, label: Any) -> str:
    """The document view at the clause a user typed (`二（三）2`, `（十一）`, `第三条`)."""
    document = assistant.documents.get(source) if isinstance(source, str) else None
    if document is None:
        return render_document(None, (), status="请先选择文件。")
    outline = assistant.outline(source)
    label = label.strip() if isinstance(label, str) else ""
    if not label:
        return render_document(document, outline, status="请输入条款编号，例如 二（三）2、（十一）、第三条。")
    if len(label) > 50:
        return render_document(document, outline, status="条款编号过长。")
    try:
        matches = assistant.lookup(source, label)
    except Exception:
        log_error("lookup")
        return render_document(document, outline, status=FAILED)
    if not matches:
        return render_document(document, outline, status=f"本文件中未找到条款“{label}”。")
    status = "" if len(matches) == 1 else f"找到 {len(matches)} 个匹配条款，显示第一个：" + "、".join(
        m.label for m in matches[:6]) + ("……" if len(matches) > 6 else "")
    return render_document(document, outline, focus=matches[0].start, status=status)
