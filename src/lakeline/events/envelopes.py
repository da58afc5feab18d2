"""Unwrap the ways an S3 ``Object Created`` notice can reach us.

A message may be an EventBridge event, a classic S3 notification (``Records``),
either of them inside an SNS notification, and any of these as the body of an
SQS message. Keys in classic S3 notifications are URL-encoded (``+`` for a
space); EventBridge keys are not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lakeline.core.objects import ObjectRef
from lakeline.errors import EventError
from lakeline.events.s3 import object_from_event, object_from_record

OBJECT_CREATED = "Object Created"


@dataclass(frozen=True)
class Notice:
    """What one message says: the objects it announces, or why it announces none."""

    objects: tuple[ObjectRef, ...] = ()
    ignored: str | None = None


def _load(body: Any, where: str) -> Any:
    if isinstance(body, str):
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            raise EventError(f"{where} is not JSON: {exc}") from None
    return body


def read_notice(message: Mapping[str, Any] | str) -> Notice:
    """The objects a message announces.

    Raises:
        EventError: If the message is not JSON or not an event lakeline knows.
    """
    data = _load(message, "message")
    if not isinstance(data, dict):
        raise EventError(f"message is a JSON {type(data).__name__}, not an object")
    if data.get("Type") == "Notification" and "Message" in data:  # SNS
        return read_notice(_load(data["Message"], "SNS Message"))
    if "detail-type" in data:  # EventBridge
        if data.get("source") != "aws.s3" or data["detail-type"] != OBJECT_CREATED:
            return Notice(
                ignored=f"event {data.get('source')}/{data['detail-type']} is not an S3 Object Created"
            )
        return Notice((object_from_event(data),))
    if isinstance(data.get("Records"), list):  # S3 notification
        objects = tuple(
            object_from_record(r)
            for r in data["Records"]
            if isinstance(r, dict) and str(r.get("eventName", "")).startswith("ObjectCreated:")
        )
        return Notice(objects) if objects else Notice(ignored="no ObjectCreated record in the notification")
    if data.get("Event") == "s3:TestEvent":
        return Notice(ignored="S3 test event")
    raise EventError(f"message with keys {sorted(data)[:6]} is not an S3, EventBridge or SNS event")
