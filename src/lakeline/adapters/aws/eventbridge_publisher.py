"""Publish lakeline's own events to an EventBridge bus."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from lakeline.errors import TransientError


class EventPublishError(TransientError):
    """EventBridge did not accept every entry; a retry may."""


def put_events_entry(event: Mapping[str, Any], bus_name: str) -> dict[str, Any]:
    """The PutEvents entry that EventBridge turns back into ``event`` for its rules."""
    return {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Detail": json.dumps(event.get("detail", {})),
        "Resources": list(event.get("resources", [])),
        "EventBusName": bus_name,
    }


class EventBridgePublisher:
    """The EventBus port on EventBridge's PutEvents."""

    def __init__(self, bus_name: str, client: Any) -> None:
        self.bus_name = bus_name
        self.client = client

    def put_events(self, events: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Send entries in batches of 10 (PutEvents' limit); fail if any entry was refused."""
        entries = [put_events_entry(e, self.bus_name) for e in events]
        answers: list[Any] = []
        for start in range(0, len(entries), 10):
            answer = self.client.put_events(Entries=entries[start : start + 10])
            if answer.get("FailedEntryCount"):
                failed = [e for e in answer["Entries"] if "ErrorCode" in e]
                raise EventPublishError(f"EventBridge refused {len(failed)} event(s): {failed[:3]}")
            answers += answer["Entries"]
        return answers
