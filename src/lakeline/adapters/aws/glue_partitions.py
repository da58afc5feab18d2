"""Partitions of catalogued tables in the Glue Data Catalog: each one's location, swapped atomically."""

from __future__ import annotations

from typing import Any


class GluePartitionCatalog:
    """The PartitionCatalog port on Glue: ``UpdatePartition`` moves a partition in one call."""

    def __init__(self, database: str, bucket: str, client: Any) -> None:
        self.database = database
        self.bucket = bucket
        self.client = client

    def _prefix(self, location: str) -> str:
        root = f"s3://{self.bucket}/"
        return location[len(root) :] if location.startswith(root) else location

    def locations(self, table: str) -> dict[str, str]:
        """Partition value -> the key prefix its files live under."""
        found: dict[str, str] = {}
        pages = self.client.get_paginator("get_partitions").paginate(
            DatabaseName=self.database, TableName=table
        )
        for page in pages:
            for partition in page.get("Partitions", []):
                found[partition["Values"][0]] = self._prefix(partition["StorageDescriptor"]["Location"])
        return found

    def point(self, table: str, partition: str, prefix: str) -> None:
        """Point the partition at ``prefix``: update it, or create it the first time."""
        descriptor = dict(
            self.client.get_table(DatabaseName=self.database, Name=table)["Table"]["StorageDescriptor"]
        )
        descriptor["Location"] = f"s3://{self.bucket}/{prefix}"
        entry = {"Values": [partition], "StorageDescriptor": descriptor}
        try:
            self.client.update_partition(
                DatabaseName=self.database,
                TableName=table,
                PartitionValueList=[partition],
                PartitionInput=entry,
            )
        except self.client.exceptions.EntityNotFoundException:
            self.client.create_partition(DatabaseName=self.database, TableName=table, PartitionInput=entry)

    def drop(self, table: str, partition: str) -> None:
        """Delete the partition (its files are retired by the build)."""
        try:
            self.client.delete_partition(
                DatabaseName=self.database, TableName=table, PartitionValues=[partition]
            )
        except self.client.exceptions.EntityNotFoundException:
            return
