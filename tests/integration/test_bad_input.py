"""Bad input: a clear reason in the ledger, and not one row lost."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lakeline.core.ledger import Status
from lakeline.runtime.local import LocalRuntime

from .helpers import ingest, make_runtime, rows

HEADER = "id,at,amount\n"


def contract(fmt: str = "csv", policy: str = "additive", **source: Any) -> dict[str, Any]:
    return {
        "name": "payments",
        "source": {"format": fmt, **source},
        "schema_policy": policy,
        "event_time": "at",
        "columns": [
            {"name": "id", "type": "bigint", "required": True},
            {"name": "at", "type": "timestamp", "required": True},
            {"name": "amount", "type": "decimal(10,2)"},
        ],
    }


def run_file(
    tmp_path: Path, content: bytes, spec: dict[str, Any] | None = None, name: str = "in.csv"
) -> tuple[LocalRuntime, Any]:
    runtime = make_runtime(tmp_path / "project", spec or contract())
    path = tmp_path / name
    path.write_bytes(content)
    entry = ingest(runtime, path, "payments").entry
    assert entry is not None
    assert entry.rows_in == entry.rows_kept + entry.rows_quarantined
    return runtime, entry


REJECTED_FILES = [
    ("empty", b"", contract(), "the object is empty (0 bytes)"),
    ("binary", bytes(range(256)) * 50, contract(), "holds binary data"),
    ("parquet-for-csv", b"PAR1" + b"x" * 100, contract(), "is a Parquet file"),
    ("csv-for-parquet", HEADER.encode(), contract("parquet"), "does not start with PAR1"),
    ("broken-gzip", b"\x1f\x8b\x08\x00garbage", contract(), "gzip stream is corrupt"),
    ("not-gzip", HEADER.encode(), contract(compression="gzip"), "not gzip-compressed"),
    ("missing-required-field", b"id,amount\n1,2.00\n", contract(), "required field(s) missing"),
    (
        "strict-extra-field",
        b"id,at,amount,extra\n1,2024-01-01 00:00:00,1.00,x\n",
        contract(policy="strict"),
        "unknown field(s) ['extra']",
    ),
    ("duplicate-header", b"id,at,at,amount\n", contract(), "repeats column(s) ['at']"),
    ("json-not-array", b'{"id": 1}', contract("json"), "cannot read the object as json"),
    (
        "trailing-delimiter",
        b"id,at,amount,\n1,2024-01-01 00:00:00,1.00,\n",
        contract(),
        "field 4 of 4 has an empty name",
    ),
    (
        "names-differ-in-case",
        b"id,at,Amount,amount\n1,2024-01-01 00:00:00,x,1.00\n",
        contract(),
        "differ only in case: [['Amount', 'amount']]",
    ),
]


@pytest.mark.parametrize(
    ("content", "spec", "reason"), [r[1:] for r in REJECTED_FILES], ids=[r[0] for r in REJECTED_FILES]
)
def test_unreadable_files_are_rejected_whole_with_their_reason(
    tmp_path: Path, content: bytes, spec: dict[str, Any], reason: str
) -> None:
    runtime, entry = run_file(tmp_path, content, spec)

    assert entry.status is Status.REJECTED
    assert reason in (entry.error or "")
    marker = runtime.settings.lake_root / entry.outputs[0]
    assert json.loads(marker.read_text())["reason"] == entry.error
    assert (runtime.settings.lake_root / "raw" / "payments" / "in.csv").exists()


def test_additive_policy_ignores_extra_fields_with_a_warning(tmp_path: Path) -> None:
    _, entry = run_file(tmp_path, b"id,at,amount,extra\n1,2024-01-01 00:00:00,1.00,x\n")

    assert entry.status is Status.PROCESSED and entry.rows_kept == 1
    assert entry.warnings == ["ignored unknown field(s) ['extra'] (schema_policy additive)"]


def test_missing_optional_fields_load_as_null_under_additive(tmp_path: Path) -> None:
    runtime, entry = run_file(tmp_path, b"id,at\n1,2024-01-01 00:00:00\n")

    assert entry.rows_kept == 1
    assert rows(runtime, "SELECT amount FROM payments") == [(None,)]


def test_ragged_and_badly_quoted_rows_are_quarantined_with_their_text(tmp_path: Path) -> None:
    content = (
        HEADER
        + "1,2024-01-01 00:00:00,1.00\n"
        + "2,2024-01-01 00:00:00\n"  # short
        + "3,2024-01-01 00:00:00,1.00,9\n"  # long
        + '4,"2024-01-01 00:00:00",1.00\n'  # properly quoted: fine
        + '5,2024-01-01 00:00:00,"1,00"\n'  # quoted delimiter: not a decimal
        + "6,2024-01-01 00:00:00,2.00\n"
    ).encode()
    runtime, entry = run_file(tmp_path, content)

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (6, 3, 3)
    found = rows(
        runtime,
        "SELECT line_number, reasons[1], raw_line, record FROM payments_quarantine ORDER BY line_number",
    )
    assert [(line, reason.split(":")[0]) for line, reason, _, _ in found] == [
        (3, "record"),
        (4, "TOO MANY COLUMNS"),
        (6, "amount"),
    ]
    assert found[0][1] == "record: expected 3 fields, found 2"
    assert json.loads(found[0][3]) == {"id": "2", "at": "2024-01-01 00:00:00", "amount": None}
    assert found[1][2].strip() == "3,2024-01-01 00:00:00,1.00,9"
    assert json.loads(found[2][3]) == {"id": "5", "at": "2024-01-01 00:00:00", "amount": "1,00"}


def test_a_check_that_cannot_read_a_short_records_text_quarantines_the_record_not_the_file(
    tmp_path: Path,
) -> None:
    # The check casts a text column: on the short record, "hello world" sits in zip. A broken
    # record is judged by its own reason alone, so the cast never sees it (it rejected the file).
    spec = contract()
    spec["columns"] += [{"name": "zip", "type": "string"}, {"name": "note", "type": "string"}]
    spec["checks"] = [{"name": "zip_number", "expression": "CAST(zip AS INTEGER) > 999"}]
    content = (
        b"id,at,amount,zip,note\n"
        b"1,2024-01-01 00:00:00,1.00,12345,x\n"
        b"2,2024-01-01 00:00:00,1.00,,y\n"
        b"3,2024-01-01 00:00:00,1.00,hello world\n"
    )

    runtime, entry = run_file(tmp_path, content, spec)

    assert entry.status is Status.PROCESSED, entry.error
    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (3, 2, 1)
    assert rows(runtime, "SELECT line_number, reasons FROM payments_quarantine") == [
        (4, ["record: expected 5 fields, found 4"])
    ]


def test_an_unterminated_quote_keeps_the_rest_of_the_file_in_quarantine(tmp_path: Path) -> None:
    content = (
        HEADER
        + "1,2024-01-01 00:00:00,1.00\n"
        + '2,"2024-01-01 00:00:00,1.00\n'
        + "3,2024-01-01 00:00:00,1.00\n"
    ).encode()
    runtime, entry = run_file(tmp_path, content)

    assert entry.rows_kept == 1 and entry.rows_quarantined == 1
    (raw_line,) = rows(runtime, "SELECT raw_line FROM payments_quarantine")[0]
    assert "3,2024-01-01" in raw_line  # nothing is lost: the swallowed line is kept as text


def test_invalid_utf8_is_quarantined_not_crashed(tmp_path: Path) -> None:
    content = HEADER.encode() + b"1,2024-01-01 00:00:00,1.00\n2,2024-01-01 00:00:00,\xff\xfe\n"
    _, entry = run_file(tmp_path, content)

    assert entry.status is Status.PROCESSED
    assert entry.rows_in == 2 and entry.rows_kept == 1


@pytest.mark.parametrize(("fmt", "limit"), [("csv", 4), ("jsonl", 16)])
def test_a_line_too_long_to_read_is_quarantined_with_why(tmp_path: Path, fmt: str, limit: int) -> None:
    long = "9" * (limit * 2**20 + 10)
    if fmt == "csv":
        body = (
            f"{HEADER}1,2024-01-01 00:00:00,1.00\n2,2024-01-01 00:00:00,{long}\n3,2024-01-01 00:00:00,3.00\n"
        )
    else:
        good = '{"id": 1, "at": "2024-01-01 00:00:00"}'
        body = f'{good}\n{{"id": 2, "at": "2024-01-01 00:00:00", "amount": "{long}"}}\n{good}\n'

    runtime, entry = run_file(tmp_path, body.encode(), contract(fmt), f"in.{fmt}")

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (3, 2, 1)
    ((line, reasons, raw),) = rows(
        runtime, "SELECT line_number, reasons, length(raw_line) FROM payments_quarantine"
    )
    assert line == (3 if fmt == "csv" else 2)
    assert reasons[0].startswith("LINE SIZE OVER MAXIMUM: ") and raw == 10_000


def test_a_field_that_is_only_a_nul_byte_is_quarantined_not_read_as_null(tmp_path: Path) -> None:
    padding = "".join(f"{i},2024-01-01 00:00:00,1.00\n" for i in range(3000))  # past the sniffed head
    body = f"{HEADER}{padding}7,2024-01-01 00:00:00,\x00\n8,\x00,2.00\n".encode()

    runtime, entry = run_file(tmp_path, body)

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (3002, 3000, 2)
    reasons = rows(runtime, "SELECT reasons[1] FROM payments_quarantine ORDER BY row_number")
    assert reasons == [
        ("record: expected 3 fields, found 2",),
        ("record: a field holds only a NUL byte (binary data?)",),
    ]


def test_a_header_name_with_a_line_break_reads_the_rows_below_it(tmp_path: Path) -> None:
    body = b'id,at,amount,"note\nsecond line"\n1,2024-01-01 00:00:00,1.00,x\n2,2024-01-01 00:00:00,bad,y\n'

    runtime, entry = run_file(tmp_path, body)

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (2, 1, 1)
    assert rows(runtime, "SELECT line_number, row_number FROM payments_quarantine") == [(4, 2)]


def test_jsonl_malformed_lines_become_quarantined_rows(tmp_path: Path) -> None:
    lines = [
        '{"id": 1, "at": "2024-01-01 00:00:00", "amount": "1.50"}',
        "{not json",
        "",
        "[1, 2]",
        '{"id": 2, "at": "2024-01-02 00:00:00", "amount": 2.5, "extra": {"nested": true}}',
        '{"id": "x", "at": "2024-01-02 00:00:00"}',
    ]
    runtime, entry = run_file(
        tmp_path, gzip.compress("\n".join(lines).encode()), contract("jsonl"), "in.jsonl.gz"
    )

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (5, 2, 3)
    assert entry.partitions == ["2024-01-01", "2024-01-02"]
    found = rows(runtime, "SELECT line_number, reasons[1] FROM payments_quarantine ORDER BY line_number")
    assert found == [
        (2, "record: malformed JSON"),
        (4, "record: expected a JSON object, got array"),
        (6, "id: 'x' is not a bigint (a whole number from -9223372036854775808 to 9223372036854775807)"),
    ]


def test_many_long_rejected_json_lines_fit_in_the_engines_memory(tmp_path: Path) -> None:
    """A rejected line is kept once for its reasons: kept with its fields too, 24 MB ran out of 512 MB."""
    note = "n" * 4000
    bad = json.dumps({"id": "x", "at": "2024-01-01 00:00:00", "note": note, "a": 1, "b": 2})
    content = (json.dumps({"id": 1, "at": "2024-01-01 00:00:00"}) + "\n" + (bad + "\n") * 6000).encode()
    spec = contract("jsonl")
    spec["columns"] = spec["columns"][:2] + [
        {"name": n, "type": t} for n, t in (("note", "string"), ("a", "int"), ("b", "int"))
    ]

    runtime, entry = run_file(tmp_path, content, spec, "in.jsonl")

    assert entry.status is Status.PROCESSED, entry.error
    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (6001, 1, 6000)
    found = rows(runtime, "SELECT count(*), min(length(record)) FROM payments_quarantine")
    assert found == [(6000, len(bad))]


def test_wide_json_lines_fit_in_the_engines_memory(tmp_path: Path) -> None:
    """Each line is parsed once for all its fields: a parse per field ran out of 512 MB on 45 MB."""
    line = json.dumps({"id": 2, "at": "2024-01-01 00:00:00", "note": "n" * 3000, "a": 1, "b": 2})
    spec = contract("jsonl")
    spec["columns"] = spec["columns"][:2] + [
        {"name": n, "type": t} for n, t in (("note", "string"), ("a", "int"), ("b", "int"))
    ]

    runtime, entry = run_file(tmp_path, ((line + "\n") * 15_000).encode(), spec, "in.jsonl")

    assert entry.status is Status.PROCESSED, entry.error
    assert (entry.rows_in, entry.rows_kept) == (15_000, 15_000)
    assert rows(runtime, "SELECT count(*), sum(length(note)), sum(a + b) FROM payments") == [
        (15_000, 45_000_000, 45_000)
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_numbers_are_checked_as_written_not_as_doubles(tmp_path: Path, fmt: str) -> None:
    records = [  # as a double, each would pass for something it is not
        '{"id": 1, "at": "2024-01-01 00:00:00", "amount": 2.999999999999999999}',
        '{"id": 9007199254740993, "at": "2024-01-01 00:00:00", "amount": 1.10}',
        '{"id": 3, "at": "2024-01-01 00:00:00", "amount": 1e2, "note": {"n": 2.50, "s": "1.0"}}',
        '{"id": 12345678901234567890, "at": "2024-01-01 00:00:00"}',
    ]
    body = "\n".join(records) if fmt == "jsonl" else "[" + ",".join(records) + "]"
    spec = contract(fmt)
    spec["columns"].append({"name": "note", "type": "string"})

    runtime, entry = run_file(tmp_path, body.encode(), spec, f"in.{fmt}")

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (4, 1, 3)
    assert rows(runtime, "SELECT id, amount FROM payments") == [(9007199254740993, Decimal("1.10"))]
    reasons = [r[0] for r in rows(runtime, "SELECT reasons[1] FROM payments_quarantine ORDER BY row_number")]
    assert reasons[0].startswith("amount: '2.999999999999999999' ")
    assert reasons[1].startswith("amount: '1e2' ")
    assert reasons[2].startswith("id: '12345678901234567890' ")
    record = rows(runtime, "SELECT record FROM payments_quarantine WHERE row_number = 3")[0][0]
    assert '"n": 2.50' in record  # the original record, as written


def test_a_number_after_strings_that_look_like_numbers_is_still_checked_as_written(tmp_path: Path) -> None:
    # Only numbers outside strings need the slow path; the strings before it must not hide it.
    records = [
        r'{"id": 1, "at": "2024-01-01 00:00:00", "note": "a \"1.10\" 2e5", "amount": 2.999999999999999999}',
        r'{"id": 2, "at": "2024-01-01 00:00:00", "note": "20.60", "amount": 20.60}',
    ]
    spec = contract("jsonl")
    spec["columns"].append({"name": "note", "type": "string"})

    runtime, entry = run_file(tmp_path, "\n".join(records).encode(), spec, "in.jsonl")

    assert (entry.rows_kept, entry.rows_quarantined) == (1, 1)
    assert rows(runtime, "SELECT id, note, amount FROM payments") == [(2, "20.60", Decimal("20.60"))]
    reason = rows(runtime, "SELECT reasons[1] FROM payments_quarantine")[0][0]
    assert reason.startswith("amount: '2.999999999999999999' ")


def test_json_that_only_a_lenient_parser_reads_is_malformed(tmp_path: Path) -> None:
    good = (
        '{"id": 1, "at": "2024-01-01 00:00:00", "note": "a,] NaN"}'  # the same text inside a string is fine
    )
    at = '"at": "2024-01-01 00:00:00"'
    lines = [
        good,
        f'{{"id": 2, {at},}}',
        f'{{"id": 3, {at}, "amount": NaN}}',
        "\t",
        f'{{"id": 4, {at}, "t": [1,]}}',
    ]
    spec = contract("jsonl")
    spec["columns"].append({"name": "note", "type": "string"})

    runtime, entry = run_file(tmp_path, "\n".join(lines).encode(), spec, "in.jsonl")

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (
        4,
        1,
        3,
    )  # the blank line is no record
    found = rows(runtime, "SELECT line_number, reasons FROM payments_quarantine ORDER BY 1")
    assert found == [(n, ["record: malformed JSON"]) for n in (2, 3, 5)]


def test_json_array_of_records(tmp_path: Path) -> None:
    body = json.dumps([{"id": 1, "at": "2024-01-01 00:00:00"}, {"id": 2, "at": "nope"}, 7]).encode()
    runtime, entry = run_file(tmp_path, body, contract("json"), "in.json")

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (3, 1, 2)
    assert rows(runtime, "SELECT row_number FROM payments_quarantine ORDER BY 1") == [(2,), (3,)]
    reason = rows(runtime, "SELECT reasons[1] FROM payments_quarantine WHERE row_number = 3")[0][0]
    assert reason == "record: expected a JSON object, got number"  # JSON's word, not DuckDB's type


def test_parquet_fields_that_differ_only_in_case_are_refused_by_name(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "src.parquet"
    pq.write_table(pa.table({"ID": [2], "at": [datetime(2024, 1, 1, 10)], "id": [1]}), path)

    _, entry = run_file(tmp_path, path.read_bytes(), contract("parquet"), "in.parquet")

    assert entry.status is Status.REJECTED
    assert "differ only in case: [['ID', 'id']]" in (entry.error or "")


def test_crlf_json_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    lines = ['{"id": 1, "at": "2024-01-01 00:00:00"}', '{"id": 2, "at": "2024-01-01 00:00:00"}', "",
             '{"id": 3, "at": "bad"}']  # fmt: skip
    positions = []
    for ending in ("\n", "\r\n"):
        folder = tmp_path / ending.encode().hex()
        folder.mkdir()
        runtime, entry = run_file(
            folder, (ending.join(lines) + ending).encode(), contract("jsonl"), "in.jsonl"
        )
        assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (3, 2, 1)
        positions.append(rows(runtime, "SELECT row_number, line_number FROM payments_quarantine"))

    assert positions[0] == positions[1] and positions[1][0][1] == 4


def test_parquet_source_with_native_types(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "src.parquet"
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES (1, TIMESTAMP '2024-01-01 10:00:00', 1.25), (2, NULL, 3.5)) "
        f"t(id, \"at\", amount)) TO '{path}' (FORMAT parquet)"
    )
    spec = contract("parquet")
    spec["columns"][1]["formats"] = ["%d/%m/%Y"]  # native timestamps do not go through text formats
    runtime, entry = run_file(tmp_path, path.read_bytes(), spec, "in.parquet")

    assert (entry.rows_in, entry.rows_kept, entry.rows_quarantined) == (2, 1, 1)
    assert rows(runtime, "SELECT id, at FROM payments")[0][0] == 1


def test_rows_dated_after_now_are_kept_with_a_warning_and_shown_from_their_day(tmp_path: Path) -> None:
    today = datetime.now(UTC)
    ahead = today + timedelta(days=2)
    content = f"{HEADER}1,{today:%Y-%m-%d} 00:00:00,1.00\n2,{ahead:%Y-%m-%d} 00:00:00,2.00\n"

    runtime, entry = run_file(tmp_path, content.encode())

    assert entry.status is Status.PROCESSED and entry.rows_kept == 2
    assert entry.partitions == [f"{today:%Y-%m-%d}", f"{ahead:%Y-%m-%d}"]
    (warning,) = entry.warnings
    assert f"1 partition(s) from dt={ahead:%Y-%m-%d}" in warning and "Athena" in warning
    assert rows(runtime, "SELECT id FROM payments") == [(1,)]  # as Athena would answer today
