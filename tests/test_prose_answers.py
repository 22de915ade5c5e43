"""Prose answers wired through the service, the CLI, the UI handlers and the evaluation, with the real
retrieval and a scripted stand-in for the model's endpoint (the real llama.cpp server runs the same paths
in test_generation_server.py, marked `llm`). The stand-in writes what a model might: a sentence taken from
the clause it cites, one with a figure no clause states, and one citing a clause it was not given."""
from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest

from assistant.cli_ask import format_answer, print_streamed
from assistant.config import Config
from assistant.generation import GenerationError
from assistant.generation.compose import FAILED_CHECK, NO_ANSWER, prompt_question, wants_prose, write_prose
from assistant.models import Intent
from assistant.service import open_generator

FIGURE_QUESTION = "2022年孕产妇死亡率的目标是多少？"


def clause_1_retold(messages) -> str:
    """The first two sentences of clause [1] as the prompt shows it ("[1] 《title》 path：text"), each cited."""
    shown = re.search(r"^\[1\] 《[^》]*》 [^：\n]*：(.*)$", messages[-1]["content"], re.M).group(1)
    return "".join(f"{sentence}[1]。" for sentence in re.findall(r"[^。；]+", shown)[:2])


class ScriptedEndpoint:
    """Streams a scripted reply in small deltas, as an endpoint does; `fail_after` deltas it breaks off."""

    def __init__(self, script=None, fail_after: int | None = None):
        self.script = script or (lambda messages: f"{clause_1_retold(messages)}目标为99.9%[1]。另见第九条[9]。")
        self.fail_after = fail_after
        self.calls = []

    def stream(self, messages):
        self.calls.append(messages)
        text = self.script(messages)
        for n, start in enumerate(range(0, len(text), 3)):
            if self.fail_after is not None and n >= self.fail_after:
                raise GenerationError("the connection to the model server broke mid-answer: closed")
            yield text[start:start + 3]


@pytest.fixture
def with_endpoint(shared_assistant, monkeypatch):
    """The session's real assistant with a scripted endpoint as its generator."""
    def attach(endpoint: ScriptedEndpoint):
        monkeypatch.setattr(shared_assistant, "generator", endpoint)
        return shared_assistant
    return attach


def test_without_a_generator_ask_stream_gives_the_extractive_answer_alone(shared_assistant):
    assert shared_assistant.generator is None  # the default configuration
    answers = list(shared_assistant.ask_stream(FIGURE_QUESTION))
    assert answers == [shared_assistant.ask(FIGURE_QUESTION)]
    assert "prose" not in answers[0].to_json()


def test_a_found_answer_is_worded_and_only_checked_sentences_are_ever_shown(with_endpoint):
    endpoint = ScriptedEndpoint()
    assistant = with_endpoint(endpoint)
    answers = list(assistant.ask_stream(FIGURE_QUESTION))
    extractive, final = answers[0], answers[-1]
    assert extractive.prose is None and final.prose.done
    # Generation never changes what is cited or whether the assistant answers.
    assert replace(final, prose=None) == extractive
    kept = final.prose.text
    assert kept.endswith("[1]。") and "99.9%" not in kept and "[9]" not in kept
    assert final.prose.generated == 4
    assert dict((s, r) for s, r in final.prose.dropped) == {
        "目标为99.9%[1]。": "unsupported figure 99.9%", "另见第九条[9]。": "cites [9], which was not given"}
    assert final.prose.notice == "已删去语言模型回答中 2 句无法与所引条款核对的话。"
    # While streaming, the text shown grows by checked sentences only.
    for partial in answers[1:-1]:
        assert not partial.prose.done and kept.startswith(partial.prose.text)
        assert "99.9%" not in partial.prose.text
    assert [p.prose.received for p in answers[1:-1]] == sorted(p.prose.received for p in answers[1:-1])


def test_a_refused_answer_never_reaches_the_model(with_endpoint):
    endpoint = ScriptedEndpoint()
    assistant = with_endpoint(endpoint)
    answers = list(assistant.ask_stream("2035年远景目标中宇航员体检标准是什么？"))
    assert len(answers) == 1 and not answers[0].found and answers[0].prose is None
    assert endpoint.calls == []


def test_a_greeting_and_a_document_outline_are_not_worded(shared_assistant):
    greeting = shared_assistant.ask("你好")
    assert greeting.intent is Intent.CONVERSATION and not wants_prose(greeting)
    outline = shared_assistant.ask("钦州市的行动计划分为哪几个部分？")
    assert outline.intent is Intent.OUTLINE and not wants_prose(outline)


def test_an_endpoint_breaking_off_mid_answer_leaves_the_extractive_answer_with_a_notice(with_endpoint):
    assistant = with_endpoint(ScriptedEndpoint(fail_after=4))
    final = assistant.ask_with_prose(FIGURE_QUESTION)
    assert final.found and final.prose.fell_back and final.prose.text == ""
    assert final.prose.notice == NO_ANSWER and "broke mid-answer" in final.prose.error
    assert final.prose.received == 12


def test_too_much_dropped_falls_back_to_the_extractive_answer(with_endpoint):
    assistant = with_endpoint(ScriptedEndpoint(lambda messages: "目标为99.9%[1]。婴儿死亡率为1‰[1]。"))
    final = assistant.ask_with_prose(FIGURE_QUESTION)
    assert final.prose.fell_back and final.prose.notice == FAILED_CHECK and len(final.prose.dropped) == 2


