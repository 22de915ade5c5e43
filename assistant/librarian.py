"""Changing the collection while the assistant answers: files are added or removed, then the index is
rebuilt in one background thread (one build at a time; changes made meanwhile start another), and the
assistant switches to the new generation when it is ready. Until then every question is answered from
the previous one (Assistant.use_index swaps one reference).

The browser's document management and its tests use this; the CLI's `add`/`remove` do the same work in
the foreground.
"""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Iterable

from assistant.collection import Outcome, add_files, remove_document
from assistant.corpus import CorpusError, scan_library
from assistant.index import Manifest, build_index
from assistant.priority import lower_this_thread
from assistant.service import Assistant

PASSED_OVER_TTL = 10.0
STATUS_NAMES = {"queued": "排队中", "reading": "解析中", "embedding": "向量化中", "ready": "已就绪",
                "refused": "未收录", "removed": "已删除", "duplicate": "重复，未收录", "skipped": "未读取"}


@dataclass(frozen=True)
class FileState:
    name: str
    status: str  # a key of STATUS_NAMES
    reason: str = ""
    done: int = 0  # steps done of `total` while reading or embedding
    total: int = 0


class Librarian:
    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self._lock = threading.Lock()
        self._pending: dict[str, FileState] = {}  # files changed since the live index, and why not ready
        self._thread: threading.Thread | None = None
        self._again = False
        self.last_error = ""
        self._passed: tuple[float, dict[str, FileState]] = (float("-inf"), {})  # (when scanned, what it found)

    @property
    def corpus_dir(self):
        return self.assistant.config.corpus_dir

    def add(self, files: Iterable[tuple[str, bytes]], folder: str = "") -> list[Outcome]:
        """Check and copy each file (into the library's sub-folder `folder`, if given); those taken are
        indexed in the background."""
        outcomes = add_files(self.corpus_dir, files, folder=folder)
        with self._lock:
            for o in outcomes:
                if o.status in ("added", "replaced"):
                    self._pending[o.name] = FileState(o.name, "queued")
                elif o.status == "refused":
                    self._pending[o.name] = FileState(o.name, "refused", o.reason)
        if any(o.status in ("added", "replaced") for o in outcomes):
            self.reindex()
        return outcomes

    def remove(self, name: str) -> Outcome:
        outcome = remove_document(self.corpus_dir, name)
        if outcome.ok:
            with self._lock:
                self._pending[outcome.name] = FileState(outcome.name, "removed")
            self.reindex()
        return outcome

    def reindex(self) -> None:
        """Start a background build, or have the running one followed by another."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, daemon=True, name="librarian")
            self._thread.start()

    def busy(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the background builds are done (for tests and the CLI); False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.busy()

    def states(self) -> list[FileState]:
        """Every document of the live index (ready), every file in flight or refused, by name."""
        with self._lock:
            pending = dict(self._pending)
        ready = {name: FileState(name, "ready") for name in self.assistant.documents}
        refused = {name: FileState(name, "duplicate" if "duplicate_of" in entry else "refused", entry.get("reason", ""))
                   for name, entry in self.assistant.index.manifest.refused.items()}
        return [s for _, s in sorted({**self._passed_over(), **ready, **refused, **pending}.items())]

    def _passed_over(self) -> dict[str, FileState]:
        """What the folder holds that is not read (hidden, lock files, archives, other formats), with why. The tab
        asks every second while open: the folder is walked again at most every PASSED_OVER_TTL seconds."""
        scanned_at, found = self._passed
        if time.monotonic() - scanned_at < PASSED_OVER_TTL:
            return found
        try:
            skipped = scan_library(self.assistant.config.corpus_dir).skipped
        except CorpusError:
            skipped = ()
        found = {s.name: FileState(s.name, "skipped", s.reason) for s in skipped}
        self._passed = (time.monotonic(), found)
        return found

    def _run(self) -> None:
        lower_this_thread(self.assistant.config.build_niceness)  # questions first
        while True:
            with self._lock:
                self._again = False
            try:
                index, _ = build_index(self.assistant.config, lambda: self.assistant.embedder, progress=False,
                                       on_progress=self._progress)
            except Exception as exc:  # the previous index keeps answering; the reason is shown
                self.last_error = f"{type(exc).__name__}: {exc}"
                print(f"plan-assistant: indexing failed ({self.last_error})", file=sys.stderr, flush=True)
                with self._lock:
                    self._pending = {n: replace(s, status="refused", reason=self.last_error)
                                     if s.status in ("queued", "reading", "embedding") else s
                                     for n, s in self._pending.items()}
            else:
                self.last_error = ""
                self.assistant.use_index(index)
                self._settle(index.manifest)
            with self._lock:
                if not self._again:
                    self._thread = None if threading.current_thread() is self._thread else self._thread
                    return

    def _progress(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            for name, state in self._pending.items():
                if state.status in ("queued", "reading", "embedding"):
                    self._pending[name] = FileState(name, stage, "", done, total)

    def _settle(self, manifest: Manifest) -> None:
        """After a build: what it indexed is ready, what it refused says why, removals are done."""
        with self._lock:
            settled = {}
            for name, state in self._pending.items():
                if name in manifest.refused:
                    settled[name] = FileState(name, "refused", manifest.refused[name].get("reason", ""))
                elif state.status == "refused":
                    settled[name] = state  # refused before it reached the folder (add_files)
            self._pending = settled
