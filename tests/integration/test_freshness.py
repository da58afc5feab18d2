"""Freshness SLAs: the workflow's Plan step alerts once per stale episode."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.workflow import WorkflowDeps, run_workflow

from .helpers import ingest
from .test_build import sample


def at(runtime: LocalRuntime, when: datetime) -> WorkflowDeps:
    deps = runtime.workflow_deps
    return replace(deps, build=replace(deps.build, clock=lambda: when))


def subjects(runtime: LocalRuntime) -> list[str]:
    return [subject for _, subject, _ in runtime.notifier.recent()]


def test_a_dataset_past_its_sla_alerts_once_per_stale_episode(runtime: LocalRuntime, tmp_path: Path) -> None:
    assert runtime.contracts.get("taxi_trips").freshness_hours == 26
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")
    landed = datetime.now(UTC)

    fresh = run_workflow(runtime.models, at(runtime, landed + timedelta(hours=25)))
    late = run_workflow(runtime.models, at(runtime, landed + timedelta(hours=27)))
    later = run_workflow(runtime.models, at(runtime, landed + timedelta(hours=30)))

    assert fresh.stale == [] and [s.dataset for s in late.stale] == ["taxi_trips"] == [
        s.dataset for s in later.stale
    ]
    assert subjects(runtime) == ["[lakeline local] freshness breach: taxi_trips"]  # one alert for the episode
    (_, _, message) = runtime.notifier.recent()[0]
    assert "what failed: the newest object finished 27.0 h ago; the SLA is 26 h" in message
    assert "is anything landing under raw/taxi_trips/?" in message
    assert later.nothing_to_do and later.steps == ["Plan"]  # a stale lake has nothing new to build

    ingest(runtime, sample(tmp_path, "d2.csv", 2, seed=2), "taxi_trips")
    run_workflow(runtime.models, at(runtime, datetime.now(UTC) + timedelta(hours=27)))

    assert len(subjects(runtime)) == 2  # new data, stale again: a new episode


def test_a_dataset_that_never_received_data_is_stale(runtime: LocalRuntime) -> None:
    run = run_workflow(runtime.models, runtime.workflow_deps)

    assert [s.dataset for s in run.stale] == ["taxi_trips"]
    (_, subject, message) = runtime.notifier.recent()[0]
    assert subject == "[lakeline local] freshness breach: taxi_trips"
    assert "no object processed yet" in message


def test_an_object_whose_rows_were_all_quarantined_is_not_fresh_data(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")
    landed = datetime.now(UTC)
    bad = tmp_path / "all-bad.csv"
    bad.write_text(sample(tmp_path, "h.csv", 1).read_text().splitlines()[0] + "\nx,not-a-time\n")
    ingest(runtime, bad, "taxi_trips")

    late = run_workflow(runtime.models, at(runtime, landed + timedelta(hours=27)))

    assert [s.dataset for s in late.stale] == ["taxi_trips"]
