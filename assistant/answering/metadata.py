"""Metadata answers: a document's title, issuer, date, 文号 or 索引号, cited where the value stands in
the file; and the reverse — the document with a given 文号, or the documents of an issuer or a year."""
from __future__ import annotations

import re
from typing import Mapping, Sequence

from assistant.answering.base import AnswerContext, Understood, numbered_lines, register, target_document
from assistant.understanding.intent import names_document_number
from assistant.answering.parts import joined
from assistant.catalogue import path_facts
from assistant.models import META_NAMES, Answer, AnswerItem, Citation, Clause, Document, Intent, MetaField
from assistant.textnorm import fold

FILE_INFO = "文件信息"  # the heading metadata citations stand under


def field_clause(source: str, field: MetaField) -> Clause:
    """A metadata value as a citable clause: its text is the file's characters at its offsets."""
    name = META_NAMES[field.name]
    return Clause(source, name, (FILE_INFO, name), name, field.value, field.start, field.end)


def cite_field(context: AnswerContext, source: str, field: MetaField) -> Citation:
    return context.cite(field_clause(source, field), ((field.start, field.end),))


_MONTH = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月")


def _year_month(date: str) -> tuple[str, int] | None:
    """('2019', 5) of '2019-05-10', '2019年5月10日', '2019.5'; None when the date gives no month."""
    m = re.match(r"\s*((?:19|20)\d\d)\s*[-年./]\s*(\d{1,2})", date or "")
    return (m.group(1), int(m.group(2))) if m else None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))  # fold makes 欽衛發…號 钦卫发…号


def documents_given(understood: Understood, documents: Mapping[str, Document]) -> tuple[str, list[str]] | None:
    """For a reverse question, (what was given, the documents that have it); None if nothing is given.

    A 文号 names one document; an issuer named in the question, or a year with a publishing verb
    and no document named, names every document issued by it or in it.
    """
    folded = understood.query.folded
    number = names_document_number(folded)
    if number:
        having = [s for s, d in documents.items() if d.doc_number and _squash(d.doc_number) in _squash(folded)]
        given = documents[having[0]].doc_number if having else number
        return f"文号{given}", having
    if understood.named:
        return None
    issuers = {s: d for s, d in documents.items() if d.issuer and _squash(d.issuer) in _squash(folded)}
    if issuers:
        return next(iter(issuers.values())).issuer, sorted(issuers)
    asks = understood.query.asks
    if understood.query.years and (asks.published_documents or "date" in asks.fields):
        month = _MONTH.search(folded)
        if month:  # '哪一份是2019年5月印发的': of that month
            year, number = month.group(1), int(month.group(2))
            return f"{year}年{number}月", sorted(s for s, d in documents.items() if _year_month(d.date) == (year, number))
        years = understood.query.years
        return f"{'、'.join(years)}年", sorted(s for s, d in documents.items() if d.date and any(y in d.date for y in years))
    return None


def reverse_answer(understood: Understood, context: AnswerContext, given: str, sources: list[str]) -> Answer:
    if not sources:
        text = f"收录的文件中没有{given}的文件。" if not given.startswith("文号") else f"收录的文件中没有{given}。"
        return Answer(understood.question, text, False, (), understood.query.text, Intent.METADATA)
    citations, items = [], []
    for source in sources:
        document = context.documents[source]
        title = document.field("title")
        if title is not None:
            citations.append(cite_field(context, source, title))
        items.append(AnswerItem(context.named_as(source) + _facts(document), (len(citations),) if title else ()))
    lead = f"{given}对应的文件：" if len(sources) == 1 else f"{given}的文件共{len(sources)}份："
    text = lead + "\n" + numbered_lines([i.text for i in items], [i.citations[0] if i.citations else 0 for i in items])
    return Answer(understood.question, text, True, tuple(citations), understood.query.text, Intent.METADATA, lead,
                  tuple(items))


_DRAFTER_PART = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(?:起草|编写|编制)单位\s*$")


