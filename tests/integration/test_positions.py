"""Where quarantined rows stand in their object, on a file that DuckDB reads on several threads.

Validation numbers nothing: it keeps the object's order, and a rejected row's
place is its rowid in the validated table. When the plan cannot keep the order,
a second scan finds the places instead. Both must agree with the file itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from lakeline.core.contracts import Contract, load_contract, parse_contract
from lakeline.core.objects import ObjectRef
from lakeline.engines.duckdb import processor
from lakeline.engines.duckdb.processor import DuckDBProcessor
from lakeline.engines.duckdb.readers import csv_reader
from lakeline.engines.duckdb.validation import validation_query
from lakeline.errors import EngineResourceError
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample

ROOT = Path(__file__).resolve().parents[2]
# Well over DuckDB's CSV buffer and row group, so that two threads read it and
# a plan that loses the order does lose it.
ROWS = 400_000


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract(ROOT / "datasets" / "taxi_trips.yaml")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("positions") / "trips.csv"
    spec = GeneratorSpec(ROWS, 3, 0.01, 11)
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, out)
    return out


def quarantined(contract: Contract, source: Path, work: Path) -> list[tuple[Any, ...]]:
    work.mkdir(exist_ok=True)
    obj = ObjectRef("lakeline-local", "raw/taxi_trips/trips.csv", source.stat().st_size, "etag")
    output = DuckDBProcessor().process(contract, source, obj, work, "trips", datetime(2026, 11, 30))
    assert output.quarantine is not None
    with duckdb.connect() as con:
        return con.execute(
            "SELECT row_number, line_number, record, raw_line "
            f"FROM read_parquet('{output.quarantine}') ORDER BY row_number"
        ).fetchall()


def id_and_time(*more: dict[str, Any], source: dict[str, Any] | None = None) -> Contract:
    """A small contract: a required int ``id``, a required timestamp ``ts``, then ``more`` columns."""
    columns = [
        {"name": "id", "type": "int", "required": True},
        {"name": "ts", "type": "timestamp", "required": True},
        *more,
    ]
    spec = {"name": "t", "source": source or {"format": "csv"}, "event_time": "ts", "columns": columns}
    return parse_contract(spec, "t")


def test_each_quarantined_row_names_its_own_line_in_a_big_file(
    contract: Contract, big_file: Path, tmp_path: Path
) -> None:
    lines = big_file.read_text().splitlines()

    found = quarantined(contract, big_file, tmp_path)

    assert len(found) > 3000
    assert found[-1][0] > 300_000, "rejected rows from the whole file, every thread's share"
    for row_number, line_number, record, raw_line in found:
        assert line_number == row_number + 1
        original = lines[line_number - 1]
        if raw_line is not None:
            assert raw_line.rstrip("\n") == original
        else:
            values = [v for v in json.loads(record).values() if v]
            assert values and all(v in original for v in values), (line_number, record, original)


def test_the_second_scan_finds_the_same_places(
    contract: Contract, big_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_rowid = quarantined(contract, big_file, tmp_path / "rowid")
    monkeypatch.setattr(processor, "_keeps_order", lambda con, create: False)

    by_rescan = quarantined(contract, big_file, tmp_path / "rescan")

    assert by_rescan == by_rowid


def test_a_plan_that_loses_the_order_says_so_for_curated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Curated files are in the object's order only when validation kept it: analytics models
    # let the later of two records of a key win by that order.
    path = tmp_path / "t.csv"
    path.write_text("id,ts\n1,2024-01-01 00:00:00\n")
    monkeypatch.setattr(processor, "_keeps_order", lambda con, create: False)
    obj = ObjectRef("lakeline-local", "raw/t/t.csv", path.stat().st_size, "etag")

    output = DuckDBProcessor().process(id_and_time(), path, obj, tmp_path, "t", datetime(2026, 11, 30))

    assert output.rows_kept == 1
    assert [w for w in output.warnings if "not in the object's order" in w] == [processor._UNORDERED]


def test_validation_keeps_the_order_with_long_in_lists(contract: Contract, tmp_path: Path) -> None:
    source = tmp_path / "two.csv"
    source.write_text(",".join(c.source_field for c in contract.columns) + "\n")
    data = yaml.safe_load((ROOT / "datasets" / "taxi_trips.yaml").read_text())
    zones = ", ".join(str(zone) for zone in range(1, 20))
    data["checks"].append({"name": "known_zone", "expression": f"pickup_zone_id IN ({zones})"})
    with_lists = parse_contract(data, "taxi_trips with a long IN list")
    reader = csv_reader(source, with_lists, tuple(c.source_field for c in contract.columns), gzip=False)
    query = validation_query(with_lists, reader, datetime(2026, 11, 30))
    create = "CREATE TEMP TABLE validated AS " + query

    with DuckDBProcessor()._connect(tmp_path) as con:
        assert processor._keeps_order(con, create)
        con.execute("RESET disabled_optimizers")
        assert not processor._keeps_order(con, create), "without the setting, an IN list is planned as a join"


def test_the_plan_is_checked_once_per_shape_of_query(
    contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = processor._keeps_order
    monkeypatch.setattr(
        processor, "_keeps_order", lambda con, create: checked.append(create) or real(con, create)
    )
    engine = DuckDBProcessor()
    for name in ("a.csv", "b.csv"):  # two objects of one dataset: the same query but for their paths
        source = tmp_path / name
        spec = GeneratorSpec(200, 1, 0.1, len(name) + ord(name[0]))
        write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, source)
        obj = ObjectRef("lake", f"raw/taxi_trips/{name}", source.stat().st_size, "e")
        (tmp_path / f"work-{name}").mkdir()
        output = engine.process(
            contract, source, obj, tmp_path / f"work-{name}", name, datetime(2026, 11, 30)
        )
        assert output.rows_quarantined > 0

    assert len(checked) == 1


def test_the_remembered_plans_are_bounded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(processor, "_keeps_order", lambda con, create: True)
    engine = DuckDBProcessor()
    obj = ObjectRef("lake", "raw/x", 1, "e")
    contract = load_contract(ROOT / "datasets" / "taxi_trips.yaml")
    job = processor._Job(contract, tmp_path / "in.csv", obj, tmp_path, "x", datetime(2026, 11, 30))

    for n in range(processor._PLANS_KEPT + 10):  # e.g. a rule with now(): each object's SQL is new
        engine._plan_keeps_order(None, f"CREATE TEMP TABLE validated AS SELECT {n}", job)

    assert len(engine._keeps_order) == processor._PLANS_KEPT
    assert "CREATE TEMP TABLE validated AS SELECT 0" not in engine._keeps_order  # the oldest went first


@pytest.mark.parametrize("order_kept", [True, False])
def test_a_column_named_rowid_does_not_hide_the_rows_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order_kept: bool
) -> None:
    named = id_and_time({"name": "rowid", "type": "int"})
    source = tmp_path / "t.csv"
    source.write_text(
        "id,ts,rowid\nx,2024-01-01 00:00:00,5\ny,2024-01-01 00:00:00,5\nz,2024-01-01 00:00:00,\n"
        "1,2024-01-02 00:00:00,7\n"
    )
    monkeypatch.setattr(processor, "_keeps_order", lambda con, create: order_kept)

    rows = quarantined(named, source, tmp_path / "work")

    assert [(row[0], json.loads(row[2])["id"]) for row in rows] == [(1, "x"), (2, "y"), (3, "z")]


@pytest.mark.parametrize("order_kept", [True, False])
def test_a_short_record_is_not_taken_for_a_full_one_with_the_same_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order_kept: bool
) -> None:
    texts = [{"name": name, "type": "string"} for name in "xyz"]
    padded = id_and_time(*texts, source={"format": "csv", "csv": {"null_markers": ["NA", ""]}})
    path = tmp_path / "t.csv"
    # The short record, padded, holds the full one's values once NA is read as NULL.
    path.write_text("id,ts,x,y,z\n1,2024-01-01 00:00:00,a,NA,NA\n1,2024-01-01 00:00:00,a,NA\n")
    monkeypatch.setattr(processor, "_keeps_order", lambda con, create: order_kept)

    rows = quarantined(padded, path, tmp_path / "work")

    assert [(row[0], row[1]) for row in rows] == [(2, 3)]


def test_a_missing_field_and_an_extra_one_that_differ_in_case_keep_every_rejected_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cased = id_and_time({"name": "amount", "source": "Amount", "type": "int"})
    path = tmp_path / "t.csv"
    path.write_text("id,ts,amount\n" + "".join(f"x{i},2024-01-01 00:00:00,{i}\n" for i in range(9)))
    monkeypatch.setattr(processor, "_keeps_order", lambda con, create: False)

    rows = quarantined(cased, path, tmp_path / "work")

    assert [row[0] for row in rows] == list(range(1, 10))
    assert json.loads(rows[0][2]) == {"id": "x0", "ts": "2024-01-01 00:00:00", "amount": "0"}


def test_running_out_of_memory_while_writing_fails_the_attempt_not_the_object(
    contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*args: Any) -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")

    monkeypatch.setattr(DuckDBProcessor, "_write_curated", staticmethod(exhausted))
    source = tmp_path / "one.csv"
    spec = GeneratorSpec(50, 1, 0.0, 5)
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, source)
    obj = ObjectRef("lake", "raw/taxi_trips/one.csv", source.stat().st_size, "e")

    with pytest.raises(EngineResourceError, match="the engine failed, not the object: Out of Memory"):
        DuckDBProcessor().process(contract, source, obj, tmp_path, "one", datetime(2026, 11, 30))
