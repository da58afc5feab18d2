"""The ledger in DynamoDB: one item per object, a conditional write for the lease."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lakeline.adapters.aws.ledger_table import (
    COLLECTION,
    KEY,
    OBJECTS,
    SORT,
    collection_item,
    query_collection,
)
from lakeline.core.ledger import FINAL, FINAL_AFTER_HANDOFF, LedgerEntry, Status
from lakeline.core.objects import ObjectRef
from lakeline.errors import TerminalError, TransientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_TIMES = ("started_at", "finished_at", "lease_expires_at")
_THROTTLED = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
              "InternalServerError", "TransactionConflictException"}  # fmt: skip


# Build state, cursors and pull history live in the same table under these key prefixes.
class LedgerUnavailableError(TransientError):
    """DynamoDB throttled or failed; a retry may succeed."""


class LedgerError(TerminalError):
    """DynamoDB refused the request (no such table, access denied)."""


def _translate(exc: Exception, what: str) -> Exception:
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        kind = LedgerUnavailableError if code in _THROTTLED else LedgerError
        return kind(f"DynamoDB {code} on {what}: {exc}")
    if isinstance(exc, BotoCoreError):
        return LedgerUnavailableError(f"DynamoDB connection failed on {what}: {exc}")
    return exc


class DynamoDbLedger:
    """A ledger table keyed by ``object_id`` (``bucket/key``)."""

    def __init__(self, table: str, client: DynamoDBClient) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.table = table
        self.client = client
        self._out = TypeSerializer()
        self._in = TypeDeserializer()

    def _item(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: self._out.serialize(v) for k, v in values.items() if v is not None}

    def get(self, object_id: str) -> LedgerEntry | None:
        """The entry of an object, read consistently."""
        try:
            found = self.client.get_item(
                TableName=self.table, Key={KEY: {"S": object_id}}, ConsistentRead=True
            )
        except Exception as exc:
            raise _translate(exc, f"get {object_id}") from exc
        return self._entry(found["Item"]) if "Item" in found else None

    def acquire(
        self,
        obj: ObjectRef,
        dataset: str,
        owner: str,
        now: datetime,
        ttl_seconds: int,
        takes_over_handoffs: bool = False,
    ) -> bool:
        """Take the lease unless another unexpired lease holds it: one conditional write decides."""
        from botocore.exceptions import ClientError

        sets = {
            "bucket": obj.bucket, "key": obj.key, "dataset": dataset, "version": obj.version,
            "status": Status.PROCESSING.value, "size": obj.size, "started_at": now.isoformat(),
            "lease_owner": owner, "lease_expires_at": (now + timedelta(seconds=ttl_seconds)).isoformat(),
            COLLECTION: OBJECTS + dataset, SORT: now.isoformat(),
        }  # fmt: skip
        # Every attribute goes through a #name: DynamoDB reserves words such as size and bucket.
        names = {f"#{k}": k for k in [*sets, "attempts", "finished_at", "error", KEY]}
        values = {f":{k}": v for k, v in sets.items()} | {":now": now.isoformat(), ":one": 1, ":zero": 0}
        finished = FINAL_AFTER_HANDOFF if takes_over_handoffs else FINAL
        done = {f":done{i}": s.value for i, s in enumerate(finished)}
        values |= done
        assignments = ", ".join(f"#{k} = :{k}" for k in sets)
        try:
            self.client.update_item(
                TableName=self.table,
                Key={KEY: {"S": obj.object_id}},
                UpdateExpression=(
                    f"SET {assignments}, #attempts = if_not_exists(#attempts, :zero) + :one "
                    "REMOVE #finished_at, #error"
                ),
                # Free (no live lease), and not already done for this very version.
                ConditionExpression=(
                    "attribute_not_exists(#object_id) OR ((#status <> :status OR #lease_expires_at < :now) "
                    f"AND NOT (#version = :version AND #status IN ({', '.join(done)})))"
                ),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=self._item(values),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise _translate(exc, f"lease {obj.object_id}") from exc
        except Exception as exc:
            raise _translate(exc, f"lease {obj.object_id}") from exc
        return True

    def finish(self, entry: LedgerEntry) -> None:
        """Write the attempt's outcome and release the lease."""
        values: dict[str, Any] = {f.name: getattr(entry, f.name) for f in fields(entry)}
        values["status"] = entry.status.value
        for name in _TIMES:
            values[name] = values[name].isoformat() if values[name] else None
        values["lease_owner"] = values["lease_expires_at"] = None
        item = self._item(values) | collection_item(OBJECTS + entry.dataset, values["started_at"] or "")
        try:
            self.client.put_item(TableName=self.table, Item=item)
        except Exception as exc:
            raise _translate(exc, f"finish {entry.object_id}") from exc

    def entries(self, dataset: str | None = None, status: Status | None = None) -> list[LedgerEntry]:
        """The entries of one dataset (a Query on the index), or of all (a scan), newest first."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        conditions = []
        if status is not None:
            conditions.append("#status = :status")
            names["#status"], values[":status"] = "status", {"S": status.value}
        filtered: dict[str, Any] = {}
        if conditions:
            filtered = {
                "FilterExpression": " AND ".join(conditions),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        try:
            if dataset is not None:
                items = query_collection(
                    self.client, self.table, OBJECTS + dataset, newest_first=True, **filtered
                )
            else:
                items = self._scan(conditions, names, values)
        except Exception as exc:
            raise _translate(exc, f"read the entries of {dataset or 'every dataset'}") from exc
        found = [self._entry(item) for item in items]
        return sorted(found, key=lambda e: (e.started_at is not None, e.started_at), reverse=True)

    def _scan(
        self, conditions: list[str], names: dict[str, str], values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # Only ledger items have a bucket: build state and cursors share the table but not the shape.
        scan: dict[str, Any] = {
            "TableName": self.table,
            "FilterExpression": " AND ".join(["attribute_exists(#bucket)", *conditions]),
            "ExpressionAttributeNames": {"#bucket": "bucket", **names},
        }
        if values:
            scan["ExpressionAttributeValues"] = values
        return [item for page in self.client.get_paginator("scan").paginate(**scan) for item in page["Items"]]

    def _entry(self, item: dict[str, Any]) -> LedgerEntry:
        values = {k: self._in.deserialize(v) for k, v in item.items()}
        known = {f.name for f in fields(LedgerEntry)}
        values = {k: v for k, v in values.items() if k in known}
        for name in ("size", "rows_in", "rows_kept", "rows_quarantined", "attempts"):
            values[name] = int(values.get(name, 0))
        for name in _TIMES:
            values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
        for name in ("partitions", "outputs", "warnings"):
            values[name] = list(values.get(name, []))
        values["status"] = Status(values["status"])
        return LedgerEntry(**values)