def drafter(document: Document, outline: Sequence[Clause]) -> MetaField | None:
    """Who drafted a document, as its own part says ('四、起草单位' over '国家药品监督管理局医疗器械技术审评中心。'):
    the part's first line under its heading, cited where it stands; None when the document has no such part."""
    for clause in outline:
        if clause.path and _DRAFTER_PART.match(clause.path[-1]):
            heading_end = clause.text.find("\n")
            body = clause.text[heading_end + 1:] if heading_end >= 0 else ""
            line = body.strip().split("\n", 1)[0].strip().rstrip("。")
            if line:
                start = clause.start + heading_end + 1 + body.find(line)
                return MetaField("drafter", line, start, start + len(line))
    return None


def _facts(document: Document) -> str:
    known = [f"{META_NAMES[f.name]}：{f.value}" for f in document.fields if f.name in ("issuer", "date", "doc_number")]
    return f"（{'，'.join(known)}）" if known else ""


_STATUS = (("征求意见", "征求意见稿，尚未正式发布"), ("试行", "试行"), ("草案", "草案"), ("草稿", "草稿"))


def draft_status(title: str, source: str) -> str:
    """Whether a document is a draft for comment, a trial or neither, as its title says, else its file name."""
    for where, text in (("", title), ("据文件名", source.rsplit("/", 1)[-1])):
        said = next((status for mark, status in _STATUS if mark in text), None)
        if said:
            return f"{said}（{where}）" if where else said
    return "标题与文件名均未标明征求意见稿、试行或草案"


def forward_answer(understood: Understood, context: AnswerContext, source: str, fields: tuple[str, ...]) -> Answer:
    document = context.documents[source]
    citations, items, missing = [], [], []
    kept, title, title_at = path_facts(source), document.field("title"), 0
    fields = fields or ("issuer", "date", "doc_number")
    if "date" in fields and "doc_number" not in fields and (document.field("doc_number") or "doc_number" in kept):
        fields += ("doc_number",)  # '…是什么时候发布的': the date, and the notice or number that published it
    for name in fields:
        field = document.field(name) or (drafter(document, context.outline(source)) if name == "drafter" else None)
        # a status the title or file name says; a value the text does not state, but the folder or file name does
        said = draft_status(title.value, source) if name == "status" and title is not None else \
            "{}（正文未载明，据{}）".format(*kept[name]) if field is None and name in kept and title is not None else ""
        if said:
            if not title_at:  # the document itself is cited, by its title
                citations.append(cite_field(context, source, title))
                title_at = len(citations)
            items.append(AnswerItem(f"{META_NAMES[name]}：{said}", (title_at,)))
            continue
        if field is None:
            missing.append(META_NAMES[name])
            continue
        citations.append(cite_field(context, source, field))
        items.append(AnswerItem(f"{META_NAMES[name]}：{field.value}", (len(citations),)))
    gap = f"文件中未载明{'、'.join(missing)}。" if missing else ""
    if not items:
        return Answer(understood.question, f"《{document.title}》{gap}", False, (), understood.query.text,
                      Intent.METADATA)
    lead = f"《{document.title}》"
    lines = numbered_lines([i.text for i in items], [i.citations[0] for i in items])
    text = lead + "\n" + lines + (f"\n{gap}" if gap else "")
    return Answer(understood.question, text, True, tuple(citations), understood.query.text, Intent.METADATA,
                  lead, tuple(items))


@register
class Metadata:
    intent = Intent.METADATA

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None:
        given = documents_given(understood, context.documents)
        if given is not None:
            return reverse_answer(understood, context, *given)
        fields = understood.query.asks.fields
        if len(understood.named) > 1 and fields:  # '三部条例各自的施行日期是？': each document's own
            return joined(understood.question, [forward_answer(understood, context, s, fields) for s in understood.named])
        source = target_document(understood)
        if source is None:
            return None
        if not fields and understood.query.asks.published_documents:  # '木垒9月14日发布的是什么材料'
            fields = ("title", "issuer", "date")
        return forward_answer(understood, context, source, fields)
