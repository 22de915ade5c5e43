"""What the server keeps that is not derived from the documents: one SQLite file beside the index.

The index folder can be deleted and rebuilt from the corpus at any time; this file cannot, so it lives
beside it (`index-records.sqlite` next to `index/`, or `--records FILE`), never inside it. Today it holds
the audit trail of the collection's administration; the staff feedback of a later change gets its own
tables here, as a migration appended to MIGRATIONS.

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


class Records:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
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

    def close(self) -> None:
        with self._lock:
            self._db.close()
