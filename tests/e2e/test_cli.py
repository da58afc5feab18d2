"""The CLI as a user runs it: a real process in a fresh folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LAKELINE = str(Path(sys.executable).with_name("lakeline"))


def lakeline(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [LAKELINE, *args], check=False, cwd=cwd, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": str(cwd)},
    )  # fmt: skip
    if ok:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo")
    return folder, lakeline(folder, "demo").stdout


def test_demo_runs_the_pipeline_and_reports_each_file(demo_dir: tuple[Path, str]) -> None:
    _, out = demo_dir
    assert "Processed objects" in out
    assert out.count("yellow_tripdata_2024-01-0") >= 3
    assert "duplicate delivery of raw/taxi_trips/yellow_tripdata_2024-01-01.csv" in out
    assert "partitions written: dt=2024-01-01, dt=2024-01-02, dt=2024-01-03" in out
    assert "pulled 288 weather_observations records in 3 pages from http://127.0.0.1:" in out
    for name in ("01_daily_volume_and_revenue", "05_hourly_demand"):
        assert name in out
    assert "Where to look next" in out


def test_status_and_query_agree_with_the_ledger(demo_dir: tuple[Path, str]) -> None:
    folder, _ = demo_dir
    summary = json.loads(lakeline(folder, "status", "--format", "json").stdout)[0]
    assert summary["objects"] == 4  # three taxi files and one pull from the sample weather API
    assert summary["by_status"] == {"processed": 4}
    assert summary["rows_in"] == 60_000 + 288 == summary["rows_kept"] + summary["rows_quarantined"]

    def count(table: str) -> int:
        answer = lakeline(folder, "query", f"SELECT count(*) AS n FROM {table}", "--format", "json").stdout
        return int(json.loads(answer)[0]["n"])

    assert count("weather_observations") == 288
    assert count("taxi_trips") + count("weather_observations") == summary["rows_kept"]
    bad = lakeline(folder, "query", "SELECT count(*) FROM taxi_trips_quarantine", "--format", "csv").stdout
    assert bad.splitlines()[1] == str(summary["rows_quarantined"])


def test_pull_history_shows_the_cursor_and_each_pull(demo_dir: tuple[Path, str]) -> None:
    folder, _ = demo_dir

    out = lakeline(folder, "pull", "weather_observations", "--history").stdout

    assert out.startswith("cursor: 20")  # the newest observation time pulled
    (first,) = [line for line in out.splitlines() if "│ ok" in line][:1]
    assert "│     3 │     288 │" in first  # pages, records
    unknown = lakeline(folder, "pull", "no_such_dataset", "--history", ok=False)
    assert unknown.returncode != 0 and "no_such_dataset" in unknown.stderr + unknown.stdout


def test_running_the_demo_again_is_safe(demo_dir: tuple[Path, str]) -> None:
    folder, _ = demo_dir
    before = lakeline(
        folder, "query", "SELECT dt, count(*) FROM taxi_trips GROUP BY dt ORDER BY dt", "--format", "csv"
    ).stdout

    lakeline(folder, "demo")

    after = lakeline(
        folder, "query", "SELECT dt, count(*) FROM taxi_trips GROUP BY dt ORDER BY dt", "--format", "csv"
    ).stdout
    assert after == before


def test_generate_ingest_and_query_a_file(tmp_path: Path) -> None:
    lakeline(tmp_path, "init")
    lakeline(tmp_path, "generate", "taxi_trips", "--rows", "2000", "--days", "2", "--bad-ratio", "0.1",
             "--seed", "5", "--out", "in/trips.csv.gz")  # fmt: skip
    manifest = json.loads((tmp_path / "in" / "trips.csv.gz.manifest.json").read_text())

    out = lakeline(tmp_path, "ingest", "in/trips.csv.gz", "--dataset", "taxi_trips").stdout
    assert "landed s3://lakeline-local/raw/taxi_trips/trips.csv.gz" in out
    kept = lakeline(tmp_path, "query", "--format", "json", "SELECT count(*) AS n FROM taxi_trips").stdout
    assert json.loads(kept) == [{"n": manifest["expected_kept"]}]
    assert "nothing to process" in lakeline(tmp_path, "run").stdout


def test_run_picks_up_files_landed_without_an_event(tmp_path: Path) -> None:
    lakeline(tmp_path, "init")
    lakeline(tmp_path, "generate", "taxi_trips", "--rows", "300", "--out", "t.csv")
    lakeline(tmp_path, "ingest", "t.csv", "--dataset", "taxi_trips", "--no-process")

    out = lakeline(tmp_path, "run").stdout

    assert "processed" in out and "300" in out


def test_a_broken_contract_is_reported_without_a_traceback(tmp_path: Path) -> None:
    lakeline(tmp_path, "init")
    contract = tmp_path / "datasets" / "taxi_trips.yaml"
    contract.write_text(
        contract.read_text().replace(
            "type: decimal(10,2)\n    required: true\n    min: 0\n    max: 10000",
            "type: money\n    required: true\n    min: 0\n    max: 10000",
        )
    )

    result = lakeline(tmp_path, "contracts", "validate", ok=False)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "taxi_trips.yaml" in result.stderr
    assert "columns[10] (fare_amount).type: unknown type 'money'" in result.stderr


def test_contracts_validate_and_show(tmp_path: Path) -> None:
    lakeline(tmp_path, "init")
    assert "ok taxi_trips: 18 columns, 2 checks" in lakeline(tmp_path, "contracts", "validate").stdout
    shown = lakeline(tmp_path, "contracts", "show", "taxi_trips").stdout
    assert "name: taxi_trips" in shown and "schema_policy: additive" in shown
    weather = lakeline(tmp_path, "contracts", "show", "weather_observations").stdout
    assert "source: null" not in weather and "- name: station\n  type: varchar(4)" in weather
    assert "  source: station\n" in weather  # the default, filled in


def test_query_errors_are_one_clear_line(tmp_path: Path) -> None:
    lakeline(tmp_path, "init")
    result = lakeline(tmp_path, "query", "SELEC 1", ok=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: syntax error")


def test_the_cli_runs_against_a_lake_in_s3(tmp_path: Path, moto_endpoint: str, s3_bucket: str) -> None:
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "LAKELINE_AWS_ENDPOINT_URL": moto_endpoint, "LAKELINE_LAKE": f"s3://{s3_bucket}",
    }  # fmt: skip

    def run(*args: str) -> str:
        done = subprocess.run(
            [LAKELINE, *args], check=False, cwd=tmp_path, capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    run("init")
    run("generate", "taxi_trips", "--rows", "500", "--bad-ratio", "0.1", "--out", "t.csv")
    manifest = json.loads((tmp_path / "t.csv.manifest.json").read_text())

    assert f"landed s3://{s3_bucket}/raw/taxi_trips/t.csv" in run(
        "ingest", "t.csv", "--dataset", "taxi_trips"
    )
    counted = json.loads(run("query", "--format", "json", "SELECT count(*) AS n FROM taxi_trips"))
    assert counted == [{"n": manifest["expected_kept"]}]


def test_run_watch_processes_files_as_they_land(tmp_path: Path) -> None:
    import time

    lakeline(tmp_path, "init")
    lakeline(tmp_path, "generate", "taxi_trips", "--rows", "200", "--out", "late.csv")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200"}
    watcher = subprocess.Popen(
        [LAKELINE, "run", "--watch", "--interval", "0.2"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lakeline(tmp_path, "ingest", "late.csv", "--dataset", "taxi_trips", "--no-process")
        deadline = time.monotonic() + 60
        summary: dict[str, object] = {}
        while time.monotonic() < deadline:
            summary = json.loads(lakeline(tmp_path, "status", "--format", "json").stdout)[0]
            if summary["by_status"] == {"processed": 1}:
                break
            time.sleep(0.3)
        assert summary["by_status"] == {"processed": 1}
        assert summary["rows_in"] == 200
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)


def test_the_demos_hints_repeat_the_lake_it_was_given(tmp_path: Path) -> None:
    lake = tmp_path / "elsewhere lake"

    out = lakeline(tmp_path, "--lake", str(lake), "demo", "--days", "1", "--rows-per-day", "200").stdout

    hint = f"lakeline --lake '{lake}' status"
    assert hint in out
    status = lakeline(tmp_path, "--lake", str(lake), "status", "--format", "json").stdout
    assert json.loads(status)[0]["objects"] >= 1  # the hint's command finds what the demo made
