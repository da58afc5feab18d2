"""Cursors of pulled datasets, and their pull history, as items beside the ledger's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from lakeline.adapters.aws.ledger_table import KEY
from lakeline.ports import CursorState

CURSOR_PREFIX = "cursor#"
PULL_PREFIX = "pull#"


class DynamoDbCursorStore:
    """``cursor#<dataset>`` holds the committed cursor; ``pull#<dataset>#<time>`` one pull each."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    def get(self, dataset: str) -> CursorState | None:
        """The committed cursor, read consistently."""
        found = self.client.get_item(
            TableName=self.table, Key={KEY: {"S": CURSOR_PREFIX + dataset}}, ConsistentRead=True
        )
        item = found.get("Item")
        if not item:
            return None
        return CursorState(item["value"]["S"], tuple(json.loads(item["boundary_keys"]["S"])))

    def commit(self, dataset: str, state: CursorState) -> None:
        """Move the cursor."""
        self.client.put_item(
            TableName=self.table,
            Item={
                KEY: {"S": CURSOR_PREFIX + dataset},
                "value": {"S": state.value},
                "boundary_keys": {"S": json.dumps(list(state.boundary_keys))},
                "committed_at": {"S": datetime.now(UTC).isoformat()},
            },
        )

    def record_run(self, dataset: str, status: str, pages: int, records: int, detail: str) -> None:
        """Remember one pull."""
        at = datetime.now(UTC).isoformat()
        self.client.put_item(
            TableName=self.table,
            Item={
                KEY: {"S": f"{PULL_PREFIX}{dataset}#{at}"},
                "status": {"S": status},
                "pages": {"N": str(pages)},
                "records": {"N": str(records)},
                "detail": {"S": detail or "-"},
            },
        )
