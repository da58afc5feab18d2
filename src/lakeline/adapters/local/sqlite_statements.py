"""A local adapter backed by named statements from a ``.sql`` file, run on the state database."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from lakeline.sqlfiles import named_queries


def connect(path: Path, autocommit: bool = False) -> sqlite3.Connection:
    """A connection to the state database, as every local adapter opens it.

    The database is in write-ahead-log mode (``create``), where ``synchronous=NORMAL`` syncs
    at checkpoints instead of at every commit: a crashed process loses nothing, a power cut at
    most the last commits, and the dozen small commits of each object (lease, finish,
    metrics) no longer each wait for the disk. ``timeout`` waits out other writers.

    Args:
        path: The SQLite file.
        autocommit: Whether statements commit on their own (the caller then says BEGIN).
    """
    con = sqlite3.connect(path, timeout=30, isolation_level=None if autocommit else "DEFERRED")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def create(path: Path, schema: str) -> None:
    """Create tables in the state database, which is switched to write-ahead logging (it stays so).

    Write-ahead logging lets readers and one writer work at once, across processes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(path)) as con, con:
        _write_ahead(con)
        con.executescript(schema)


def _write_ahead(con: sqlite3.Connection, tries: int = 200) -> None:
    """Switch to write-ahead logging unless the database already is.

    Changing the journal mode does not wait for other connections as statements do (SQLite
    answers "database is locked" at once), so processes starting together retry it; once the
    database is in WAL mode, it only reads the mode.
    """
    for attempt in range(tries):
        try:
            if str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05)


class SqliteStatements:
    """Runs the named statements of one ``.sql`` file; its ``schema`` statement creates the tables."""

    def __init__(self, path: Path, statements: Path) -> None:
        self.path = path
        self._sql = named_queries(statements)
        create(path, self._sql["schema"])

    def _run(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        with closing(connect(self.path)) as con, con:
            return con.execute(self._sql[statement], params).fetchall()
