"""The local twin of the Glue catalog's partitions: one row per partition and its location."""

from __future__ import annotations

from pathlib import Path

from lakeline.adapters.local.sqlite_statements import SqliteStatements


class SqlitePartitionCatalog(SqliteStatements):
    """Partition locations of catalogued tables, in the local state database."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Path(__file__).with_name("partition_catalog.sql"))

    def locations(self, table: str) -> dict[str, str]:
        """Partition value -> the key prefix its files live under."""
        return dict(self._run("locations", table_name=table))

    def point(self, table: str, partition: str, prefix: str) -> None:
        """Make ``prefix`` the partition's location."""
        self._run("point", table_name=table, partition=partition, location=prefix)

    def drop(self, table: str, partition: str) -> None:
        """Remove a partition."""
        self._run("drop", table_name=table, partition=partition)
