"""The ledger in SQLite: one row per object, a conditional update for the lease."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lakeline.adapters.local.sqlite_statements import connect, create
from lakeline.core.ledger import LedgerEntry, Status
from lakeline.core.objects import ObjectRef
from lakeline.sqlfiles import named_queries

_SCHEMA = Path(__file__).with_name("ledger.sql")
_SQL = named_queries(Path(__file__).with_name("ledger_queries.sql"))
_JSON_FIELDS = ("partitions", "outputs", "warnings")
_TIME_FIELDS = ("started_at", "finished_at", "lease_expires_at")


class SqliteLedger:
    """A ledger in a SQLite file, safe for several processes at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        create(path, _SCHEMA.read_text(encoding="utf-8"))

    def _connect(self) -> sqlite3.Connection:
        con = connect(self.path, autocommit=True)
        con.row_factory = sqlite3.Row
        return con

    def get(self, object_id: str) -> LedgerEntry | None:
        """The entry of an object, or None."""
        with closing(self._connect()) as con:
            row = con.execute(_SQL["get"], {"object_id": object_id}).fetchone()
        return _entry(row) if row else None

    def acquire(
        self,
        obj: ObjectRef,
        dataset: str,
        owner: str,
        now: datetime,
        ttl_seconds: int,
        takes_over_handoffs: bool = False,
    ) -> bool:
        """Take the processing lease of an object, unless another unexpired lease holds it."""
        params = {
            "object_id": obj.object_id, "bucket": obj.bucket, "key": obj.key, "dataset": dataset,
            "version": obj.version, "size": obj.size, "now": now.isoformat(), "owner": owner,
            "expires": (now + timedelta(seconds=ttl_seconds)).isoformat(), "takeover": takes_over_handoffs,
        }  # fmt: skip
        with closing(self._connect()) as con:
            return con.execute(_SQL["acquire"], params).rowcount == 1

    def finish(self, entry: LedgerEntry) -> None:
        """Write an attempt's outcome and release the lease."""
        values = _row(entry)
        with closing(self._connect()) as con:
            con.execute("BEGIN")
            con.execute(_SQL["finish"], values)
            con.execute(_SQL["record_attempt"], values)
            con.execute("COMMIT")

    def entries(self, dataset: str | None = None, status: Status | None = None) -> list[LedgerEntry]:
        """Entries, most recently started first."""
        with closing(self._connect()) as con:
            rows = con.execute(_SQL["entries"], {"dataset": dataset, "status": status}).fetchall()
        return [_entry(r) for r in rows]


def _row(entry: LedgerEntry) -> dict[str, Any]:
    values: dict[str, Any] = dict(vars(entry))
    for name in _JSON_FIELDS:
        values[name] = json.dumps(values[name])
    for name in _TIME_FIELDS:
        values[name] = values[name].isoformat() if values[name] else None
    values["status"] = entry.status.value
    return values


def _entry(row: sqlite3.Row) -> LedgerEntry:
    values = dict(row)
    for name in _JSON_FIELDS:
        values[name] = json.loads(values[name] or "[]")
    for name in _TIME_FIELDS:
        values[name] = datetime.fromisoformat(values[name]) if values[name] else None
    values["status"] = Status(values["status"])
    return LedgerEntry(**values)
