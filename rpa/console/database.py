"""The console's database: one SQLite file in the state folder, with a versioned schema.

Users, the audit log and the follow-up queue's state live here (run folders stay where runs
write them). Each schema change is one entry of `MIGRATIONS`, applied in order inside a
transaction, and the version reached is SQLite's `user_version`; a file written by a newer `rpa`
is refused rather than guessed at. The file is owner-only like the rest of the state folder.
The audit table refuses UPDATE and DELETE (triggers), so the log can only grow.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rpa.core.errors import ConfigError
from rpa.core.files import FILE_MODE, private_dir

FILE_NAME = "console.sqlite3"
BUSY_TIMEOUT_MS = 10_000

MIGRATIONS: tuple[str, ...] = (
    # 1: users, the audit log, the follow-up queue's state and notes
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('specialist', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        session_epoch INTEGER NOT NULL DEFAULT 0,
        failed_sign_ins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL,
        last_sign_in TEXT
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}',
        client TEXT
    );
    CREATE INDEX audit_at ON audit (at);
    CREATE INDEX audit_user ON audit (user, at);
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TABLE followup_state (
        claim_key TEXT PRIMARY KEY,
        assignee TEXT,
        worked_at TEXT,
        worked_by TEXT,
        worked_queue TEXT,
        worked_status TEXT,
        snoozed_until TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE followup_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        claim_key TEXT NOT NULL,
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        action TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX followup_notes_claim ON followup_notes (claim_key, id);
    """,
)


class ConsoleDatabase:
    """The file, migrated to the newest schema when opened; one short connection per use, so
    the web server's threads and a concurrent `rpa console users ...` never share one."""

    def __init__(self, state_dir: Path):
        self.path = private_dir(Path(state_dir)) / FILE_NAME
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        os.chmod(self.path, FILE_MODE)
        self.migrate()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: committed when the block ends, rolled back on error."""
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)) as connection:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys = ON")
            with connection:
                yield connection

    @property
    def version(self) -> int:
        with self.connect() as connection:
            return connection.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> int:
        """Apply every migration newer than the file's version; returns the version reached."""
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("BEGIN IMMEDIATE")
            try:
                current = connection.execute("PRAGMA user_version").fetchone()[0]
                if current > len(MIGRATIONS):
                    raise ConfigError(
                        f"{self.path} has schema version {current}, newer than this rpa knows ({len(MIGRATIONS)}): "
                        "upgrade rpa before opening it"
                    )
                for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                    for statement in _statements(script):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {version}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return len(MIGRATIONS)


def now() -> str:
    """UTC, to the second, ISO with a Z: sorts as text and reads the same in every table."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _statements(script: str) -> list[str]:
    """A migration's statements one by one (`executescript` would commit the open transaction);
    a trigger's body keeps its inner semicolons."""
    statements, current = [], ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current) and current.strip(" \n;"):
            statements.append(current.strip())
            current = ""
    return statements
