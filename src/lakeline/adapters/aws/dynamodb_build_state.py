"""The state of analytics builds in DynamoDB: items beside the ledger's, under a ``build#`` key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

BUILD_PREFIX = "build#"


class DynamoDbBuildState:
    """One item per built model partition: ``build#<model>#<partition>`` -> its input fingerprint."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    def fingerprints(self, model: str) -> dict[str, str]:
        """Partition -> fingerprint of its last build (a scan filtered to the model's items)."""
        found: dict[str, str] = {}
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="begins_with(object_id, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": f"{BUILD_PREFIX}{model}#"}},
        )
        for page in pages:
            for item in page.get("Items", []):
                found[item["partition"]["S"]] = item["fingerprint"]["S"]
        return found

    def record(self, model: str, partition: str, fingerprint: str, rows: int, built_at: datetime) -> None:
        """Remember one built partition."""
        self.client.put_item(
            TableName=self.table,
            Item={
                "object_id": {"S": f"{BUILD_PREFIX}{model}#{partition}"},
                "model": {"S": model},
                "partition": {"S": partition},
                "fingerprint": {"S": fingerprint},
                "rows": {"N": str(rows)},
                "built_at": {"S": built_at.isoformat()},
            },
        )

    def forget(self, model: str, partition: str) -> None:
        """Forget a partition whose inputs are gone."""
        self.client.delete_item(
            TableName=self.table, Key={"object_id": {"S": f"{BUILD_PREFIX}{model}#{partition}"}}
        )
