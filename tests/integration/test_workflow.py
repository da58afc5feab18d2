"""The analytics workflow run locally: plan, transform, data quality, record, notify."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakeline.core.workflow import STEPS
from lakeline.entrypoints.cli import main
from lakeline.errors import ContractError
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.workflow import run_workflow

from .helpers import ingest, rows
from .test_build import sample

CONTRACT = Path("datasets") / "taxi_trips.yaml"


def with_quality(project: Path, block: str) -> None:
    """Replace the taxi_trips contract's quality section."""
    path = project / CONTRACT
    path.write_text(path.read_text().split("\nquality:")[0] + "\n" + block)


def fresh(project: Path) -> LocalRuntime:
    return LocalRuntime(LocalSettings.load(project, env={}))


def test_steps_run_in_the_state_machines_order_and_results_are_a_table(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")

    run = run_workflow(runtime.models, runtime.workflow_deps)

    assert run.steps == list(STEPS)
    assert {(q.target.table, q.target.kind) for q in run.quality} == {
        ("taxi_trips", "dataset"), ("taxi_daily_zone_stats", "model")}  # fmt: skip
    assert all(r.passed for q in run.quality for r in q.results) and not run.halted
    stored = rows(runtime, f"SELECT table_name, partitions, outcome, evaluated_metrics FROM dq_results "
                           f"WHERE run_id = '{run.run_id}' AND rule = 'RowCount > 0'")  # fmt: skip
    assert sorted(r[:3] for r in stored) == [("taxi_daily_zone_stats", "2024-01-01", "Passed"),
                                             ("taxi_trips", "2024-01-01", "Passed")]  # fmt: skip
    assert json.loads({r[0]: r[3] for r in stored}["taxi_trips"]) == {"Dataset.*.RowCount": 400.0}


def test_nothing_changed_ends_after_the_plan(runtime: LocalRuntime, tmp_path: Path) -> None:
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")
    run_workflow(runtime.models, runtime.workflow_deps)

    again = run_workflow(runtime.models, runtime.workflow_deps)

    assert again.nothing_to_do and again.steps == ["Plan"] and again.results_key is None
    latest, first = runtime.build_deps.state.runs(limit=2)
    assert (latest.run_id, latest.stats["outcome"], latest.stats["models"]) == (
        again.run_id,
        "nothing to do",
        {},
    )
    assert first.stats["outcome"] == "succeeded" and first.stats["steps"] == list(STEPS)
    assert first.stats["models"]["taxi_daily_zone_stats"]["rebuilt"] == 1
    assert first.stats["quality"]["taxi_trips"] == {
        "passed": 6,
        "failed": 0,
        "partitions": 1,
        "action": "warn",
    }


def test_only_changed_partitions_are_checked_again(runtime: LocalRuntime, tmp_path: Path) -> None:
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")
    run_workflow(runtime.models, runtime.workflow_deps)
    ingest(runtime, sample(tmp_path, "d2.csv", 2, seed=2), "taxi_trips")

    run = run_workflow(runtime.models, runtime.workflow_deps)

    assert {q.target.table: sorted(q.target.partitions) for q in run.quality} == {
        "taxi_trips": ["2024-01-02"], "taxi_daily_zone_stats": ["2024-01-02"]}  # fmt: skip


def test_a_failed_warn_rule_alerts_and_the_build_goes_on(project: Path, tmp_path: Path) -> None:
    with_quality(
        project,
        'quality:\n  action: warn\n  rules: |\n    Rules = [ RowCount > 1000, IsComplete "pickup_at" ]\n',
    )
    runtime = fresh(project)
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")

    run = run_workflow(runtime.models, runtime.workflow_deps)

    (dataset,) = [q for q in run.quality if q.target.table == "taxi_trips"]
    assert [r.rule for r in dataset.failed] == ["RowCount > 1000"]
    assert not run.halted and run.builds[0].written == ["2024-01-01"]
    (alert,) = runtime.notifier.recent()
    assert "data quality: taxi_trips" in alert[1]
    assert (
        "1 of 2 rules failed on dt 2024-01-01; first: RowCount > 1000: Value: 400.0 does not meet" in alert[2]
    )
    assert f"run_id = '{run.run_id}'" in alert[2]


def test_a_failed_halt_rule_fails_the_build_after_recording_and_alerting(
    project: Path, tmp_path: Path
) -> None:
    (project / "sql" / "models" / "taxi_daily_zone_stats.dqdl").write_text("Rules = [ RowCount > 100000 ]\n")
    runtime = fresh(project)
    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")

    result = CliRunner().invoke(main, ["--project", str(project), "build"])

    assert result.exit_code == 3, result.output
    assert "build halted: data quality failed for taxi_daily_zone_stats" in result.output
    (alert,) = runtime.notifier.recent()
    assert "data quality halt: taxi_daily_zone_stats" in alert[1]
    failed = rows(runtime, "SELECT rule FROM dq_results WHERE outcome = 'Failed'")
    assert failed == [("RowCount > 100000",)]


def test_quarantine_moves_rows_failing_a_row_level_rule_with_the_rule_as_reason(
    project: Path, tmp_path: Path
) -> None:
    rules = 'Rules = [ ColumnValues "fare_amount" < 40 where "payment_type = 1", RowCount > 0 ]'
    with_quality(project, f"quality:\n  action: quarantine\n  rules: |\n    {rules}\n")
    runtime = fresh(project)

    result = ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")

    entry = result.entry
    assert entry is not None and entry.rows_in == 400 == entry.rows_kept + entry.rows_quarantined
    reason = 'data quality rule failed: ColumnValues "fare_amount" < 40 where "payment_type = 1"'
    escaped = reason.replace("'", "''")
    (moved,) = rows(
        runtime, f"SELECT count(*) FROM taxi_trips_quarantine WHERE contains(reasons, '{escaped}')"
    )
    assert moved[0] == entry.rows_quarantined > 0
    assert rows(runtime, "SELECT count(*) FROM taxi_trips WHERE payment_type = 1 AND fare_amount >= 40") == [
        (0,)
    ]
    assert (
        rows(runtime, "SELECT count(*) FROM taxi_trips WHERE payment_type <> 1 AND fare_amount >= 40")[0][0]
        > 0
    )


def test_rulesets_are_checked_when_contracts_and_models_load(project: Path) -> None:
    with_quality(project, 'quality:\n  rules: |\n    Rules = [ IsComplete "no_such_column" ]\n')
    with pytest.raises(ContractError, match=r"names unknown column\(s\) \['no_such_column'\]"):
        _ = fresh(project).contracts
    with_quality(project, "quality:\n  rules: |\n    Rules = [ RowCount > ]\n")
    with pytest.raises(ContractError, match=r"quality\.rules: DQDL rule 1, line 1"):
        _ = fresh(project).contracts
    with_quality(project, "")
    (project / "sql" / "models" / "taxi_daily_zone_stats.dqdl").unlink()
    with pytest.raises(
        ContractError, match=r"quality: halt, but taxi_daily_zone_stats.dqdl is missing|does not exist"
    ):
        _ = fresh(project).models


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ('Rules = [ IsComplete "dt" ]', r"names unknown column\(s\) \['dt'\]"),
        ('Rules = [ IsComplete "fare_amount" where "no_such_col > 1" ]', "does not apply to the typed row"),
        ('Rules = [ IsComplete "fare_amount" where "dt = = 1" ]', "cannot quarantine rows"),
        ('Rules = [ IsComplete "fare_amount" where "tip_amount IN (SELECT 5)" ]', "reads other rows"),
        ('Rules = [ IsComplete "fare_amount" where "tip_amount > avg(tip_amount) over ()" ]', "reads other"),
        ('Rules = [ IsComplete "fare_amount" > 0.5 ]', "takes no condition"),
    ],
)
def test_a_quarantine_ruleset_that_cannot_judge_rows_fails_validation_not_processing(
    project: Path, rules: str, message: str
) -> None:
    with_quality(project, f"quality:\n  action: quarantine\n  rules: |\n    {rules}\n")

    result = CliRunner().invoke(main, ["--project", str(project), "contracts", "validate"])

    assert result.exit_code != 0
    assert re.search(message, result.output), result.output


