"""Every model gives the same answers on DuckDB and on Spark (the Glue engine), from the same data."""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.build import build_models

from ..integration.helpers import ingest, repeat_first_trip, rows

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spark() -> Any:
    from lakeline.engines.spark.models import local_session

    session = local_session("lakeline-parity")
    yield session
    session.stop()


def normalized(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9) if math.isfinite(value) else value
    return value


def snapshot(runtime: LocalRuntime, model: str) -> list[tuple[Any, ...]]:
    found = rows(runtime, f"SELECT * FROM {model} ORDER BY dt, 1")
    return [tuple(normalized(v) for v in row) for row in found]


def test_models_agree_on_duckdb_and_spark(runtime: LocalRuntime, tmp_path: Path, spark: Any) -> None:
    from lakeline.engines.duckdb.models import model_table
    from lakeline.engines.spark.models import SparkModelRunner

    shutil.copytree(REPO / "sql" / "models", runtime.settings.project.models_dir, dirs_exist_ok=True)
    for day in (1, 2):
        spec = GeneratorSpec(300, 1, 0.05, day, date(2024, 1, day))
        path = tmp_path / f"day{day}.csv"
        write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, path)
        repeat_first_trip(path, "999.99")  # both engines must keep the object's later record
        ingest(runtime, path, "taxi_trips")
    shutil.copyfile(tmp_path / "day2.csv", tmp_path / "day2-again.csv")  # duplicates to de-duplicate
    ingest(runtime, tmp_path / "day2-again.csv", "taxi_trips")

    build_models(runtime.models, runtime.build_deps, full=True)
    on_duckdb = {m.name: snapshot(runtime, m.name) for m in runtime.models}
    duckdb_types = {m.name: parquet_types(runtime, m.name) for m in runtime.models}
    build_models(runtime.models, replace(runtime.build_deps, runner=SparkModelRunner(spark)), full=True)
    on_spark = {m.name: snapshot(runtime, m.name) for m in runtime.models}
    spark_types = {m.name: parquet_types(runtime, m.name) for m in runtime.models}

    assert set(on_duckdb) == {"taxi_daily_zone_stats", "taxi_hourly_demand"}
    for model, expected in on_duckdb.items():
        assert expected, model
        assert on_spark[model] == expected, model
    # Athena reads a Parquet column only as its table declares it: both engines write exactly that.
    for model in runtime.models:
        declared = {c.name: c.type for c in model_table(model, runtime.contracts).columns}
        assert duckdb_types[model.name] == spark_types[model.name] == declared, model.name


def parquet_types(runtime: LocalRuntime, model: str) -> dict[str, str]:
    """Each column of the model's current files, as the Athena type its Parquet type reads as."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    athena = {
        pa.int8(): "tinyint", pa.int16(): "smallint", pa.int32(): "int", pa.int64(): "bigint",
        pa.float32(): "float", pa.float64(): "double", pa.string(): "string", pa.large_string(): "string",
        pa.timestamp("us"): "timestamp", pa.date32(): "date", pa.bool_(): "boolean",
    }  # fmt: skip
    files = [runtime.store.uri(k) for k in runtime.catalog.locations(model).values()]
    found: dict[str, str] = {}
    for folder in files:
        for path in sorted(Path(folder).glob("*.parquet")):
            for field in pq.read_schema(path):
                kind = field.type
                name = (
                    f"decimal({kind.precision},{kind.scale})" if pa.types.is_decimal(kind) else athena[kind]
                )
                assert found.setdefault(field.name, name) == name, (path, field)
    return found


def test_results_are_written_on_the_driver_with_their_types_and_utc_times(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from datetime import datetime
    from decimal import Decimal

    import pyarrow.parquet as pq

    from lakeline.engines.spark.models import write_on_driver

    frame = spark.sql(
        "SELECT * FROM VALUES "
        "('2024-01-01', TIMESTAMP '2024-01-01 23:30:00', CAST(12.50 AS DECIMAL(10,2)), 3L), "
        "('2024-01-02', TIMESTAMP '2024-01-02 00:15:00', CAST(7.25 AS DECIMAL(10,2)), 1L) "
        "AS t(dt, at, amount, trips)"
    )
    monkeypatch.setenv("TZ", "America/New_York")  # the driver's own zone must not leak into the values
    time.tzset()
    try:
        write_on_driver(frame, tmp_path / "out")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

    files = sorted((tmp_path / "out").rglob("*.parquet"))
    assert [f.parent.name for f in files] == ["dt=2024-01-01", "dt=2024-01-02"]
    first = pq.read_table(files[0])
    assert str(first.schema.field("amount").type) == "decimal128(10, 2)" and "dt" not in first.schema.names
    assert first.to_pylist() == [{"at": datetime(2024, 1, 1, 23, 30), "amount": Decimal("12.50"), "trips": 3}]
