"""S3 events: build them in AWS's shape, and read the object they name."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from lakeline.core.objects import ObjectRef
from lakeline.errors import EventError


def object_created_event(
    obj: ObjectRef,
    region: str = "us-east-1",
    account: str = "000000000000",
    reason: str = "PutObject",
    sequencer: str | None = None,
) -> dict[str, Any]:
    """An EventBridge ``Object Created`` event for an object, exactly as S3 sends it."""
    when = (obj.last_modified or datetime.now(UTC)).astimezone(UTC)
    detail_object: dict[str, Any] = {
        "key": obj.key,
        "size": obj.size,
        "etag": obj.etag,
        "sequencer": sequencer or f"{int(when.timestamp() * 1e6):018X}",
    }
    if obj.version_id:
        detail_object["version-id"] = obj.version_id
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": account,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:s3:::{obj.bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": obj.bucket},
            "object": detail_object,
            "request-id": uuid.uuid4().hex[:16].upper(),
            "requester": account,
            "source-ip-address": "127.0.0.1",
            "reason": reason,
        },
    }


def object_from_event(event: Mapping[str, Any]) -> ObjectRef:
    """The object an EventBridge ``Object Created`` event names.

    Accepts AWS's shape and moto's (``eTag`` instead of ``etag``).

    Raises:
        EventError: If the event does not name a bucket and a key.
    """
    detail = event.get("detail")
    try:
        bucket = detail["bucket"]["name"]  # type: ignore[index]
        obj = detail["object"]  # type: ignore[index]
        key = obj["key"]
    except (KeyError, TypeError):
        raise EventError(
            f"event {event.get('id', '?')} ({event.get('detail-type', '?')}) does not name "
            "detail.bucket.name and detail.object.key"
        ) from None
    if not isinstance(bucket, str) or not isinstance(key, str) or not bucket or not key:
        raise EventError(
            f"event {event.get('id', '?')}: detail.bucket.name and detail.object.key must be non-empty "
            f"strings, not {bucket!r} and {key!r}"
        )
    return ObjectRef(
        bucket=str(bucket),
        key=str(key),
        size=int(obj.get("size", 0)),
        etag=str(obj.get("etag") or obj.get("eTag") or ""),
        version_id=obj.get("version-id"),
    )


def object_from_record(record: Mapping[str, Any]) -> ObjectRef:
    """The object a classic S3 notification record names (its key is URL-encoded)."""
    try:
        s3 = record["s3"]
        return ObjectRef(
            bucket=s3["bucket"]["name"],
            key=unquote_plus(s3["object"]["key"]),
            size=int(s3["object"].get("size", 0)),
            etag=str(s3["object"].get("eTag", "")),
            version_id=s3["object"].get("versionId"),
        )
    except (KeyError, TypeError):
        raise EventError("S3 notification record does not name s3.bucket.name and s3.object.key") from None
