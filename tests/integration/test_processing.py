from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from lakeline.core.ledger import Status
from lakeline.engines.duckdb import processor
from lakeline.generate import GENERATORS, GeneratorSpec, Manifest, write_sample
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.landing import pending
from lakeline.usecases.process_object import Outcome

from .helpers import ingest, make_runtime, process_alone, rows

DATASET = "taxi_trips"


def generate(out: Path, rows_: int = 6000, days: int = 3, bad_ratio: float = 0.05, seed: int = 3) -> Manifest:
    spec = GeneratorSpec(rows_, days, bad_ratio, seed)
    return write_sample(GENERATORS[DATASET](spec), DATASET, spec, out)


def test_every_row_is_kept_or_quarantined_with_the_generators_exact_counts(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    manifest = generate(tmp_path / "trips.csv")

    result = ingest(runtime, tmp_path / "trips.csv", DATASET)

    entry = result.entry
    assert result.outcome is Outcome.PROCESSED and entry is not None
    assert entry.rows_in == manifest.rows == 6000
    assert entry.rows_kept == manifest.good
    assert entry.rows_quarantined == manifest.bad
    assert entry.partitions == sorted(manifest.good_rows_per_day)
    per_day = dict(rows(runtime, "SELECT dt, count(*) FROM taxi_trips GROUP BY dt ORDER BY dt"))
    assert per_day == manifest.good_rows_per_day
    assert rows(runtime, "SELECT count(*) FROM taxi_trips_quarantine") == [(manifest.bad,)]


def test_each_kind_of_bad_row_is_quarantined_with_its_reason(runtime: LocalRuntime, tmp_path: Path) -> None:
    manifest = generate(tmp_path / "trips.csv", rows_=4000, bad_ratio=0.2)
    ingest(runtime, tmp_path / "trips.csv", DATASET)

    reasons = [r[0] for r in rows(runtime, "SELECT array_join(reasons, ' | ') FROM taxi_trips_quarantine")]

    def count(fragment: str) -> int:
        return sum(fragment in r for r in reasons)

    assert count("check dropoff_after_pickup failed") == manifest.kinds["dropoff_before_pickup"]
    assert count("trip_distance: '-") == manifest.kinds["negative_distance"]
    assert count("required value is missing") == manifest.kinds["missing_required"]
    assert count("record: expected 18 fields, found ") == manifest.kinds["short_row"]
    assert count("pickup_at: '") == manifest.kinds["unparseable_timestamp"]
    assert count("fare_amount: '") == manifest.kinds["non_numeric_fare"] + manifest.kinds["stray_quote"]
    assert len(reasons) == manifest.bad


def test_quarantined_rows_carry_their_position_source_and_original_values(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    source = tmp_path / "trips.csv"
    generate(source, rows_=3000, bad_ratio=0.1)
    lines = source.read_text().splitlines()
    ingest(runtime, source, DATASET)

    found = rows(
        runtime,
        "SELECT row_number, line_number, record, raw_line, source_object FROM taxi_trips_quarantine "
        "ORDER BY row_number",
    )

    assert found, "the sample has bad rows"
    for row_number, line_number, record, raw_line, source_object in found:
        assert line_number == row_number + 1  # one header line
        original = lines[line_number - 1]
        if raw_line is not None:
            assert raw_line.rstrip("\n") == original
        else:
            assert original.split(",")[1] in record  # the pickup time, as text
        assert source_object == "s3://lakeline-local/raw/taxi_trips/trips.csv"


@pytest.mark.parametrize("room", [True, False], ids=["decompressed-copy", "gzip-stream"])
def test_gzip_input_gives_the_same_result(
    runtime: LocalRuntime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: bool
) -> None:
    manifest = generate(tmp_path / "trips.csv.gz")
    assert (tmp_path / "trips.csv.gz").read_bytes()[:2] == b"\x1f\x8b"
    if not room:  # no disk for a decompressed copy: DuckDB reads the gzip stream itself
        monkeypatch.setattr(processor.shutil, "disk_usage", lambda _: SimpleNamespace(free=0))

    entry = ingest(runtime, tmp_path / "trips.csv.gz", DATASET).entry

    assert entry is not None
    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (
        manifest.rows,
        manifest.good,
        manifest.bad,
    )
    lines = gzip.decompress((tmp_path / "trips.csv.gz").read_bytes()).decode().splitlines()
    quarantined = rows(runtime, "SELECT line_number, raw_line, record FROM taxi_trips_quarantine")
    for line_number, raw_line, record in quarantined:  # each names its own line of the file
        original = lines[line_number - 1]
        assert raw_line.rstrip("\n") == original if raw_line else original.split(",")[1] in record


def test_the_same_event_twice_does_the_work_once(runtime: LocalRuntime, tmp_path: Path) -> None:
    manifest = generate(tmp_path / "trips.csv")
    first = ingest(runtime, tmp_path / "trips.csv", DATASET)
    assert first.entry is not None

    from lakeline.events.s3 import object_created_event

    again = runtime.bus.put_events([object_created_event(runtime.store.head(first.key))])

    assert [r.outcome for r in again] == [Outcome.DUPLICATE]
    assert rows(runtime, "SELECT count(*) FROM taxi_trips") == [(manifest.good,)]
    assert runtime.ledger.get(first.entry.object_id).attempts == 1  # type: ignore[union-attr]


def test_reprocessing_an_object_replaces_its_own_output(runtime: LocalRuntime, tmp_path: Path) -> None:
    manifest = generate(tmp_path / "trips.csv")
    ingest(runtime, tmp_path / "trips.csv", DATASET)
    files_before = sorted(p.name for p in (runtime.settings.lake_root / "curated").rglob("*.parquet"))

    ingest(runtime, tmp_path / "trips.csv", DATASET)  # landed again: a new version with the same rows

    files_after = sorted(p.name for p in (runtime.settings.lake_root / "curated").rglob("*.parquet"))
    assert files_after == files_before
    assert rows(runtime, "SELECT count(*) FROM taxi_trips") == [(manifest.good,)]
    assert rows(runtime, "SELECT count(*) FROM taxi_trips_quarantine") == [(manifest.bad,)]


def test_a_new_version_replaces_the_rows_of_the_old_one(runtime: LocalRuntime, tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "trips.csv", tmp_path / "new" / "trips.csv"
    generate(old, rows_=6000, days=3, seed=1)
    manifest = generate(new, rows_=1000, days=1, seed=2)
    ingest(runtime, old, DATASET)

    entry = ingest(runtime, new, DATASET).entry

    assert entry is not None and entry.partitions == ["2024-01-01"]
    assert rows(runtime, "SELECT dt, count(*) FROM taxi_trips GROUP BY dt") == [("2024-01-01", manifest.good)]
    assert not (runtime.settings.lake_root / "curated" / DATASET / "dt=2024-01-03").exists()


def test_run_processes_only_what_is_pending(runtime: LocalRuntime, tmp_path: Path) -> None:
    generate(tmp_path / "a.csv", rows_=500, days=1)
    generate(tmp_path / "b.csv", rows_=500, days=1, seed=9)
    ingest(runtime, tmp_path / "a.csv", DATASET)
    raw = runtime.settings.lake_root / "raw" / DATASET
    shutil.copyfile(tmp_path / "b.csv", raw / "b.csv")  # landed without an event

    todo = list(pending(runtime.contracts, runtime.store, runtime.ledger))

    assert [o.key for o in todo] == ["raw/taxi_trips/b.csv"]


def test_run_goes_on_past_an_object_that_fails_and_leaves_it_for_redrive(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from lakeline.entrypoints.cli import main

    generate(tmp_path / "a.csv", rows_=500, days=1, seed=1)
    generate(tmp_path / "b.csv", rows_=500, days=1, seed=9)
    lake = runtime.settings.lake_root
    raw = lake / "raw" / DATASET
    raw.mkdir(parents=True)
    shutil.copyfile(tmp_path / "a.csv", raw / "a.csv")
    shutil.copyfile(tmp_path / "b.csv", raw / "b.csv")
    (lake / "curated" / DATASET).mkdir(parents=True)
    blocker = lake / "curated" / DATASET / "dt=2024-01-01"
    blocker.write_text("a file where a folder must go: every write into the partition fails")
    cli = ["--project", str(runtime.settings.project.root), "--lake", str(lake)]

    first = CliRunner().invoke(main, [*cli, "run"])
    blocker.unlink()
    second = CliRunner().invoke(main, [*cli, "run"])
    redriven = CliRunner().invoke(main, [*cli, "redrive"])

    assert first.exit_code == 1 and "failed: raw/taxi_trips/a.csv" in first.output
    assert "failed: raw/taxi_trips/b.csv" in first.output  # tried too, not skipped after a's failure
    assert "nothing to process; 2 failed, for lakeline redrive" in second.output
    assert redriven.exit_code == 0
    assert {e.key: e.status for e in runtime.ledger.entries()} == {
        "raw/taxi_trips/a.csv": Status.PROCESSED,
        "raw/taxi_trips/b.csv": Status.PROCESSED,
    }


def test_raw_is_never_deleted(runtime: LocalRuntime, tmp_path: Path) -> None:
    generate(tmp_path / "trips.csv")
    ingest(runtime, tmp_path / "trips.csv", DATASET)
    ingest(runtime, tmp_path / "trips.csv", DATASET)

    assert (runtime.settings.lake_root / "raw" / DATASET / "trips.csv").is_file()
    entry = runtime.ledger.entries()[0]
    assert entry.status is Status.PROCESSED
    assert all(not key.startswith("raw/") for key in entry.outputs)


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_header_only_file_is_processed_with_zero_rows(
    runtime: LocalRuntime, tmp_path: Path, compressed: bool
) -> None:
    header = "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,RatecodeID,"
    header += (
        "store_and_fwd_flag,PULocationID,DOLocationID,payment_type,fare_amount,extra,mta_tax,tip_amount,"
    )
    header += "tolls_amount,improvement_surcharge,total_amount,congestion_surcharge\n"
    path = tmp_path / ("empty.csv.gz" if compressed else "empty.csv")
    path.write_bytes(gzip.compress(header.encode()) if compressed else header.encode())

    entry = ingest(runtime, path, DATASET).entry

    assert entry is not None and entry.status is Status.PROCESSED
    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (0, 0, 0)


def test_quarantine_files_have_the_declared_schema(runtime: LocalRuntime, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from lakeline.core.quarantine import QUARANTINE_COLUMNS

    generate(tmp_path / "trips.csv", rows_=500, bad_ratio=0.2)
    entry = ingest(runtime, tmp_path / "trips.csv", DATASET).entry
    assert entry is not None
    (key,) = [k for k in entry.outputs if k.startswith("quarantine/")]

    schema = pq.read_schema(runtime.settings.lake_root / key)

    assert schema.names == [name for name, _ in QUARANTINE_COLUMNS]


@pytest.mark.parametrize(
    ("granularity", "expected"),
    [
        ("hour", [("2024-05-01-08", 4), ("2024-05-31-23", 2)]),
        ("day", [("2024-05-01", 4), ("2024-05-31", 2)]),
        ("month", [("2024-05", 6)]),
    ],
)
def test_curated_rows_land_in_the_partition_of_their_granularity(
    tmp_path: Path, granularity: str, expected: list[tuple[str, int]]
) -> None:
    spec = {
        "name": "readings",
        "source": {"format": "csv"},
        "event_time": "at",
        "partitioning": granularity,
        "columns": [{"name": "at", "type": "timestamp", "required": True}, {"name": "value", "type": "int"}],
    }
    runtime = make_runtime(tmp_path / "project", spec)
    source = tmp_path / "readings.csv"
    source.write_text("at,value\n2024-05-01 08:59:59,1\n2024-05-31 23:00:00,2\n2024-05-01 08:00:00,3\n")

    entry = ingest(runtime, source, "readings").entry

    assert entry is not None and entry.partitions == [dt for dt, _ in expected]
    assert rows(runtime, "SELECT dt, sum(value) FROM readings GROUP BY dt ORDER BY dt") == expected


def test_rows_before_the_tables_first_partition_are_quarantined_not_hidden(tmp_path: Path) -> None:
    from lakeline.core.tables import curated_table

    spec = {
        "name": "readings",
        "source": {"format": "csv"},
        "event_time": "at",
        "partitioning": "hour",
        "partitions_from": "2024-05-02",
        "columns": [{"name": "at", "type": "timestamp", "required": True}, {"name": "value", "type": "int"}],
    }
    runtime = make_runtime(tmp_path / "project", spec)
    source = tmp_path / "readings.csv"
    source.write_text("at,value\n2024-05-01 23:59:59,1\n2024-05-02 00:00:00,2\n")

    entry = ingest(runtime, source, "readings").entry

    assert entry is not None and (entry.rows_kept, entry.rows_quarantined) == (1, 1)
    (reasons,) = rows(runtime, "SELECT reasons FROM readings_quarantine")[0]
    assert reasons == ["at: before 2024-05-02, where the table's partitions start (partitions_from in the "
                       "contract); Athena would never show it"]  # fmt: skip
    table = curated_table(runtime.contracts.get("readings"))
    assert table.projection("lake")["projection.dt.range"] == "2024-05-02-00,NOW"


def test_watch_waits_for_a_file_still_being_copied_in(runtime: LocalRuntime, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from lakeline.usecases.landing import settled

    generate(tmp_path / "a.csv", rows_=100, days=1)
    raw = runtime.settings.lake_root / "raw" / DATASET
    raw.mkdir(parents=True)
    shutil.copyfile(tmp_path / "a.csv", raw / "a.csv")
    (todo,) = list(pending(runtime.contracts, runtime.store, runtime.ledger))
    written = todo.last_modified
    assert written is not None

    assert settled([todo], written + timedelta(seconds=1), seconds=2) == []  # may still be growing
    assert settled([todo], written + timedelta(seconds=2), seconds=2) == [todo]
    assert settled([todo], datetime.now(UTC) + timedelta(hours=1), seconds=2) == [todo]


def test_json_lines_are_read_in_buffers_the_memory_limit_can_hold(tmp_path: Path) -> None:
    # DuckDB's default buffer for lines of up to 16 MiB is 256 MiB, which a 512 MB limit cannot
    # hold once per thread: every JSON Lines object over 256 MB failed to read. Under a 200 MB
    # limit the same happens to a 37 MB object.
    import json

    columns = [{"name": "at", "type": "timestamp", "required": True}, {"name": "note", "type": "string"}]
    spec = {"name": "notes", "source": {"format": "jsonl"}, "event_time": "at", "columns": columns}
    source = tmp_path / "notes.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for _ in range(60_000):
            out.write(json.dumps({"at": "2024-01-01 00:00:00", "note": "x" * 600}) + "\n")

    output = process_alone(spec, source, tmp_path / "work", processor.DuckDBSettings(memory_limit="200MB"))

    assert (output.rows_in, output.rows_kept, output.rejection) == (60_000, 60_000, None)


@pytest.mark.parametrize(
    ("days", "interleaved"),
    [(3, False), (3, True), (6, True)],
    ids=["days-in-runs", "three-days-interleaved", "six-days-interleaved"],
)
def test_each_curated_file_keeps_the_objects_row_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, days: int, interleaved: bool
) -> None:
    # Analytics models let the later of two records of a key in one object win, by their order in
    # the curated file. DuckDB's partitioned COPY interleaved the rows it buffered: in a 30 MB
    # object the earlier record won. Each partition is now written alone, from the rows in the
    # object's order or, for six interleaved days, from a copy sorted by day.
    spec = {
        "name": "readings",
        "source": {"format": "csv"},
        "event_time": "at",
        "columns": [{"name": "at", "type": "timestamp", "required": True}, {"name": "seq", "type": "int"}],
    }
    total = 400_000
    source = tmp_path / "readings.csv"
    with source.open("w", encoding="utf-8") as out:
        out.write("at,seq\n")
        for seq in range(total):
            day = seq % days if interleaved else seq * days // total
            out.write(f"2024-05-0{day + 1} 12:00:00,{seq}\n")
    templates: list[str] = []
    real = processor._template
    monkeypatch.setattr(processor, "_template", lambda name: templates.append(name) or real(name))

    output = process_alone(spec, source, tmp_path / "work", processor.DuckDBSettings(threads=4))

    assert sorted(output.curated) == [f"2024-05-0{day + 1}" for day in range(days)]
    files = [str(path) for paths in output.curated.values() for path in paths]
    assert len(files) == days  # one file per partition
    assert rows_out_of_order(files) == (0, total)
    assert ("clustered" in templates) == (days == 6)  # sorted first only when reading would cost more


def test_rows_too_wide_to_sort_are_read_once_per_partition_still_in_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Six interleaved days would be sorted by day first; 40,000 rows of 4 KB do not sort in
    # 160 MB (300,000 rows of 2 KB did not in 512 MB), and that ran the object out of memory.
    spec = {
        "name": "notes",
        "source": {"format": "csv"},
        "event_time": "at",
        "columns": [
            {"name": "at", "type": "timestamp", "required": True},
            {"name": "seq", "type": "int"},
            {"name": "note", "type": "string"},
        ],
    }
    total, days = 40_000, 6
    source = tmp_path / "notes.csv"
    with source.open("w", encoding="utf-8") as out:
        out.write("at,seq,note\n")
        for seq in range(total):
            out.write(f"2024-05-0{seq % days + 1} 12:00:00,{seq},{str(seq).zfill(8) * 500}\n")

    with caplog.at_level("INFO", logger="lakeline.engines.duckdb.processor"):
        output = process_alone(
            spec, source, tmp_path / "work", processor.DuckDBSettings(memory_limit="160MB")
        )

    assert "too wide to sort" in caplog.text
    files = [str(path) for paths in output.curated.values() for path in paths]
    assert len(files) == days
    assert rows_out_of_order(files) == (0, total)


def rows_out_of_order(files: list[str]) -> tuple[int, int]:
    """How many rows of the curated files have a smaller ``seq`` than the row before, of how many."""
    import duckdb

    found = duckdb.sql(
        f"SELECT count(*) FILTER (WHERE seq < previous), count(*) FROM ("
        f"SELECT seq, lag(seq) OVER (PARTITION BY filename ORDER BY file_row_number) AS previous "
        f"FROM read_parquet({files}, filename = true, file_row_number = true))"
    ).fetchone()
    assert found is not None
    return found[0], found[1]
