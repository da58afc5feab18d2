"""The ingest_api Lambda on emulated AWS: pull into the raw bucket, the cursor beside the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lakeline import sample_api
from lakeline.adapters.aws.dynamodb_cursor_store import DynamoDbCursorStore
from lakeline.adapters.aws.dynamodb_ledger import DynamoDbLedger
from lakeline.emulated.aws import LambdaContext
from lakeline.errors import EventError

from ..conftest import create_ledger_table

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws(), sample_api.serve(sample_api.observations(days=1)) as url:
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name, value in {"LAKELINE_LAKE_BUCKET": "raw-lake", "LAKELINE_LEDGER_TABLE": "ledger",
                            "LAKELINE_PROJECT": str(REPO), "WEATHER_API_URL": url}.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="raw-lake")
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_ledger_table(dynamodb)
        from lakeline.entrypoints import aws_lambda

        aws_lambda.runtime.cache_clear()
        yield dynamodb
        aws_lambda.runtime.cache_clear()


def test_a_scheduled_pull_lands_records_and_moves_the_cursor(aws: Any) -> None:
    from lakeline.entrypoints.aws_lambda.ingest_api import handler

    first = handler({"dataset": "weather_observations"}, LambdaContext())
    second = handler({"dataset": "weather_observations"}, LambdaContext())

    assert (
        first["records"] == 96
        and first["pages"] == 1
        and first["key"].startswith("raw/weather_observations/")
    )
    assert second["records"] == 0 and second["key"] is None
    keys = [
        o["Key"]
        for o in boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="raw-lake")["Contents"]
    ]
    assert keys == [first["key"]]
    assert DynamoDbCursorStore("ledger", aws).get("weather_observations").value == "2024-01-01T23:05:00Z"  # type: ignore[union-attr]
    assert DynamoDbLedger("ledger", aws).entries() == []  # cursors and pull history are not ledger entries


def test_the_schedule_must_name_a_dataset(aws: Any) -> None:
    from lakeline.entrypoints.aws_lambda.ingest_api import handler

    with pytest.raises(EventError, match="dataset"):
        handler({}, LambdaContext())
