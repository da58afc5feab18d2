"""The state of analytics builds in DynamoDB: items beside the ledger's, under a ``build#`` key."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lakeline.core.ledger import RunRecord

BUILD_PREFIX = "build#"
RUN_PREFIX = "run#"


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

    def record_run(self, run: RunRecord) -> None:
        """Keep the statistics of one build or workflow run (``run#<kind>#<run id>``)."""
        self.client.put_item(
            TableName=self.table,
            Item={
                "object_id": {"S": f"{RUN_PREFIX}{run.kind}#{run.run_id}"},
                "run_id": {"S": run.run_id},
                "kind": {"S": run.kind},
                "started_at": {"S": run.started_at.isoformat()},
                "finished_at": {"S": run.finished_at.isoformat()},
                "stats": {"S": json.dumps(run.stats, sort_keys=True)},
            },
        )

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent runs, newest first (a scan filtered to run items)."""
        found = []
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="begins_with(object_id, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": RUN_PREFIX}},
        )
        for page in pages:
            for item in page.get("Items", []):
                started, finished = (
                    datetime.fromisoformat(item[k]["S"]) for k in ("started_at", "finished_at")
                )
                stats = json.loads(item["stats"]["S"])
                found.append(RunRecord(item["run_id"]["S"], item["kind"]["S"], started, finished, stats))
        return sorted(found, key=lambda r: r.started_at, reverse=True)[:limit]
