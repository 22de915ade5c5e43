"""Outline answers: the parts of a document, or of the heading asked about, in order, each cited.

The parts come from the parsed structure (a clause's `path`), so every numbering style the parser
knows works alike: 一、/（一）/1./group headings/第X章/第X条/Markdown headings/news headlines.
"""
from __future__ import annotations

from typing import Sequence

from assistant.catalogue import names_document
from assistant.answering.base import (
    AnswerContext, Understood, children, is_table_row, numbered_lines, register, target_document,
)
from assistant.answering.quotes import heading_span
from assistant.models import Answer, AnswerItem, Clause, Intent
from assistant.labels import label_matches
from assistant.textnorm import chinese_number, fold
from assistant.asks import Asks

# What a part is called ('各章标题是什么', '每部分的名称'): the parts are asked for, no heading named by these words.
_PARTS_NAMED = frozenset({"标题", "名称", "题目", "名字", "小标题"})
STRONG = 1.0  # a heading that holds every word of the question is the one asked about …
LOOSE = 0.5  # … and, for words the document's title does not explain, one holding half of them


ROW_SHOWN = 60  # characters of a table row shown as a part


def item_text(clause: Clause) -> str:
    """A part as listed: its heading as written ('一、主要任务完成情况'); an article with its first words."""
    head = clause.path[-1] if clause.path else clause.label
    if is_table_row(clause):  # a table row: its cells, which name their columns, say what it is
        text = " ".join(clause.text.split())
        return text if len(text) <= ROW_SHOWN else text[:ROW_SHOWN] + "…"
    if head.strip() == clause.label and clause.title and clause.title != clause.label:
        head = f"{clause.label} {clause.title}"
    return head


def ordinal_part(asks: Asks, outline: Sequence[Clause]) -> tuple[str, Clause | None] | None:
    """'第三部分' / '第2章': (how it was asked, the top-level clause so numbered or None); None if not asked."""
    if asks.ordinal_part is None:
        return None
    asked, number = asks.ordinal_part
    wanted = {number, f"第{number}章", f"第{number}编"}
    top = [c for c in outline if len(c.path) == 1 and c.label in wanted]
    return asked, (top[0] if top else None)


def heading_match(words: Sequence[str], clause: Clause, outline: Sequence[Clause], counts: set[int] = frozenset()) -> float:
    """How well a heading answers to the question's words: in its own heading, or in its parts' headings.

    A count the question names ('哪八个', '18项') that is the number of its parts makes a half-match whole.
    """
    if not words:
        return 0.0
    own = fold(clause.path[-1] if clause.path else clause.label)
    parts = [fold(item_text(c)) for c in children(outline, clause)]
    in_own = sum(w in own for w in words) / len(words)
    in_parts = sum(sum(w in p for w in words) / len(words) for p in parts) / len(parts) if parts else 0.0
    best = max(in_own, in_parts)
    return min(1.0, 2 * best) if len(parts) in counts else best


def asked_heading(understood: Understood, title: str, outline: Sequence[Clause],
                  of_document: bool = False) -> Clause | None | str:
    """The heading whose parts are asked for; None for the whole document; "" when none fits the question.

    With no words of its own beyond the document's name, a count the question names picks the one
    heading with that many parts ('广州那18项重点工程都是哪些' → the 18 projects, though the title says
    18项 too). `of_document` (a summary): without such words it is the whole document.
    """
    query = understood.query
    for ref in query.clause_refs:
        named = [c for c in outline if label_matches(c.label, ref) and children(outline, c)]
        if named:
            return min(named, key=lambda c: c.label != ref)
    # The question's own topic, words naming the document included: '18项重点工程' names a heading too.
    words = [w for phrase in understood.retrieval.query.topic for w in phrase.split() if len(w) >= 2]
    # words the document's name (its title, its file: '那份扫描件', '年第32号通告附件') does not explain
    names = [fold(title), *(fold(s) for s in understood.named)]
    own = [w for w in words if not names_document(w, names) and w not in _PARTS_NAMED]
    if not own and query.asks.whole_structure:  # '八大工程行动计划分哪几部分': the whole of it
        return None
    if not own and of_document:
        return None
    parents = [c for c in outline if len(children(outline, c)) >= 2]
    if not own:  # only the document's name: a count it names picks a heading ('广州那18项重点工程'), else all of it
        counted = [c for c in parents if len(children(outline, c)) in query.asks.counted()]
        if len(counted) == 1:
            return counted[0]
        if not query.asks.counted(fold(title)):  # a heading repeating the title's words is not asked for by them
            return None
    counts = query.asks.counted(fold(title))
    # Words the title does not explain decide which heading is meant; without them, all words must fit.
    wanted, enough = (own, LOOSE) if own else (words, STRONG)
    scored = sorted(((heading_match(wanted, c, outline, counts), -i, c) for i, c in enumerate(parents)),
                    key=lambda s: s[:2])
    if scored and scored[-1][0] >= enough:
        return scored[-1][2]
    whole = not own or query.asks.whole_structure
    return None if whole else ""


def count(n: int) -> str:
    return chinese_number(n) if n < 100 else str(n)


