"""The lake's tables as data: what the Glue catalog, the Athena DDL and the local engine share.

Each dataset contract yields a curated table and a quarantine table; their
columns, partitioning and Athena partition projection are derived here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from lakeline.core.contracts import Contract
from lakeline.core.objects import Zone, zone_prefix
from lakeline.core.partitioning import (
    PARTITION_COLUMN,
    PARTITIONS_FROM,
    Granularity,
    first_value,
    group_by_partition,
    projected,
)
from lakeline.core.quarantine import QUARANTINE_COLUMNS
from lakeline.core.registry import ContractRegistry
from lakeline.core.workflow import QUALITY_RESULTS_TABLE

QUARANTINE_SUFFIX = "_quarantine"
# Athena partition projection of dt, by granularity: the date format and the step.
_PROJECTION = {
    Granularity.DAY: ("yyyy-MM-dd", "DAYS"),
    Granularity.HOUR: ("yyyy-MM-dd-HH", "HOURS"),
    Granularity.MONTH: ("yyyy-MM", "MONTHS"),
}


@dataclass(frozen=True)
class Column:
    """A column of a table: its name, its Athena (Hive) type and a comment."""

    name: str
    type: str
    comment: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One table of the lake, partitioned by ``dt`` and stored as Parquet under a zone prefix."""

    name: str
    dataset: str
    zone: Zone
    description: str
    columns: tuple[Column, ...]
    granularity: Granularity
    partitions_from: date = PARTITIONS_FROM

    @property
    def prefix(self) -> str:
        """The key prefix of the table's data (ends with '/')."""
        return zone_prefix(self.zone, self.dataset)

    @property
    def column_types(self) -> dict[str, str]:
        """Column -> Athena type as a query sees the table: its columns and the ``dt`` partition."""
        return {c.name: c.type for c in self.columns} | {PARTITION_COLUMN: "string"}

    def location(self, bucket: str) -> str:
        """The table's S3 location in a bucket."""
        return f"s3://{bucket}/{self.prefix}"

    @property
    def catalogued(self) -> bool:
        """Whether the catalog holds each partition's location (analytics builds swap them).

        The other zones use partition projection: Athena computes partitions from ``dt``.
        """
        return self.zone is Zone.ANALYTICS

    def visible(self, value: str, now: datetime) -> bool:
        """Whether Athena shows partition ``value`` of this table at ``now``.

        Catalogued partitions are shown as soon as a build registers them; projected ones only
        within the projection's range (see :func:`lakeline.core.partitioning.projected`).
        """
        return self.catalogued or projected(value, self.granularity, self.partitions_from, now)

    def visible_files(self, keys: Iterable[str], now: datetime) -> dict[str, list[str]]:
        """Partition value -> Parquet keys, of the partitions Athena shows at ``now``.

        Args:
            keys: Keys listed under the table's prefix.
            now: When the query runs.
        """
        groups = group_by_partition(keys, lambda key: key[len(self.prefix) :])
        return {value: files for value, files in groups.items() if self.visible(value, now)}

    def properties(self, bucket: str) -> dict[str, str]:
        """The table's properties: projection of ``dt``, or plain Parquet for catalogued partitions."""
        if self.catalogued:
            return {"classification": "parquet", "parquet.compression": "ZSTD"}
        return self.projection(bucket)

    def projection(self, bucket: str) -> dict[str, str]:
        """Table properties that let Athena compute ``dt`` partitions instead of listing them."""
        fmt, unit = _PROJECTION[self.granularity]
        start = first_value(self.partitions_from, self.granularity)
        return {
            "projection.enabled": "true",
            f"projection.{PARTITION_COLUMN}.type": "date",
            f"projection.{PARTITION_COLUMN}.format": fmt,
            f"projection.{PARTITION_COLUMN}.range": f"{start},NOW",
            f"projection.{PARTITION_COLUMN}.interval": "1",
            f"projection.{PARTITION_COLUMN}.interval.unit": unit,
            "storage.location.template": f"{self.location(bucket)}{PARTITION_COLUMN}=${{{PARTITION_COLUMN}}}",
            "classification": "parquet",
            "parquet.compression": "ZSTD",
        }


def curated_table(contract: Contract) -> TableSpec:
    """The curated table of a dataset: the contract's columns, partitioned by event time."""
    return TableSpec(
        name=contract.name,
        dataset=contract.name,
        zone=Zone.CURATED,
        description=contract.description,
        columns=tuple(Column(c.name, c.type, c.description) for c in contract.columns),
        granularity=contract.partitioning,
        partitions_from=contract.partitions_from,
    )


def quarantine_table(contract: Contract) -> TableSpec:
    """The quarantine table of a dataset: rejected records, partitioned by landing day."""
    return TableSpec(
        name=contract.name + QUARANTINE_SUFFIX,
        dataset=contract.name,
        zone=Zone.QUARANTINE,
        description=f"Records of {contract.name} that broke its contract, with every reason",
        columns=tuple(Column(n, t) for n, t in QUARANTINE_COLUMNS),
        granularity=Granularity.DAY,
    )


QUALITY_RESULT_COLUMNS = (
    Column("run_id", "string", "The workflow run that evaluated the rule"),
    Column("evaluated_at", "timestamp", "When the rule was evaluated (UTC)"),
    Column("table_name", "string", "The dataset or model the rule checked"),
    Column("kind", "string", "dataset or model"),
    Column("partitions", "string", "The dt partitions checked, comma-separated"),
    Column("action", "string", "What a failure does: warn, quarantine or halt"),
    Column("rule", "string", "The rule's DQDL text"),
    Column("outcome", "string", "Passed or Failed"),
    Column("failure_reason", "string", "Why the rule failed (NULL when it passed)"),
    Column("evaluated_metrics", "string", "The rule's metrics as a JSON object, keyed as Glue keys them"),
)


def quality_results_table() -> TableSpec:
    """The table of data-quality results: one row per rule per check, partitioned by evaluation day."""
    return TableSpec(
        name=QUALITY_RESULTS_TABLE,
        dataset=QUALITY_RESULTS_TABLE,
        zone=Zone.QUALITY,
        description="Data-quality results: one row per DQDL rule evaluated by a workflow run",
        columns=QUALITY_RESULT_COLUMNS,
        granularity=Granularity.DAY,
    )


def lake_tables(contracts: ContractRegistry) -> list[TableSpec]:
    """Every table of the lake, in name order."""
    tables = [t for c in contracts for t in (curated_table(c), quarantine_table(c))]
    tables.append(quality_results_table())
    return sorted(tables, key=lambda t: t.name)


def query_schema(tables: Iterable[TableSpec]) -> dict[str, dict[str, str]]:
    """Table -> column -> Athena type, for typing queries over these tables the way Athena does."""
    return {t.name: t.column_types for t in tables}
