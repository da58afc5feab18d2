"""The state of analytics builds in the local state database."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from lakeline.adapters.local.sqlite_statements import SqliteStatements
from lakeline.core.ledger import RunRecord


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

    def record_run(self, run: RunRecord) -> None:
        """Keep the statistics of one build or workflow run."""
        started, finished = run.started_at.isoformat(), run.finished_at.isoformat()
        stats = json.dumps(run.stats, sort_keys=True)
        self._run("record_run", run_id=run.run_id, kind=run.kind, started_at=started, finished_at=finished,
                  stats=stats)  # fmt: skip

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent runs, newest first."""
        return [_record(row) for row in self._run("runs", limit=limit)]


def _record(row: tuple[Any, ...]) -> RunRecord:
    run_id, kind, started, finished, stats = row
    loaded: Mapping[str, Any] = json.loads(stats)
    return RunRecord(
        run_id, kind, datetime.fromisoformat(started), datetime.fromisoformat(finished), dict(loaded)
    )
