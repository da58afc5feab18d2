"""The `lakeline` command line: a thin layer over the use cases."""

from __future__ import annotations

import functools
import json
import logging
import shlex
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
import yaml
from rich.console import Console
from rich.markup import escape

from lakeline import __version__
from lakeline.errors import LakelineError

F = TypeVar("F", bound=Callable[..., Any])
# Messages hold paths, URLs and commands to copy: the terminal wraps them, not rich (tables still fit).
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def _fail_cleanly(func: F) -> F:
    """Turn lakeline's errors into a message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LakelineError as exc:
            errors.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
            sys.exit(1)
        except Exception as exc:
            if not _is_aws_setup_error(exc):
                raise
            hint = "set AWS_REGION, and AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            errors.print(
                f"[bold red]error:[/bold red] {escape(str(exc).rstrip('.'))} ({hint})", highlight=False
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _is_aws_setup_error(exc: Exception) -> bool:
    """Whether botocore could not even start: no region, or no credentials, on this machine."""
    return type(exc).__name__ in ("NoRegionError", "NoCredentialsError", "PartialCredentialsError")


def _settings(ctx: click.Context) -> Any:
    from lakeline.runtime.settings import LocalSettings

    return LocalSettings.load(ctx.obj["project"], ctx.obj["lake"])


def _runtime(ctx: click.Context) -> Any:
    from lakeline.runtime.local import LocalRuntime

    return LocalRuntime(_settings(ctx))


def _process(runtime: Any, objects: list[Any]) -> int:
    """Announce landed objects on the runtime's bus, so its rules process them; show the outcome.

    Returns:
        How many failed (each is in the ledger; ``lakeline redrive`` retries them).
    """
    from lakeline.entrypoints.render import ledger_table
    from lakeline.usecases.landing import announce
    from lakeline.usecases.process_object import Outcome

    results = announce(objects, runtime.bus)
    console.print(ledger_table([r.entry for r in results if r.entry]))
    failures = [r for r in results if r.outcome is Outcome.FAILED]
    for failure in failures:
        errors.print(
            f"[bold red]failed:[/bold red] {escape(failure.key)}: {escape(failure.detail)}", highlight=False
        )
    if failures:
        errors.print("fix the cause, then: lakeline redrive", highlight=False)
    return len(failures)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lakeline")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (datasets/, sql/). Default: $LAKELINE_PROJECT or the current folder.",
)
@click.option(
    "--lake",
    type=str,  # not a click.Path: Path("s3://bucket") would collapse to "s3:/bucket"
    default=None,
    help="Lake root: a folder or s3://BUCKET. Default: $LAKELINE_LAKE or <project>/.lakeline/lake.",
)
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, project: Path | None, lake: str | None, verbose: int) -> None:
    """lakeline: a serverless data-lake pipeline for AWS that also runs on one laptop."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"project": project, "lake": lake}


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Create a project with the sample contracts (taxi_trips, weather_observations), queries and models."""
    from lakeline.project import init_project

    created = init_project(directory)
    for path in created:
        console.print(f"created {path}")
    if not created:
        console.print("nothing to do: the project files already exist")


@main.group()
def contracts() -> None:
    """Check and show dataset contracts."""


@contracts.command("validate")
@click.pass_context
@_fail_cleanly
def contracts_validate(ctx: click.Context) -> None:
    """Check every contract in datasets/ and its row checks."""
    from lakeline.engines.duckdb.validation import check_row_rules

    registry = _settings(ctx).project.contracts()
    for contract in registry:
        check_row_rules(contract)
        quality = contract.quality
        rules = f", {len(quality.ruleset.parsed)} quality rules ({quality.action.value})" if quality else ""
        console.print(
            f"[green]ok[/green] {contract.name}: {len(contract.columns)} columns, "
            f"{len(contract.checks)} check{'' if len(contract.checks) == 1 else 's'}{rules}"
        )
    if not len(registry):
        console.print("no contracts found")


@contracts.command("show")
@click.argument("name")
@click.pass_context
@_fail_cleanly
def contracts_show(ctx: click.Context, name: str) -> None:
    """Print one contract, with every default filled in."""
    contract = _settings(ctx).project.contracts().get(name)
    shown = contract.model_dump(mode="json")
    for column, parsed in zip(shown["columns"], contract.columns, strict=True):
        column["source"] = parsed.source_field  # the field it reads: the column's name by default
    console.out(yaml.safe_dump(shown, sort_keys=False), highlight=False)


@main.command()
@click.argument("dataset")
@click.option("--rows", type=click.IntRange(min=0), default=10_000, show_default=True)
@click.option("--days", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--bad-ratio", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2024-01-01", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file; .gz compresses. A manifest is written next to it.",
)
@_fail_cleanly
def generate(dataset: str, rows: int, days: int, bad_ratio: float, seed: int, start: Any, out: Path) -> None:
    """Write a deterministic sample file of DATASET, with realistic bad rows."""
    from lakeline.errors import UnknownDatasetError
    from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
    from lakeline.generate.base import manifest_path

    if dataset not in GENERATORS:
        raise UnknownDatasetError(f"no sample generator for {dataset!r}; available: {', '.join(GENERATORS)}")
    spec = GeneratorSpec(rows, days, bad_ratio, seed, date.fromisoformat(start.date().isoformat()))
    manifest = write_sample(GENERATORS[dataset](spec), dataset, spec, out)
    console.print(f"wrote {manifest.rows:,} rows ({manifest.good:,} good, {manifest.bad:,} bad) to {out}")
    console.print(f"manifest: {manifest_path(out)}")


@main.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dataset", required=True, help="The dataset the files belong to.")
@click.option("--no-process", is_flag=True, help="Only land the files; `lakeline run` processes them later.")
@click.pass_context
@_fail_cleanly
def ingest(ctx: click.Context, files: tuple[Path, ...], dataset: str, no_process: bool) -> None:
    """Put FILES into raw/<dataset>/ as an S3 upload would, and process them from the event."""
    from lakeline.usecases.landing import land

    runtime = _runtime(ctx)
    landed = [land(path, dataset, runtime.contracts, runtime.store) for path in files]
    for obj in landed:
        console.print(f"landed s3://{obj.bucket}/{obj.key} ({obj.size:,} bytes)")
    if not no_process and _process(runtime, landed):
        sys.exit(1)


@main.command()
@click.argument("dataset")
@click.option(
    "--history", is_flag=True, help="Show the dataset's cursor and its earlier pulls; pull nothing."
)
@click.pass_context
@_fail_cleanly
def pull(ctx: click.Context, dataset: str, history: bool) -> None:
    """Pull new records of an HTTP dataset into raw/, then process them from their event."""
    from lakeline.usecases.pull import pull as pull_dataset

    runtime = _runtime(ctx)
    if history:
        from lakeline.entrypoints.render import pulls_table

        contract = runtime.contracts.get(dataset)  # an unknown dataset fails here, by name
        cursor = runtime.cursors.get(contract.name)
        console.print(
            f"cursor: {cursor.value if cursor else 'none yet (the first pull starts from the beginning)'}"
        )
        console.print(pulls_table(contract.name, runtime.cursors.runs(contract.name)))
        return
    result = pull_dataset(runtime.contracts.get(dataset), runtime.pull_deps)
    console.print(
        f"pulled {result.records:,} records in {result.pages} pages"
        + (f" ({result.skipped_duplicates} already pulled)" if result.skipped_duplicates else "")
        + (f"; cursor now {result.cursor}" if result.cursor else "")
    )
    for note in result.notes:
        console.print(f"note: {note}")
    if result.object is not None:
        _process(runtime, [result.object])


@main.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the page (default: <project>/.lakeline/report.html).",
)
@click.pass_context
@_fail_cleanly
def report(ctx: click.Context, out: Path | None) -> None:
    """Write one self-contained HTML page with charts of the local pipeline (no network needed)."""
    from datetime import UTC, datetime

    from lakeline.entrypoints.report_page import render
    from lakeline.usecases.report import gather

    runtime = _runtime(ctx)
    engine = runtime.query_engine()
    try:
        data = gather(runtime.contracts, runtime.ledger, engine, runtime.metrics, runtime.build_deps.state,
                      runtime.notifier, datetime.now(UTC))  # fmt: skip
    finally:
        engine.close()
    target = out or runtime.settings.project.state_dir / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    lake = (
        f"s3://{runtime.settings.s3_bucket}"
        if runtime.settings.s3_bucket
        else str(runtime.settings.lake_root)
    )
    target.write_text(render(data, runtime.settings.project.root.name, lake), encoding="utf-8")
    console.print(f"wrote {target} (open it in a browser)")


@main.command()
@click.option(
    "--gb-per-day",
    type=click.FloatRange(min=0.001),
    default=10.0,
    show_default=True,
    help="CSV landed per day.",
)
@click.option("--files-per-day", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--queries-per-day", type=click.IntRange(min=0), default=200, show_default=True)
@click.option("--retention-days", type=click.IntRange(min=1), default=365, show_default=True)
@click.option(
    "--env",
    "environment",
    type=click.Choice(["dev", "prod"]),
    default="prod",
    show_default=True,
    help="The environment's settings: Lambda memory, Glue workers and Flex, the workflow's schedule.",
)
def cost(
    gb_per_day: float, files_per_day: int, queries_per_day: int, retention_days: int, environment: str
) -> None:
    """Estimate the monthly AWS cost of a workload on lakeline, against a naive design of it."""
    from lakeline.core.cost_model import (
        DEPLOYMENTS,
        PRICES_AS_OF,
        Workload,
        beyond_the_design,
        estimate,
        naive,
        total,
    )
    from lakeline.entrypoints.render import cost_table

    workload = Workload(gb_per_day, files_per_day, queries_per_day, retention_days)
    deployment = DEPLOYMENTS[environment]
    ours, theirs = estimate(workload, deployment), naive(workload)
    for warning in beyond_the_design(workload, deployment):
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    console.print(cost_table(f"lakeline ({environment})", ours))
    console.print(cost_table("naive: CSV in S3 Standard, an hourly crawler, Athena over raw CSV", theirs))
    saving = total(theirs) - total(ours)
    console.print(
        f"lakeline ${total(ours):,.2f}/month; naive ${total(theirs):,.2f}/month; "
        f"saves ${saving:,.2f}/month ({saving / total(theirs):.0%}). Prices: {PRICES_AS_OF}; "
        "the reasoning: docs/cost.md"
    )


@main.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.pass_context
@_fail_cleanly
def alerts(ctx: click.Context, limit: int) -> None:
    """Show the latest alerts (on AWS they go to the SNS topic)."""
    found = _runtime(ctx).notifier.recent(limit)
    if not found:
        console.print("no alerts")
    for at, subject, message in found:
        console.print(f"[bold]{at}  {subject}[/bold]", highlight=False)
        console.out(message, highlight=False)


@main.command()
@click.option(
    "--on", "target", type=click.Choice(["local", "aws"]), default="local", show_default=True,
    help="aws: move the DLQ's messages ($LAKELINE_DLQ_URL) back to the queue ($LAKELINE_QUEUE_URL).",
)  # fmt: skip
@click.pass_context
@_fail_cleanly
def redrive(ctx: click.Context, target: str) -> None:
    """Retry what failed: locally the failed ledger entries, on AWS the dead-letter queue."""
    import os

    from lakeline.usecases.landing import failed

    if target == "aws":
        from lakeline.adapters.aws.clients import AwsClients
        from lakeline.adapters.aws.sqs_dead_letters import redrive as redrive_queue

        sqs = AwsClients.from_env().sqs()
        moved = redrive_queue(sqs, os.environ["LAKELINE_DLQ_URL"], os.environ["LAKELINE_QUEUE_URL"])
        console.print(f"moved {moved} message(s) from the dead-letter queue back to the queue")
        return
    runtime = _runtime(ctx)
    todo = list(failed(runtime.contracts, runtime.store, runtime.ledger))
    if not todo:
        console.print("nothing failed: nothing to redrive")
        return
    if _process(runtime, todo):
        sys.exit(1)


@main.group()
def ledger() -> None:
    """Maintain the ledger."""


@ledger.command("backfill")
@_fail_cleanly
def ledger_backfill() -> None:
    """On AWS: index items written before the ledger table had its index ($LAKELINE_LEDGER_TABLE).

    Run it once after upgrading a stack whose table already holds data (ADR 0010).
    """
    import os

    from lakeline.adapters.aws.clients import AwsClients
    from lakeline.adapters.aws.ledger_table import backfill

    table = os.environ.get("LAKELINE_LEDGER_TABLE")
    if not table:
        raise click.UsageError("set LAKELINE_LEDGER_TABLE to the ledger table's name (see docs/aws.md)")
    updated = backfill(AwsClients.from_env().dynamodb(), table)
    console.print(f"{updated} item(s) of {table} given their collection")


@main.command()
@click.option("--watch", is_flag=True, help="Keep processing files as they land.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds between looks at raw/ with --watch.",
)
@click.pass_context
@_fail_cleanly
def run(ctx: click.Context, watch: bool, interval: float) -> None:
    """Process whatever landed in raw/ and has not been processed yet.

    With --watch, each poll that processed new data also runs the analytics workflow once, as the
    debounced Partition Updated trigger does on AWS.
    """
    from lakeline.usecases.landing import failed, pending, settled

    runtime = _runtime(ctx)
    while True:
        todo = list(pending(runtime.contracts, runtime.store, runtime.ledger))
        if watch:  # a file still being copied in changes between polls: wait until it stops
            todo = settled(todo, datetime.now(UTC), seconds=interval)
        failures = _process(runtime, todo) if todo else 0
        if not todo and not watch:
            waiting = sum(1 for _ in failed(runtime.contracts, runtime.store, runtime.ledger))
            console.print(
                "nothing to process" + (f"; {waiting} failed, for lakeline redrive" if waiting else "")
            )
        if not watch:
            sys.exit(1 if failures else 0)
        if runtime.triggers.pending():
            # The Partition Updated rule's target, debounced by the poll: one run for the whole batch.
            _workflow(runtime)
        time.sleep(interval)


def _workflow(runtime: Any, deps: Any = None, full: bool = False) -> Any:
    """Run the analytics workflow locally (with ``deps``, default the runtime's) and print what it did."""
    from lakeline.entrypoints.render import print_workflow
    from lakeline.usecases.workflow import run_workflow

    run = run_workflow(runtime.models, deps or runtime.workflow_deps, full=full)
    print_workflow(console, run)
    return run


@main.command()
@click.argument("sql", required=False)
@click.option(
    "--file",
    "sql_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run the SQL in this file.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option(
    "--explain", "explain_only", is_flag=True,
    help="Do not run: show the partitions and bytes the query would read, and its Athena cost.",
)  # fmt: skip
@click.option(
    "--on", "target", type=click.Choice(["local", "aws"]), default="local", show_default=True,
    help="Run on the local engine, or on Athena ($LAKELINE_ATHENA_WORKGROUP, $LAKELINE_ATHENA_DATABASE).",
)  # fmt: skip
@click.pass_context
@_fail_cleanly
def query(
    ctx: click.Context, sql: str | None, sql_file: Path | None, fmt: str, explain_only: bool, target: str
) -> None:
    """Run Athena SQL on the local lake (DuckDB, with Athena's semantics)."""
    from lakeline.entrypoints.render import explanation_table, print_result
    from lakeline.errors import QueryError

    if (sql is None) == (sql_file is None):
        raise QueryError("give either SQL or --file PATH")
    text = sql if sql is not None else sql_file.read_text(encoding="utf-8")  # type: ignore[union-attr]
    if target == "aws":
        _query_athena(text, fmt)
        return
    runtime = _runtime(ctx)
    engine = runtime.query_engine()
    try:
        if explain_only:
            from lakeline.usecases.explain import explain

            console.print(explanation_table(explain(text, runtime.contracts, runtime.store, engine)))
            return
        print_result(console, engine.query(text), fmt)
    finally:
        engine.close()


def _query_athena(sql: str, fmt: str) -> None:
    import os

    from lakeline.adapters.aws.athena_query import AthenaQueryEngine
    from lakeline.adapters.aws.clients import AwsClients
    from lakeline.core.pricing import athena_query_cost
    from lakeline.entrypoints.render import print_result

    clients = AwsClients.from_env()
    engine = AthenaQueryEngine(
        clients.client("athena"),
        workgroup=os.environ.get("LAKELINE_ATHENA_WORKGROUP", "lakeline-dev"),
        database=os.environ.get("LAKELINE_ATHENA_DATABASE", "lakeline_dev"),
    )
    print_result(console, engine.query(sql), fmt)
    errors.print(
        f"Athena scanned {engine.bytes_scanned:,} bytes: ${athena_query_cost(engine.bytes_scanned):.6f} "
        f"(workgroup {engine.workgroup})"
    )


@main.command()
@click.option("--full", is_flag=True, help="Rebuild every partition, not only those whose inputs changed.")
@click.option(
    "--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
    help="spark runs the models as the Glue job does, on a local SparkSession (needs Java).",
)  # fmt: skip
@click.pass_context
@_fail_cleanly
def build(ctx: click.Context, full: bool, engine: str) -> None:
    """Build the analytics models incrementally, then check data quality (the workflow, run locally).

    Exits 3 when a ruleset with action `halt` fails.
    """
    from dataclasses import replace

    runtime = _runtime(ctx)
    deps = runtime.workflow_deps
    if engine == "spark":
        from lakeline.engines.spark.models import SparkModelRunner

        deps = replace(deps, build=replace(deps.build, runner=SparkModelRunner()))
    run = _workflow(runtime, deps, full)
    if run.nothing_to_do:
        console.print("nothing to build: no input changed since the last build")
        return
    if run.quality:
        console.print(f"results: {run.results_key} (table dq_results, run_id {run.run_id})")
    if run.halted:
        errors.print(
            f"build halted: data quality failed for {', '.join(run.halted_by)}; see `lakeline alerts`"
        )
        sys.exit(3)


@main.command()
@click.option(
    "--bucket", default=None, help="The curated bucket to put in LOCATION (default: a placeholder)."
)
@click.option(
    "--analytics-bucket",
    default=None,
    help="The analytics tables' bucket (default: --bucket, else a placeholder).",
)
@click.option("--check", is_flag=True, help="Only check that sql/ddl/ matches the contracts; exit 1 if not.")
@click.pass_context
@_fail_cleanly
def ddl(ctx: click.Context, bucket: str | None, analytics_bucket: str | None, check: bool) -> None:
    """Write the Athena DDL (Hive syntax) of every lake table into sql/ddl/, from the contracts."""
    from lakeline.athena.ddl import ANALYTICS_PLACEHOLDER, BUCKET_PLACEHOLDER, ddl_files
    from lakeline.core.tables import lake_tables

    runtime = _runtime(ctx)
    out = runtime.settings.project.root / "sql" / "ddl"
    tables = [*lake_tables(runtime.contracts), *runtime.model_tables]
    files = ddl_files(
        tables, bucket or BUCKET_PLACEHOLDER, analytics_bucket or bucket or ANALYTICS_PLACEHOLDER
    )
    stale = sorted(
        name for name, text in files.items() if not (out / name).is_file() or (out / name).read_text() != text
    )
    extra = sorted(p.name for p in out.glob("*.sql") if p.name not in files) if out.is_dir() else []
    if check:
        if stale or extra:
            errors.print(f"sql/ddl is out of date: {', '.join(stale + extra)}; run `lakeline ddl`")
            sys.exit(1)
        console.print(f"sql/ddl matches the contracts ({len(files)} tables)")
        return
    out.mkdir(parents=True, exist_ok=True)
    for name in extra:
        (out / name).unlink()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        console.print(f"wrote {out / name}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
@_fail_cleanly
def status(ctx: click.Context, fmt: str) -> None:
    """Summarize the ledger: objects by status and rows in, kept and quarantined."""
    from lakeline.entrypoints.render import ledger_table, runs_table

    runtime = _runtime(ctx)
    entries = runtime.ledger.entries()
    if fmt == "json":
        console.out(json.dumps([_summary(entries)], indent=2), highlight=False)
        return
    summary = _summary(entries)
    console.print(ledger_table(entries))
    console.print(
        f"{summary['objects']} objects: "
        + ", ".join(f"{n} {s}" for s, n in summary["by_status"].items())
        + f" | rows in {summary['rows_in']:,} = kept {summary['rows_kept']:,}"
        f" + quarantined {summary['rows_quarantined']:,}"
    )
    runs = runtime.build_deps.state.runs(limit=5)
    if runs:
        console.print(runs_table(runs))


def _summary(entries: list[Any]) -> dict[str, Any]:
    by_status: dict[str, int] = {}
    for entry in entries:
        by_status[entry.status.value] = by_status.get(entry.status.value, 0) + 1
    return {
        "objects": len(entries),
        "by_status": by_status,
        "rows_in": sum(e.rows_in for e in entries),
        "rows_kept": sum(e.rows_kept for e in entries),
        "rows_quarantined": sum(e.rows_quarantined for e in entries),
    }


@main.command()
@click.option("--days", type=click.IntRange(min=1, max=31), default=3, show_default=True)
@click.option("--rows-per-day", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--bad-ratio", type=click.FloatRange(0, 1), default=0.02, show_default=True)
@click.pass_context
@_fail_cleanly
def demo(ctx: click.Context, days: int, rows_per_day: int, bad_ratio: float) -> None:
    """Run the whole pipeline locally on generated taxi trips, then query the lake."""
    from lakeline.entrypoints.demo import DemoOptions, run_demo

    given = [f"--{name} {shlex.quote(str(ctx.obj[name]))}" for name in ("project", "lake") if ctx.obj[name]]
    command = " ".join(["lakeline", *given])  # the hints repeat the options this run was given
    options = DemoOptions(days=days, rows_per_day=rows_per_day, bad_ratio=bad_ratio, command=command)
    run_demo(_settings(ctx), options, console)


@main.command("demo-aws")
@click.option("--files", type=click.IntRange(min=1, max=28), default=2, show_default=True)
@click.option("--rows", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.pass_context
@_fail_cleanly
def demo_aws(ctx: click.Context, files: int, rows: int) -> None:
    """Run the AWS path on emulated AWS (moto on 127.0.0.1): S3 -> EventBridge -> SQS -> Lambda handler."""
    try:
        import moto  # noqa: F401
    except ImportError:
        errors.print("error: demo-aws needs moto: pip install 'moto[server]' (make demo-aws installs it)")
        sys.exit(1)
    from lakeline.entrypoints.demo_aws import run_aws_demo

    report = run_aws_demo(_settings(ctx).project.root, files=files, rows=rows, console=console)
    if report.aws_answer != report.local_answer:
        sys.exit(1)
