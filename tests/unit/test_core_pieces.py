from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from lakeline.core.objects import ObjectRef, dataset_of_raw_key, output_stem, validate_key
from lakeline.core.partitioning import (
    Granularity,
    is_partition_value,
    partition_path,
    partition_value,
    projected,
)
from lakeline.core.timeformats import fixed_width, format_to_regex
from lakeline.core.types import TypeKind, parse_type
from lakeline.errors import InvalidKeyError


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("int", TypeKind.INT, "int"),
        ("INTEGER", TypeKind.INT, "int"),
        ("decimal( 10 , 2 )", TypeKind.DECIMAL, "decimal(10,2)"),
        ("varchar(3)", TypeKind.VARCHAR, "varchar(3)"),
        ("timestamp", TypeKind.TIMESTAMP, "timestamp"),
    ],
)
def test_athena_types_parse(text: str, kind: TypeKind, shown: str) -> None:
    parsed = parse_type(text)
    assert parsed.kind is kind
    assert str(parsed) == shown


@pytest.mark.parametrize("text", ["decimal(0,0)", "decimal(39,2)", "varchar(0)", "map<string,int>", "text"])
def test_unsupported_types_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_type(text)


@pytest.mark.parametrize(
    ("granularity", "value"),
    [(Granularity.HOUR, "2024-03-05-07"), (Granularity.DAY, "2024-03-05"), (Granularity.MONTH, "2024-03")],
)
def test_partition_values_by_granularity(granularity: Granularity, value: str) -> None:
    when = datetime(2024, 3, 5, 7, 59, 59)
    assert partition_value(when, granularity) == value
    assert is_partition_value(value, granularity)
    assert partition_path(value) == f"dt={value}"


@pytest.mark.parametrize(
    ("granularity", "now_value", "next_value"),
    [
        (Granularity.HOUR, "2024-03-05-07", "2024-03-05-08"),
        (Granularity.DAY, "2024-03-05", "2024-03-06"),
        (Granularity.MONTH, "2024-03", "2024-04"),
    ],
)
def test_projection_reaches_up_to_the_current_partition_in_utc(
    granularity: Granularity, now_value: str, next_value: str
) -> None:
    # 02:30 at UTC-5 is 07:30 UTC: Athena's NOW is UTC, whatever the caller's zone.
    now = datetime(2024, 3, 5, 2, 30, tzinfo=timezone(timedelta(hours=-5)))
    first = date(2024, 1, 1)

    assert projected(now_value, granularity, first, now)
    assert not projected(next_value, granularity, first, now)
    assert not projected(
        partition_value(datetime(2023, 12, 31, 23, tzinfo=UTC), granularity), granularity, first, now
    )


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("%Y-%m-%d %H:%M:%S", "2024-01-05 01:02:03", "2024-1-5 1:2:3"),
        ("%m/%d/%Y %I:%M:%S %p", "01/05/2024 01:02:03 PM", "1/5/2024 01:02:03 PM"),
        ("%Y-%m-%dT%H:%M:%S.%f", "2024-01-05T01:02:03.123", "2024-01-05T01:02:03."),
        ("%Y-%m-%dT%H:%M:%S%z", "2024-01-05T01:02:03+01:00", "2024-01-05T01:02:03Z"),  # the engine reads no Z
    ],
)
def test_formats_match_exactly_their_shape(fmt: str, good: str, bad: str) -> None:
    pattern = re.compile(format_to_regex(fmt))
    assert pattern.match(good)
    assert not pattern.match(bad)


def test_fixed_width_formats_know_their_length() -> None:
    assert fixed_width("%Y-%m-%d %H:%M:%S") == 19
    assert fixed_width("%Y-%m-%d") == 10
    assert fixed_width("%Y-%m-%d %H:%M:%S.%f") is None
    assert fixed_width("%m/%d/%Y %I:%M:%S %p") is None


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "raw/../curated/x", "raw/./x", "raw//x", "raw\\x", "raw/x\n", "raw/" + "a" * 1100],
)
def test_keys_that_could_escape_the_lake_are_refused(key: str) -> None:
    with pytest.raises(InvalidKeyError):
        validate_key(key)


def test_keys_with_unicode_and_spaces_are_fine() -> None:
    assert validate_key("raw/taxi_trips/café trips 2024.csv") == "raw/taxi_trips/café trips 2024.csv"


def test_dataset_of_raw_key() -> None:
    assert dataset_of_raw_key("raw/taxi_trips/2024/a.csv") == "taxi_trips"
    assert dataset_of_raw_key("raw/taxi_trips/") is None
    assert dataset_of_raw_key("curated/taxi_trips/a.csv") is None


def test_output_stem_is_stable_across_versions_and_distinct_across_keys() -> None:
    v1 = ObjectRef("lake", "raw/taxi/jan.csv", 10, "etag-1")
    v2 = ObjectRef("lake", "raw/taxi/jan.csv", 12, "etag-2")
    other = ObjectRef("lake", "raw/taxi2/jan.csv", 10, "etag-1")

    assert output_stem(v1) == output_stem(v2)
    assert output_stem(v1) != output_stem(other)
    assert output_stem(v1).startswith("jan.csv-")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", output_stem(ObjectRef("b", "raw/t/ü ber/../x y.csv", 1, "e")))


BUDGET_NOTICE = """AWS Budget Notification November 30, 2026
AWS Account 123456789012

Dear AWS Customer,

You requested that we alert you when the ACTUAL Cost associated with your lakeline-dev budget
is greater than $40.00 for the current month.

Budget Name: lakeline-dev
Budget Type: Cost
Budgeted Amount: $50.00
Alert Type: ACTUAL
Alert Threshold: > $40.00
ACTUAL Amount: $41.23
"""


def test_a_budget_notice_becomes_one_alert_in_the_alert_format() -> None:
    from lakeline.core.alerts import budget_alert

    alert = budget_alert(BUDGET_NOTICE, "dev")

    assert alert.subject == "[lakeline dev] budget: lakeline-dev"
    assert alert.message.splitlines()[2] == (
        "what failed: ACTUAL cost $41.23 crossed the alert threshold > $40.00 (budget $50.00)"
    )
    assert "aws budgets describe-budget" in alert.investigate


def test_a_budget_notice_of_another_shape_keeps_its_text() -> None:
    from lakeline.core.alerts import budget_alert

    alert = budget_alert("Your forecasted spend\nis high", "prod")

    assert (alert.dataset, alert.what_failed) == ("the budget", "Your forecasted spend is high")
