"""The monthly AWS cost of a workload on lakeline, against a naive design of the same workload.

Every line states its assumption. Prices are public us-east-1 list prices (``PRICES_AS_OF``);
sizes and speeds are lakeline's own measurements (docs/benchmarks.md). The naive design keeps
CSV in S3 Standard, runs a Glue crawler every hour and lets Athena scan the raw CSV.
"""

from __future__ import annotations

from dataclasses import dataclass

from lakeline.core.pricing import ATHENA_USD_PER_TB, PRICES_AS_OF, TB

DAYS = 30.4  # days in an average month
GB = 1024**3

# Public list prices, us-east-1, as of PRICES_AS_OF.
S3_STANDARD_GB_MONTH = 0.023
S3_INTELLIGENT_TIERING_ARCHIVE_GB_MONTH = 0.004  # Archive Instant Access tier, after 90 days idle
S3_GLACIER_FLEXIBLE_GB_MONTH = 0.0036
S3_PUT_PER_1000 = 0.005
S3_GET_PER_1000 = 0.0004
LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_PER_MILLION_REQUESTS = 0.20
SQS_PER_MILLION = 0.40
EVENTBRIDGE_CUSTOM_PER_MILLION = 1.00  # lakeline's own events; S3's events to the default bus are free
DYNAMODB_PER_MILLION_WRITES = 0.625
DYNAMODB_PER_MILLION_READS = 0.125
GLUE_DPU_HOUR = 0.44
GLUE_FLEX_DPU_HOUR = 0.29
GLUE_CRAWLER_MINIMUM_HOURS = 10 / 60  # each crawler run bills at least 10 minutes
STEP_FUNCTIONS_PER_1000_TRANSITIONS = 0.025
CLOUDWATCH_LOGS_PER_GB = 0.50
CLOUDWATCH_METRIC_MONTH = 0.30
CLOUDWATCH_ALARM_MONTH = 0.10
CLOUDWATCH_DASHBOARD_MONTH = 3.00
KMS_KEY_MONTH = 1.00

# lakeline's measurements (docs/benchmarks.md).
PARQUET_RATIO = 0.17  # zstd Parquet bytes per CSV byte (taxi trips)
LAMBDA_MB_PER_SECOND = 40.0  # processing throughput of one vCPU (79-83 MB/s measured on 2 cores)


@dataclass(frozen=True)
class Workload:
    """What lands and what is asked, per day."""

    gb_per_day: float = 10.0
    files_per_day: int = 100
    queries_per_day: int = 200
    retention_days: int = 365
    days_per_query: int = 7  # a typical query reads a week of partitions
    column_share: float = 0.3  # and about a third of the columns


@dataclass(frozen=True)
class Deployment:
    """The parts of an environment's configuration that cost money."""

    lambda_memory_mb: int = 1769
    glue_workers: int = 2
    glue_flex: bool = True
    workflow_runs_per_day: int = 4
    glue_minutes_per_run: float = 3.0
    quality_tables: int = 2
    quality_minutes_per_run: float = 2.0
    raw_archive: str = "INTELLIGENT_TIERING"  # or GLACIER
    datasets: int = 2
    alarms: int = 12
    max_object_gb: float = 1.0  # larger objects go to the large-object Glue job
    lambda_timeout_minutes: int = 5
    athena_cutoff_gb: float = 1.0  # the workgroup cancels a query that would scan more


@dataclass(frozen=True)
class Line:
    """One service's monthly cost and how it was estimated."""

    service: str
    usd_per_month: float
    assumption: str


def _stored_gb(workload: Workload, ratio: float = 1.0) -> float:
    """GB held at steady state: every day's data for the retention period."""
    return workload.gb_per_day * ratio * workload.retention_days


def _scanned_per_query(workload: Workload) -> float:
    """Bytes a typical query reads: its days of partitions, its share of the columns."""
    w = workload
    return w.gb_per_day * PARQUET_RATIO * w.days_per_query * w.column_share * GB