def test_a_follow_up_is_put_to_the_model_with_what_it_was_resolved_to(with_endpoint):
    endpoint = ScriptedEndpoint()
    assistant = with_endpoint(endpoint)
    conversation = [("2022年孕产妇死亡率的目标是多少？", "孕产妇死亡率降到……[1]。")]
    final = assistant.ask_with_prose("那2020年呢？", [q for q, _ in conversation], conversation)
    assert final.found and final.effective_question != "那2020年呢？"
    sent = endpoint.calls[0]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert f"那2020年呢？（即：{final.effective_question}）" in sent[-1]["content"]
    assert prompt_question(final) == f"那2020年呢？（即：{final.effective_question}）"


def test_the_cli_prints_the_checked_prose_then_the_quoted_answer_and_citations(with_endpoint):
    assistant = with_endpoint(ScriptedEndpoint())
    out, err = io.StringIO(), io.StringIO()
    final = print_streamed(assistant.ask_stream(FIGURE_QUESTION), out, err)
    printed = out.getvalue()
    assert printed.startswith(final.prose.text + "\n")
    assert "（已删去语言模型回答中 2 句无法与所引条款核对的话）" in printed
    assert "原文摘录 (quoted):\n" + final.text in printed and "引用 (citations):\n[1] 《" in printed
    assert "99.9%" not in printed
    assert format_answer(replace(final, prose=None)) == format_answer(assistant.ask(FIGURE_QUESTION))


def test_the_ui_streams_the_prose_with_clickable_marks_above_the_quoted_answer(with_endpoint):
    from assistant.ui.chat import respond_stream
    from assistant.ui.session import Session

    assistant = with_endpoint(ScriptedEndpoint())
    updates = list(respond_stream(assistant, FIGURE_QUESTION, Session()))
    first_chat, _, first_sources = updates[0]
    assert 'class="pa-card' in first_sources  # the quoted clauses at once, before any prose
    assert "pa-answer-text" in first_chat[-1]["content"]
    assert "正在组织文字回答…</div>" in updates[1][0][-1]["content"]  # then at once: being worded
    chat, session, _ = updates[-1]
    reply = chat[-1]["content"]
    assert re.search(r'<div class="pa-msg pa-prose">.*<a class="pa-open" role="button" href="#pa-open\?s=', reply)
    assert reply.index("pa-prose") < reply.index("原文摘录") < reply.index("pa-answer-text")
    assert "99.9%" not in reply and "正在组织文字回答" not in reply
    assert session.conversation[-1] == (FIGURE_QUESTION, assistant.ask_with_prose(FIGURE_QUESTION).prose.text)


def test_the_ui_shows_the_notice_when_the_endpoint_dies(with_endpoint):
    from assistant.ui.chat import respond_stream
    from assistant.ui.session import Session

    assistant = with_endpoint(ScriptedEndpoint(fail_after=2))
    chat, session, _ = list(respond_stream(assistant, FIGURE_QUESTION, Session()))[-1]
    reply = chat[-1]["content"]
    assert NO_ANSWER in reply and "pa-answer-text" in reply and "pa-prose\"" not in reply
    assert session.conversation[-1][1] == assistant.ask(FIGURE_QUESTION).text


def test_the_generator_is_configured_by_one_setting():
    assert open_generator(Config()) is None
    generator = open_generator(Config.from_env({"PLAN_LLM_URL": "http://127.0.0.1:8080/v1", "PLAN_LLM_TIMEOUT": "7.5",
                                                "PLAN_LLM_MODEL": "qwen2.5"}))
    assert (generator.url, generator.model, generator.timeout, generator.api_key_env) == (
        "http://127.0.0.1:8080/v1", "qwen2.5", 7.5, "PLAN_LLM_API_KEY")
    assert generator.api_key({"PLAN_LLM_API_KEY": "sk-1"}) == "sk-1"
    for bad in ("127.0.0.1:8080", "ftp://host/v1", "http://"):
        with pytest.raises(GenerationError, match="must be http"):
            open_generator(Config(llm_url=bad))


def test_the_cli_refuses_a_malformed_llm_url_in_one_line(capsys):
    from assistant.cli import main

    assert main(["ask", "--llm-url", "localhost:8080", "-q", FIGURE_QUESTION]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the language model URL must be http(s)://") and err.count("\n") == 1


def test_eval_with_a_generator_reports_what_the_check_did(with_endpoint, tmp_path):
    from assistant.eval.load import load_set
    from assistant.eval.prose import format_prose, prose_figures
    from assistant.eval.run import evaluate

    assistant = with_endpoint(ScriptedEndpoint())
    items = load_set(Config().corpus_dir.parent / "eval" / "questions.jsonl")[:12]
    evaluation = evaluate(assistant, items)
    figures = prose_figures(evaluation.results)
    worded = [r for r in evaluation.results if r.prose is not None]
    assert figures.worded == len(worded) > 0
    assert figures.unsupported_after_check == 0
    assert figures.reasons.get("unsupported figure", 0) >= 1 and figures.reasons.get("cites a clause not given") >= 1
    assert figures.sentences == figures.dropped + sum(len(re.findall(r"\[\d+\]。", r.prose.text)) for r in worded)
    assert "unsupported figures after the check: 0 (must be 0)" in format_prose(figures)
