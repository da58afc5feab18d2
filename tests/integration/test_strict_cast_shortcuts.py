"""The shortcuts the strict casts take for speed must never change an answer.

Dates and timestamps are compared value by value with an independent oracle,
Python's own: a value is accepted when it matches the format's exact shape (its
regular expression) and ``datetime.strptime`` reads it. On every value of a
seeded corpus of near-misses the engine's SQL must give the oracle's answer.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import duckdb
import pytest

from lakeline.core.contracts import Column
from lakeline.core.timeformats import format_to_regex
from lakeline.engines.duckdb.expressions import typed_expression

_NOISE = [*"0123456789 -:/T.+Z_e\t\n", "AM", "pm", "\u0663", "x"]


def _corpus(valid: list[str], seed: int, size: int) -> list[str]:
    """Valid values, and values one to three edits away from them (seeded)."""
    rng = random.Random(seed)
    values = set(valid)
    while len(values) < size:
        chars = list(rng.choice(valid))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars) + 1)
            edit = rng.random()
            if edit < 0.5 and at < len(chars):
                chars[at] = rng.choice(_NOISE)
            elif edit < 0.8:
                chars.insert(at, rng.choice(_NOISE))
            elif at < len(chars):
                del chars[at]
        values.add("".join(chars))
    return sorted(values)


def _oracle(value: str, fmt: str) -> datetime | None:
    if not re.fullmatch(format_to_regex(fmt), value, re.ASCII):  # RE2: \d is 0-9 only
        return None
    try:
        parsed = datetime.strptime(value, fmt)
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed  # stored in UTC


CASES = [
    ("timestamp", "%Y-%m-%d %H:%M:%S", ["2024-01-05 01:02:03", "0024-12-31 23:59:59", "2024-02-29 00:00:00"]),
    ("timestamp", "%d/%m/%Y %H:%M", ["05/01/2024 01:02", "29/02/2024 23:59"]),
    ("timestamp", "%m/%d/%Y %I:%M:%S %p", ["01/05/2024 01:02:03 PM", "12/31/2024 12:00:00 am"]),
    ("timestamp", "%Y-%m-%dT%H:%M:%S", ["2024-01-05T01:02:03", "2024-12-31T23:59:59"]),
    ("timestamp", "%Y-%m-%d", ["2024-01-05", "2024-02-29"]),
    ("timestamp", "%Y-%m-%d %H:%M:%S.%f", ["2024-01-05 01:02:03.5", "2024-01-05 01:02:03.123456"]),
    ("date", "%Y-%m-%d", ["2024-01-05", "2024-02-29", "1999-12-31"]),
    ("date", "%Y-%m-%d %H:%M:%S", ["2024-01-05 01:02:03", "2024-02-29 23:59:59"]),
    ("date", "%Y%m%d", ["20240105", "20240229"]),
    ("timestamp", "%Y-%m-%dT%H:%M:%S%z", ["2024-01-05T01:02:03+01:00", "2024-01-05T01:02:03-0530"]),
    ("date", "%Y年%m月%d日", ["2024年01月05日", "2024年02月29日"]),  # literals of more than one byte
]


@pytest.mark.parametrize(("kind", "fmt", "valid"), CASES, ids=[c[1] for c in CASES])
def test_strict_temporal_cast_agrees_with_the_oracle_on_near_misses(
    kind: str, fmt: str, valid: list[str]
) -> None:
    column = Column(name="v", type=kind, formats=(fmt,))
    corpus = _corpus(valid, seed=len(fmt), size=4000)
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("CREATE TABLE t (v VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?)", [[v] for v in corpus])
        got = dict(con.execute(f"SELECT v, {typed_expression(column, 'v')} FROM t").fetchall())

    wrong = []
    for value in corpus:
        expected = _oracle(value, fmt)
        if kind == "date" and expected is not None:
            expected = expected.date()  # type: ignore[assignment]
        if got[value] != expected:
            wrong.append((value, got[value], expected))
    assert sum(_oracle(v, fmt) is not None for v in corpus) >= len(valid)  # the corpus holds valid values
    assert wrong == []


@pytest.mark.parametrize(
    "value",
    ["2024-01-05\t01:02:03", " 024-01-05 01:02:03", "2024-01-5  01:02:03", "2024-01-05 01:02:3\t"],
)
def test_white_space_never_stands_in_for_a_digit_or_a_separator(value: str) -> None:
    # Each is 19 characters long and DuckDB's strptime reads each as a valid instant.
    column = Column(name="v", type="timestamp", formats=("%Y-%m-%d %H:%M:%S",))
    with duckdb.connect() as con:
        assert con.execute("SELECT try_strptime(?, '%Y-%m-%d %H:%M:%S')", [value]).fetchone() != (None,)
        typed = typed_expression(column, "v")
        assert con.execute(f"SELECT {typed} FROM (SELECT ? AS v)", [value]).fetchone() == (None,)


@pytest.mark.parametrize("kind", ["tinyint", "smallint", "int", "bigint", "decimal(3,0)", "decimal(10,2)"])
def test_a_single_character_is_a_number_only_if_it_is_a_digit(kind: str) -> None:
    column = Column(name="v", type=kind)
    with duckdb.connect() as con:
        typed = typed_expression(column, "v")
        accepted = con.execute(
            "SELECT list(v ORDER BY v) "
            "FROM (SELECT chr(CAST(code AS INTEGER)) AS v FROM range(128) AS r(code)) "
            f"WHERE {typed} IS NOT NULL"
        ).fetchone()
    assert accepted == (list("0123456789"),)
