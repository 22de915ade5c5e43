"""What the server accepts over HTTP, checked before Gradio sees a request (an ASGI middleware).

- Request bodies are capped (`max_body_bytes`): a question is a few KB, so a 10 MB body is refused
  with a one-line message before it is read in full, and costs nobody else anything. (The cap is
  far above any question so that a long paste is told it is too long, in the chat, by the app.)
- Gradio's file upload route is closed, except for a request carrying a live admin login (its cookie,
  checked by `may_upload` against assistant/admin.py): nobody else may write to its disk.
- A call of the `/ask` API gets its argument checked (a question as text) and, if wrong, a short
  message in the response instead of a traceback in the log; so does a call of no endpoint.
- Gradio's direct route (`/run/…`, `/api/…`: no queue, no argument checks) serves only the events the page
  itself sends that way (those not queued: a new conversation); a call of any other endpoint there is closed.
- When the queue is full, the refusal says so in plain words (with how many are waiting).

`ask_problem` is a pure function of the decoded JSON body, so the rules are easy to test on a dict.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Awaitable, Callable

from assistant.ui.guard import CLOSED

MAX_BODY_BYTES = 1024 * 1024  # a pasted 300,000-character question still gets its 'too long' answer
DRAIN_BYTES = 64 * 1024 * 1024  # an oversized body is read and dropped up to this, so its sender sees why

RATING_TOO_LARGE = "评价内容过大（上限 1 MB），未保存。请精简说明后再提交。 (rating too large)"
_RATING = re.compile(r"/pa-rate$")
TOO_LARGE = "请求过大（上限 {limit} KB），未处理。问题请控制在 {chars} 字以内。 (request body too large)"
UPLOAD_CLOSED = "本服务不接受上传文件。 (file upload is not enabled on this server)"
NOT_JSON = "请求内容不是有效的 JSON。 (request body is not valid JSON)"
QUEUE_FULL = "服务繁忙：已有 {waiting} 个问题在排队，请稍后再试。 (server busy: the queue is full, try again shortly)"

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


@dataclass(frozen=True)
class Endpoints:
    """What the app's queue serves: the id of `/ask` and how many inputs each endpoint takes."""

    ask: int | None
    inputs: dict[int, int]
    direct: frozenset[int] = frozenset()  # the endpoints that are not queued: the page calls them on /run/


def ask_problem(body: object, endpoints: Endpoints, simple: bool) -> str | None:
    """What is wrong with a call, or None when it can be answered.

    `simple` is Gradio's `/call/ask` route (body {"data": [question]}); otherwise the queue's
    `/queue/join` body, which names the endpoint by `fn_index` and also carries the session's
    state (as null); endpoints other than `/ask` are only checked to exist.
    """
    if not isinstance(body, dict):
        return NOT_JSON
    if not simple:
        fn_index = body.get("fn_index")
        if not isinstance(fn_index, int) or isinstance(fn_index, bool) or fn_index not in endpoints.inputs:
            return f"没有编号为 {fn_index!r:.20} 的接口。 (no such endpoint)"
        if fn_index != endpoints.ask:
            return None
    data = body.get("data")
    if not isinstance(data, list) or not data:
        return "缺少参数 message（要问的问题）。 (missing argument: message)"
    if not isinstance(data[0], str):
        return f"参数 message 必须是文本，收到的是 {_json_type(data[0])}。 (message must be a string)"
    allowed = 2 if simple else endpoints.inputs.get(endpoints.ask, 1)
    if len(data) > allowed:
        return (f"/ask 只接受参数 message 和 folder，收到 {len(data)} 个。 "
                f"(/ask takes the arguments message and folder)")
    folder = data[1 if simple else 2] if len(data) > (1 if simple else 2) else None
    if folder is not None and not isinstance(folder, str):
        return f"参数 folder 必须是文件夹名（文本），收到的是 {_json_type(folder)}。 (folder must be a string)"
    return None


def _direct_ok(body: bytes, endpoints: Endpoints) -> bool:
    try:
        decoded = json.loads(body or b"null")
    except ValueError:
        return False
    fn_index = decoded.get("fn_index") if isinstance(decoded, dict) else None
    return isinstance(fn_index, int) and not isinstance(fn_index, bool) and fn_index in endpoints.direct


def _json_type(value: object) -> str:
    names = {dict: "对象 (object)", list: "数组 (array)", bool: "布尔值 (boolean)", int: "数字 (number)",
             float: "数字 (number)", type(None): "空值 (null)"}
    return names.get(type(value), type(value).__name__)


