"""Athena SQL on the local engine gives Athena's answers (golden files) and clear errors."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lakeline.adapters.local.object_store import LocalObjectStore
from lakeline.core.registry import ContractRegistry
from lakeline.engines.duckdb.query import DuckDBQueryEngine
from lakeline.errors import QueryError
from lakeline.runtime.local import LocalRuntime

from .helpers import rows

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "athena"
REPO = Path(__file__).resolve().parents[2]


def _header(text: str, name: str) -> str | None:
    match = re.search(rf"^-- {name}: (.+)$", text, re.MULTILINE)
    return match.group(1) if match else None


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.sql")), ids=lambda p: p.stem)
def test_golden_athena_results(path: Path, tmp_path: Path) -> None:
    text = path.read_text()
    expected = json.loads(_header(text, "expect") or "null")
    tolerance = float(_header(text, "tolerance") or 0)
    engine = DuckDBQueryEngine(LocalObjectStore(tmp_path), ContractRegistry([]))

    result = [[_plain(v) for v in row] for row in engine.query(text).rows]

    if tolerance:
        assert abs(result[0][0] - expected[0][0]) <= tolerance * expected[0][0]
    else:
        assert result == expected


def test_every_sql_file_parses_in_the_athena_dialect() -> None:
    import sqlglot

    files = [*REPO.glob("sql/**/*.sql"), *GOLDEN.glob("*.sql")]
    assert len(files) >= 10
    for path in files:
        assert sqlglot.parse(path.read_text(), read="athena"), path


@pytest.fixture
def loaded(runtime: LocalRuntime, tmp_path: Path) -> LocalRuntime:
    from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
    from lakeline.usecases.landing import announce, land

    spec = GeneratorSpec(3000, 3, 0.02, 11)
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / "t.csv")
    announce([land(tmp_path / "t.csv", "taxi_trips", runtime.contracts, runtime.store)], runtime.bus)
    return runtime


def test_analytical_queries_run_on_the_lake(loaded: LocalRuntime) -> None:
    queries = loaded.settings.project.queries()
    assert len(queries) >= 5
    for path in queries:
        assert rows(loaded, path.read_text()), path.name


def test_integer_division_over_table_columns_is_typed_from_the_schema(loaded: LocalRuntime) -> None:
    (athena, exact) = rows(
        loaded, "SELECT sum(pickup_zone_id / 7), sum(floor(pickup_zone_id / 7.0)) FROM taxi_trips"
    )[0]
    assert athena == exact


def test_partitions_are_pruned_when_dt_is_filtered(loaded: LocalRuntime) -> None:
    engine = loaded.query_engine()
    plan = engine.query("EXPLAIN ANALYZE SELECT count(*) FROM taxi_trips WHERE dt = '2024-01-02'").rows
    text = "\n".join(str(cell) for row in plan for cell in row)
    assert re.search(r"Total Files Read: 1\b", text), text
    assert rows(loaded, "SELECT count(DISTINCT dt) FROM taxi_trips WHERE dt >= '2024-01-02'") == [(2,)]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT FROM WHERE", "syntax error"),
        ("SELECT count(*)\nFROM taxi_trips\nWHERE no_such_column = 1", "line 3"),
        (
            "SELECT * FROM no_such_table",
            "Hint: the tables are dq_results, taxi_daily_zone_stats, taxi_hourly_demand, taxi_trips,",
        ),
        # Athena's answer is an error, or one that sqlglot would silently change: never a wrong value.
        ("SELECT 'zone ' || pickup_zone_id FROM taxi_trips", "Athena does not turn numbers into text for ||"),
        ("SELECT strpos('hello', 'l', 2)", "strpos with an instance"),
        ("SELECT split('a,b,c', ',', 2)", "split with a limit"),
    ],
    ids=["syntax", "unknown-column", "unknown-table", "number-concat", "strpos-instance", "split-limit"],
)
def test_sql_errors_are_clear(loaded: LocalRuntime, sql: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        rows(loaded, sql)


def test_committed_ddl_matches_the_contracts() -> None:
    from lakeline.analytics.models import load_models
    from lakeline.athena.ddl import ddl_files
    from lakeline.core.tables import lake_tables
    from lakeline.engines.duckdb.models import model_table

    contracts = ContractRegistry.from_directory(REPO / "datasets")
    models = [model_table(m, contracts) for m in load_models(REPO / "sql" / "models", contracts)]
    files = ddl_files([*lake_tables(contracts), *models])

    committed = {p.name: p.read_text() for p in (REPO / "sql" / "ddl").glob("*.sql")}
    assert committed == files, "run `lakeline ddl`"


def test_ddl_is_hive_syntax_with_projection_that_athena_parses() -> None:
    import sqlglot
    from sqlglot import exp

    models = {p.stem for p in (REPO / "sql" / "models").glob("*.sql")}
    for path in (REPO / "sql" / "ddl").glob("*.sql"):
        (statement,) = sqlglot.parse(path.read_text(), read="athena")
        assert isinstance(statement, exp.Create), path.name
        text = path.read_text()
        assert "CREATE EXTERNAL TABLE IF NOT EXISTS `" in text
        # Analytics partitions are registered by each build at their new location; the rest is projected.
        assert ("'projection.enabled'='true'" in text) is (path.stem not in models), path.name
        # ...and live in their own bucket, as in the stack.
        bucket = "${analytics_bucket}" if path.stem in models else "${curated_bucket}"
        assert f"LOCATION 's3://{bucket}/" in text, path.name


def test_explain_reads_only_the_pruned_partitions_and_columns(loaded: LocalRuntime) -> None:
    from lakeline.usecases.explain import explain

    engine = loaded.query_engine()
    try:
        one = explain(
            "SELECT sum(fare_amount) FROM taxi_trips WHERE dt = '2024-01-02'",
            loaded.contracts,
            loaded.store,
            engine,
        )
        all_days = explain("SELECT sum(fare_amount) FROM taxi_trips", loaded.contracts, loaded.store, engine)
        wide = explain("SELECT * FROM taxi_trips", loaded.contracts, loaded.store, engine)
    finally:
        engine.close()

    (table,) = one.tables
    assert table.partitions_read == ["2024-01-02"] and table.partitions_total == 3
    assert table.columns == ["fare_amount"]
    assert 0 < one.bytes_scanned < all_days.bytes_scanned < wide.bytes_scanned
    assert one.billed_bytes == 10 * 1024**2 and one.cost_usd > 0


def test_partitions_dated_after_now_are_hidden_as_athena_projection_hides_them(loaded: LocalRuntime) -> None:
    from lakeline.usecases.explain import explain

    # The sample covers 2024-01-01 to 2024-01-03; at noon on the 2nd, Athena projects up to the 2nd.
    noon = datetime(2024, 1, 2, 12, tzinfo=UTC)
    engine = DuckDBQueryEngine(loaded.store, loaded.contracts, clock=lambda: noon)
    later = DuckDBQueryEngine(loaded.store, loaded.contracts)
    try:
        then = engine.query("SELECT DISTINCT dt FROM taxi_trips ORDER BY dt").rows
        now = later.query("SELECT count(DISTINCT dt) FROM taxi_trips").rows
        (table,) = explain(
            "SELECT count(*) FROM taxi_trips", loaded.contracts, loaded.store, engine, noon
        ).tables
    finally:
        engine.close()
        later.close()

    assert then == [("2024-01-01",), ("2024-01-02",)]
    assert now == [(3,)]
    assert table.partitions_read == ["2024-01-01", "2024-01-02"] and table.partitions_total == 2


def test_unnamed_result_columns_are_named_by_position_as_in_athena(loaded: LocalRuntime) -> None:
    engine = loaded.query_engine()
    try:
        plain = engine.query("SELECT dt, count(*), 1 + 1, count(*) AS trips FROM taxi_trips GROUP BY dt")
        union = engine.query("SELECT count(*) FROM taxi_trips UNION ALL SELECT 1")
    finally:
        engine.close()

    assert plain.columns == ["dt", "_col1", "_col2", "trips"]
    assert union.columns == ["_col0"]
