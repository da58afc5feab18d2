"""`lakeline demo`: the whole local pipeline on sample data, from one command."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from lakeline.core.objects import Zone, zone_prefix
from lakeline.entrypoints.render import ledger_table, print_workflow, result_table
from lakeline.events.s3 import object_created_event
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.project import init_project
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.landing import announce, land
from lakeline.usecases.process_object import Outcome, ProcessResult
from lakeline.usecases.workflow import run_workflow

DATASET = "taxi_trips"
API_DATASET = "weather_observations"


def sample_file(folder: Path, day: date, rows: int, bad_ratio: float, seed: int) -> Path:
    """One day of sample taxi trips as the TLC names its files; written once, then reused."""
    spec = GeneratorSpec(rows, 1, bad_ratio, seed, day)
    out = folder / f"yellow_tripdata_{day.isoformat()}.csv"
    if not out.exists():
        write_sample(GENERATORS[DATASET](spec), DATASET, spec, out)
    return out


@dataclass(frozen=True)
class DemoOptions:
    """How much sample data the demo makes."""

    days: int = 3
    rows_per_day: int = 20_000
    bad_ratio: float = 0.02
    seed: int = 42
    start: date = date(2024, 1, 1)
    command: str = "lakeline"  # how the hints at the end call lakeline (with the options given)


def run_demo(settings: LocalSettings, options: DemoOptions, console: Console) -> list[ProcessResult]:
    """Generate, land, process and query sample data; print what happened.

    Returns:
        The result of every delivered event, duplicates included.
    """
    created = init_project(settings.project.root) if not settings.project.initialized else []
    if created:
        console.print(f"[dim]initialized the sample project in {settings.project.root}[/dim]")
    runtime = LocalRuntime(settings)
    samples = settings.project.state_dir / "samples"
    files: list[Path] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("generating sample files", total=options.days)
        for day in range(options.days):
            start = options.start + timedelta(days=day)
            seed = options.seed + day
            files.append(sample_file(samples, start, options.rows_per_day, options.bad_ratio, seed))
            progress.advance(task)
        results: list[ProcessResult] = []
        task = progress.add_task("landing and processing through the event bus", total=len(files) + 1)
        first_event = None
        for path in files:
            obj = land(path, DATASET, runtime.contracts, runtime.store)
            event = object_created_event(obj)
            first_event = first_event or event
            results += runtime.bus.put_events([event])
            progress.advance(task)
        assert first_event is not None
        results += runtime.bus.put_events([first_event])  # at-least-once: the same event again
        progress.advance(task)
        if API_DATASET in runtime.contracts:
            results += _pull_sample_api(runtime, console)
    _report(runtime, results, console, options.command)
    return results


def _pull_sample_api(runtime: LocalRuntime, console: Console) -> list[ProcessResult]:
    """Serve sample weather observations on 127.0.0.1 and pull them like any HTTP source."""
    from lakeline import sample_api
    from lakeline.usecases.pull import pull

    with sample_api.serve(sample_api.observations()) as url:
        deps = replace(runtime.pull_deps, environ={**os.environ, "WEATHER_API_URL": url})
        result = pull(runtime.contracts.get(API_DATASET), deps)
    console.print(
        f"pulled {result.records:,} {API_DATASET} records in {result.pages} pages from {url}"
        + (f" ({result.skipped_duplicates} already pulled)" if result.skipped_duplicates else "")
    )
    return announce([result.object], runtime.bus) if result.object is not None else []


def _report(runtime: LocalRuntime, results: list[ProcessResult], console: Console, command: str) -> None:
    processed = [r.entry for r in results if r.outcome is not Outcome.DUPLICATE and r.entry]
    console.print(ledger_table(processed, title="Processed objects"))
    duplicates = [r for r in results if r.outcome is Outcome.DUPLICATE]
    for dup in duplicates:
        console.print(f"duplicate delivery of [bold]{dup.key}[/bold]: already processed, nothing done")
    written = sorted({p for e in processed for p in e.partitions})
    console.print(f"partitions written: {', '.join(f'dt={p}' for p in written)}")
    run = run_workflow(runtime.models, runtime.workflow_deps)
    if run.nothing_to_do:
        console.print("analytics and data quality: up to date, nothing to do")
    else:
        print_workflow(console, run)
    engine = runtime.query_engine()
    try:
        for path in runtime.settings.project.queries():
            result = engine.query(path.read_text(encoding="utf-8"))
            console.print(result_table(result, title=f"{path.name}", limit=10))
    finally:
        engine.close()
    store = runtime.store
    console.print(
        "\n[bold]Where to look next[/bold]\n"
        f"  curated Parquet   {store.uri(zone_prefix(Zone.CURATED, DATASET))}\n"
        f"  quarantined rows  {store.uri(zone_prefix(Zone.QUARANTINE, DATASET))}\n"
        f"  the ledger        {command} status\n"
        f'  analytics         {command} query "SELECT * FROM taxi_hourly_demand ORDER BY dt, pickup_hour"\n'
        f'  your own SQL      {command} query "SELECT dt, count(*) FROM {DATASET} GROUP BY dt"\n'
        f'  why rows failed   {command} query "SELECT reasons, count(*) AS n FROM {DATASET}_quarantine '
        'GROUP BY reasons ORDER BY n DESC"'
    )
