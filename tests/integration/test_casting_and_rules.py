"""Strict casting and every constraint kind, table-driven, through the real engine."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from lakeline.runtime.local import LocalRuntime

from .helpers import ingest, make_runtime, rows


def one_column_contract(column: dict[str, Any], checks: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "name": "cases",
        "source": {"format": "csv", "csv": {"delimiter": "|", "null_markers": ["", "NULL"]}},
        "event_time": "at",
        "columns": [{"name": "at", "type": "date", "required": True}, {"name": "v", **column}],
        "checks": checks or [],
    }


def verdict(
    tmp_path: Path, column: dict[str, Any], value: str, checks: list[dict[str, str]] | None = None
) -> tuple[Any, ...]:
    runtime: LocalRuntime = make_runtime(tmp_path / "p", one_column_contract(column, checks))
    path = tmp_path / "case.csv"
    path.write_text(f"at|v\n2024-01-01|{value}\n", encoding="utf-8")
    entry = ingest(runtime, path, "cases").entry
    assert entry is not None and entry.rows_in == 1 == entry.rows_kept + entry.rows_quarantined
    if entry.rows_kept:
        return ("kept", rows(runtime, "SELECT v FROM cases")[0][0])
    return ("quarantined", rows(runtime, "SELECT array_join(reasons, ' | ') FROM cases_quarantine")[0][0])


CASTS = [
    # type, raw text, accepted?, value when accepted
    ("int", "42", True, 42),
    ("int", "-7", True, -7),
    ("int", "+7", True, 7),
    ("int", "1.9", False, None),  # DuckDB's TRY_CAST would round this to 2
    ("int", "1e3", False, None),
    ("int", "1_000", False, None),
    ("int", "0x10", False, None),
    ("int", " 12", False, None),
    ("int", "2147483648", False, None),  # out of int's range
    ("tinyint", "127", True, 127),
    ("tinyint", "128", False, None),
    ("bigint", "9223372036854775807", True, 9223372036854775807),
    ("double", "1.5", True, 1.5),
    ("double", "1.50", True, 1.5),
    ("double", "-2e-3", True, -0.002),
    ("double", "1e400", False, None),  # would be infinity
    ("double", "1e-400", False, None),  # would be 0
    ("float", "1e-50", False, None),  # would be 0
    ("double", "0.0e-400", True, 0.0),
    ("double", "-0.000", True, 0.0),
    ("double", "NaN", False, None),
    ("double", "inf", False, None),
    ("float", "3.4e39", False, None),  # overflows float
    ("decimal(10,2)", "12.34", True, "12.34"),
    ("decimal(10,2)", "12.3", True, "12.30"),
    ("decimal(10,2)", "12.345", False, None),  # would be rounded
    ("decimal(10,2)", "123456789.00", False, None),  # too many integer digits
    ("decimal(10,2)", "$12.00", False, None),
    ("boolean", "true", True, True),
    ("boolean", "N", True, False),
    ("boolean", "maybe", False, None),
    ("date", "2024-02-29", True, "2024-02-29"),
    ("date", "2024-02-30", False, None),  # some parsers roll this to March 1st
    ("date", "2024-2-3", False, None),
    ("timestamp", "2024-01-05 01:02:03", True, "2024-01-05 01:02:03"),
    ("timestamp", "2024-1-5 1:2:3", False, None),
    ("timestamp", "2024-01-05 25:00:00", False, None),
    ("timestamp", "2024-01-05T01:02:03.250", True, "2024-01-05 01:02:03.250000"),
    ("string", "anything at all", True, "anything at all"),
    ("varchar(3)", "abcd", False, None),
]


@pytest.mark.parametrize(
    ("athena_type", "raw", "accepted", "expected"),
    CASTS,
    ids=[f"{t}:{r!r}" for t, r, _, _ in CASTS],
)
def test_casting_is_strict_and_the_same_everywhere(
    tmp_path: Path, athena_type: str, raw: str, accepted: bool, expected: Any
) -> None:
    status, value = verdict(tmp_path, {"type": athena_type}, raw)

    if accepted:
        assert status == "kept"
        assert (
            str(value) == str(expected) if not isinstance(expected, int | bool | float) else value == expected
        )
    else:
        assert status == "quarantined"
        assert value.startswith(f"v: '{raw}' is ")
        if athena_type == "int":
            assert value.startswith(f"v: '{raw}' is not an int ")


def test_timestamps_in_a_declared_format_with_a_zone_are_normalized_to_utc(tmp_path: Path) -> None:
    column = {"type": "timestamp", "formats": ["%Y-%m-%dT%H:%M:%S%z"]}
    assert verdict(tmp_path, column, "2024-01-05T01:02:03+02:00") == ("kept", datetime(2024, 1, 4, 23, 2, 3))


@pytest.mark.parametrize("offset", ["+99:99", "+05:60", "+24:00", "-25:00"])
def test_offsets_no_clock_can_have_are_not_timestamps(tmp_path: Path, offset: str) -> None:
    column = {"type": "timestamp", "formats": ["%Y-%m-%dT%H:%M:%S%z"]}
    status, reason = verdict(tmp_path, column, f"2024-01-05T01:02:03{offset}")
    assert status == "quarantined" and "is not a timestamp" in reason


RULES = [
    ({"type": "int", "required": True}, "NULL", "v: required value is missing"),
    ({"type": "int", "min": 10}, "9", "v: '9' is below the minimum 10"),
    ({"type": "double", "max": 1.5}, "1.6", "v: '1.6' is above the maximum 1.5"),
    ({"type": "date", "min": "2024-01-02"}, "2024-01-01", "is below the minimum 2024-01-02"),
    ({"type": "string", "allowed_values": ["Y", "N"]}, "y", "v: 'y' is not one of [Y, N]"),
    ({"type": "int", "allowed_values": [1, 2]}, "3", "v: '3' is not one of [1, 2]"),
    ({"type": "string", "regex": "[A-Z]{3}"}, "ABCD", "v: 'ABCD' does not match /[A-Z]{3}/"),
    ({"type": "varchar(2)"}, "abc", "v: 'abc' is longer than 2 characters"),
]


@pytest.mark.parametrize(("column", "raw", "reason"), RULES, ids=[r[2][:40] for r in RULES])
def test_each_constraint_kind_quarantines_with_its_reason(
    tmp_path: Path, column: dict[str, Any], raw: str, reason: str
) -> None:
    status, reasons = verdict(tmp_path, column, raw)
    assert status == "quarantined"
    assert reason in reasons


def test_row_checks_are_athena_sql_and_null_passes(tmp_path: Path) -> None:
    checks = [{"name": "small", "expression": "v < 10 AND v % 2 = 0"}]
    assert verdict(tmp_path / "a", {"type": "int"}, "4", checks) == ("kept", 4)
    assert verdict(tmp_path / "b", {"type": "int"}, "12", checks) == (
        "quarantined",
        "check small failed: v < 10 AND v % 2 = 0",
    )
    assert verdict(tmp_path / "c", {"type": "int"}, "NULL", checks) == ("kept", None)


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        # 23 hours and 2 minutes: Athena counts 23 whole hours, DuckDB 24 hour boundaries crossed.
        (
            {"type": "timestamp"},
            "2024-01-02 00:01:00",
            "date_diff('hour', TIMESTAMP '2024-01-01 00:59:00', v) < 24",
        ),
        ({"type": "int"}, "5", "v / 2 = 2"),  # integer division truncates in Athena
        ({"type": "int"}, "0", "10 / v > 1"),  # Athena would fail; the check is NULL and passes
        ({"type": "tinyint"}, "20", "v * 10 < 1000"),  # 200 is an integer; as a tinyint it overflowed
    ],
)
def test_row_checks_get_athenas_answers(
    tmp_path: Path, column: dict[str, Any], value: str, check: str
) -> None:
    status, _ = verdict(tmp_path, column, value, [{"name": "c", "expression": check}])
    assert status == "kept"


def test_every_failed_rule_of_a_row_is_listed(tmp_path: Path) -> None:
    column = {"type": "string", "allowed_values": ["abc"], "regex": "[0-9]+"}
    status, reasons = verdict(tmp_path, column, "xyz")
    assert status == "quarantined"
    assert reasons == "v: 'xyz' is not one of [abc] | v: 'xyz' does not match /[0-9]+/"


def test_a_row_rejected_by_chance_keeps_a_reason(tmp_path: Path) -> None:
    """Reasons are listed by running the rules again; a rule that answers by chance may pass then."""
    contract = one_column_contract({"type": "int"}, [{"name": "coin", "expression": "random() < 0.5"}])
    runtime: LocalRuntime = make_runtime(tmp_path / "p", contract)
    path = tmp_path / "coins.csv"
    path.write_text("at|v\n" + "".join(f"2024-01-01|{i}\n" for i in range(400)), encoding="utf-8")

    entry = ingest(runtime, path, "cases").entry

    assert entry is not None and entry.rows_in == 400 == entry.rows_kept + entry.rows_quarantined
    listed = rows(runtime, "SELECT reasons FROM cases_quarantine")
    assert len(listed) == entry.rows_quarantined
    kinds = {reason.split(" ")[0] for (reasons,) in listed for reason in reasons}
    assert all(len(reasons) == 1 for (reasons,) in listed)
    assert kinds == {"check", "record:"}, "some rows fail the coin again, some pass it the second time"
