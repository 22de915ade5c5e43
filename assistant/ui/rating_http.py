"""Rating an answer over HTTP: POST pa-rate with a JSON object, a route of the app's own (added before Gradio's),
which the page's 👍 and the 👎 form's 提交 use, and so may a script:

    {"session": <the Gradio session hash>, "answer": <the answer's id>, "vote": "up" | "down",
     "reason": "wrong_figure" | "wrong_clause" | "should_refuse" | "should_answer" | "other",   (for "down")
     "comment": "…", "source": "<document>", "label": "<clause label>", "name": "…"}           (optional)
    -> {"ok": true | false, "message": "<one Chinese sentence>"}

200 when the rating is on disk; 400 malformed (nothing stored); 403 when the answer was not given to that
session; 503 when feedback is off (the records file failing). A plain route and not a Gradio event: a rating is a
millisecond's work, and Gradio's event route costs the server ~4 ms of CPU per call (bench/load.py --rate).
Bodies over 1 MB are refused before this runs (ui/limits.py); POSTs from other sites by the guard (ui/guard.py).
"""
from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant.ui.rating import RATE_ROUTE, REFUSED, FeedbackDesk

NOT_AN_OBJECT = REFUSED.format(reason="请求内容应为 JSON 对象 {\"answer\": …, \"vote\": …}")


def add_rating_route(app: FastAPI, desk: FeedbackDesk) -> None:
    @app.post(f"/{RATE_ROUTE}")
    async def rate(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"ok": False, "message": NOT_AN_OBJECT}, status_code=400)
        fields = ("answer", "vote", "reason", "comment", "source", "label", "name")
        args = (body.get("session"), *(body.get(f, "") for f in fields))
        # At once when the records file is free (about a millisecond, synced): a thread pool's hop cost the server
        # 1–3 ms of CPU a rating under load (bench/load.py --rate). When the file is busy (another program holds it),
        # in a thread that waits, so a locked file never stalls the other sessions.
        reply = desk.rate(*args, at_once=True) or await run_in_threadpool(desk.rate, *args)
        return JSONResponse({"ok": reply.saved, "message": reply.message}, status_code=reply.status)
