from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lakeline.adapters.local.ledger import SqliteLedger
from lakeline.core.ledger import LedgerEntry, Status
from lakeline.core.objects import ObjectRef

NOW = datetime(2024, 1, 1, tzinfo=UTC)
OBJ = ObjectRef("lake", "raw/t/a.csv", 10, "e1")


@pytest.fixture(params=["sqlite", "dynamodb"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Every ledger adapter passes the same tests: they implement one port."""
    if request.param == "sqlite":
        yield SqliteLedger(tmp_path / "state.db")
        return
    from lakeline.adapters.aws.dynamodb_ledger import DynamoDbLedger

    yield DynamoDbLedger("ledger", request.getfixturevalue("dynamodb_ledger"))


def test_only_one_worker_gets_the_lease_until_it_expires(ledger: Any) -> None:
    assert ledger.acquire(OBJ, "t", "worker-1", NOW, ttl_seconds=60)
    assert not ledger.acquire(OBJ, "t", "worker-2", NOW + timedelta(seconds=30), ttl_seconds=60)
    assert ledger.acquire(OBJ, "t", "worker-2", NOW + timedelta(seconds=61), ttl_seconds=60)  # crashed run
    assert ledger.get(OBJ.object_id).attempts == 2  # type: ignore[union-attr]


def test_finish_releases_the_lease_and_keeps_the_accounting(ledger: Any) -> None:
    ledger.acquire(OBJ, "t", "w", NOW, 60)
    entry = LedgerEntry(
        OBJ.object_id, OBJ.bucket, OBJ.key, "t", OBJ.version, Status.PROCESSED, size=10, rows_in=5,
        rows_kept=4, rows_quarantined=1, partitions=["2024-01-01"], outputs=["curated/t/x.parquet"],
        attempts=1, started_at=NOW, finished_at=NOW + timedelta(seconds=2),
    )  # fmt: skip

    ledger.finish(entry)

    stored = ledger.get(OBJ.object_id)
    assert stored is not None
    assert stored.status is Status.PROCESSED and stored.lease_owner is None
    assert (stored.rows_in, stored.rows_kept, stored.rows_quarantined) == (5, 4, 1)
    assert stored.partitions == ["2024-01-01"] and stored.duration_ms == 2000
    assert stored.is_done_for("e1") and not stored.is_done_for("e2")
    # The version that is done is never leased again (a worker that read the ledger before the
    # finish would otherwise process it twice); a new version of the object is.
    assert not ledger.acquire(OBJ, "t", "w2", NOW, 60)
    assert ledger.acquire(replace(OBJ, etag="e2"), "t", "w2", NOW, 60)
    assert [e.key for e in ledger.entries(dataset="t")] == ["raw/t/a.csv"]


def test_entries_filter_by_dataset_and_status(ledger: Any) -> None:
    other = ObjectRef("lake", "raw/u/b.csv", 10, "e2")
    ledger.acquire(OBJ, "t", "w", NOW, 60)
    ledger.acquire(other, "u", "w", NOW + timedelta(seconds=1), 60)
    failed = ledger.get(other.object_id)
    ledger.finish(LedgerEntry(**{**vars(failed), "status": Status.FAILED, "error": "boom"}))

    assert [e.key for e in ledger.entries()] == ["raw/u/b.csv", "raw/t/a.csv"]  # newest first
    assert [e.key for e in ledger.entries(status=Status.FAILED)] == ["raw/u/b.csv"]
    assert [e.key for e in ledger.entries(dataset="t", status=Status.PROCESSING)] == ["raw/t/a.csv"]
    assert ledger.entries(dataset="t", status=Status.FAILED) == []


def test_the_state_database_logs_ahead_and_syncs_at_checkpoints(tmp_path: Path) -> None:
    from lakeline.adapters.local.sqlite_statements import connect

    SqliteLedger(tmp_path / "state.db")
    con = connect(tmp_path / "state.db")
    try:
        # WAL: readers and one writer at once, across processes; NORMAL (1): no fsync per commit.
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert con.execute("PRAGMA synchronous").fetchone() == (1,)
    finally:
        con.close()


def test_a_handed_off_version_is_done_except_for_the_runtime_it_was_handed_to(ledger: Any) -> None:
    assert ledger.acquire(OBJ, "t", "lambda", NOW, 60)
    handed = LedgerEntry(
        OBJ.object_id, OBJ.bucket, OBJ.key, "t", OBJ.version, Status.HANDED_OFF, size=10, attempts=1,
        started_at=NOW, finished_at=NOW, error="handed to Glue job big run jr_1",
    )  # fmt: skip
    ledger.finish(handed)
    later = NOW + timedelta(seconds=5)

    assert not ledger.acquire(OBJ, "t", "lambda-again", later, 60)  # a redelivery: nothing to do
    assert ledger.acquire(OBJ, "t", "glue", later, 60, takes_over_handoffs=True)
    ledger.finish(replace(handed, status=Status.PROCESSED, error=None, attempts=2))
    assert not ledger.acquire(OBJ, "t", "glue-again", later, 60, takes_over_handoffs=True)  # done now
    entry = ledger.get(OBJ.object_id)
    assert entry is not None and entry.is_done_for(OBJ.version, takes_over_handoffs=True)
