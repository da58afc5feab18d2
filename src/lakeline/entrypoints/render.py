"""Render results for the terminal: tables, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lakeline.core.cost_model import Line
from lakeline.core.ledger import LedgerEntry, RunRecord
from lakeline.ports import QueryResult

if TYPE_CHECKING:  # type hints only: importing these would load sqlglot for every command
    from lakeline.usecases.build import ModelBuild
    from lakeline.usecases.explain import Explanation
    from lakeline.usecases.workflow import QualityRun, WorkflowRun


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _text(value: Any) -> str:
    """A value as Athena's console shows it: NULL, and booleans in lower case."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_plain(value))


def result_table(result: QueryResult, title: str | None = None, limit: int | None = None) -> Table:
    """A query result as a rich table."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in result.columns:
        table.add_column(column)
    rows = result.rows if limit is None else result.rows[:limit]
    for row in rows:
        # Text, not markup: a value such as "[north, south]" is data, not a rich style tag.
        table.add_row(*(Text(_text(v)) for v in row))
    if limit is not None and len(result.rows) > limit:
        table.caption = f"{limit} of {len(result.rows)} rows"
    return table


def result_csv(result: QueryResult) -> str:
    """A query result as CSV with a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([None if v is None else _text(v) for v in row] for row in result.rows)
    return buffer.getvalue()


def result_json(result: QueryResult) -> str:
    """A query result as a JSON array of objects."""
    records = [dict(zip(result.columns, (_plain(v) for v in row), strict=True)) for row in result.rows]
    return json.dumps(records, indent=2, default=str)


def print_result(console: Console, result: QueryResult, fmt: str) -> None:
    """Print a query result in a format: table, csv or json."""
    if fmt == "csv":
        console.out(result_csv(result), end="", highlight=False)
    elif fmt == "json":
        console.out(result_json(result), highlight=False)
    else:
        console.print(result_table(result))


def ledger_table(entries: Sequence[LedgerEntry], title: str = "Ledger") -> Table:
    """Ledger entries as a table: one line per object, readable in an 80-column terminal."""
    notes = [e.error or "; ".join(e.warnings) for e in entries]
    table = Table(title=title, title_justify="left", header_style="bold", expand=True)
    # Keys, partitions and notes wrap rather than lose their ends (the end of a key is what tells
    # objects apart); the numbers never wrap. The key takes most of the room left, and a span of
    # partitions wraps between its dates (a date split in two reads as two wrong ones).
    table.add_column("object", overflow="fold", ratio=3)
    table.add_column("status", no_wrap=True)
    for name in ("rows in", "kept", "quar."):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("partitions", overflow="fold", ratio=2, min_width=10)
    table.add_column("ms", justify="right", no_wrap=True)
    with_notes = any(notes)
    if with_notes:
        table.add_column("note", overflow="fold", ratio=2)
    for e, note in zip(entries, notes, strict=True):
        row = [
            e.key.removeprefix("raw/"), e.status.value, f"{e.rows_in:,}", f"{e.rows_kept:,}",
            f"{e.rows_quarantined:,}", _partition_span(e.partitions), str(e.duration_ms or ""),
        ]  # fmt: skip
        cells = [*row, *([textwrap.shorten(note, 200, placeholder=" …")] if with_notes else [])]
        table.add_row(*(Text(cell) for cell in cells))  # keys and errors may hold [brackets]
    return table


def _partition_span(partitions: Sequence[str]) -> str:
    """Up to two partitions by name; more as the first and last, and how many."""
    if len(partitions) <= 2:
        return ", ".join(partitions)
    ordered = sorted(partitions)
    return f"{ordered[0]} to {ordered[-1]} ({len(ordered)})"


