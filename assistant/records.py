"""What the server keeps that is not derived from the documents: one SQLite file beside the index.

The index folder can be deleted and rebuilt from the corpus at any time; this file cannot, so it lives
beside it (`index-records.sqlite` next to `index/`, or `--records FILE`), never inside it. It holds the
audit trail of the collection's administration (schema 1) and the staff's ratings of answers (schema 2,
read and written by assistant/feedback_store.py).

- WAL journal: the server writes while `python -m assistant audit` reads, and neither waits on the other.
- Schema versioned: `schema_version` holds how many MIGRATIONS have run; opening a file runs the rest,
  each in one transaction, so an older file is brought up to date and a newer one is refused.
- One connection per Records, shared by the server's threads under a lock (SQLite serialises writes
  anyway; an audit row is a few hundred bytes).
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

# Each entry is one step of the schema, never edited once released: a change is a new entry.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE audit (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,      -- UTC, ISO 8601 with seconds: sorts as text
        client  TEXT NOT NULL,      -- the client's address as the server saw it
        action  TEXT NOT NULL,      -- login, logout, upload, delete, reindex, audit-view
        target  TEXT NOT NULL,      -- a document's name, or ''
        outcome TEXT NOT NULL       -- ok, added, removed, refused: <why> …
    );
    CREATE INDEX audit_at ON audit(at);
    """,
    # 2: staff feedback. One row per rating, never overwritten by a later rating of the same answer (both
    # stay, the newer first in the review); the answer is copied in as it was given, since the index it came
    # from may be gone by the time someone reviews it. The reviewer's columns start empty.
    """
    CREATE TABLE feedback (
        id           INTEGER PRIMARY KEY,
        at           TEXT NOT NULL,     -- when it was rated (UTC)
        answer_id    TEXT NOT NULL,     -- the id the server gave the answer (feedback.GivenAnswer)
        vote         TEXT NOT NULL,     -- up, down
        reason       TEXT NOT NULL,     -- for down: wrong_figure, wrong_clause, should_refuse, should_answer, other
        comment      TEXT NOT NULL,     -- the right answer as the staff member wrote it, or ''
        right_source TEXT NOT NULL,     -- the clause that holds it (a document's name and a clause label), or ''
        right_label  TEXT NOT NULL,
        name         TEXT NOT NULL,     -- the optional name (only when the server asks for one), or ''
        question     TEXT NOT NULL,
        history      TEXT NOT NULL,     -- JSON list: the conversation's earlier questions, oldest first
        answer       TEXT NOT NULL,
        found        INTEGER NOT NULL,
        intent       TEXT NOT NULL,
        citations    TEXT NOT NULL,     -- JSON list of the cited clauses with their quotes
        generation   TEXT NOT NULL,     -- the index generation it was answered from
        encoder      TEXT NOT NULL,
        answered_at  TEXT NOT NULL,
        reviewed_at  TEXT NOT NULL DEFAULT '',  -- '' until an admin marks it reviewed
        expected     TEXT NOT NULL DEFAULT '',  -- the reviewer's expected answer
        eval_item    TEXT NOT NULL DEFAULT ''   -- the evaluation item made of it (one JSON object), or ''
    );
    CREATE INDEX feedback_at ON feedback(at);
    """,
)


class RecordsError(Exception):
    """The records file cannot be used (newer schema, not SQLite); the message says which file and why."""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    client: str
    action: str
    target: str
    outcome: str

    @property
    def refused(self) -> bool:
        return self.outcome.startswith("refused")

    def to_json(self) -> dict:
        return {"at": self.at, "client": self.client, "action": self.action, "target": self.target,
                "outcome": self.outcome}


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


BUSY_TIMEOUT_MS = 5000  # how long a write waits for another program holding the file


class Records:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # Each commit synced to the disk: a rating or an audit entry acknowledged is kept even if the
            # machine goes down (in WAL mode this costs one fsync of the log per write, ~1 ms here).
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise RecordsError(f"{self.path}: cannot be used as the records file ({exc})") from None

    @property
    def version(self) -> int:
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        return row[0] if row else 0

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            done = self.version
            if done > len(MIGRATIONS):
                raise RecordsError(f"{self.path}: written by a newer version (schema {done}, this one knows "
                                   f"{len(MIGRATIONS)}); update the assistant")
            for number, script in enumerate(MIGRATIONS[done:], done + 1):
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in filter(str.strip, script.split(";")):
                        self._db.execute(statement)
                    self._db.execute("DELETE FROM schema_version")
                    self._db.execute("INSERT INTO schema_version VALUES (?)", (number,))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

    def audit(self, client: str, action: str, target: str, outcome: str) -> AuditEntry:
        """Record one administrative action or refused attempt; it is on disk when this returns."""
        entry = AuditEntry(now(), client or "?", action, target[:300], outcome[:500])
        with self._lock:
            self._db.execute("INSERT INTO audit (at, client, action, target, outcome) VALUES (?, ?, ?, ?, ?)",
                             (entry.at, entry.client, entry.action, entry.target, entry.outcome))
        return entry

    def audit_entries(self, since: str = "", limit: int | None = None) -> list[AuditEntry]:
        """Entries at or after `since` (a date '2026-12-06' or a time in the same form as `at`), oldest
        first; with `limit`, only the newest `limit` of them."""
        query = "SELECT at, client, action, target, outcome FROM audit WHERE at >= ? ORDER BY id DESC"
        with self._lock:
            rows = self._db.execute(query + (" LIMIT ?" if limit else ""),
                                    (since, limit) if limit else (since,)).fetchall()
        return [AuditEntry(*row) for row in reversed(rows)]

    def write(self, statement: str, values: tuple = ()) -> int:
        """Run one INSERT or UPDATE (its own transaction: on disk when this returns); the new row's id."""
        with self._lock:
            return self._db.execute(statement, values).lastrowid

    def write_at_once(self, statement: str, values: tuple = ()) -> int | None:
        """`write` when it needs no wait; None when another write holds the file (a thread here, or another
        program), so an event loop can hand it to a thread that waits (`write`) rather than stall on it."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            self._db.execute("PRAGMA busy_timeout=0")
            try:
                return self._db.execute(statement, values).lastrowid
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return None
                raise
            finally:
                self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            self._lock.release()

    def read(self, query: str, values: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(query, values).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
