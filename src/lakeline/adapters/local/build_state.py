"""The state of analytics builds in the local state database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from lakeline.adapters.local.sqlite_statements import SqliteStatements


class SqliteBuildState(SqliteStatements):
    """One row per built model partition: the fingerprint of the inputs it came from."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Path(__file__).with_name("build_state.sql"))

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
