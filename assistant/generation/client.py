"""Streaming answers from any OpenAI-compatible `/v1/chat/completions` endpoint (llama.cpp, vLLM, Ollama,
a hosted API), over plain httpx.

    for delta in stream_chat("http://127.0.0.1:8080", "gemma-3-270m", messages):
        print(delta, end="")

Every failure, whatever its cause (nothing listening, an HTTP error status, a malformed event, a stall,
the deadline, the server dying mid-answer), raises `GenerationError` with a one-line message meant for a
log or a status line, so a caller needs one `except` to fall back to the extractive answer.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import httpx

from assistant.generation import GenerationError

TIMEOUT = 20.0  # seconds for a whole answer: after that the extractive answer is better than waiting
CONNECT_TIMEOUT = 5.0
# Seconds without a byte. It also bounds the wait for the first token, which comes after the whole prompt
# is read: ~7 s for a 900-character prompt with Gemma 3 270M on 2 busy cores.
IDLE_TIMEOUT = 15.0
MAX_TOKENS = 256  # 2–3 Chinese sentences with their marks fit in well under this


@dataclass(frozen=True)
class GeneratorConfig:
    """Where and how to ask for prose answers. The key itself never sits in configuration: only the name
    of the environment variable that holds it."""

    url: str  # base URL, with or without /v1: "http://127.0.0.1:8080"
    model: str = ""  # "" = the first model the endpoint lists (llama.cpp and a one-model vLLM serve one)
    api_key_env: str = "PLAN_LLM_API_KEY"
    timeout: float = TIMEOUT
    max_tokens: int = MAX_TOKENS
    connect_timeout: float = CONNECT_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT

    def api_key(self, environ: dict[str, str] | None = None) -> str | None:
        return (os.environ if environ is None else environ).get(self.api_key_env) or None

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        key = self.api_key()
        model = self.model or served_model(self.url, key, self.connect_timeout)
        return stream_chat(self.url, model, messages, api_key=key, timeout=self.timeout,
                           connect_timeout=self.connect_timeout, idle_timeout=self.idle_timeout,
                           max_tokens=self.max_tokens)


_SERVED: dict[str, str] = {}  # base URL -> the model it serves, asked once per process


def served_model(base_url: str, api_key: str | None = None, timeout: float = CONNECT_TIMEOUT) -> str:
    """The first model id the endpoint lists at /v1/models; GenerationError when it cannot say."""
    url = completions_url(base_url).removesuffix("/chat/completions") + "/models"
    if url in _SERVED:
        return _SERVED[url]
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=timeout)
        _raise_for_status(response)
        listed = response.json().get("data") or []
        model = next(m["id"] for m in listed if isinstance(m, dict) and isinstance(m.get("id"), str))
    except GenerationError:
        raise
    except httpx.HTTPError as error:
        raise GenerationError(f"cannot reach the model server at {url}: {_reason(error)}") from None
    except (ValueError, AttributeError, StopIteration):
        raise GenerationError(f"the model server at {url} lists no model; set PLAN_LLM_MODEL") from None
    _SERVED[url] = model
    return model


def check_url(url: str) -> str:
    """`url` if it can be an endpoint's base URL, else GenerationError saying what is wrong."""
    try:
        parsed = httpx.URL(url) if url.startswith(("http://", "https://")) else None
    except (httpx.InvalidURL, ValueError, TypeError):
        parsed = None
    if parsed is None or not parsed.host:
        raise GenerationError(f"the language model URL must be http(s)://host[:port][/v1], not {url!r}")
    return url


def completions_url(base_url: str) -> str:
    """…/v1/chat/completions for a base URL given with or without /v1 (or already in full)."""
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return (url if url.endswith("/v1") else url + "/v1") + "/chat/completions"


