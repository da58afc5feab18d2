"""AWS adapters on moto (in-process): EventBridge publisher, SNS notifier, S3 store errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lakeline.adapters.aws.eventbridge_publisher import EventBridgePublisher
from lakeline.adapters.aws.sns_notifier import SnsNotifier
from lakeline.core.ledger import LedgerEntry, Status
from lakeline.events import matches
from lakeline.events.lakeline_events import partition_updated


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def queue_receiving(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def test_partition_updated_reaches_a_rule_on_the_bus(aws: None) -> None:
    events, sqs = (
        boto3.client("events", region_name="us-east-1"),
        boto3.client("sqs", region_name="us-east-1"),
    )
    events.create_event_bus(Name="lakeline")
    url, arn = queue_receiving(sqs, "builds")
    pattern = {
        "source": ["lakeline"],
        "detail-type": ["Partition Updated"],
        "detail": {"dataset": ["taxi_trips"]},
    }
    events.put_rule(Name="build", EventBusName="lakeline", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="build", EventBusName="lakeline", Targets=[{"Id": "q", "Arn": arn}])
    entry = LedgerEntry(
        "lake/raw/taxi_trips/a.csv", "lake", "raw/taxi_trips/a.csv", "taxi_trips", "e1", Status.PROCESSED,
        rows_kept=9, partitions=["2024-01-01", "2024-01-02"],
    )  # fmt: skip
    event = partition_updated(entry)
    assert matches(pattern, event)  # the same pattern, locally

    EventBridgePublisher("lakeline", events).put_events([event])

    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
    delivered = json.loads(message["Body"])
    assert delivered["detail-type"] == "Partition Updated"
    assert delivered["detail"]["partitions"] == ["2024-01-01", "2024-01-02"]


def test_sns_alerts_are_published_with_a_bounded_subject(aws: None) -> None:
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    url, arn = queue_receiving(sqs, "inbox")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)

    SnsNotifier(topic, sns).notify("x" * 300, "taxi_trips: 12% of rows quarantined")

    body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert body["Subject"] == "x" * 100
    assert body["Message"] == "taxi_trips: 12% of rows quarantined"


def test_each_zone_can_live_in_its_own_bucket(aws: None, tmp_path: Any) -> None:
    from lakeline.adapters.aws.s3_object_store import S3ObjectStore
    from lakeline.runtime.aws import AwsSettings

    s3 = boto3.client("s3", region_name="us-east-1")
    for name in ("raw-bucket", "curated-bucket"):
        s3.create_bucket(Bucket=name)
    env = {
        "LAKELINE_LAKE_BUCKET": "raw-bucket",
        "LAKELINE_LEDGER_TABLE": "t",
        "LAKELINE_CURATED_BUCKET": "curated-bucket",
    }
    settings = AwsSettings.from_env(env)
    store = S3ObjectStore(settings.lake_bucket, s3, tmp_path, dict(settings.zone_buckets))
    (tmp_path / "f").write_text("x")

    raw = store.put_file("raw/ds/a.csv", tmp_path / "f")
    curated = store.put_file("curated/ds/dt=2024-01-01/a.parquet", tmp_path / "f")
    quarantined = store.put_file("quarantine/ds/dt=2024-01-01/a.parquet", tmp_path / "f")

    assert (raw.bucket, curated.bucket, quarantined.bucket) == (
        "raw-bucket",
        "curated-bucket",
        "curated-bucket",
    )
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="raw-bucket")["Contents"]] == ["raw/ds/a.csv"]
    assert store.uri("curated/ds/") == "s3://curated-bucket/curated/ds/"
    assert [o.key for o in store.list("quarantine/")] == ["quarantine/ds/dt=2024-01-01/a.parquet"]


def test_the_project_is_the_one_each_runtime_ships(tmp_path: Any) -> None:
    from lakeline.project import sample_root
    from lakeline.runtime.aws import AwsSettings

    base = {"LAKELINE_LAKE_BUCKET": "lake", "LAKELINE_LEDGER_TABLE": "t"}

    on_glue = AwsSettings.from_env(base).project  # no task root: the project inside the wheel
    on_lambda = AwsSettings.from_env(base | {"LAMBDA_TASK_ROOT": str(tmp_path)}).project
    chosen = AwsSettings.from_env(base | {"LAMBDA_TASK_ROOT": "/x", "LAKELINE_PROJECT": "/mine"}).project

    assert on_glue.root == sample_root() and (on_glue.models_dir / "taxi_daily_zone_stats.sql").is_file()
    assert on_lambda.root == tmp_path
    assert str(chosen.root) == "/mine"
