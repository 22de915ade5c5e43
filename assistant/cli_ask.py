"""`ask` on the command line: an answer streamed as plain text, a JSON Lines batch, or a conversation typed
question by question. Output helpers over an Assistant; the argument handling stays in cli.py."""
from __future__ import annotations

import json
import sys


def print_streamed(answers, out, err, progress: bool = True):
    """Print an answer from Assistant.ask_stream: its prose as checked sentences arrive, then the rest.
    Returns the final answer."""
    printed = ""
    answer = None
    for answer in answers:
        prose = answer.prose
        if prose is None:
            continue
        if not prose.done and prose.received == 0 and progress:  # ask_stream's first word of it
            print("（正在请语言模型组织回答…）", file=err, flush=True)
        if len(prose.text) > len(printed) and prose.text.startswith(printed):
            out.write(prose.text[len(printed):])
            out.flush()
            printed = prose.text
    if printed:
        out.write("\n")
    out.write(format_answer(answer, prose_printed=bool(printed)) + "\n")
    out.flush()
    return answer


def format_answer(answer, prose_printed: bool = False) -> str:
    """The answer as plain text: its prose (unless printed already) and notice, the quoted answer, the citations."""
    lines = []
    prose = answer.prose
    if prose is not None and prose.text and not prose_printed:
        lines.append(prose.text)
    if prose is not None and prose.notice:
        lines.append(f"（{prose.notice.rstrip('。')}）")
    if prose is not None and prose.text:
        lines += ["", "原文摘录 (quoted):"]
    lines += [answer.text, "", "引用 (citations):" if answer.found else "可能相关 (possibly related):"]
    for i, c in enumerate(answer.citations, 1):
        lines.append(f"[{i}] 《{c.document_title}》 {c.clause.label} — {c.clause.path_text} ({c.source}, {c.start}–{c.end})")
    return "\n".join(lines)


def ask_jsonl(assistant, stdin, stdout, collection: str = "") -> int:
    """One answer object per input line; a bad line gets an error object and the rest go on. Returns how many
    lines were refused."""
    from assistant.service import InvalidQuestion

    failures = 0
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise InvalidQuestion("每行必须是一个 JSON 对象", "each line must be a JSON object")
            history = item.get("history") or []
            if not isinstance(history, list):
                raise InvalidQuestion("history 必须是之前问题的列表", '"history" must be a list of earlier questions')
            scope = item.get("collection", collection)
            if not isinstance(scope, str):
                raise InvalidQuestion("collection 必须是文件夹名（文本）", '"collection" must be a folder name')
            result = assistant.ask_with_prose(item.get("question"), history, collection=scope).to_json()
        except (json.JSONDecodeError, InvalidQuestion) as exc:
            failures += 1
            message = f"line {number}: {'not valid JSON' if isinstance(exc, json.JSONDecodeError) else exc}"
            print(f"error: {message}", file=sys.stderr)
            result = {"error": message, "line": number}
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return failures


def ask_interactive(assistant, collection: str = "") -> int:
    """Questions typed one by one, each a follow-up of the conversation so far (/new starts another)."""
    from assistant.service import InvalidQuestion

    conversation: list[tuple[str, str]] = []  # (question, what was answered), oldest first
    print("输入问题，回车提问；/new 开始新对话；Ctrl-D 退出。", file=sys.stderr)
    while True:
        try:
            question = input("问> ")
        except EOFError:
            return 0
        if question.strip() == "/new":
            conversation.clear()
            continue
        try:
            answers = assistant.ask_stream(question, [q for q, _ in conversation], conversation, collection)
            answer = print_streamed(answers, sys.stdout, sys.stderr)
        except InvalidQuestion as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        print()
        said = answer.prose.text if answer.prose is not None and answer.prose.text else answer.text
        conversation.append((question, said))