def stream_chat(base_url: str, model: str, messages: Sequence[dict[str, str]], api_key: str | None = None,
                timeout: float = TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT,
                idle_timeout: float = IDLE_TIMEOUT, max_tokens: int = MAX_TOKENS,
                temperature: float = 0.0) -> Iterator[str]:
    """The answer's text as it arrives, one delta at a time, until the server's `[DONE]`.

    `timeout` bounds the whole answer, `idle_timeout` the silence between two chunks and
    `connect_timeout` the connection; each raises GenerationError when it runs out.
    """
    url = completions_url(base_url)
    body = {"model": model, "messages": list(messages), "stream": True, "max_tokens": max_tokens,
            "temperature": temperature}
    headers = {"Accept": "text/event-stream"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    limits = httpx.Timeout(connect=connect_timeout, read=min(idle_timeout, timeout), write=connect_timeout,
                           pool=connect_timeout)
    deadline = _Deadline(timeout)
    try:
        with httpx.Client(timeout=limits) as client, client.stream("POST", url, json=body, headers=headers) as response:
            deadline.arm(response)
            _raise_for_status(response)
            yield from _deltas(response.iter_lines(), deadline)
    except GenerationError:
        raise
    except httpx.ConnectTimeout:
        raise GenerationError(f"no connection to the model server at {url} within {connect_timeout:g} s") from None
    except httpx.ConnectError as error:
        raise GenerationError(f"cannot reach the model server at {url}: {_reason(error)}") from None
    except httpx.ReadTimeout:
        raise GenerationError(f"the model server sent nothing for {min(idle_timeout, timeout):g} s") from None
    except httpx.HTTPError as error:  # the connection broke: the server died or closed mid-answer
        if deadline.expired:
            raise GenerationError(f"the model server did not finish its answer within {timeout:g} s") from None
        raise GenerationError(f"the connection to the model server broke mid-answer: {_reason(error)}") from None
    finally:
        deadline.disarm()


def _deltas(lines: Iterator[str], deadline: _Deadline) -> Iterator[str]:
    """Text deltas from server-sent event lines; `data: [DONE]` (or a finish reason) ends the answer."""
    finished = False
    for line in lines:
        deadline.check()
        if not line.startswith("data:"):
            continue  # blank separators, ": keep-alive" comments, event:/id: fields
        data = line[5:].strip()
        if data == "[DONE]":
            return
        event = _event(data)
        choice = (event.get("choices") or [{}])[0]
        delta = (choice.get("delta") or {}).get("content")
        if delta:
            yield delta
        finished = finished or bool(choice.get("finish_reason"))
    deadline.check()
    if not finished:
        raise GenerationError("the model server ended the answer without finishing it (no [DONE])")


def _event(data: str) -> dict:
    try:
        event = json.loads(data)
    except json.JSONDecodeError:
        raise GenerationError(f"the model server sent a malformed event: {data[:80]!r}") from None
    if not isinstance(event, dict):
        raise GenerationError(f"the model server sent an unexpected event: {data[:80]!r}")
    if "error" in event:  # some servers report a failure inside the stream, after a 200
        error = event["error"]
        message = error.get("message", error) if isinstance(error, dict) else error
        raise GenerationError(f"the model server reported an error: {_one_line(str(message))}")
    return event


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    response.read()
    try:
        detail = response.json().get("error", response.text)
        detail = detail.get("message", detail) if isinstance(detail, dict) else detail
    except (ValueError, AttributeError):
        detail = response.text
    raise GenerationError(f"the model server answered HTTP {response.status_code}: {_one_line(str(detail))}")


class _Deadline:
    """The whole answer's time limit. A read blocked on a server that sends nothing would only end at the
    idle timeout, so at the deadline a timer shuts the socket, which wakes that read at once."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self._timer: threading.Timer | None = None

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.ends

    def check(self) -> None:
        if self.expired:
            raise GenerationError(f"the model server did not finish its answer within {self.seconds:g} s")

    def arm(self, response: httpx.Response) -> None:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return  # only checked between chunks then
        self._timer = threading.Timer(max(0.0, self.ends - time.monotonic()), _shut, (sock,))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the answer ended meanwhile


def _reason(error: Exception) -> str:
    text = _one_line(str(error)) or type(error).__name__
    return text.removeprefix("[Errno 111] ").lower() if "Errno 111" in text else text


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:199] + "…"
