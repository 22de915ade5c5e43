"""What every step of preparing the model shares: the built-in model's names and numbers, the error that
says a model cannot be found or built, and where progress messages go."""
from __future__ import annotations

import sys
from typing import Callable

BUILTIN_MODEL = "e5-small"
BUILTIN_FOLDER = "e5-small-st"
WEIGHTS_FILE = "e5-small-q4.bin"
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512
TORCH_THREADS = 2  # the target machines have 2 cores; more threads only add contention


class ModelError(Exception):
    """The requested embedding model cannot be found or built."""


Say = Callable[[str], None]  # a progress-message sink


def _quiet(msg: str) -> None:
    pass


def _progress_printer(enabled: bool) -> Say:
    """Messages go to stderr so that stdout stays clean for command output (e.g. JSON answers)."""
    if not enabled:
        return _quiet
    return lambda msg: print(f"[embedding] {msg}", file=sys.stderr, flush=True)
