from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from lakeline.core.contracts import Contract, SchemaPolicy, SourceFormat, load_contract, parse_contract
from lakeline.core.partitioning import Granularity
from lakeline.core.registry import ContractRegistry
from lakeline.errors import ContractError, UnknownDatasetError

REPO = Path(__file__).resolve().parents[2]
MINIMAL: dict[str, Any] = {
    "name": "events",
    "source": {"format": "jsonl"},
    "event_time": "at",
    "columns": [
        {"name": "id", "type": "bigint", "required": True},
        {"name": "at", "type": "timestamp", "required": True},
    ],
}


def contract_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def test_the_sample_contract_loads_with_every_tlc_field_mapped() -> None:
    contract = load_contract(REPO / "datasets" / "taxi_trips.yaml")

    assert contract.name == "taxi_trips"
    assert contract.source.format is SourceFormat.CSV
    assert contract.partitioning is Granularity.DAY
    sources = {c.source_field for c in contract.columns}
    assert {"VendorID", "tpep_pickup_datetime", "PULocationID", "congestion_surcharge"} <= sources
    assert len(contract.columns) == 18
    assert contract.column("fare_amount").athena_type.scale == 2


def test_defaults_are_filled_in() -> None:
    contract = parse_contract(MINIMAL, "events.yaml")

    assert contract.schema_policy is SchemaPolicy.ADDITIVE
    assert contract.partitioning is Granularity.DAY
    assert contract.column("at").accepted_formats[0] == "%Y-%m-%d %H:%M:%S"
    assert contract.source.dialect.delimiter == ","


def test_tsv_defaults_to_tab_without_quoting() -> None:
    contract = parse_contract(contract_with(source={"format": "tsv"}), "events.yaml")

    assert contract.source.dialect.delimiter == "\t"
    assert contract.source.dialect.quote == ""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"name": "Bad-Name"}, "name: String should match pattern", id="bad-name"),
        pytest.param({"source": {"format": "xml"}}, "source.format: Input should be", id="unknown-format"),
        pytest.param(
            {"event_time": "nope"}, "event_time names 'nope', which is not a column", id="event-time-missing"
        ),
        pytest.param({"primary_key": ["id", "ghost"]}, "primary_key names 'ghost'", id="pk-unknown"),
        pytest.param(
            {"schema_policy": "lenient"}, "schema_policy: Input should be 'strict' or 'additive'", id="policy"
        ),
        pytest.param({"colums": []}, "colums: unknown field", id="typo-field"),
    ],
)
def test_invalid_contracts_name_the_field_and_what_was_expected(
    change: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ContractError) as raised:
        parse_contract(contract_with(**change), "datasets/events.yaml")

    message = str(raised.value)
    assert message.startswith("datasets/events.yaml:")
    assert expected in message


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param({"name": "x", "type": "strin"}, "columns[2] (x).type: unknown type 'strin'", id="type"),
        pytest.param({"name": "x", "type": "decimal(3,5)"}, "scale <= precision", id="decimal"),
        pytest.param({"name": "x", "type": "varchar"}, "needs its size", id="varchar-size"),
        pytest.param({"name": "x", "type": "string", "min": 1}, "min applies to numeric", id="min-on-string"),
        pytest.param(
            {"name": "x", "type": "int", "regex": "a"}, "regex applies to string", id="regex-on-int"
        ),
        pytest.param({"name": "x", "type": "string", "regex": "("}, "regex does not compile", id="bad-regex"),
        pytest.param(
            {"name": "x", "type": "int", "formats": ["%Y"]}, "formats apply to date", id="formats-on-int"
        ),
        pytest.param({"name": "x", "type": "timestamp", "formats": ["%Q"]}, "uses %Q", id="bad-directive"),
        pytest.param(
            {"name": "x", "type": "timestamp", "formats": ["%Y-%m-%d %I:%M"]},
            "%I, a 12-hour clock, without %p",
            id="12-hour-without-am-pm",
        ),
        pytest.param(
            {"name": "x", "type": "date", "formats": ["%Y-%j %m-%d"]},
            "both %j and %m",
            id="day-of-year-and-month",
        ),
        pytest.param(
            {"name": "x", "type": "timestamp", "formats": ["%Y-%m-%d %H:%M %p"]},
            "both %H and %p",
            id="24h-pm",
        ),
        pytest.param(
            {"name": "x", "type": "date", "formats": ["%d/%m/%d"]}, "uses %d more than once", id="twice"
        ),
        pytest.param(
            {"name": "x", "type": "int", "allowed_values": [1.5]}, "not a literal of type int", id="allowed"
        ),
        pytest.param(
            {"name": "x", "type": "date", "max": "2024-02-30"}, "not a literal of type date", id="bad-date"
        ),
        pytest.param({"name": "id", "type": "int"}, "duplicate column name 'id'", id="duplicate"),
        pytest.param({"name": "dt", "type": "date"}, "column name 'dt' is taken", id="partition-column"),
        pytest.param(
            {"name": "x", "source": "ID", "type": "int"},
            "duplicate source field (ignoring case) 'id'",
            id="sources-differ-in-case",
        ),
        pytest.param(
            {"name": "x", "type": "decimal(5,2)", "min": 10, "max": 5.5},
            "min 10 is above max 5.5",
            id="min>max",
        ),
        pytest.param(
            {"name": "x", "type": "date", "min": "2024-02-01", "max": "2024-01-31"},
            "min '2024-02-01' is above max '2024-01-31'",
            id="min>max-date",
        ),
    ],
)
def test_invalid_columns_are_reported_with_their_path(column: dict[str, Any], expected: str) -> None:
    data = contract_with(columns=[*MINIMAL["columns"], column])

    with pytest.raises(ContractError, match=None) as raised:
        parse_contract(data, "events.yaml")

    assert expected in str(raised.value)


