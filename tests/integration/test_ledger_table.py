"""Reads of one dataset, one model or the latest runs Query the ledger table's index; none Scans it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lakeline.adapters.aws.dynamodb_build_state import DynamoDbBuildState
from lakeline.adapters.aws.dynamodb_ledger import DynamoDbLedger
from lakeline.core.ledger import LedgerEntry, RunRecord, Status
from lakeline.core.objects import ObjectRef

NOW = datetime(2024, 1, 1, tzinfo=UTC)


class Counting:
    """A DynamoDB client that counts the operations it was asked for."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls: list[str] = []
        client.meta.events.register("before-call.dynamodb", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)


def process(ledger: DynamoDbLedger, dataset: str, key: str, minutes: int, status: Status) -> None:
    obj = ObjectRef("lake", f"raw/{dataset}/{key}", 10, "e")
    started = NOW + timedelta(minutes=minutes)
    assert ledger.acquire(obj, dataset, "worker", started, 60)
    ledger.finish(
        LedgerEntry(
            obj.object_id, obj.bucket, obj.key, dataset, obj.version, status, size=10,
            rows_in=2, rows_kept=2, attempts=1, started_at=started, finished_at=started,
        )
    )  # fmt: skip


@pytest.fixture
def counting(dynamodb_ledger: Any) -> Counting:
    return Counting(dynamodb_ledger)


def test_one_datasets_entries_are_queried_newest_first(counting: Counting) -> None:
    ledger = DynamoDbLedger("ledger", counting.client)
    process(ledger, "trips", "a.csv", 1, Status.PROCESSED)
    process(ledger, "trips", "b.csv", 3, Status.FAILED)
    process(ledger, "trips", "c.csv", 2, Status.PROCESSED)
    process(ledger, "zones", "z.csv", 4, Status.PROCESSED)
    DynamoDbBuildState("ledger", counting.client).record("model", "2024-01-01", "f", 1, NOW)
    counting.calls.clear()

    trips = ledger.entries("trips")
    processed = ledger.entries("trips", Status.PROCESSED)

    assert [e.key for e in trips] == ["raw/trips/b.csv", "raw/trips/c.csv", "raw/trips/a.csv"]
    assert [e.key for e in processed] == ["raw/trips/c.csv", "raw/trips/a.csv"]
    assert counting.calls == ["Query", "Query"]
    assert {e.dataset for e in ledger.entries()} == {"trips", "zones"}  # all datasets: a scan


def test_build_state_and_runs_are_queried(counting: Counting) -> None:
    state = DynamoDbBuildState("ledger", counting.client)
    for day in range(1, 4):
        state.record("model", f"2024-01-0{day}", f"f{day}", day, NOW)
        state.record_run(RunRecord(f"run-{day}", "build", NOW + timedelta(hours=day), NOW, {"rows": day}))
    state.record("other", "2024-01-01", "g", 1, NOW)
    counting.calls.clear()

    fingerprints = state.fingerprints("model")
    latest = state.runs(limit=2)

    assert fingerprints == {"2024-01-01": "f1", "2024-01-02": "f2", "2024-01-03": "f3"}
    assert [r.run_id for r in latest] == ["run-3", "run-2"]
    assert "Scan" not in counting.calls and set(counting.calls) == {"Query"}