_ASK_ROUTE = re.compile(r"/call/ask/?$")
_DIRECT = re.compile(r"/(?:run|api)/[^/]+/?$")
_QUEUE_JOIN = re.compile(r"/queue/join/?$")
_UPLOAD = re.compile(r"/upload/?$")


class RequestLimits:
    """ASGI middleware enforcing the rules above; everything else passes through untouched."""

    def __init__(self, app, max_body_bytes: int = MAX_BODY_BYTES, max_question_chars: int = 2000,
                 endpoints: Callable[[], Endpoints] = lambda: Endpoints(None, {}),
                 may_upload: Callable[[str, str], bool] = lambda cookie, client: False, max_upload_bytes: int = 0):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_question_chars = max_question_chars
        self.endpoints = endpoints
        self.may_upload = may_upload  # (the request's Cookie header, its client address) -> whether it is the admin's
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self.max_body_bytes
        if _UPLOAD.search(path):
            if not self.may_upload(_header(scope, b"cookie"), (scope.get("client") or ("?",))[0]):
                await _reply(send, 403, UPLOAD_CLOSED)
                return
            limit = self.max_upload_bytes  # the admin's documents
        declared = _content_length(scope)
        body = None if declared is not None and declared > limit else await _read_body(receive, limit)
        if body is None:
            await _discard_body(receive, DRAIN_BYTES)  # so the client reads the refusal, not a reset
            message = RATING_TOO_LARGE if _RATING.search(path) else self._too_large(limit)
            await _reply(send, 413, message)
            return
        if _DIRECT.search(path) and not _direct_ok(body, self.endpoints()):
            await _reply(send, 404, CLOSED)
            return
        simple, join = bool(_ASK_ROUTE.search(path)), bool(_QUEUE_JOIN.search(path))
        if simple or join:
            try:
                decoded = json.loads(body or b"null")
            except ValueError:
                decoded = None
            problem = ask_problem(decoded, self.endpoints(), simple)
            if problem:
                await _reply(send, 422, problem, invalid_argument="message")
                return
        await self.app(scope, _replay(body, receive), _plain_queue_full(send) if join else send)

    def _too_large(self, limit: int) -> str:
        if limit != self.max_body_bytes:
            return f"文件过大（上限 {limit // (1024 * 1024)} MB），未上传。 (upload too large)"
        return TOO_LARGE.format(limit=limit // 1024, chars=self.max_question_chars)


def _header(scope: dict, wanted: bytes) -> str:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return ""


def _content_length(scope: dict) -> int | None:
    try:
        return int(_header(scope, b"content-length"))
    except ValueError:
        return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` (the rest is never read)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _discard_body(receive: Receive, limit: int) -> None:
    """Read and drop what the client is still sending, up to `limit` bytes (beyond that, the
    connection is simply closed after the reply)."""
    drained = 0
    while drained <= limit:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        drained += len(message.get("body", b""))


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body to the app once, then defers to the real one."""
    sent = False

    async def replayed() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _plain_queue_full(send: Send) -> Send:
    """A `send` that turns Gradio's 503 'Queue is full. Max size is …' into QUEUE_FULL."""
    refused, held = False, []

    async def sending(message: dict) -> None:
        nonlocal refused
        if message["type"] == "http.response.start" and message.get("status") == 503:
            refused = True
            return
        if not refused or message["type"] != "http.response.body":
            await send(message)
            return
        held.append(message.get("body", b""))
        if not message.get("more_body"):
            await _reply(send, 503, queue_full_text(b"".join(held)))

    return sending


def queue_full_text(gradio_body: bytes) -> str:
    """QUEUE_FULL with the number waiting, from Gradio's refusal; its own detail if it was another 503."""
    try:
        detail = str(json.loads(gradio_body).get("detail", ""))
    except (ValueError, AttributeError):
        detail = ""
    waiting = re.search(r"size is (\d+)", detail)
    if waiting:
        return QUEUE_FULL.format(waiting=waiting.group(1))
    return detail or QUEUE_FULL.format(waiting="很多")


async def _reply(send: Send, status: int, text: str, invalid_argument: str | None = None) -> None:
    """A JSON refusal. A bad argument is described the way Gradio describes a failed validation
    (a list under "detail"), so gradio_client raises ValidationError with `text` in it."""
    detail: object = text
    if invalid_argument is not None:
        detail = [{"__type__": "validate", "is_valid": False, "parameter_name": invalid_argument, "message": text}]
    body = json.dumps({"detail": detail, "error": text}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
