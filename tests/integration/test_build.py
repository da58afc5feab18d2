"""Analytics builds are incremental, exactly: each case the issue names is a test."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lakeline.analytics.models import parse_model
from lakeline.errors import ContractError
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.build import build_models

from .helpers import ingest, make_runtime, repeat_first_trip, rows

REPO = Path(__file__).resolve().parents[2]


def sample(tmp_path: Path, name: str, day: int, rows_: int = 400, seed: int = 1) -> Path:
    spec = GeneratorSpec(rows_, 1, 0.0, seed, date(2024, 1, day))
    path = tmp_path / name
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, path)
    return path


@pytest.fixture
def lake(runtime: LocalRuntime, tmp_path: Path) -> LocalRuntime:
    shutil.copytree(REPO / "sql" / "models", runtime.settings.project.models_dir, dirs_exist_ok=True)
    for day in (1, 2, 3):
        ingest(runtime, sample(tmp_path / f"d{day}", f"day{day}.csv", day, seed=day), "taxi_trips")
    return runtime


def fresh(runtime: LocalRuntime) -> LocalRuntime:
    """The same project loaded again, as the next command would (models are read at start)."""
    return LocalRuntime(runtime.settings)


def build(runtime: LocalRuntime) -> dict[str, list[str]]:
    return {r.model: r.rebuilt for r in build_models(runtime.models, runtime.build_deps)}


def daily_trips(runtime: LocalRuntime) -> dict[str, int]:
    return dict(rows(runtime, "SELECT dt, CAST(sum(trips) AS bigint) FROM taxi_daily_zone_stats GROUP BY dt"))


def test_first_build_covers_every_partition_and_matches_curated(lake: LocalRuntime) -> None:
    assert build(lake) == {"taxi_daily_zone_stats": ["2024-01-01", "2024-01-02", "2024-01-03"],
                           "taxi_hourly_demand": ["2024-01-01", "2024-01-02", "2024-01-03"]}  # fmt: skip
    curated = dict(rows(lake, "SELECT dt, count(*) FROM taxi_trips GROUP BY dt"))
    assert daily_trips(lake) == curated
    hourly = dict(rows(lake, "SELECT dt, CAST(sum(trips) AS bigint) FROM taxi_hourly_demand GROUP BY dt"))
    assert hourly == curated


def test_a_build_with_no_new_data_does_no_work(lake: LocalRuntime) -> None:
    build(lake)
    files = {p: p.stat().st_mtime_ns for p in (lake.settings.lake_root / "analytics").rglob("*.parquet")}

    results = build_models(lake.models, lake.build_deps)

    assert not any(r.did_work for r in results)
    assert all(r.unchanged == 3 for r in results)
    assert {p: p.stat().st_mtime_ns for p in files} == files


def test_a_new_file_for_one_day_rebuilds_only_that_day(lake: LocalRuntime, tmp_path: Path) -> None:
    build(lake)
    ingest(lake, sample(tmp_path, "day4.csv", 4, seed=4), "taxi_trips")

    assert build(lake)["taxi_daily_zone_stats"] == ["2024-01-04"]
    assert daily_trips(lake)["2024-01-04"] == 400


def test_a_late_file_for_an_old_day_rebuilds_that_old_day(lake: LocalRuntime, tmp_path: Path) -> None:
    build(lake)
    before = daily_trips(lake)
    ingest(lake, sample(tmp_path, "late.csv", 1, rows_=100, seed=99), "taxi_trips")

    assert build(lake)["taxi_daily_zone_stats"] == ["2024-01-01"]
    after = daily_trips(lake)
    assert after["2024-01-01"] == before["2024-01-01"] + 100
    assert after["2024-01-02"] == before["2024-01-02"]


def test_a_replaced_source_object_is_not_double_counted(lake: LocalRuntime, tmp_path: Path) -> None:
    build(lake)
    replacement = sample(tmp_path / "v2", "day2.csv", 2, rows_=150, seed=7)  # same key, a new version

    ingest(lake, replacement, "taxi_trips")

    assert build(lake)["taxi_daily_zone_stats"] == ["2024-01-02"]
    assert daily_trips(lake)["2024-01-02"] == 150


def test_the_same_trips_in_two_objects_count_once(lake: LocalRuntime, tmp_path: Path) -> None:
    build(lake)
    again = tmp_path / "again"
    again.mkdir()
    shutil.copyfile(tmp_path / "d3" / "day3.csv", again / "day3-redelivered.csv")

    ingest(lake, again / "day3-redelivered.csv", "taxi_trips")

    assert build(lake)["taxi_daily_zone_stats"] == ["2024-01-03"]
    assert rows(lake, "SELECT count(*) FROM taxi_trips WHERE dt = '2024-01-03'") == [
        (800,)
    ]  # curated has both
    assert daily_trips(lake)["2024-01-03"] == 400  # the model reads each primary key once


def test_a_key_repeated_in_one_object_counts_its_last_record(runtime: LocalRuntime, tmp_path: Path) -> None:
    shutil.copytree(REPO / "sql" / "models", runtime.settings.project.models_dir, dirs_exist_ok=True)
    path = sample(tmp_path, "day1.csv", 1, rows_=3000)
    zone, original = repeat_first_trip(path, "999.99")
    ingest(runtime, path, "taxi_trips")

    build(runtime)

    both = f"SELECT sum(total_amount) FROM taxi_trips WHERE pickup_zone_id = {zone}"
    (curated,) = rows(runtime, both)[0]  # curated keeps both records
    (revenue,) = rows(runtime, f"SELECT revenue FROM taxi_daily_zone_stats WHERE pickup_zone_id = {zone}")[0]
    assert revenue == curated - Decimal(original)  # the later record, 999.99, replaced the first


def test_a_key_that_moves_to_another_day_leaves_its_old_day(tmp_path: Path) -> None:
    readings = {
        "name": "readings", "source": {"format": "csv"}, "event_time": "at", "primary_key": ["id"],
        "columns": [{"name": "id", "type": "string", "required": True},
                    {"name": "at", "type": "timestamp", "required": True}],
    }  # fmt: skip
    runtime = make_runtime(tmp_path / "project", readings)
    (runtime.settings.project.models_dir).mkdir(parents=True)
    (runtime.settings.project.models_dir / "daily_readings.sql").write_text(
        "-- model: daily_readings\n-- sources: readings\n-- partition: dt\n-- primary_key: dt\n"
        "SELECT dt, count(*) AS readings FROM readings GROUP BY dt\n"
    )
    runtime = fresh(runtime)
    (tmp_path / "first.csv").write_text(
        "id,at\na,2024-01-01 23:00:00\nb,2024-01-01 10:00:00\nc,2024-01-02 10:00:00\n"
    )
    (tmp_path / "later.csv").write_text("id,at\na,2024-01-02 00:00:00\n")  # a, re-dated by its source
    ingest(runtime, tmp_path / "first.csv", "readings")
    build(runtime)
    ingest(runtime, tmp_path / "later.csv", "readings")

    rebuilt = build(runtime)["daily_readings"]

    assert rebuilt == ["2024-01-01", "2024-01-02"]  # the day a left, too
    assert rows(runtime, "SELECT dt, readings FROM daily_readings ORDER BY dt") == [
        ("2024-01-01", 1),
        ("2024-01-02", 2),
    ]


def test_a_failed_new_version_does_not_make_its_old_rows_the_latest(
    lake: LocalRuntime, tmp_path: Path
) -> None:
    import csv
    from dataclasses import replace

    from lakeline.errors import TransientError
    from lakeline.usecases.landing import land
    from lakeline.usecases.process_object import process_object

    class Broken:
        def process(self, *args: object) -> object:
            raise TransientError("disk full")

    first = tmp_path / "d3" / "day3.csv"
    with first.open(newline="") as source, (tmp_path / "fixed.csv").open("w", newline="") as fixed:
        table = csv.DictReader(source)
        writer = csv.DictWriter(fixed, table.fieldnames or [], lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "total_amount": "1.00"} for row in table)  # the same trips, amended
    ingest(lake, tmp_path / "fixed.csv", "taxi_trips")
    again = tmp_path / "again" / "day3.csv"
    again.parent.mkdir()
    again.write_text(
        first.read_text() + first.read_text().splitlines()[1] + "\n"
    )  # a new version of day3.csv
    with pytest.raises(TransientError):
        process_object(
            land(again, "taxi_trips", lake.contracts, lake.store), replace(lake.deps, processor=Broken())
        )

    build(lake)

    revenue = rows(lake, "SELECT sum(revenue) FROM taxi_daily_zone_stats WHERE dt = '2024-01-03'")
    assert revenue == [(Decimal("400.00"),)]  # the amended trips, ingested after day3.csv's last success


def test_a_day_that_loses_all_its_rows_loses_its_analytics(lake: LocalRuntime, tmp_path: Path) -> None:
    build(lake)
    ingest(lake, sample(tmp_path / "moved", "day3.csv", 4, seed=3), "taxi_trips")  # day3.csv now holds Jan 4

    results = {r.model: r for r in build_models(lake.models, lake.build_deps)}

    assert results["taxi_daily_zone_stats"].removed == ["2024-01-03"]
    assert "2024-01-03" not in daily_trips(lake)


def test_a_partition_built_empty_is_not_rebuilt_until_its_inputs_change(lake: LocalRuntime) -> None:
    (lake.settings.project.models_dir / "long_trips.sql").write_text(
        "-- model: long_trips\n-- sources: taxi_trips\n-- partition: dt\n-- primary_key: dt\n"
        "SELECT dt, count(*) AS trips FROM taxi_trips WHERE dt = '2024-01-02' GROUP BY dt\n"
    )
    first = build(fresh(lake))["long_trips"]

    again = {r.model: r for r in build_models(fresh(lake).models, lake.build_deps)}

    assert first == ["2024-01-01", "2024-01-02", "2024-01-03"]  # two of them came out empty
    assert not again["long_trips"].did_work and again["long_trips"].unchanged == 3


def test_editing_a_model_rebuilds_its_partitions_and_no_other(lake: LocalRuntime) -> None:
    build(lake)
    path = lake.settings.project.models_dir / "taxi_hourly_demand.sql"
    path.write_text(path.read_text().replace("count(*) AS trips", "count(*) + 1 AS trips"))

    rebuilt = build(fresh(lake))

    assert rebuilt == {
        "taxi_daily_zone_stats": [],
        "taxi_hourly_demand": ["2024-01-01", "2024-01-02", "2024-01-03"],
    }
    hourly = dict(rows(lake, "SELECT dt, CAST(sum(trips) AS bigint) FROM taxi_hourly_demand GROUP BY dt"))
    curated = dict(rows(lake, "SELECT dt, count(*) FROM taxi_trips GROUP BY dt"))
    assert all(hourly[day] == curated[day] + 24 for day in curated)  # one more per hour of each day


def test_a_model_header_must_name_its_sources(tmp_path: Path, lake: LocalRuntime) -> None:
    bad = tmp_path / "broken.sql"
    bad.write_text("-- model: broken\n-- sources: nope\n-- partition: dt\n-- primary_key: dt\nSELECT 1")
    with pytest.raises(ContractError, match="sources names 'nope', which is not a dataset"):
        parse_model(bad, lake.contracts)


def test_a_workflows_plan_builds_only_the_partitions_it_names(lake: LocalRuntime) -> None:
    planned = {"taxi_daily_zone_stats": ["2024-01-02"]}

    (result,) = build_models(lake.models, lake.build_deps, planned=planned)

    assert (result.model, result.rebuilt, result.unchanged) == ("taxi_daily_zone_stats", ["2024-01-02"], 2)
    assert build(lake) == {"taxi_daily_zone_stats": ["2024-01-01", "2024-01-03"],
                           "taxi_hourly_demand": ["2024-01-01", "2024-01-02", "2024-01-03"]}  # fmt: skip


def test_a_rebuilt_partition_moves_to_a_new_location_and_the_old_one_is_retired_after_grace(
    lake: LocalRuntime, tmp_path: Path
) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    build(lake)
    first = lake.catalog.locations("taxi_daily_zone_stats")["2024-01-01"]
    ingest(lake, sample(tmp_path, "late.csv", 1, rows_=100, seed=99), "taxi_trips")

    build(lake)

    second = lake.catalog.locations("taxi_daily_zone_stats")["2024-01-01"]
    root = lake.settings.lake_root
    assert second != first and second.startswith("analytics/taxi_daily_zone_stats/dt=2024-01-01/build=")
    assert (root / first).is_dir()  # a query already reading the old files can finish
    assert daily_trips(lake)["2024-01-01"] == 500  # queries see the new location only
    later = replace(lake.build_deps, clock=lambda: datetime.now(UTC) + timedelta(hours=2))
    build_models(lake.models, later)  # nothing to build; the sweep still runs
    assert (
        not any((root / first).glob("*.parquet"))
        and (root / second / "taxi_daily_zone_stats.parquet").is_file()
    )


def test_glue_partitions_are_created_moved_and_dropped() -> None:
    import boto3
    from moto import mock_aws

    from lakeline.adapters.aws.glue_partitions import GluePartitionCatalog

    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_database(DatabaseInput={"Name": "lake"})
        glue.create_table(DatabaseName="lake", TableInput={
            "Name": "stats", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "StorageDescriptor": {"Columns": [{"Name": "trips", "Type": "bigint"}],
                                  "Location": "s3://analytics/analytics/stats/"},
        })  # fmt: skip
        catalog = GluePartitionCatalog("lake", "analytics", glue)

        catalog.point("stats", "2024-01-01", "analytics/stats/dt=2024-01-01/build=1/")
        catalog.point("stats", "2024-01-02", "analytics/stats/dt=2024-01-02/build=1/")
        catalog.point("stats", "2024-01-01", "analytics/stats/dt=2024-01-01/build=2/")
        catalog.drop("stats", "2024-01-02")
        catalog.drop("stats", "2024-01-03")  # never existed: nothing to do

        assert catalog.locations("stats") == {"2024-01-01": "analytics/stats/dt=2024-01-01/build=2/"}
        (partition,) = glue.get_partitions(DatabaseName="lake", TableName="stats")["Partitions"]
        assert (
            partition["StorageDescriptor"]["Location"]
            == "s3://analytics/analytics/stats/dt=2024-01-01/build=2/"
        )
        assert partition["StorageDescriptor"]["Columns"] == [{"Name": "trips", "Type": "bigint"}]
