"""The admin's login over HTTP: two routes of the app's own (POST /admin/login, POST /admin/logout), the
cookie they set, and reading it back on every admin action (assistant/admin.py decides).

The cookie is set by the server, not by page scripts: `HttpOnly` (no script can read it, so a page on
another port of this host cannot lift it), `SameSite=Strict` and `Path=/`, and `Secure` when the request
came over https (uvicorn takes the scheme from X-Forwarded-Proto of a proxy on this machine). It has no
Max-Age: the server decides when a login ends. Cross-site posts to these routes never arrive: the guard
(ui/guard.py) refuses a POST whose Origin is not the app's own.
"""
from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser

from assistant.admin import NO_ADMIN, WRONG, Admin

ADMIN_COOKIE = "pa_admin"
BAD_BODY = "登录请求格式不对：应为 JSON {\"secret\": \"…\"}。"


def client_of(request) -> str:
    """The client's address as this server sees it (a Starlette or Gradio request)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "?")


def token_of(request) -> str:
    """The admin token a request (Starlette or Gradio) carries, or ''."""
    cookies = getattr(request, "cookies", None) or {}
    return str(cookies.get(ADMIN_COOKIE, ""))


def token_in_header(cookie_header: str) -> str:
    return cookie_parser(cookie_header).get(ADMIN_COOKIE, "")


def add_admin_routes(app: FastAPI, admin: Admin) -> None:
    """The two routes, on `app` before Gradio adds its own (so they match first)."""

    @app.post("/admin/login")
    async def login(request: Request) -> JSONResponse:
        client = client_of(request)
        if not admin.enabled:
            return _reply(403, NO_ADMIN)
        try:
            given = json.loads(await request.body()).get("secret")
        except (ValueError, AttributeError, UnicodeDecodeError):
            given = None
        if not isinstance(given, str):
            admin.note(client, "login", "", "refused: malformed request")
            return _reply(400, BAD_BODY)
        result = await run_in_threadpool(admin.login, client, given)  # scrypt: off the event loop, so others go on
        status = 200 if result.ok else 401 if result.message == WRONG else 429
        response = _reply(status, result.message, ok=result.ok)
        if result.ok:
            response.set_cookie(ADMIN_COOKIE, result.token, path="/", httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
        return response

    @app.post("/admin/logout")
    def logout(request: Request) -> JSONResponse:
        message = admin.logout(client_of(request), token_of(request))
        response = _reply(200, message, ok=True)
        response.delete_cookie(ADMIN_COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
        return response


def _reply(status: int, message: str, ok: bool = False) -> JSONResponse:
    return JSONResponse({"ok": ok, "message": message}, status_code=status)
