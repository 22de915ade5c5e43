"""The outermost check of every request, before Gradio's own middleware (ASGI).

- **Hosts.** Only the Host names of `allowed_hosts` are answered (default: the bind address, localhost,
  127.0.0.1, ::1); any other gets 400. A name someone points at this machine (DNS rebinding) reaches nothing.
- **Origins.** Gradio's CORS middleware echoes any Origin with `Access-Control-Allow-Credentials: true`
  whenever the Host is not localhost; here, a response to a foreign Origin (not the app's own host and
  port, not in `allowed_origins`) loses every Access-Control-* header, and a POST or a preflight from one
  is refused (403) before anything runs: a page on another site or another port cannot act with the
  admin's cookie, which SameSite alone would not stop for another port of the same host.
- **Frames.** Every response says `Content-Security-Policy: frame-ancestors 'self'` and
  `X-Frame-Options: SAMEORIGIN`, so no other site can frame the app and steer clicks.
- **Routes the app does not use are closed** (404): /call/v2/… and /call/ of anything but ask, audio
  recording, run history, monitoring, profiling, the proxy, media streams, the dev reloader and Gradio's own
  login pages. (Gradio's direct route /run/…, which the page uses for its unqueued events, is narrowed to
  those events by limits.py, which reads the body.)

It wraps the whole middleware stack (ui/app.py GuardedApp), so it is also outside Gradio's CORS middleware.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

UNKNOWN_HOST = "未知的主机名：本服务只接受 {hosts} 的访问（可用 --allowed-hosts 添加）。 (unknown Host)"
CROSS_SITE = "拒绝来自其他网站的请求。 (cross-origin request refused)"
CLOSED = "此接口未开放。 (this endpoint is not available)"

# Gradio routes this app never uses; everything it uses stays open.
_CLOSED = re.compile(
    r"^/(?:gradio_api/)?(?:"
    r"call/v2/|call/(?!ask/?$|ask/[^/]+$)|process_recording|vibe-|undo-vibe-edit|run-history/|runs/?$"
    r"|profiling/|proxy=|stream/|dev/|custom_component/|monitoring"
    r")|^/(?:login|logout)/?$")
_FRAMES = [(b"content-security-policy", b"frame-ancestors 'self'"), (b"x-frame-options", b"SAMEORIGIN")]
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def default_hosts(bind: str) -> frozenset[str]:
    return frozenset({bind.strip("[]").lower(), "localhost", "127.0.0.1", "::1"})


def parse_list(text: str) -> frozenset[str]:
    return frozenset(item.strip().lower() for item in text.split(",") if item.strip())


def host_name(host: str) -> str:
    """'127.0.0.1:7860' -> '127.0.0.1', '[::1]:7860' -> '::1', 'Plan.Office.LAN' -> 'plan.office.lan'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _netloc(host: str, scheme: str) -> str:
    """A host[:port] without the scheme's default port, for comparing an Origin with a Host header."""
    host = host.strip().lower()
    port = _DEFAULT_PORTS.get(scheme)
    return host[: -len(port) - 1] if port and host.endswith(":" + port) else host


class Guard:
    def __init__(self, app, hosts: frozenset[str], origins: frozenset[str] = frozenset()):
        self.app = app
        self.hosts = hosts
        self.origins = frozenset(o.rstrip("/") for o in origins)

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {name: value.decode("latin-1") for name, value in scope.get("headers", ())}
        host = headers.get(b"host", "")
        origin = headers.get(b"origin")
        if host_name(host) not in self.hosts:
            await _refuse(scope, send, 400, UNKNOWN_HOST.format(hosts="、".join(sorted(self.hosts))))
            return
        if _CLOSED.search(scope["path"]):
            await _refuse(scope, send, 404, CLOSED)
            return
        foreign = origin is not None and not self.own(origin, host)
        if foreign and (scope["type"] == "websocket" or scope["method"] not in ("GET", "HEAD")):
            await _refuse(scope, send, 403, CROSS_SITE)
            return

        async def guarded_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", [])
                        if k.lower() not in (b"content-security-policy", b"x-frame-options")
                        and not (foreign and k.lower().startswith(b"access-control-"))]
                message = {**message, "headers": kept + _FRAMES}
            await send(message)

        await self.app(scope, receive, guarded_send)

    def own(self, origin: str, host: str) -> bool:
        """Whether `origin` is the app itself (the same host and port as the request's Host) or allowed."""
        origin = origin.strip().rstrip("/").lower()
        if origin in self.origins:
            return True
        parts = urlsplit(origin)  # scheme aside: behind a proxy that ends TLS, the page is https, the request http
        return parts.scheme in _DEFAULT_PORTS and _netloc(parts.netloc, parts.scheme) == _netloc(host, parts.scheme)


async def _refuse(scope: dict, send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"detail": text, "error": text}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *_FRAMES]})
    await send({"type": "http.response.body", "body": body})
