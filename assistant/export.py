"""Answers taken away: one answer or a whole conversation as Markdown and as a Word file (python-docx),
each quote with its document's title, the clause's path and label, its page and the file, and the time
and index generation the answer came from. Pure functions of GivenAnswer records (assistant/feedback.py).
"""
from __future__ import annotations

import io
from typing import Sequence

from assistant.feedback import CitedClause, GivenAnswer

HEADING = "规划文件问答助手 · 问答记录"


def _when(given: GivenAnswer) -> str:
    return given.at.replace("T", " ").replace("Z", " UTC")


def _where(cited: CitedClause) -> str:
    """'《title》 label · path · 第3页 · 文件：name'."""
    parts = [f"《{cited.title}》 {cited.label}"]
    if cited.path and cited.path != cited.label:
        parts.append(cited.path)
    if cited.page:
        parts.append(f"第{cited.page}页")
    parts.append(f"文件：{cited.source}")
    return " · ".join(parts)


def _stamp(given: GivenAnswer) -> str:
    return f"回答时间：{_when(given)}；索引版本：{given.generation}"


def _md_text(text: str) -> str:
    """Text as Markdown that shows as written: the characters Markdown would read as markup (emphasis, code,
    HTML, a heading at the start of a line) escaped; file names' underscores and the [n] marks stay readable."""
    escaped = "".join("\\" + ch if ch in "\\`*<>" else ch for ch in text)
    return "\\" + escaped if escaped.startswith("#") else escaped


def _md_quote(text: str) -> str:
    return "\n".join("> " + _md_text(line) if line.strip() else ">" for line in text.splitlines())


def markdown(answers: Sequence[GivenAnswer]) -> str:
    """The answers, oldest first, as one Markdown document."""
    lines = [f"# {HEADING}", ""]
    for number, given in enumerate(answers, 1):
        lines += [f"## {number}. {_md_text(given.question)}", "", f"*{_stamp(given)}*", ""]
        lines += [_md_text(line) if line.strip() else "" for line in given.text.splitlines()] + [""]
        if given.citations:
            lines += ["**引用" + ("**" if given.found else "（可能相关）**"), ""]
        for cited in given.citations:
            lines += [f"[{cited.number}] {_md_text(_where(cited))}", ""]
            for quote in cited.quotes:
                lines += [_md_quote(quote), ""]
    return "\n".join(lines).rstrip() + "\n"


def docx_bytes(answers: Sequence[GivenAnswer]) -> bytes:
    """The answers, oldest first, as a Word document (.docx)."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")  # Word picks a CJK font by this attribute
    normal.font.size = Pt(11)
    document.add_heading(HEADING, level=0)
    for number, given in enumerate(answers, 1):
        document.add_heading(f"{number}. {given.question}", level=1)
        stamp = document.add_paragraph().add_run(_stamp(given))
        stamp.italic, stamp.font.size, stamp.font.color.rgb = True, Pt(9), RGBColor(0x66, 0x66, 0x66)
        for line in given.text.splitlines():
            if line.strip():
                document.add_paragraph(line)
        if given.citations:
            document.add_heading("引用" if given.found else "引用（可能相关）", level=2)
        for cited in given.citations:
            head = document.add_paragraph()
            head.add_run(f"[{cited.number}] ").bold = True
            head.add_run(_where(cited))
            for quote in cited.quotes:
                document.add_paragraph(quote, style="Intense Quote")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def file_name(given: GivenAnswer, whole: bool, suffix: str) -> str:
    """'问答记录-20261206-2012.md' for a conversation, '回答-20261206-2012.docx' for one answer (ASCII-safe
    fallback in the HTTP header is the route's)."""
    stamp = given.at[:16].replace("-", "").replace("T", "-").replace(":", "")
    return f"{'问答记录' if whole else '回答'}-{stamp}.{suffix}"
