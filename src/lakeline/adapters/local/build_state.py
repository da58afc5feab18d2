"""The state of analytics builds in the local state database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from lakeline.sqlfiles import named_queries

_SQL = named_queries(Path(__file__).with_name("build_state.sql"))


class SqliteBuildState:
    """One row per built model partition: the fingerprint of the inputs it came from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=30)) as con, con:
            con.execute(_SQL["schema"])

    def _run(self, name: str, **params: object) -> list[tuple[str, str]]:
        with closing(sqlite3.connect(self.path, timeout=30)) as con, con:
            return con.execute(_SQL[name], params).fetchall()

    def fingerprints(self, model: str) -> dict[str, str]:
        """Partition -> fingerprint of its last build."""
        return dict(self._run("fingerprints", model=model))

    def record(self, model: str, partition: str, fingerprint: str, rows: int, built_at: datetime) -> None:
        """Remember one built partition."""
        self._run("record", model=model, partition=partition, fingerprint=fingerprint, rows=rows,
                  built_at=built_at.isoformat())  # fmt: skip

    def forget(self, model: str, partition: str) -> None:
        """Forget a partition whose inputs are gone."""
        self._run("forget", model=model, partition=partition)
