"""Kill -9 at every step; after restart and redelivery the lake equals an undisturbed run's.

Each test lands the same file in two projects: one processed undisturbed, one whose processing
(or analytics build) is killed at a named point by a real SIGKILL in a child process
(crash_driver.py) and then delivered again. The curated, quarantine and analytics tables must then
hold the same rows, the ledger the same accounting, and no half-written file may be visible.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lakeline.entrypoints.object_events import handle_object_created
from lakeline.events.s3 import object_created_event
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.build import build_models
from lakeline.usecases.landing import land
from lakeline.usecases.process_object import LEASE_SECONDS

from .helpers import rows
from .test_build import sample

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = {
    "curated": "SELECT dt, count(*), sum(fare_amount), count(DISTINCT pickup_at) FROM taxi_trips "
    "GROUP BY dt ORDER BY dt",
    "quarantine": "SELECT count(*), count(DISTINCT row_number), min(row_number), max(row_number) "
    "FROM taxi_trips_quarantine",
    "analytics": "SELECT dt, sum(trips), sum(revenue) FROM taxi_daily_zone_stats GROUP BY dt ORDER BY dt",
}
BAD_ROWS = (
    "x,not-a-time,,,,,,,,,,,,,,,,\n"  # unparseable vendor and time, missing required fields
    "2,2024-01-01 00:10:00,2024-01-01 00:05:00,1,1,1,N,1,2,1,5,0,0,0,0,0,5,0\n"  # dropoff before pickup
)
DRIVER = "tests.integration.crash_driver"


def project(tmp_path: Path, name: str) -> LocalRuntime:
    root = tmp_path / name
    shutil.copytree(REPO / "datasets", root / "datasets")
    shutil.copytree(REPO / "sql", root / "sql")
    return LocalRuntime(LocalSettings.load(root, env={}))


def snapshot(runtime: LocalRuntime) -> dict[str, Any]:
    (entry,) = runtime.ledger.entries()
    found: dict[str, Any] = {k: rows(runtime, sql) for k, sql in SNAPSHOT.items()}
    found["ledger"] = (
        entry.status,
        entry.rows_in,
        entry.rows_kept,
        entry.rows_quarantined,
        sorted(entry.partitions),
    )
    lake = runtime.settings.lake_root
    # Every Parquet file a query could read, by zone, dataset and partition (build ids differ per run).
    found["visible files"] = sorted(
        "/".join(p.relative_to(lake).parts[:3]) for p in lake.rglob("*.parquet") if not p.name.startswith(".")
    )  # fmt: skip
    return found


def kill_at(runtime: LocalRuntime, point: str, key: str = "") -> None:
    done = subprocess.run(
        [sys.executable, "-m", DRIVER, str(runtime.settings.project.root), point, key],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr


def later(runtime: LocalRuntime) -> Any:
    """Deps whose clock is past the dead worker's lease (as when SQS redelivers after it expires)."""
    return replace(runtime.deps, clock=lambda: datetime.now(UTC) + timedelta(seconds=LEASE_SECONDS + 1))


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("undisturbed")
    data = sample(tmp, "day.csv", 1, rows_=3000, seed=5)
    # Bad rows too, so that the quarantine is written.
    data.write_text(data.read_text() + BAD_ROWS)
    runtime = project(tmp, "p")
    obj = land(data, "taxi_trips", runtime.contracts, runtime.store)
    handle_object_created(object_created_event(obj), runtime.deps)
    build_models(runtime.models, runtime.build_deps)
    return data, snapshot(runtime)


@pytest.mark.parametrize(
    "point", ["mid-read", "mid-write-curated", "after-curated-before-ledger", "mid-quarantine"]
)
def test_processing_killed_then_redelivered_equals_an_undisturbed_run(
    point: str, undisturbed: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, expected = undisturbed
    runtime = project(tmp_path, "p")
    obj = land(data, "taxi_trips", runtime.contracts, runtime.store)

    kill_at(runtime, point, obj.key)
    # Before any recovery, queries read no half-written file (a crash leaves a hidden temporary).
    assert rows(runtime, "SELECT count(*) FROM taxi_trips_quarantine")[0][0] >= 0
    assert rows(runtime, "SELECT count(*) FROM taxi_trips")[0][0] >= 0
    for temporary in runtime.settings.lake_root.rglob(".tmp-*"):  # as old as the dead worker's lease
        past = temporary.stat().st_mtime - LEASE_SECONDS
        os.utime(temporary, (past, past))
    result = handle_object_created(object_created_event(obj), later(runtime))
    again = handle_object_created(object_created_event(obj), runtime.deps)  # a duplicate delivery
    build_models(runtime.models, runtime.build_deps)

    assert result.outcome.value == "processed" and again.outcome.value == "duplicate"
    assert snapshot(runtime) == expected
    leftovers = [p.name for p in runtime.settings.lake_root.rglob(".tmp-*")]
    assert leftovers == []  # the rewrite of each key cleared the dead writer's temporary file


@pytest.mark.parametrize("point", ["build-after-write-before-catalog", "build-after-catalog-before-state"])
def test_a_build_killed_then_rerun_equals_an_undisturbed_build(
    point: str, undisturbed: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, expected = undisturbed
    runtime = project(tmp_path, "p")
    handle_object_created(object_created_event(land(data, "taxi_trips", runtime.contracts, runtime.store)),
                          runtime.deps)  # fmt: skip

    kill_at(runtime, point)
    build_models(runtime.models, runtime.build_deps)

    found = snapshot(runtime)
    # A location written but never pointed at stays invisible (queries read the catalog's locations).
    assert {k: v for k, v in found.items() if k != "visible files"} == {
        k: v for k, v in expected.items() if k != "visible files"}  # fmt: skip
    assert rows(runtime, SNAPSHOT["analytics"]) == expected["analytics"]
