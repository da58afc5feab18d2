"""dt pruning as Athena's partition projection does it, and Athena's price per query."""

from __future__ import annotations

import pytest

from lakeline.athena.pruning import table_reads
from lakeline.core.pricing import ATHENA_MINIMUM_BYTES, TB, athena_query_cost

SCHEMA = {
    "trips": {"dt": "string", "fare": "double", "zone": "int"},
    "zones": {"zone": "int", "name": "string"},
}
DAYS = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]

CASES = [
    ("no filter", "SELECT count(*) FROM trips", DAYS),
    ("equals", "SELECT fare FROM trips WHERE dt = '2024-01-02'", ["2024-01-02"]),
    ("literal first", "SELECT fare FROM trips WHERE '2024-01-02' < dt", ["2024-01-03", "2024-01-04"]),
    ("in", "SELECT fare FROM trips WHERE dt IN ('2024-01-01', '2024-01-04')", ["2024-01-01", "2024-01-04"]),
    ("between", "SELECT fare FROM trips WHERE dt BETWEEN '2024-01-02' AND '2024-01-03'", DAYS[1:3]),
    ("not equals", "SELECT fare FROM trips WHERE dt <> '2024-01-01'", DAYS[1:]),
    ("and with other column", "SELECT fare FROM trips WHERE fare > 3 AND dt >= '2024-01-04'", ["2024-01-04"]),
    (
        "or of dt",
        "SELECT fare FROM trips WHERE dt = '2024-01-01' OR dt = '2024-01-03'",
        ["2024-01-01", "2024-01-03"],
    ),
    (
        "or with other column prunes nothing",
        "SELECT fare FROM trips WHERE dt = '2024-01-01' OR fare > 3",
        DAYS,
    ),
    ("function of dt prunes nothing", "SELECT fare FROM trips WHERE substr(dt, 1, 7) = '2024-01'", DAYS),
    ("alias", "SELECT t.fare FROM trips AS t WHERE t.dt < '2024-01-02'", ["2024-01-01"]),
    ("subquery", "SELECT * FROM (SELECT fare FROM trips WHERE dt = '2024-01-03') AS x", ["2024-01-03"]),
]


@pytest.mark.parametrize(("sql", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dt_pruning(sql: str, expected: list[str]) -> None:
    (read,) = [r for r in table_reads(sql, SCHEMA) if r.table == "trips"]
    assert read.partitions(DAYS) == expected


def test_only_referenced_columns_are_read() -> None:
    sql = (
        "SELECT z.name, sum(t.fare) FROM trips t JOIN zones z ON t.zone = z.zone "
        "WHERE t.dt = '2024-01-01' GROUP BY 1"
    )
    reads = {r.table: r for r in table_reads(sql, SCHEMA)}
    assert reads["trips"].columns == {"fare", "zone", "dt"}
    assert reads["zones"].columns == {"zone", "name"}
    assert reads["trips"].partitions(DAYS) == ["2024-01-01"]


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [
        (0, 10 * 1024**2 / TB * 5),
        (1, 10 * 1024**2 / TB * 5),
        (TB, 5.0),
        (11 * 1024**2 + 1, 12 * 1024**2 / TB * 5),
    ],
    ids=["nothing", "one byte", "one TB", "rounded up to the MB"],
)
def test_athena_price(scanned: int, expected: float) -> None:
    assert athena_query_cost(scanned) == pytest.approx(expected)
    assert ATHENA_MINIMUM_BYTES == 10 * 1024**2
