"""Failures reach a person in one format, and what failed can be retried."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lakeline.adapters.aws.sqs_dead_letters import redrive
from lakeline.core.ledger import Status
from lakeline.core.objects import ObjectRef
from lakeline.errors import TransientError
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.landing import announce, failed, land
from lakeline.usecases.process_object import Outcome, process_object

from .helpers import ingest


def land_trips(runtime: LocalRuntime, tmp_path: Path, rows: int) -> ObjectRef:
    """Land a generated taxi file of ``rows`` good trips, without announcing it."""
    from lakeline.generate import GENERATORS, GeneratorSpec, write_sample

    spec = GeneratorSpec(rows, 1, 0.0, 1)
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / "t.csv")
    return land(tmp_path / "t.csv", "taxi_trips", runtime.contracts, runtime.store)


def test_a_rejected_file_raises_an_alert_in_the_common_format(runtime: LocalRuntime, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")

    ingest(runtime, tmp_path / "empty.csv", "taxi_trips")

    ((_, subject, message),) = runtime.notifier.recent()
    assert subject == "[lakeline local] file rejected: taxi_trips"
    assert message.splitlines() == [
        "environment: local",
        "dataset: taxi_trips",
        "what failed: raw/taxi_trips/empty.csv: the object is empty (0 bytes)",
        "investigate: lakeline status (raw object kept: raw/taxi_trips/empty.csv)",
    ]


def test_a_failed_object_alerts_and_is_redriven_once_fixed(runtime: LocalRuntime, tmp_path: Path) -> None:
    obj = land_trips(runtime, tmp_path, 100)

    class Broken:
        def process(self, *args: Any) -> Any:
            raise TransientError("disk full")

    with pytest.raises(TransientError):
        process_object(obj, replace(runtime.deps, processor=Broken()))

    assert runtime.ledger.get(obj.object_id).status is Status.FAILED  # type: ignore[union-attr]
    assert "pipeline failure: taxi_trips" in runtime.notifier.recent()[0][1]
    todo = list(failed(runtime.contracts, runtime.store, runtime.ledger))
    assert [o.key for o in todo] == ["raw/taxi_trips/t.csv"]
    (result,) = announce(todo, runtime.bus)
    assert result.outcome is Outcome.PROCESSED and result.entry.rows_kept == 100
    assert list(failed(runtime.contracts, runtime.store, runtime.ledger)) == []


def test_the_dead_letter_queue_is_redriven_without_losing_a_message() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        queue = sqs.create_queue(QueueName="objects")["QueueUrl"]
        for n in range(13):
            sqs.send_message(QueueUrl=dlq, MessageBody=f'{{"n": {n}}}')

        moved = redrive(sqs, dlq, queue)

        assert moved == 13
        bodies: list[str] = []
        while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            bodies += [m["Body"] for m in messages]
            for m in messages:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        assert sorted(bodies) == sorted(f'{{"n": {n}}}' for n in range(13))
        assert "Messages" not in sqs.receive_message(QueueUrl=dlq)


def test_the_budget_relay_publishes_each_notice_in_the_alert_format(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from lakeline.emulated.aws import LambdaContext
    from lakeline.entrypoints.aws_lambda import alert_relay

    with mock_aws():
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="alerts")["TopicArn"]
        queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        monkeypatch.setenv("LAKELINE_ALERTS_TOPIC", topic)
        monkeypatch.setenv("LAKELINE_ENVIRONMENT", "prod")
        alert_relay.notifier.cache_clear()
        notice = "Budget Name: lakeline-prod\nAlert Type: FORECASTED\nAlert Threshold: > $500.00\n" \
                 "FORECASTED Amount: $612.00\nBudgeted Amount: $500.00\n"  # fmt: skip

        result = alert_relay.handler({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": notice}}]},
                                     LambdaContext())  # fmt: skip

        alert_relay.notifier.cache_clear()
        (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
        body = json.loads(message["Body"])
    assert result == {"relayed": 1}
    assert body["Subject"] == "[lakeline prod] budget: lakeline-prod"
    assert "what failed: FORECASTED cost $612.00 crossed the alert threshold > $500.00" in body["Message"]


def test_an_engine_out_of_memory_fails_the_attempt_and_never_rejects_the_file(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    from lakeline.engines.duckdb.processor import DuckDBProcessor, DuckDBSettings
    from lakeline.errors import EngineResourceError

    obj = land_trips(runtime, tmp_path, 20_000)
    starved = DuckDBProcessor(DuckDBSettings(memory_limit="1MB"))

    with pytest.raises(EngineResourceError, match="the engine failed, not the object"):
        process_object(obj, replace(runtime.deps, processor=starved))

    assert runtime.ledger.get(obj.object_id).status is Status.FAILED  # type: ignore[union-attr]
    assert not list(runtime.store.list("quarantine/taxi_trips/_rejected_files/"))
    (result,) = announce(list(failed(runtime.contracts, runtime.store, runtime.ledger)), runtime.bus)
    assert result.outcome is Outcome.PROCESSED and result.entry.rows_kept == 20_000


def test_an_attempt_holds_the_object_for_the_lease_its_runtime_asks_for(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    from lakeline.core.ledger import LARGE_OBJECT_LEASE_SECONDS

    obj = land_trips(runtime, tmp_path, 100)
    leases: list[int] = []

    class Watching:
        def process(self, *args: Any) -> Any:
            entry = runtime.ledger.get(obj.object_id)
            assert entry is not None and entry.lease_expires_at and entry.started_at
            leases.append(round((entry.lease_expires_at - entry.started_at).total_seconds()))
            raise TransientError("stop here")

    with pytest.raises(TransientError):
        process_object(
            obj, replace(runtime.deps, processor=Watching(), lease_seconds=LARGE_OBJECT_LEASE_SECONDS)
        )

    assert leases == [LARGE_OBJECT_LEASE_SECONDS]