def test_the_plan_hands_removed_partitions_to_the_job_which_drops_them(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    from lakeline.usecases.build import build_models
    from lakeline.usecases.workflow_steps import plan_step

    ingest(runtime, sample(tmp_path, "d1.csv", 1), "taxi_trips")
    ingest(runtime, sample(tmp_path, "d2.csv", 2, seed=2), "taxi_trips")
    build_models(runtime.models, runtime.build_deps)
    for path in (runtime.settings.lake_root / "curated" / "taxi_trips" / "dt=2024-01-02").glob("*.parquet"):
        path.unlink()  # the day lost all its rows

    plan = plan_step(runtime.models, runtime.build_deps)
    build_models(runtime.models, runtime.build_deps, planned=json.loads(plan["partitions"]))

    assert json.loads(plan["partitions"])["taxi_daily_zone_stats"] == ["2024-01-02"]
    assert list(runtime.catalog.locations("taxi_daily_zone_stats")) == ["2024-01-01"]
    assert rows(runtime, "SELECT DISTINCT dt FROM taxi_daily_zone_stats") == [("2024-01-01",)]


def test_the_partition_updated_rule_queues_one_local_run_for_a_burst(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    for day in (1, 2, 3):
        ingest(runtime, sample(tmp_path, f"d{day}.csv", day, seed=day), "taxi_trips")
    assert [r.name for r, _ in [(r, 0) for r in runtime.bus.rules]] == [
        "raw-object-created",
        "partition-updated",
    ]
    assert runtime.triggers.pending() == 3  # one Partition Updated event per processed object

    run = run_workflow(runtime.models, runtime.workflow_deps)

    assert run.builds[0].rebuilt == ["2024-01-01", "2024-01-02", "2024-01-03"]  # one run covers the burst
    assert runtime.triggers.pending() == 0


def test_a_plan_too_big_for_one_execution_leaves_the_newest_partitions_to_the_next(
    runtime: LocalRuntime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lakeline.usecases import workflow_steps
    from lakeline.usecases.build import build_models

    for day in (1, 2, 3):
        ingest(runtime, sample(tmp_path / f"d{day}", f"day{day}.csv", day, seed=day), "taxi_trips")
    monkeypatch.setattr(workflow_steps, "MAX_PARTITIONS_PER_RUN", 4)

    first = workflow_steps.plan_step(runtime.models, runtime.build_deps)

    # 3 days x (2 models + the dataset's checks) = 9; the 4 oldest go now.
    assert first["deferred"] == 5
    assert json.loads(first["partitions"]) == {
        "taxi_daily_zone_stats": ["2024-01-01", "2024-01-02"],
        "taxi_hourly_demand": ["2024-01-01"],
    }
    assert [(q["table"], sorted(q["partitions"])) for q in first["quality"] if q["kind"] == "dataset"] == [
        ("taxi_trips", ["2024-01-01"])
    ]
    plan = first
    for _ in range(5):  # each run builds what its plan holds, as the Glue job does
        build_models(runtime.models, runtime.build_deps, planned=json.loads(plan["partitions"]))
        plan = workflow_steps.plan_step(runtime.models, runtime.build_deps)
        if not plan["build"]:
            break
    for model in ("taxi_daily_zone_stats", "taxi_hourly_demand"):
        assert sorted(runtime.catalog.locations(model)) == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_a_models_checks_name_every_rebuilt_partition_as_on_aws(project: Path, tmp_path: Path) -> None:
    (project / "sql" / "models" / "weekday_trips.sql").write_text(
        "-- model: weekday_trips\n-- sources: taxi_trips\n-- partition: dt\n-- primary_key: dt\n"
        "SELECT dt, count(*) AS trips FROM taxi_trips WHERE dt <> '2024-01-02' GROUP BY dt\n"
    )
    (project / "sql" / "models" / "weekday_trips.dqdl").write_text("Rules = [ RowCount > 0 ]\n")
    runtime = fresh(project)
    for day in (1, 2):
        ingest(runtime, sample(tmp_path / f"d{day}", f"d{day}.csv", day, seed=day), "taxi_trips")

    run = run_workflow(runtime.models, runtime.workflow_deps)

    (build,) = [b for b in run.builds if b.model == "weekday_trips"]
    assert (build.rebuilt, build.written) == (["2024-01-01", "2024-01-02"], ["2024-01-01"])
    (check,) = [q for q in run.quality if q.target.table == "weekday_trips"]
    assert sorted(check.target.partitions) == ["2024-01-01", "2024-01-02"]  # as Plan hands them to Glue
    assert rows(runtime, "SELECT DISTINCT partitions FROM dq_results WHERE table_name = 'weekday_trips'") == [
        ("2024-01-01,2024-01-02",)
    ]


def test_a_model_whose_rebuilt_partitions_all_came_out_empty_is_judged_as_an_empty_table(
    project: Path, tmp_path: Path
) -> None:
    (project / "sql" / "models" / "night_trips.sql").write_text(
        "-- model: night_trips\n-- sources: taxi_trips\n-- partition: dt\n-- primary_key: dt\n"
        "SELECT dt, count(*) AS trips FROM taxi_trips WHERE dt = '1999-01-01' GROUP BY dt\n"
    )
    (project / "sql" / "models" / "night_trips.dqdl").write_text(
        'Rules = [ RowCount > 0, ColumnExists "trips", IsComplete "trips" ]\n'
    )
    runtime = fresh(project)
    ingest(runtime, sample(tmp_path, "d1.csv", 1, seed=1), "taxi_trips")

    run = run_workflow(runtime.models, runtime.workflow_deps)

    (build,) = [b for b in run.builds if b.model == "night_trips"]
    assert (build.rebuilt, build.written) == (["2024-01-01"], [])
    (check,) = [q for q in run.quality if q.target.table == "night_trips"]
    outcomes = {r.rule: r.outcome for r in check.results}
    assert outcomes["RowCount > 0"] == "Failed" and outcomes['ColumnExists "trips"'] == "Passed"
    assert outcomes['IsComplete "trips"'] == "Failed"  # no rows to judge
    assert "Value: 0.0" in next(r.failure_reason or "" for r in check.results if r.rule == "RowCount > 0")


def test_a_check_the_engine_cannot_run_fails_validation_not_processing(project: Path) -> None:
    path = project / CONTRACT
    path.write_text(
        path.read_text().replace(
            "expression: dropoff_at >= pickup_at", "expression: to_iso8601(pickup_at) <> ''"
        )
    )

    result = CliRunner().invoke(main, ["--project", str(project), "contracts", "validate"])

    assert result.exit_code != 0
    assert "check 'dropoff_after_pickup' does not apply to the typed row" in result.output, result.output
