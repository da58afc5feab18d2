"""Cursors of pulled datasets, and the history of pulls, in the local state database."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lakeline.adapters.local.sqlite_statements import SqliteStatements
from lakeline.errors import TerminalError
from lakeline.ports import CursorState


class SqliteCursorStore(SqliteStatements):
    """One cursor per dataset; one row per pull."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Path(__file__).with_name("cursor_store.sql"))

    def get(self, dataset: str) -> CursorState | None:
        """The committed cursor of a dataset."""
        found = self._run("get", dataset=dataset)
        return CursorState(found[0][0], tuple(json.loads(found[0][1]))) if found else None

    def commit(self, dataset: str, state: CursorState) -> None:
        """Move the cursor."""
        self._run("commit", dataset=dataset, value=state.value, keys=json.dumps(list(state.boundary_keys)),
                  at=datetime.now(UTC).isoformat())  # fmt: skip

    def record_run(self, dataset: str, status: str, pages: int, records: int, detail: str) -> None:
        """Remember one pull."""
        self._run("record_run", dataset=dataset, at=datetime.now(UTC).isoformat(), status=status, pages=pages,
                  records=records, detail=detail)  # fmt: skip

    def runs(self, dataset: str) -> list[tuple[Any, ...]]:
        """Every pull of a dataset, oldest first."""
        return self._run("runs", dataset=dataset)


class EnvironmentSecrets:
    """Secrets from environment variables (never logged)."""

    def get(self, name: str) -> str:
        """The variable's value."""
        value = os.environ.get(name)
        if not value:
            raise TerminalError(f"secret {name!r} is not set: export {name}=... before pulling")
        return value
