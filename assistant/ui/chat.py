"""The chat's event handlers: a question in, the session's conversation and the sources panel out.
Module-level functions taking the Assistant first, so tests call them without a browser."""
from __future__ import annotations

import sys
import threading
import time
import traceback
from contextlib import contextmanager
from typing import Any, Iterator

import gradio as gr

from assistant.service import Assistant, InvalidQuestion
from assistant.ui.rating import FeedbackDesk
from assistant.ui.render import render_answer_message, render_notice, render_user_message
from assistant.ui.sources import render_sources
from assistant.ui.session import Session, Turn, session_of

FAILED = "抱歉，处理这个问题时出错了，请稍后重试。"
BUSY = "上一个问题还在回答中，请稍候再问。"


def log_error(where: str) -> None:
    print(f"plan-assistant ui: error in {where}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)


def respond(assistant: Assistant, message: Any, session: Any, collection: Any = "", desk: FeedbackDesk | None = None,
            session_id: str | None = None) -> tuple[list, Session, Any]:
    """Answer `message` with the session's earlier questions as context. With a `desk`, the answer is kept
    as given to `session_id` and gets its rating, copy and export links.

    Returns (chat messages, the session with this turn, sources HTML or `gr.skip()`): the answer
    goes out whole as soon as it is composed, in one update (nothing here is produced over time,
    so nothing is trickled out; a question waiting in the queue shows its place instead).
    """
    session = session_of(session)
    question = message if isinstance(message, str) else ""
    if not question.strip():
        session = session.add(Turn("", "", render_notice("请输入问题后再发送。"), answered=False))
        return session.messages(), session, gr.skip()
    question_html = render_user_message(question)
    try:
        answer = assistant.ask(question, session.questions, _folder(collection))
    except InvalidQuestion as exc:
        return _notice_turn(session, question, question_html, exc.reason)
    except Exception:  # the page shows a short message; the details go to stderr
        log_error("ask")
        return _notice_turn(session, question, question_html, FAILED)
    sources = _sources_html(assistant, answer)
    session = _answered(assistant, session, question, question_html, answer, answer.text, desk, session_id)
    return session.messages(), session, sources


STREAM_UPDATE_SECONDS = 0.25  # at most this often a streaming answer is sent again while nothing new is checked


def respond_stream(assistant: Assistant, message: Any, session: Any, collection: Any = "",
                   desk: FeedbackDesk | None = None, session_id: str | None = None) -> Iterator[tuple[list, Session, Any]]:
    """respond() with a language model: the extractive answer and its sources at once, then the same
    message with the prose as its checked sentences arrive (and how much the model has sent meanwhile),
    then the final message. Only checked sentences are ever shown (see assistant/generation/compose.py)."""
    session = session_of(session)
    question = message if isinstance(message, str) else ""
    if not question.strip():
        yield respond(assistant, message, session, collection, desk, session_id)
        return
    question_html = render_user_message(question)
    answers = assistant.ask_stream(question, session.questions, session.conversation, _folder(collection))
    try:
        answer = next(answers)
    except InvalidQuestion as exc:
        yield _notice_turn(session, question, question_html, exc.reason)
        return
    except Exception:
        log_error("ask")
        yield _notice_turn(session, question, question_html, FAILED)
        return
    yield session.messages(pending=(question_html, render_answer_message(answer))), session, _sources_html(assistant, answer)
    sent_at, sent_text = 0.0, None  # the next one goes at once: it says the answer is being worded
    for answer in answers:
        prose = answer.prose
        if prose is None or prose.done:
            continue
        if prose.text == sent_text and time.monotonic() - sent_at < STREAM_UPDATE_SECONDS:
            continue
        sent_at, sent_text = time.monotonic(), prose.text
        yield session.messages(pending=(question_html, render_answer_message(answer))), session, gr.skip()
    said = answer.prose.text if answer.prose is not None and answer.prose.text else answer.text
    session = _answered(assistant, session, question, question_html, answer, said, desk, session_id)
    yield session.messages(), session, gr.skip()


def _answered(assistant: Assistant, session: Session, question: str, question_html: str, answer, said: str,
              desk: FeedbackDesk | None, session_id: str | None) -> Session:
    """The session with this answered turn; with a desk, the answer kept as given and its tools under it."""
    reply = render_answer_message(answer)
    answer_id = ""
    if desk is not None:
        try:
            given = desk.give(assistant, answer, session.questions, session_id, session.answer_ids)
            answer_id, reply = given.id, reply + desk.tools(given)
        except Exception:  # the answer is shown all the same, without its rating links
            log_error("feedback.give")
    return session.add(Turn(question, question_html, reply, answered=True, said=said, answer_id=answer_id))


def _notice_turn(session: Session, question: str, question_html: str, notice: str) -> tuple[list, Session, Any]:
    """The session with a turn answered by a notice (not context for a follow-up), as the handlers return it."""
    session = session.add(Turn(question, question_html, render_notice(notice), answered=False))
    return session.messages(), session, gr.skip()


def _sources_html(assistant: Assistant, answer) -> str:
    try:
        return render_sources(answer, assistant.documents, assistant.outline)
    except Exception:
        log_error("render_sources")
        return render_sources(None, assistant.documents)


class InFlight:
    """The sessions with an answer being composed: each gets one at a time, so no client can take
    every worker, and two answers of one session cannot race to update its conversation."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sessions: set[str] = set()

    @contextmanager
    def claim(self, session_id: str | None) -> Iterator[bool]:
        with self._lock:
            free = session_id is None or session_id not in self._sessions
            if free and session_id is not None:
                self._sessions.add(session_id)
        try:
            yield free
        finally:
            if free and session_id is not None:
                with self._lock:
                    self._sessions.discard(session_id)


def respond_in_turn(assistant: Assistant, in_flight: InFlight, session_id: str | None, message: Any,
                    session: Any, collection: Any = "", desk: FeedbackDesk | None = None) -> tuple[list, Session, Any]:
    """respond(), unless this session already has an answer under way (then a one-line notice)."""
    with in_flight.claim(session_id) as free:
        if free:
            return respond(assistant, message, session, collection, desk, session_id)
    return busy(message, session)


def respond_stream_in_turn(assistant: Assistant, in_flight: InFlight, session_id: str | None, message: Any,
                           session: Any, collection: Any = "",
                           desk: FeedbackDesk | None = None) -> Iterator[tuple[list, Session, Any]]:
    """respond_stream(), unless this session already has an answer under way (then a one-line notice)."""
    with in_flight.claim(session_id) as free:
        if free:
            yield from respond_stream(assistant, message, session, collection, desk, session_id)
            return
    yield busy(message, session)


def _folder(collection: Any) -> str:
    """The collection picked beside the question box ('' or anything not text: the whole library)."""
    return collection if isinstance(collection, str) else ""


def busy(message: Any, session: Any) -> tuple[list, Session, Any]:
    session = session_of(session)
    pending = (render_user_message(message if isinstance(message, str) else ""), render_notice(BUSY))
    return session.messages(pending=pending), session, gr.skip()


def new_conversation() -> tuple[list, Session, str, str]:
    """Clear the chat, the session's conversation, the sources panel and the textbox."""
    return [], Session(), render_sources(None, {}), ""
