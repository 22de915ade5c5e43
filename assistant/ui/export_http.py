"""Answers downloaded as Markdown or Word: GET pa-export/<answer id>/<answer|conversation>.<md|docx>, a route
of the app's own (added before Gradio's). The answer id is 128 random bits the server gave only the session
that received the answer, so the link is that session's to use; an unknown or forgotten id gets 404 with a
Chinese sentence. The files are made from what was given (feedback.GivenAnswer), not asked again."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from assistant.export import docx_bytes, file_name, markdown
from assistant.ui.rating import EXPORT_ROUTE, FeedbackDesk

GONE = "找不到这个回答：链接有误，或回答已过期（服务器只保留最近的回答），请重新提问后再导出。"
TYPES = {"md": "text/markdown; charset=utf-8",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def add_export_routes(app: FastAPI, desk: FeedbackDesk) -> None:
    @app.get(f"/{EXPORT_ROUTE}/{{answer_id}}/{{scope}}.{{suffix}}")
    async def export(answer_id: str, scope: str, suffix: str) -> Response:
        given = desk.given.by_id(answer_id)
        if given is None or scope not in ("answer", "conversation") or suffix not in TYPES:
            return JSONResponse({"error": GONE, "detail": GONE}, status_code=404)
        answers = desk.given.conversation(given) if scope == "conversation" else [given]
        if suffix == "md":
            body = markdown(answers).encode("utf-8")
        else:
            body = await run_in_threadpool(docx_bytes, answers)  # ~10 ms of python-docx: off the event loop
        name = file_name(given, scope == "conversation", suffix)
        ascii_name = f"plan-assistant-{scope}.{suffix}"
        return Response(body, media_type=TYPES[suffix], headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store"})