def estimate(workload: Workload, deployment: Deployment) -> list[Line]:
    """The monthly cost of the workload on lakeline, one line per service."""
    w, d = workload, deployment
    files_month = w.files_per_day * DAYS
    raw_gb = _stored_gb(w)
    recent_gb = min(raw_gb, w.gb_per_day * 90)
    archive_price = (
        S3_GLACIER_FLEXIBLE_GB_MONTH
        if d.raw_archive == "GLACIER"
        else S3_INTELLIGENT_TIERING_ARCHIVE_GB_MONTH
    )
    raw = recent_gb * S3_STANDARD_GB_MONTH + (raw_gb - recent_gb) * archive_price
    curated_gb = _stored_gb(w, PARQUET_RATIO)
    requests = files_month * (3 * S3_PUT_PER_1000 + 4 * S3_GET_PER_1000) / 1000
    seconds_per_file = (w.gb_per_day * 1024 / w.files_per_day) / LAMBDA_MB_PER_SECOND + 1.0
    lambda_cost = (
        files_month * seconds_per_file * d.lambda_memory_mb / 1024 * LAMBDA_ARM_GB_SECOND
        + files_month / 1e6 * LAMBDA_PER_MILLION_REQUESTS
    )
    glue_price = GLUE_FLEX_DPU_HOUR if d.glue_flex else GLUE_DPU_HOUR
    runs_month = d.workflow_runs_per_day * DAYS
    glue = runs_month * d.glue_workers * max(d.glue_minutes_per_run, 1) / 60 * glue_price
    quality = runs_month * d.quality_tables * 2 * max(d.quality_minutes_per_run, 1) / 60 * GLUE_DPU_HOUR
    athena = w.queries_per_day * DAYS * max(_scanned_per_query(w), 10 * 1024**2) / TB * ATHENA_USD_PER_TB
    monitoring = (
        d.datasets * 15 * CLOUDWATCH_METRIC_MONTH
        + d.alarms * CLOUDWATCH_ALARM_MONTH
        + CLOUDWATCH_DASHBOARD_MONTH
        + files_month * 2 / 1024**2 * CLOUDWATCH_LOGS_PER_GB
    )
    return [
        Line(
            "S3 raw",
            raw,
            f"{raw_gb:,.0f} GB kept {w.retention_days} days: 90 days in Standard, then "
            f"{d.raw_archive.replace('_', '-').lower()} ({archive_price}/GB-month)",
        ),
        Line(
            "S3 curated and analytics",
            curated_gb * S3_STANDARD_GB_MONTH + requests,
            f"{curated_gb:,.0f} GB of zstd Parquet ({PARQUET_RATIO:.0%} of CSV, measured), plus requests",
        ),
        Line(
            "Lambda (arm64)",
            lambda_cost,
            f"{files_month:,.0f} files/month at {LAMBDA_MB_PER_SECOND:g} MB/s, {d.lambda_memory_mb} MB",
        ),
        Line(
            "SQS, EventBridge",
            files_month * 3 / 1e6 * SQS_PER_MILLION + files_month / 1e6 * EVENTBRIDGE_CUSTOM_PER_MILLION,
            "3 SQS requests and one Partition Updated event per file; S3's events are free",
        ),
        Line(
            "DynamoDB (on demand)",
            files_month * (4 * DYNAMODB_PER_MILLION_WRITES + 4 * DYNAMODB_PER_MILLION_READS) / 1e6,
            "about 4 writes and 4 reads per file (lease, finish, build state)",
        ),
        Line(
            "Glue ETL",
            glue,
            f"{d.workflow_runs_per_day} runs/day x {d.glue_workers} DPU x {d.glue_minutes_per_run:g} min, "
            f"{'Flex' if d.glue_flex else 'standard'} at {glue_price}/DPU-hour "
            "(upper bound: a run with nothing new ends at its Plan step)",
        ),
        Line(
            "Glue Data Quality",
            quality,
            f"{d.quality_tables} tables x 2 DPU x {d.quality_minutes_per_run:g} min "
            f"per run, only when their partitions changed (upper bound)",
        ),
        Line(
            "Step Functions",
            runs_month * 15 / 1000 * STEP_FUNCTIONS_PER_1000_TRANSITIONS,
            "about 15 state transitions per run",
        ),
        Line(
            "Athena",
            athena,
            f"{w.queries_per_day} queries/day, each reading {w.days_per_query} days of "
            f"partitions and {w.column_share:.0%} of the columns (projection prunes by dt)",
        ),
        Line(
            "CloudWatch",
            monitoring,
            f"{d.datasets * 15} custom metrics, {d.alarms} alarms, 1 dashboard, 2 KB of logs per file",
        ),
        Line(
            "KMS",
            KMS_KEY_MONTH + files_month * 4 / 10_000 * 0.03,
            "one key; S3 bucket keys keep requests to a few per file",
        ),
    ]


