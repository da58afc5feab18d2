"""What the CLI prints stays readable in an 80-column terminal."""

from __future__ import annotations

from rich.console import Console

from lakeline.core.ledger import LedgerEntry, Status
from lakeline.entrypoints.render import ledger_table


def entry(key: str, partitions: list[str], error: str | None = None) -> LedgerEntry:
    return LedgerEntry(
        f"lake/{key}", "lake", key, "taxi_trips", "v1", Status.FAILED if error else Status.PROCESSED,
        rows_in=20_000, rows_kept=19_630, rows_quarantined=370, partitions=partitions, error=error,
    )  # fmt: skip


def printed(*entries: LedgerEntry) -> str:
    console = Console(width=80, record=True, color_system=None)
    console.print(ledger_table(list(entries)))
    return console.export_text()


def test_long_keys_wrap_instead_of_losing_their_ends() -> None:
    out = printed(
        entry("raw/taxi_trips/yellow_tripdata_2024-01-03.csv", ["2024-01-03"]),
        entry("raw/taxi_trips/yellow_tripdata_2024-01-04.csv", ["2024-01-04"]),
    )

    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    joined = "".join(line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│"))
    assert "taxi_trips/yellow_tripdata_2024-01-03.csv" in joined
    assert "taxi_trips/yellow_tripdata_2024-01-04.csv" in joined


def test_many_partitions_are_shown_as_a_span_and_notes_only_when_there_are_some() -> None:
    days = [f"2024-01-{d:02}" for d in range(1, 31)]

    quiet = printed(entry("raw/taxi_trips/a.csv", days))
    failing = printed(entry("raw/taxi_trips/b.csv", [], error="cannot read the object as csv"))

    assert "note" not in quiet and "(30)" in quiet and "2024-01-15" not in quiet
    assert "note" in failing and "cannot" in failing


def test_a_partition_is_never_split_across_lines() -> None:
    out = printed(
        entry(
            "raw/weather_observations/pull-20261130T065320Z-9c0e003d.jsonl.gz",
            ["2024-01-01", "2024-01-03", "2024-01-02"],
        ),
        entry("raw/taxi_trips/yellow_tripdata_2024-01-03.csv", ["2024-01-03"]),
    )

    assert max(len(line) for line in out.splitlines()) <= 80
    cells = [line.split("│")[6].strip() for line in out.splitlines() if line.startswith("│")]
    assert "2024-01-01" in cells and "2024-01-03" in cells and "(3)" in " ".join(cells)


def test_cli_messages_are_not_broken_into_lines_by_the_console() -> None:
    from lakeline.entrypoints.cli import console

    command = 'lakeline query "SELECT reasons, count(*) AS n FROM taxi_trips_quarantine GROUP BY reasons"'
    with console.capture() as captured:
        console.print(f"  why rows failed   {command}", width=80)

    assert command in captured.get()


def test_query_values_with_brackets_are_shown_as_data() -> None:
    from lakeline.entrypoints.render import result_table
    from lakeline.ports import QueryResult

    console = Console(width=80, record=True, color_system=None)
    console.print(result_table(QueryResult(["allowed"], [("[north, south, east]",), (None,)])))

    out = console.export_text()
    assert "[north, south, east]" in out and "NULL" in out


def test_booleans_print_as_athena_prints_them() -> None:
    from lakeline.entrypoints.render import result_csv, result_table
    from lakeline.ports import QueryResult

    result = QueryResult(["ok", "n"], [(True, 1), (False, None)])
    console = Console(width=80, record=True, color_system=None)
    console.print(result_table(result))

    assert result_csv(result) == "ok,n\ntrue,1\nfalse,\n"
    assert "true" in console.export_text() and "True" not in console.export_text()
