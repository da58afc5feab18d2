"""Both build-state adapters remember what each model partition was built from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lakeline.adapters.local.build_state import SqliteBuildState

NOW = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "dynamodb"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "sqlite":
        yield SqliteBuildState(tmp_path / "state.db")
        return
    from lakeline.adapters.aws.dynamodb_build_state import DynamoDbBuildState
    from lakeline.adapters.aws.dynamodb_ledger import DynamoDbLedger

    client = request.getfixturevalue("dynamodb_ledger")
    yield DynamoDbBuildState("ledger", client)
    assert DynamoDbLedger("ledger", client).entries() == []  # build items are not ledger entries


def test_record_update_and_forget(state: Any) -> None:
    state.record("m", "2024-01-01", "a", 10, NOW)
    state.record("m", "2024-01-02", "b", 20, NOW)
    state.record("other", "2024-01-01", "z", 1, NOW)
    state.record("m", "2024-01-01", "c", 11, NOW)  # rebuilt from new inputs
    state.forget("m", "2024-01-02")

    assert state.fingerprints("m") == {"2024-01-01": "c"}
    assert state.fingerprints("other") == {"2024-01-01": "z"}
    assert state.fingerprints("nothing") == {}


def test_run_statistics_are_kept_newest_first(state: Any) -> None:
    from datetime import timedelta

    from lakeline.core.ledger import RunRecord

    for hour, kind in ((1, "workflow"), (3, "build"), (2, "quality")):
        started = NOW + timedelta(hours=hour)
        state.record_run(RunRecord(f"r{hour}", kind, started, started + timedelta(seconds=9), {"rows": hour}))

    runs = state.runs(limit=2)

    assert [(r.run_id, r.kind, r.stats) for r in runs] == [
        ("r3", "build", {"rows": 3}),
        ("r2", "quality", {"rows": 2}),
    ]
    assert runs[0].finished_at - runs[0].started_at == timedelta(seconds=9)