def outline_answer(understood: Understood, context: AnswerContext, source: str, parent: Clause | None,
                   intent: Intent = Intent.OUTLINE) -> Answer:
    """The parts of `parent` (or of the document) as a cited list."""
    document = context.documents[source]
    outline = context.outline(source)
    parts = children(outline, parent)
    if parent is None and len(parts) == 1 and children(outline, parts[0]):
        lead = f"《{document.title}》正文只有一个部分“{item_text(parts[0])}”，其下分为{count(len(children(outline, parts[0])))}项："
        parts = children(outline, parts[0])
    elif parent is None and parts and all(is_table_row(c) for c in parts):  # a spreadsheet, a form
        lead = f"《{document.title}》是一张表，共{count(len(parts))}行："
    elif parent is None:
        lead = f"《{document.title}》正文分为{count(len(parts))}个部分："
    else:
        lead = f"《{document.title}》{item_text(parent)}下分为{count(len(parts))}项："
    groups = row_groups(parts) if parts and all(is_table_row(c) for c in parts) else None
    if groups:  # '附表里的主要危险（源）分了哪几大类': a first column that spans rows sorts them
        column = parts[0].text.split("：", 1)[0].strip()
        lead = lead.rstrip("：") + f"，按“{column}”分为{count(len(groups))}类："
        citations = tuple(context.cite(rows[0], ((rows[0].start, rows[-1].end),)) for _, rows in groups)
        items = tuple(AnswerItem(f"{value}（{len(rows)}行）", (i,)) for i, (value, rows) in enumerate(groups, 1))
        text = lead + "\n" + numbered_lines([i.text for i in items], range(1, len(items) + 1))
        return Answer(understood.question, text, True, citations, understood.query.text, intent, lead, items)
    # a part is marked by its heading; a table row, which has none, as a whole
    citations = tuple(context.cite(c, ((c.start, c.end) if is_table_row(c) else heading_span(c),)) for c in parts)
    items = tuple(AnswerItem(item_text(c), (i,)) for i, c in enumerate(parts, 1))
    text = lead + "\n" + numbered_lines([i.text for i in items], range(1, len(items) + 1))
    return Answer(understood.question, text, True, citations, understood.query.text, intent, lead, items)


def row_groups(rows: Sequence[Clause]) -> list[tuple[str, list[Clause]]] | None:
    """A table's rows by the value of their first cell, in order, when that column sorts them into a few classes (a
    merged cell over several rows: '生物学危险（源）' over six, '操作危险（源）' over four); None when each row has its
    own value. Rows name their columns ('危险（源）：生物学危险（源）；…'); a row whose first cell is of another column
    lies under the merged cell above it."""
    cells = [[cell.split("：", 1) for cell in r.text.split("；")] for r in rows]
    column = cells[0][0][0].strip() if cells and len(cells[0][0]) == 2 else ""
    if not column:
        return None
    groups: list[tuple[str, list[Clause]]] = []
    for row, first in zip(rows, (c[0] for c in cells)):
        value = " ".join(first[1].split()) if len(first) == 2 and first[0].strip() == column else ""
        if groups and value in ("", groups[-1][0]):
            groups[-1][1].append(row)
        elif value:
            groups.append((value, [row]))
        else:
            return None
    values = [v for v, _ in groups]
    if not 2 <= len(values) <= len(rows) // 2 or len(set(values)) < len(values):
        return None  # each row its own value, or a value coming back later: the column sorts nothing
    return groups


def missing_part(understood: Understood, context: AnswerContext, source: str, asked: str) -> Answer:
    document = context.documents[source]
    parts = children(context.outline(source), None)
    listed = "、".join(c.label for c in parts)
    text = f"《{document.title}》中没有{asked}：正文共{count(len(parts))}个部分（{listed}）。"
    return Answer(understood.question, text, False, (), understood.query.text, Intent.OUTLINE)


@register
class Outline:
    intent = Intent.OUTLINE

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None:
        source = target_document(understood)
        if source is None:
            return None
        outline = context.outline(source)
        refs = understood.query.clause_refs
        if any(label_matches(c.label, ref) and not children(outline, c) for ref in refs for c in outline):
            return None  # '第四部分的（三）是什么': one clause, quoted by the look-up
        ordinal = ordinal_part(understood.query.asks, outline)
        if ordinal is not None:
            asked, part = ordinal
            if part is None:
                return missing_part(understood, context, source, asked)
            return outline_answer(understood, context, source, part) if children(outline, part) else None
        found = document_heading(understood, context)
        if found and found[1] is not None and _listed_in_a_clause(understood, context, *found):
            return None  # the look-up quotes that clause
        return outline_answer(understood, context, *found) if found else None


def _listed_in_a_clause(understood: Understood, context: AnswerContext, source: str, parent: Clause) -> bool:
    """Whether what is asked is listed inside one clause rather than as a heading's parts: the best clause, one
    with no parts of its own, names more of the question's topic phrases (each written whole) than the heading
    chosen and its parts' headings do (a slogan's items listed after '即' in one sentence, asked for while the
    heading chosen only shares two of the question's words)."""
    hits = understood.retrieval.hits
    if not hits or hits[0].clause.source != source or children(context.outline(source), hits[0].clause):
        return False
    phrases = [p.replace(" ", "") for p in understood.query.topic]
    outline = context.outline(source)
    headings = fold("".join([item_text(parent), *(item_text(c) for c in children(outline, parent))]))
    best = context.folded(hits[0].clause)
    return sum(p in best for p in phrases) > sum(p in headings for p in phrases)


def document_heading(understood: Understood, context: AnswerContext,
                     of_document: bool = False) -> tuple[str, Clause | None] | None:
    """(the document asked about, the heading whose parts are asked for or None for all of it);
    None when the question names no one document or no heading fits its words."""
    source = target_document(understood)
    if source is None:
        return None
    parent = asked_heading(understood, context.documents[source].title, context.outline(source), of_document)
    return None if parent == "" else (source, parent)
