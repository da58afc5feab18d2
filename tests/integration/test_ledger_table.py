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


def test_items_written_before_the_index_are_backfilled_once(
    dynamodb_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from lakeline.entrypoints.cli import main

    old = [  # as the adapters wrote them before the index existed
        {"object_id": {"S": "lake/raw/trips/a.csv"}, "bucket": {"S": "lake"}, "key": {"S": "raw/trips/a.csv"},
         "dataset": {"S": "trips"}, "status": {"S": "processed"}, "version": {"S": "e"},
         "started_at": {"S": NOW.isoformat()}, "size": {"N": "10"}},
        {"object_id": {"S": "build#model#2024-01-01"}, "model": {"S": "model"},
         "partition": {"S": "2024-01-01"}, "fingerprint": {"S": "f"}, "rows": {"N": "1"},
         "built_at": {"S": NOW.isoformat()}},
        {"object_id": {"S": "run#build#r1"}, "run_id": {"S": "r1"}, "kind": {"S": "build"},
         "started_at": {"S": NOW.isoformat()}, "finished_at": {"S": NOW.isoformat()}, "stats": {"S": "{}"}},
        {"object_id": {"S": "cursor#trips"}, "cursor": {"S": "{}"}},
    ]  # fmt: skip
    for item in old:
        dynamodb_ledger.put_item(TableName="ledger", Item=item)
    ledger, state = DynamoDbLedger("ledger", dynamodb_ledger), DynamoDbBuildState("ledger", dynamodb_ledger)
    assert ledger.entries("trips") == [] and state.fingerprints("model") == {} and state.runs() == []
    monkeypatch.setenv("LAKELINE_LEDGER_TABLE", "ledger")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")

    first = CliRunner().invoke(main, ["ledger", "backfill"])
    again = CliRunner().invoke(main, ["ledger", "backfill"])

    assert first.exit_code == 0 and "3 item(s) of ledger given their collection" in first.output, first.output
    assert "0 item(s)" in again.output
    assert [e.key for e in ledger.entries("trips", Status.PROCESSED)] == ["raw/trips/a.csv"]
    assert state.fingerprints("model") == {"2024-01-01": "f"}
    assert [r.run_id for r in state.runs()] == ["r1"]
