"""Metrics and alerts recorded in the local state database."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS metrics (
    at TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,
    dimensions TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (at TEXT NOT NULL, subject TEXT NOT NULL, message TEXT NOT NULL);
"""


class _StateTable:
    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self.clock = clock or (lambda: datetime.now(UTC))
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=30)) as con, con:
            con.executescript(_SCHEMA)

    def _insert(self, sql: str, values: tuple[object, ...]) -> None:
        with closing(sqlite3.connect(self.path, timeout=30)) as con, con:
            con.execute(sql, values)


class SqliteMetrics(_StateTable):
    """Each metric as a row, so `lakeline status` and reports can aggregate them."""

    def emit(
        self, name: str, value: float, unit: str = "Count", dimensions: Mapping[str, str] | None = None
    ) -> None:
        """Record one measurement."""
        self._insert(
            "INSERT INTO metrics VALUES (?, ?, ?, ?, ?)",
            (self.clock().isoformat(), name, value, unit, json.dumps(dict(dimensions or {}))),
        )


class SqliteNotifier(_StateTable):
    """Alerts are logged and kept, since there is no one to e-mail locally."""

    def notify(self, subject: str, message: str) -> None:
        """Record and log one alert."""
        logger.warning("ALERT %s: %s", subject, message)
        self._insert("INSERT INTO alerts VALUES (?, ?, ?)", (self.clock().isoformat(), subject, message))
