"""The chat messages that ask a model for a short prose answer from numbered clauses only.

    messages = build_messages("2022年孕产妇死亡率的目标是多少？", answer.citations,
                              history=[("2020年呢？", "2020年，孕产妇死亡率降到20/10万。")])
    checked = check(generated_text, check_sources(answer.citations))

The clauses are numbered [1]…[n] in the order given (the answer's citation order), so the model's [n]
marks point into `Answer.citations` as they are. Instructions are in Chinese, whatever the question's
language; the model is told to answer in the question's language.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.models import Citation
from assistant.textnorm import compact

CLAUSE_BUDGET = 1500  # characters of clause text in one prompt, shared by the clauses (n_ctx 2048 holds it)
HISTORY_TURNS = 2  # earlier exchanges shown; older ones rarely change what a follow-up means
HISTORY_ANSWER_CHARS = 200  # an earlier answer only needs to say what was being talked about

_CJK = re.compile(r"[\u3400-\u9fff]")

RULES = """你是卫生健康政策文件问答助手。只能依据用户给出的编号条款回答，不得使用条款以外的知识。
要求：
1. 用2到3句话回答，每句话末尾用方括号标注所依据的条款编号，例如[1]或[1][2]；只能使用给出的编号。
2. 数字、百分比、年份、日期必须与条款原文完全一致，不得计算、换算或添加条款中没有的数字。
3. 如果条款没有回答这个问题，只回答一句：“所给条款未说明这一点。”
4. 不要重复问题，不要逐字照抄整段条款，不要使用列表或标题。"""


@dataclass(frozen=True)
class NumberedClause:
    """A clause as the prompt shows it: [number] 《document title》 path: text."""

    number: int  # 1-based, as the model cites it
    document_title: str
    path: str
    text: str  # possibly shortened to the prompt's budget

    def render(self) -> str:
        return f"[{self.number}] 《{self.document_title}》 {self.path}：{self.text}"


def numbered_clauses(citations: Sequence[Citation], budget: int = CLAUSE_BUDGET) -> tuple[NumberedClause, ...]:
    """The citations as numbered clauses, each clause's text cut to an equal share of `budget` characters."""
    share = max(1, budget // max(1, len(citations)))
    return tuple(
        NumberedClause(n, c.document_title, c.clause.path_text, shorten(_one_line(c.clause.text), share))
        for n, c in enumerate(citations, start=1)
    )


def check_sources(citations: Sequence[Citation]) -> tuple[str, ...]:
    """What sentence [n] may draw on, for `check`: the whole clause with the title and path the prompt showed
    beside it (a figure may come from those, e.g. "(2019—2022年)" in a title), not cut to the budget."""
    return tuple(f"《{c.document_title}》 {c.clause.path_text}：{c.clause.text}" for c in citations)


def build_messages(question: str, citations: Sequence[Citation], history: Sequence[tuple[str, str]] = (),
                   budget: int = CLAUSE_BUDGET, history_turns: int = HISTORY_TURNS) -> list[dict[str, str]]:
    """OpenAI chat messages: the last `history_turns` (question, answer) pairs, then one user turn with the
    clauses, the question and the rules. The rules go in that turn, not in a system message: some chat
    templates (Gemma's among them) have no system role. They come last, after the long context, where
    models heed them most; Gemma 3 270M, given them first, copied them back in 5 of 6 answers."""
    clauses = "\n".join(c.render() for c in numbered_clauses(citations, budget))
    language = "中文" if _CJK.search(question) else "英文（English）"
    ask = f"编号条款：\n{clauses}\n\n问题：{question.strip()}\n\n{RULES}\n请用{language}回答。"
    turns = [(q, shorten(_one_line(a), HISTORY_ANSWER_CHARS)) for q, a in history][-history_turns:] if history_turns else []
    messages: list[dict[str, str]] = []
    for earlier_question, earlier_answer in turns:
        messages += [{"role": "user", "content": earlier_question.strip()},
                     {"role": "assistant", "content": earlier_answer}]
    messages.append({"role": "user", "content": ask})
    return messages


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at the last sentence end in its second half if there is one."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    end = max(cut.rfind(mark) for mark in "。；！？")
    return (cut[: end + 1] if end >= len(cut) // 2 else cut) + "…"


def _one_line(text: str) -> str:
    """Clause texts keep the file's line breaks (page breaks inside sentences): join them as a reader would."""
    return compact(text)