def naive(workload: Workload) -> list[Line]:
    """The same workload the common way: CSV in S3 Standard, an hourly crawler, Athena over raw CSV."""
    w = workload
    raw_gb = _stored_gb(w)
    files_month = w.files_per_day * DAYS
    crawler = 24 * DAYS * 2 * GLUE_CRAWLER_MINIMUM_HOURS * GLUE_DPU_HOUR
    scanned = raw_gb * GB  # no partitions and no columns: every query reads all the CSV
    athena = w.queries_per_day * DAYS * scanned / TB * ATHENA_USD_PER_TB
    return [
        Line(
            "S3 (CSV, Standard)",
            raw_gb * S3_STANDARD_GB_MONTH + files_month * S3_PUT_PER_1000 / 1000,
            f"{raw_gb:,.0f} GB of CSV kept {w.retention_days} days in Standard",
        ),
        Line("Glue crawler (hourly)", crawler, "24 runs/day x 2 DPU x the 10-minute minimum"),
        Line(
            "Athena over raw CSV",
            athena,
            f"{w.queries_per_day} queries/day, each scanning all {raw_gb:,.0f} GB",
        ),
    ]


def beyond_the_design(workload: Workload, deployment: Deployment) -> list[str]:
    """Where the workload leaves what the estimate assumes, each as a sentence for the reader."""
    w, d = workload, deployment
    found = []
    file_gb = w.gb_per_day / w.files_per_day
    if file_gb > d.max_object_gb:
        found.append(
            f"an average file of {file_gb:,.1f} GB is above the {d.max_object_gb:g} GB that the Lambda "
            "function processes: such files go to the large-object Glue job, one run each (2 DPU), "
            "which this estimate prices as Lambda time (see docs/aws.md)"
        )
    scanned_gb = _scanned_per_query(w) / GB
    if scanned_gb > d.athena_cutoff_gb:
        found.append(
            f"a typical query scans {scanned_gb:,.1f} GB, above the workgroup's {d.athena_cutoff_gb:g} GB "
            "cut-off: Athena would cancel it, so the Athena line prices queries that would not run"
        )
    return found


def total(lines: list[Line]) -> float:
    """The sum of the lines."""
    return sum(line.usd_per_month for line in lines)


__all__ = [
    "DEPLOYMENTS", "PRICES_AS_OF", "Deployment", "Line", "Workload", "beyond_the_design", "estimate", "naive",
    "total",
]  # fmt: skip


# The sizing of each environment: the CDK app's configuration reads these, and `lakeline cost` prices them.
DEPLOYMENTS: dict[str, Deployment] = {
    "dev": Deployment(lambda_memory_mb=1769, glue_workers=2, glue_flex=True, workflow_runs_per_day=4,
                      raw_archive="INTELLIGENT_TIERING", max_object_gb=1, lambda_timeout_minutes=5,
                      athena_cutoff_gb=1),
    "prod": Deployment(lambda_memory_mb=3008, glue_workers=10, glue_flex=False, workflow_runs_per_day=24,
                       raw_archive="GLACIER", max_object_gb=2, lambda_timeout_minutes=10,
                       athena_cutoff_gb=100),
}  # fmt: skip