def explanation_table(explanation: Explanation) -> Table:
    """What a query would read and cost on Athena."""
    from lakeline.core.pricing import ATHENA_MINIMUM_BYTES, ATHENA_USD_PER_TB, PRICES_AS_OF

    table = Table(title="Query plan (nothing was run)", title_justify="left", header_style="bold")
    for name, justify in (("table", "left"), ("partitions", "right"), ("dt", "left"), ("columns", "left"),
                          ("bytes", "right")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in explanation.tables:
        shown = ", ".join(t.partitions_read[:4]) + (" ..." if len(t.partitions_read) > 4 else "")
        table.add_row(t.table, f"{len(t.partitions_read)} of {t.partitions_total}", shown,
                      ", ".join(t.columns) or "(none)", f"{t.bytes:,}")  # fmt: skip
    table.caption = (
        f"scans {explanation.bytes_scanned:,} bytes; Athena bills {explanation.billed_bytes:,} "
        f"({ATHENA_MINIMUM_BYTES // 2**20} MB minimum) = ${explanation.cost_usd:.6f} "
        f"at ${ATHENA_USD_PER_TB:g}/TB ({PRICES_AS_OF})"
    )
    return table


def build_table(results: Sequence[ModelBuild]) -> Table:
    """What a build did, per model."""
    table = Table(title="Analytics build", title_justify="left", header_style="bold")
    table.add_column("model", overflow="fold")
    for name in ("rebuilt", "removed"):
        table.add_column(name, overflow="fold")
    for name in ("unchanged", "rows", "seconds"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in results:
        table.add_row(r.model, _partition_span(r.rebuilt) or "-", _partition_span(r.removed) or "-",
                      str(r.unchanged), f"{r.rows:,}", f"{r.seconds:.2f}")  # fmt: skip
    return table


def quality_table(runs: Sequence[QualityRun]) -> Table:
    """Data-quality results, one line per table checked, with each failed rule and why."""
    table = Table(title="Data quality", title_justify="left", header_style="bold")
    for name, justify in (("table", "left"), ("action", "left"), ("partitions", "left"), ("passed", "right"),
                          ("failed", "left")):  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for run in runs:
        partitions = sorted(run.target.partitions)
        shown = ", ".join(partitions[:3]) + (f" (+{len(partitions) - 3})" if len(partitions) > 3 else "")
        failed = "\n".join(f"[red]{r.rule}[/]: {r.failure_reason}" for r in run.failed) or "-"
        passed = f"{len(run.results) - len(run.failed)}/{len(run.results)}"
        table.add_row(run.target.table, run.target.ruleset.action.value, shown, passed, failed)
    return table


def runs_table(runs: Sequence[RunRecord]) -> Table:
    """The latest analytics runs and what each did."""
    table = Table(title="Analytics runs", title_justify="left", header_style="bold")
    for name in ("run", "kind", "started", "seconds", "outcome", "partitions built", "rules failed"):
        table.add_column(name)
    for run in runs:
        models = run.stats.get("models", {})
        quality = run.stats.get("quality", {})
        table.add_row(
            run.run_id, run.kind, run.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"{(run.finished_at - run.started_at).total_seconds():.1f}", str(run.stats.get("outcome", "-")),
            str(sum(int(m.get("rebuilt", 0)) for m in models.values())),
            str(sum(int(q.get("failed", 0)) for q in quality.values())),
        )  # fmt: skip
    return table


def pulls_table(dataset: str, pulls: Sequence[tuple[Any, ...]]) -> Table:
    """Every pull of an HTTP dataset, oldest first: when, how it ended, what it brought."""
    table = Table(title=f"Pulls of {dataset}", title_justify="left", header_style="bold")
    for name in ("at", "status", "pages", "records", "detail"):
        table.add_column(name, justify="right" if name in ("pages", "records") else "left")
    for _, at, status, pages, records, detail in pulls:
        table.add_row(str(at)[:19].replace("T", " "), str(status), f"{pages:,}", f"{records:,}", str(detail))
    return table


def cost_table(title: str, lines: Sequence[Line]) -> Table:
    """One line per service: its monthly cost and the assumption behind it."""
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("service")
    table.add_column("USD/month", justify="right")
    table.add_column("assumption", overflow="fold")
    for line in lines:
        table.add_row(line.service, f"{line.usd_per_month:,.2f}", line.assumption)
    table.add_row("[bold]total[/]", f"[bold]{sum(li.usd_per_month for li in lines):,.2f}[/]", "")
    return table


def print_workflow(console: Console, run: WorkflowRun) -> None:
    """What a local workflow run did: the models it rebuilt and the data-quality results."""
    if any(b.did_work for b in run.builds):
        console.print(build_table(run.builds))
    if run.quality:
        console.print(quality_table(run.quality))
