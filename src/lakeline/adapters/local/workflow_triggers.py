"""The local twin of the workflow's debounced trigger: Partition Updated events waiting for a run.

On AWS the rule feeds a FIFO queue whose de-duplication folds a burst into one execution. Locally
the rule's target records each event; `lakeline run --watch` starts one workflow run for all the
events waiting after a poll, and the run's start clears them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lakeline.adapters.local.sqlite_statements import SqliteStatements


class SqliteWorkflowTriggers(SqliteStatements):
    """Partition Updated events not yet followed by a workflow run."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Path(__file__).with_name("workflow_triggers.sql"))

    def __call__(self, event: Mapping[str, Any]) -> int:
        """The bus's target: remember one event; returns how many are waiting."""
        self._run("add", at=datetime.now(UTC).isoformat(), detail=json.dumps(event.get("detail", {})))
        return self.pending()

    def pending(self) -> int:
        """How many events wait for a run."""
        return int(self._run("pending")[0][0])

    def clear(self, upto: datetime) -> None:
        """Forget the events a run that started at ``upto`` covers."""
        self._run("clear", upto=upto.isoformat())