def test_event_time_must_be_required_and_temporal() -> None:
    data = contract_with(event_time="id")
    with pytest.raises(ContractError, match="expected date or timestamp"):
        parse_contract(data, "events.yaml")


def test_yaml_syntax_errors_give_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text("name: events\ncolumns: [\n  - a\n")

    with pytest.raises(ContractError, match=r"events.yaml: not valid YAML at line \d+, column \d+"):
        load_contract(path)


def test_the_file_name_must_match_the_contract_name(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(MINIMAL))

    with pytest.raises(ContractError, match="expected the file name 'other'"):
        load_contract(path)


def test_registry_reports_every_invalid_file_and_knows_owners(tmp_path: Path) -> None:
    (tmp_path / "events.yaml").write_text(yaml.safe_dump(MINIMAL))
    registry = ContractRegistry.from_directory(tmp_path)

    assert registry.owner_of("raw/events/2024/a.json") is not None
    assert registry.owner_of("raw/other/a.json") is None
    assert registry.owner_of("curated/events/a.json") is None
    with pytest.raises(UnknownDatasetError, match="known datasets: events"):
        registry.get("nope")

    (tmp_path / "broken.yaml").write_text("name: broken\n")
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(ContractError) as raised:
        ContractRegistry.from_directory(tmp_path)
    assert "broken.yaml" in str(raised.value)
    assert "empty.yaml: expected a mapping of contract fields, got nothing" in str(raised.value)


def test_contract_is_immutable() -> None:
    contract: Contract = parse_contract(MINIMAL, "events.yaml")
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError
        contract.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("expression", "quoted"),
    [
        ("id <= 3 * avg(id) OVER ()", "AVG(id) OVER ()"),
        ("at > lag(at) OVER (ORDER BY at)", "LAG(at) OVER (ORDER BY at)"),
        ("count(*) = 1", "COUNT(*)"),
        ("id IN (SELECT 1)", "SELECT 1"),
    ],
)
def test_row_checks_judge_one_row_on_its_own(expression: str, quoted: str) -> None:
    data = contract_with(checks=[{"name": "c", "expression": expression}])

    with pytest.raises(ContractError, match="check 'c' must judge one row on its own") as raised:
        parse_contract(data, "events.yaml")

    assert quoted in str(raised.value)


def test_row_checks_must_parse_and_name_known_columns() -> None:
    unknown = contract_with(checks=[{"name": "c", "expression": "amount > 0"}])
    with pytest.raises(ContractError, match=r"check 'c' refers to unknown column\(s\) \['amount'\]"):
        parse_contract(unknown, "events.yaml")
    broken = contract_with(checks=[{"name": "c", "expression": "id >"}])
    with pytest.raises(ContractError, match="is not valid Athena SQL") as raised:
        parse_contract(broken, "events.yaml")
    assert "\x1b" not in str(raised.value) and "Athena SQL at line 1, column 4: " in str(raised.value)
