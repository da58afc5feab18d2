"""The state of analytics builds in DynamoDB: items beside the ledger's, under a ``build#`` key."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lakeline.adapters.aws.ledger_table import BUILDS, KEY, RUNS, collection_item, query_collection
from lakeline.core.ledger import RunRecord


class DynamoDbBuildState:
    """One item per built model partition: ``build#<model>#<partition>`` -> its input fingerprint."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    def fingerprints(self, model: str) -> dict[str, str]:
        """Partition -> fingerprint of its last build (a Query of the model's collection)."""
        items = query_collection(self.client, self.table, BUILDS + model)
        return {item["partition"]["S"]: item["fingerprint"]["S"] for item in items}

    def record(self, model: str, partition: str, fingerprint: str, rows: int, built_at: datetime) -> None:
        """Remember one built partition."""
        self.client.put_item(
            TableName=self.table,
            Item={
                KEY: {"S": f"{BUILDS}{model}#{partition}"},
                **collection_item(BUILDS + model, partition),
                "model": {"S": model},
                "partition": {"S": partition},
                "fingerprint": {"S": fingerprint},
                "rows": {"N": str(rows)},
                "built_at": {"S": built_at.isoformat()},
            },
        )

    def forget(self, model: str, partition: str) -> None:
        """Forget a partition whose inputs are gone."""
        self.client.delete_item(TableName=self.table, Key={KEY: {"S": f"{BUILDS}{model}#{partition}"}})

    def record_run(self, run: RunRecord) -> None:
        """Keep the statistics of one build or workflow run (``run#<kind>#<run id>``)."""
        self.client.put_item(
            TableName=self.table,
            Item={
                KEY: {"S": f"{RUNS}{run.kind}#{run.run_id}"},
                **collection_item(RUNS, run.started_at.isoformat()),
                "run_id": {"S": run.run_id},
                "kind": {"S": run.kind},
                "started_at": {"S": run.started_at.isoformat()},
                "finished_at": {"S": run.finished_at.isoformat()},
                "stats": {"S": json.dumps(run.stats, sort_keys=True)},
            },
        )

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent runs, newest first (a Query of the runs' collection, newest first)."""
        items = query_collection(
            self.client, self.table, RUNS, newest_first=True, PaginationConfig={"MaxItems": limit}
        )
        found = []
        for item in items:
            started, finished = (datetime.fromisoformat(item[k]["S"]) for k in ("started_at", "finished_at"))
            stats = json.loads(item["stats"]["S"])
            found.append(RunRecord(item["run_id"]["S"], item["kind"]["S"], started, finished, stats))
        return sorted(found, key=lambda r: r.started_at, reverse=True)[:limit]
