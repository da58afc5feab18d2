"""The process_object entry point, driven by recorded AWS events (tests/events/)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lakeline.core.ledger import Status
from lakeline.core.objects import ObjectRef
from lakeline.entrypoints.object_events import dispatch
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.process_object import Outcome, process_object

EVENTS = Path(__file__).resolve().parents[1] / "events"


class FakeDeadLetters:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, body: str, reason: str) -> None:
        self.sent.append((body, reason))


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data


def land_sample(runtime: LocalRuntime, key: str, tmp_path: Path, rows: int = 50) -> None:
    spec = GeneratorSpec(rows, 1, 0.0, 3)
    source = tmp_path / "sample.csv"
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, source)
    runtime.store.put_file(key, source)


CASES = [
    ("eventbridge_object_created.json", "raw/taxi_trips/trips 2024-01-01.csv"),
    ("eventbridge_object_created_moto.json", "raw/taxi_trips/trips 2024-01-01.csv"),
    ("s3_notification_put_encoded_key.json", "raw/taxi_trips/trips été (2).csv"),
    ("s3_notification_multipart_upload.json", "raw/taxi_trips/big upload.csv"),
    ("sqs_eventbridge_object_created.json", "raw/taxi_trips/trips 2024-01-01.csv"),
    ("sqs_sns_s3_notification.json", "raw/taxi_trips/trips été (2).csv"),
]


@pytest.mark.parametrize(("event_file", "key"), CASES, ids=[c[0].removesuffix(".json") for c in CASES])
def test_recorded_events_process_the_object_they_name(
    runtime: LocalRuntime, tmp_path: Path, event_file: str, key: str
) -> None:
    land_sample(runtime, key, tmp_path)

    answer = dispatch(recorded(event_file), runtime.deps, FakeDeadLetters())

    entry = runtime.ledger.get(f"lakeline-local/{key}")
    assert entry is not None and entry.status is Status.PROCESSED and entry.rows_kept == 50
    if event_file.startswith("sqs_"):
        assert answer == {"batchItemFailures": []}
    else:
        assert answer["results"][0]["outcome"] == "processed"


def test_a_bad_message_does_not_fail_the_batch(runtime: LocalRuntime, tmp_path: Path) -> None:
    land_sample(runtime, "raw/taxi_trips/trips 2024-01-01.csv", tmp_path)
    dead = FakeDeadLetters()

    answer = dispatch(recorded("sqs_mixed_batch.json"), runtime.deps, dead)

    assert answer == {"batchItemFailures": []}  # the garbage message is dead-lettered, not retried
    assert len(dead.sent) == 1
    assert dead.sent[0][0] == "this is not json"
    assert dead.sent[0][1].startswith("EventError: message is not JSON")
    assert runtime.ledger.get("lakeline-local/raw/taxi_trips/trips 2024-01-01.csv") is not None


def test_a_dead_letter_that_cannot_be_sent_fails_only_its_own_message(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    class Unreachable:
        def send(self, body: str, reason: str) -> None:
            raise RuntimeError("QueueDoesNotExist")

    land_sample(runtime, "raw/taxi_trips/trips 2024-01-01.csv", tmp_path)
    batch = recorded("sqs_mixed_batch.json")
    garbage = next(r["messageId"] for r in batch["Records"] if r["body"] == "this is not json")

    answer = dispatch(batch, runtime.deps, Unreachable())

    assert answer == {"batchItemFailures": [{"itemIdentifier": garbage}]}  # SQS keeps it; it ends in the DLQ
    entry = runtime.ledger.get("lakeline-local/raw/taxi_trips/trips 2024-01-01.csv")
    assert entry is not None and entry.status is Status.PROCESSED  # the valid message went on


def test_an_object_created_event_with_a_null_key_is_dead_lettered(runtime: LocalRuntime) -> None:
    body = {
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"bucket": {"name": "b"}, "object": {"key": None}},
    }
    batch = {"Records": [{"messageId": "m1", "eventSource": "aws:sqs", "body": json.dumps(body)}]}
    dead = FakeDeadLetters()

    answer = dispatch(batch, runtime.deps, dead)

    assert answer == {"batchItemFailures": []}
    assert dead.sent[0][1].startswith("EventError: ") and "not 'b' and None" in dead.sent[0][1]


def test_a_missing_object_is_terminal_and_dead_lettered(runtime: LocalRuntime) -> None:
    dead = FakeDeadLetters()

    answer = dispatch(recorded("sqs_eventbridge_object_created.json"), runtime.deps, dead)

    assert answer == {"batchItemFailures": []}
    assert "ObjectNotFoundError" in dead.sent[0][1]


def test_a_held_lease_is_transient_and_retried(runtime: LocalRuntime, tmp_path: Path) -> None:
    key = "raw/taxi_trips/trips 2024-01-01.csv"
    land_sample(runtime, key, tmp_path)
    current = runtime.store.head(key)
    assert runtime.ledger.acquire(current, "taxi_trips", "another-worker", datetime.now(UTC), 600)
    event = recorded("sqs_eventbridge_object_created.json")

    answer = dispatch(event, runtime.deps, FakeDeadLetters())

    assert answer == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}


def test_events_that_announce_no_object_are_ignored(runtime: LocalRuntime) -> None:
    dead = FakeDeadLetters()
    for name in ("s3_test_event.json", "eventbridge_object_tags_added_moto.json"):
        assert dispatch(recorded(name), runtime.deps, dead) == {"results": []}
    assert dead.sent == []


def test_keys_no_dataset_owns_are_skipped(runtime: LocalRuntime, tmp_path: Path) -> None:
    event = recorded("eventbridge_object_created.json")
    event["detail"]["object"]["key"] = "raw/unknown_dataset/x.csv"
    land_sample(runtime, "raw/unknown_dataset/x.csv", tmp_path)

    answer = dispatch(event, runtime.deps, FakeDeadLetters())

    assert answer["results"][0]["outcome"] == "skipped"
    assert runtime.ledger.entries() == []


def test_large_objects_are_handed_to_the_glue_path(runtime: LocalRuntime, tmp_path: Path) -> None:
    class Handoff:
        def __init__(self) -> None:
            self.started: list[ObjectRef] = []

        def start(self, obj: ObjectRef, dataset: str) -> str:
            self.started.append(obj)
            return "Glue job lakeline-process run jr_1"

    key = "raw/taxi_trips/trips 2024-01-01.csv"
    land_sample(runtime, key, tmp_path)
    handoff = Handoff()
    deps = replace(runtime.deps, max_object_bytes=100, handoff=handoff)

    answer = dispatch(recorded("eventbridge_object_created.json"), deps, FakeDeadLetters())
    again = dispatch(recorded("eventbridge_object_created.json"), deps, FakeDeadLetters())

    assert answer["results"][0]["outcome"] == "handed_off"
    assert again["results"][0]["outcome"] == "duplicate"  # handed off once, not twice
    entry = runtime.ledger.get(f"lakeline-local/{key}")
    assert entry is not None and entry.status is Status.HANDED_OFF
    assert entry.error is not None and "handed to Glue job lakeline-process run jr_1" in entry.error
    assert len(handoff.started) == 1
    assert not any(runtime.store.list("curated/"))

    # The runtime it was handed to (the Glue job) takes it over, once.
    bigger = replace(runtime.deps, takes_over_handoffs=True)
    taken = process_object(handoff.started[0], bigger)
    retaken = process_object(handoff.started[0], bigger)
    redelivered = dispatch(recorded("eventbridge_object_created.json"), deps, FakeDeadLetters())

    assert taken.outcome is Outcome.PROCESSED and taken.entry is not None and taken.entry.rows_in > 0
    assert retaken.outcome is Outcome.DUPLICATE
    assert redelivered["results"][0]["outcome"] == "duplicate" and len(handoff.started) == 1
    entry = runtime.ledger.get(f"lakeline-local/{key}")
    assert entry is not None and entry.status is Status.PROCESSED and entry.attempts == 2
    assert any(runtime.store.list("curated/"))


def test_without_a_dead_letter_queue_a_terminal_message_stays_in_its_queue(
    runtime: LocalRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    from lakeline.adapters.aws.sqs_dead_letters import SqsDeadLetters

    batch = {"Records": [{"messageId": "m1", "eventSource": "aws:sqs", "body": "this is not json"}]}

    answer = dispatch(batch, runtime.deps, SqsDeadLetters(None, None))

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}  # the redrive policy parks it
    said = [r.getMessage() for r in caplog.records if "message is not JSON" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("message m1 could not be dead-lettered"), said
