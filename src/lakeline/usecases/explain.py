"""`query --explain`: what a query would read from the lake and cost on Athena, without running it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from lakeline.athena.pruning import table_reads
from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.core.pricing import ATHENA_MINIMUM_BYTES, athena_query_cost
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import TableSpec, lake_tables, query_schema
from lakeline.ports import ObjectStore


class ColumnSizes(Protocol):
    """Reads Parquet footers: the compressed bytes of some columns in some files."""

    def column_bytes(self, uris: list[str], columns: set[str]) -> int:
        """Compressed bytes of the named columns across the files."""
        ...


@dataclass(frozen=True)
class TableEstimate:
    """What one table reference of the query reads."""

    table: str
    partitions_read: list[str]
    partitions_total: int
    columns: list[str]
    bytes: int


@dataclass(frozen=True)
class Explanation:
    """The whole query: per table, and in total, with Athena's price."""

    tables: list[TableEstimate]

    @property
    def bytes_scanned(self) -> int:
        """Bytes Athena would scan."""
        return sum(t.bytes for t in self.tables)

    @property
    def billed_bytes(self) -> int:
        """Bytes Athena would bill (10 MB minimum)."""
        return max(self.bytes_scanned, ATHENA_MINIMUM_BYTES)

    @property
    def cost_usd(self) -> float:
        """Athena's price for the query."""
        return athena_query_cost(self.bytes_scanned)


def _partition_files(store: ObjectStore, spec: TableSpec, now: datetime) -> dict[str, list[str]]:
    listed = spec.visible_files((obj.key for obj in store.list(spec.prefix)), now)
    return {value: [store.uri(key) for key in keys] for value, keys in listed.items()}


def explain(
    sql: str, contracts: ContractRegistry, store: ObjectStore, sizes: ColumnSizes, now: datetime | None = None
) -> Explanation:
    """Estimate the partitions and bytes a query reads, pruning dt as Athena's projection does.

    Partitions dated after ``now`` (default: the current time) are outside the projection's range,
    so they are neither read nor counted.

    Raises:
        QueryError: If the SQL does not parse.
    """
    now = now or datetime.now(UTC)
    specs = {t.name: t for t in lake_tables(contracts)}
    schema = query_schema(specs.values())
    estimates = []
    for read in table_reads(sql, schema):
        files = _partition_files(store, specs[read.table], now)
        chosen = read.partitions(sorted(files))
        columns = set(read.columns) - {PARTITION_COLUMN}
        uris = [uri for value in chosen for uri in files[value]]
        size = sizes.column_bytes(uris, columns) if uris and columns else 0
        estimates.append(TableEstimate(read.table, chosen, len(files), sorted(columns), size))
    return Explanation(estimates)
