"""`lakeline demo-aws`: the AWS path end to end on emulated AWS (moto's server on 127.0.0.1)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from lakeline.entrypoints.demo import DATASET, sample_file
from lakeline.entrypoints.render import ledger_table
from lakeline.generate import GeneratorSpec
from lakeline.project import Project, init_project
from lakeline.runtime.settings import LocalSettings

CHECK_QUERY = (
    "SELECT dt, count(*) AS trips, sum(total_amount) AS revenue FROM taxi_trips GROUP BY dt ORDER BY dt"
)


@dataclass
class AwsDemoReport:
    """What the AWS path produced, checked against local mode."""

    curated_keys: list[str] = field(default_factory=list)
    ledger: list[Any] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    aws_answer: list[tuple[Any, ...]] = field(default_factory=list)
    local_answer: list[tuple[Any, ...]] = field(default_factory=list)
    batches: list[dict[str, Any]] = field(default_factory=list)


def _emf_totals(output: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in output.splitlines():
        try:
            doc = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(doc, dict) or "_aws" not in doc:
            continue
        for directive in doc["_aws"].get("CloudWatchMetrics", []):
            for metric in directive.get("Metrics", []):
                value = doc.get(metric["Name"])
                values = value if isinstance(value, list) else [value]  # EMF allows a list of values
                numbers = [v for v in values if isinstance(v, int | float)]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(numbers)
    return totals


def run_aws_demo(
    project_root: Path, files: int = 2, rows: int = 5000, console: Console | None = None
) -> AwsDemoReport:
    """Provision emulated AWS, upload sample files, deliver their events to the handler, check everything."""
    from lakeline.adapters.aws.dynamodb_ledger import DynamoDbLedger
    from lakeline.emulated.aws import Stack, client, environment, moto_server, poll, provision
    from lakeline.entrypoints import aws_lambda
    from lakeline.entrypoints.aws_lambda import process_object
    from lakeline.runtime.local import LocalRuntime
    from lakeline.usecases.landing import announce, land, raw_key

    if not Project(project_root).initialized:
        init_project(project_root)
    report = AwsDemoReport()
    samples = Path(tempfile.mkdtemp(prefix="lakeline-aws-demo-"))
    paths = []
    first = GeneratorSpec(1).start.replace(day=1)
    for n in range(files):
        paths.append(sample_file(samples, first + timedelta(days=n), rows, 0.02, 100 + n))

    with moto_server() as endpoint:
        stack = Stack(endpoint)
        urls = provision(stack)
        settings = stack.environment(urls) | {"LAKELINE_PROJECT": str(project_root)}
        with environment(settings):
            aws_lambda.runtime.cache_clear()
            s3 = client(stack, "s3")
            for path in paths:
                s3.upload_file(str(path), stack.bucket, raw_key(DATASET, path.name))
            emf = io.StringIO()
            with contextlib.redirect_stdout(emf):
                report.batches = poll(stack, urls[stack.queue], process_object.handler)
            report.metrics = _emf_totals(emf.getvalue())
            listing = s3.list_objects_v2(Bucket=stack.bucket, Prefix="curated/")
            report.curated_keys = [o["Key"] for o in listing.get("Contents", [])]
            report.ledger = DynamoDbLedger(stack.ledger_table, client(stack, "dynamodb")).entries()
            env = {"LAKELINE_AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1"}
            aws_side = LocalRuntime(LocalSettings.load(project_root, f"s3://{stack.bucket}", env=env))
            report.aws_answer = aws_side.query_engine().query(CHECK_QUERY).rows
        aws_lambda.runtime.cache_clear()  # its clients point at the server that is about to stop

    local = LocalRuntime(LocalSettings.load(project_root, samples / "lake", env={}))
    announce([land(p, DATASET, local.contracts, local.store) for p in paths], local.bus)
    report.local_answer = local.query_engine().query(CHECK_QUERY).rows
    if console is not None:
        _print(report, console)
    return report


def _print(report: AwsDemoReport, console: Console) -> None:
    console.print(ledger_table(report.ledger, title="Ledger (DynamoDB)"))
    console.print(
        f"curated Parquet in S3: {len(report.curated_keys)} objects, e.g. {report.curated_keys[:1]}"
    )
    shown = ", ".join(f"{k}={v:,.0f}" for k, v in sorted(report.metrics.items()))
    console.print(f"metrics emitted (EMF): {shown}")
    console.print(f"query on S3 through DuckDB httpfs: {report.aws_answer}")
    same = report.aws_answer == report.local_answer
    console.print(f"same answers as local mode: {'[green]yes[/green]' if same else '[red]NO[/red]'}")
