"""The lake in an S3 bucket (moto's server on 127.0.0.1): the same pipeline, the same answers."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from lakeline.adapters.aws.s3_object_store import S3ObjectStore, S3StoreError
from lakeline.errors import ObjectNotFoundError
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings, SettingsError

from .helpers import ingest, rows

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def s3_runtime(project: Path, moto_endpoint: str, s3_bucket: str) -> LocalRuntime:
    env = {"LAKELINE_AWS_ENDPOINT_URL": moto_endpoint, "AWS_REGION": "us-east-1"}
    return LocalRuntime(LocalSettings.load(project, f"s3://{s3_bucket}", env=env))


def test_processing_into_an_s3_lake_gives_the_same_counts_and_answers(
    s3_runtime: LocalRuntime, tmp_path: Path
) -> None:
    spec = GeneratorSpec(3000, 2, 0.05, 4)
    manifest = write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / "trips.csv.gz")

    entry = ingest(s3_runtime, tmp_path / "trips.csv.gz", "taxi_trips").entry

    assert entry is not None
    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (
        manifest.rows,
        manifest.good,
        manifest.bad,
    )
    keys = [o.key for o in s3_runtime.store.list("curated/taxi_trips/")]
    assert [k.split("/")[2] for k in keys] == ["dt=2024-01-01", "dt=2024-01-02"]
    per_day = dict(rows(s3_runtime, "SELECT dt, count(*) FROM taxi_trips GROUP BY dt ORDER BY dt"))
    assert per_day == manifest.good_rows_per_day
    assert rows(s3_runtime, "SELECT count(*) FROM taxi_trips_quarantine") == [(manifest.bad,)]


def test_the_workflow_builds_and_checks_models_over_an_s3_lake(
    s3_runtime: LocalRuntime, tmp_path: Path
) -> None:
    import shutil

    from lakeline.usecases.workflow import run_workflow

    shutil.copytree(REPO / "sql" / "models", s3_runtime.settings.project.models_dir, dirs_exist_ok=True)
    spec = GeneratorSpec(2000, 2, 0.0, 5)
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / "trips.csv")
    ingest(s3_runtime, tmp_path / "trips.csv", "taxi_trips")
    runtime = LocalRuntime(s3_runtime.settings)  # models are read when a command starts

    run = run_workflow(runtime.models, runtime.workflow_deps)

    assert {b.model: b.rebuilt for b in run.builds}["taxi_daily_zone_stats"] == ["2024-01-01", "2024-01-02"]
    assert any(q.target.table == "taxi_trips" for q in run.quality)  # the dataset's rules read S3 too
    trips = rows(runtime, "SELECT CAST(sum(trips) AS bigint) FROM taxi_daily_zone_stats")
    assert trips == rows(runtime, "SELECT count(*) FROM taxi_trips")


def test_a_new_version_in_s3_replaces_the_old_rows(s3_runtime: LocalRuntime, tmp_path: Path) -> None:
    old, new = tmp_path / "a" / "t.csv", tmp_path / "b" / "t.csv"
    write_sample(
        GENERATORS["taxi_trips"](GeneratorSpec(900, 3, 0, 1)), "taxi_trips", GeneratorSpec(900, 3, 0, 1), old
    )
    write_sample(
        GENERATORS["taxi_trips"](GeneratorSpec(200, 1, 0, 2)), "taxi_trips", GeneratorSpec(200, 1, 0, 2), new
    )
    ingest(s3_runtime, old, "taxi_trips")

    ingest(s3_runtime, new, "taxi_trips")

    assert [o.key.split("/")[2] for o in s3_runtime.store.list("curated/")] == ["dt=2024-01-01"]
    assert rows(s3_runtime, "SELECT count(*) FROM taxi_trips") == [(200,)]


def test_s3_errors_are_translated(moto_endpoint: str, s3_bucket: str) -> None:
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    with pytest.raises(ObjectNotFoundError, match=f"s3://{s3_bucket}/raw/x/missing.csv"):
        S3ObjectStore(s3_bucket, client).head("raw/x/missing.csv")
    with pytest.raises(S3StoreError, match="NoSuchBucket"):
        list(S3ObjectStore("no-such-bucket-here", client).list("raw/"))


@pytest.mark.parametrize("lake", ["s3://bucket/some/prefix", "s3://Bad_Bucket"])
def test_an_s3_lake_must_be_a_whole_valid_bucket(lake: str, project: Path) -> None:
    with pytest.raises(SettingsError):
        LocalSettings.load(project, lake, env={})
