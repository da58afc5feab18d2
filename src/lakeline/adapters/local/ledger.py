"""The ledger in SQLite: one row per object, a conditional update for the lease."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lakeline.core.ledger import LedgerEntry, Status
from lakeline.core.objects import ObjectRef

_SCHEMA = Path(__file__).with_name("ledger.sql")
_JSON_FIELDS = ("partitions", "outputs", "warnings")
_TIME_FIELDS = ("started_at", "finished_at", "lease_expires_at")


class SqliteLedger:
    """A ledger in a SQLite file, safe for several processes at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con, con:
            con.executescript(_SCHEMA.read_text(encoding="utf-8"))

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=30000")
        return con

    def get(self, object_id: str) -> LedgerEntry | None:
        """The entry of an object, or None."""
        with closing(self._connect()) as con:
            row = con.execute("SELECT * FROM objects WHERE object_id = ?", (object_id,)).fetchone()
        return _entry(row) if row else None

    def acquire(self, obj: ObjectRef, dataset: str, owner: str, now: datetime, ttl_seconds: int) -> bool:
        """Take the processing lease of an object, unless another unexpired lease holds it.

        One statement decides, so two processes can never both win.
        """
        expires = now + timedelta(seconds=ttl_seconds)
        with closing(self._connect()) as con:
            cur = con.execute(
                """
                INSERT INTO objects (object_id, bucket, key, dataset, version, status, size,
                                     attempts, started_at, lease_owner, lease_expires_at)
                VALUES (:id, :bucket, :key, :dataset, :version, 'processing', :size, 1, :now, :owner, :expires)
                ON CONFLICT (object_id) DO UPDATE SET
                    version = excluded.version, status = 'processing', size = excluded.size,
                    dataset = excluded.dataset, attempts = objects.attempts + 1,
                    started_at = excluded.started_at, finished_at = NULL, error = NULL,
                    lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at
                WHERE objects.status <> 'processing' OR objects.lease_expires_at < :now
                """,
                {
                    "id": obj.object_id, "bucket": obj.bucket, "key": obj.key, "dataset": dataset,
                    "version": obj.version, "size": obj.size, "now": now.isoformat(),
                    "owner": owner, "expires": expires.isoformat(),
                },
            )  # fmt: skip
            return cur.rowcount == 1

    def finish(self, entry: LedgerEntry) -> None:
        """Write an attempt's outcome and release the lease."""
        values = _row(entry) | {"lease_owner": None, "lease_expires_at": None}
        columns = ", ".join(f"{k} = :{k}" for k in values if k != "object_id")
        with closing(self._connect()) as con:
            con.execute(f"UPDATE objects SET {columns} WHERE object_id = :object_id", values)  # noqa: S608
            con.execute(
                "INSERT INTO attempts (object_id, version, status, rows_in, rows_kept, "
                "rows_quarantined, error, started_at, finished_at) VALUES "
                "(:object_id, :version, :status, :rows_in, :rows_kept, :rows_quarantined, :error, "
                ":started_at, :finished_at)",
                values,
            )

    def entries(self, dataset: str | None = None, status: Status | None = None) -> list[LedgerEntry]:
        """Entries, most recently started first."""
        sql = "SELECT * FROM objects WHERE (:dataset IS NULL OR dataset = :dataset) "
        sql += "AND (:status IS NULL OR status = :status) ORDER BY started_at DESC, key"
        with closing(self._connect()) as con:
            rows = con.execute(sql, {"dataset": dataset, "status": status}).fetchall()
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
