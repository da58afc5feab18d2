"""Metrics and alerts recorded in the local state database."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from lakeline.adapters.local.sqlite_statements import SqliteStatements

logger = logging.getLogger(__name__)
_STATEMENTS = Path(__file__).with_name("metrics.sql")


def _now() -> datetime:
    return datetime.now(UTC)


class _TimedRecords(SqliteStatements):
    """Rows stamped with the time they were recorded, in the tables of ``metrics.sql``."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(path, _STATEMENTS)
        self.clock = clock


class SqliteMetrics(_TimedRecords):
    """Each metric as a row, so `lakeline status` and reports can aggregate them."""

    def emit(
        self, name: str, value: float, unit: str = "Count", dimensions: Mapping[str, str] | None = None
    ) -> None:
        """Record one measurement."""
        self._run("insert_metric", at=self.clock().isoformat(), name=name, value=value, unit=unit,
                  dimensions=json.dumps(dict(dimensions or {})))  # fmt: skip

    def series(self, name: str, limit: int = 500) -> list[tuple[datetime, float, dict[str, str]]]:
        """The latest measurements of one metric, oldest first: (when, value, dimensions)."""
        rows = self._run("series", name=name, limit=limit)
        return [(datetime.fromisoformat(at), float(v), json.loads(d)) for at, v, d in reversed(rows)]


class SqliteNotifier(_TimedRecords):
    """Alerts are logged and kept, since there is no one to e-mail locally (`lakeline alerts`)."""

    def notify(self, subject: str, message: str) -> None:
        """Record and log one alert."""
        logger.warning("ALERT %s: %s", subject, message)
        self._run("insert_alert", at=self.clock().isoformat(), subject=subject, message=message)

    def recent(self, limit: int = 50) -> list[tuple[str, str, str]]:
        """The latest alerts, newest first: (at, subject, message)."""
        return [(str(a), str(s), str(m)) for a, s, m in self._run("recent_alerts", limit=limit)]
