"""The workflow Lambda's steps on emulated AWS: plan from S3 and DynamoDB, record Glue's results, notify."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from lakeline.adapters.aws.glue_quality import GlueQualityResults
from lakeline.emulated.aws import LambdaContext
from lakeline.errors import EventError

from ..conftest import create_ledger_table

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def glue_rule(rule: str, result: str, message: str | None = None, **metrics: float) -> dict[str, Any]:
    """A RuleResults entry as GetDataQualityResult returns it."""
    entry: dict[str, Any] = {
        "Name": "Rule_0",
        "Description": rule,
        "Result": result,
        "EvaluatedMetrics": metrics,
    }
    if message:
        entry["EvaluationMessage"] = message
    return entry


GLUE_RESULTS = {
    "taxi-trips-result": [glue_rule("RowCount > 0", "PASS", **{"Dataset.*.RowCount": 400.0})],
    "zone-stats-result": [
        glue_rule("RowCount > 0", "PASS", **{"Dataset.*.RowCount": 120.0}),
        glue_rule('ColumnValues "trips" > 0', "FAIL", "Value: 0.0 does not meet the constraint requirement!",
                  **{"Column.trips.Minimum": 0.0}),
    ],
}  # fmt: skip


class FakeGlueResults:
    """GetDataQualityResult's rule results per result id, through the real mapping."""

    def __init__(self, client: Any) -> None:
        pass

    def __call__(self, result_ids: list[str]) -> list[Any]:
        from lakeline.adapters.aws.glue_quality import rule_result

        return [rule_result(r) for i in result_ids for r in GLUE_RESULTS[i]]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    with mock_aws():
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in ("raw", "curated", "analytics"):
            s3.create_bucket(Bucket=bucket)
        create_ledger_table(boto3.client("dynamodb", region_name=REGION))
        glue = boto3.client("glue", region_name=REGION)
        glue.create_database(DatabaseInput={"Name": "lakeline"})
        for table, bucket, zone in (("taxi_trips", "curated", "curated"),
                                    ("taxi_daily_zone_stats", "analytics", "analytics"),
                                    ("taxi_hourly_demand", "analytics", "analytics")):  # fmt: skip
            glue.create_table(DatabaseName="lakeline", TableInput={
                "Name": table, "PartitionKeys": [{"Name": "dt", "Type": "string"}],
                "StorageDescriptor": {"Location": f"s3://{bucket}/{zone}/{table}/", "Columns": []},
            })  # fmt: skip
        sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        topic = sns.create_topic(Name="alerts")["TopicArn"]
        queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        for name, value in {"LAKELINE_LAKE_BUCKET": "raw", "LAKELINE_CURATED_BUCKET": "curated",
                            "LAKELINE_ANALYTICS_BUCKET": "analytics", "LAKELINE_LEDGER_TABLE": "ledger",
                            "LAKELINE_PROJECT": str(REPO), "LAKELINE_ALERTS_TOPIC": topic,
                            "LAKELINE_ENVIRONMENT": "dev"}.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        from lakeline.entrypoints import aws_lambda
        from lakeline.entrypoints.aws_lambda import workflow

        monkeypatch.setattr(workflow, "GlueQualityResults", FakeGlueResults)
        aws_lambda.runtime.cache_clear()
        # Plan only lists curated files: their content is not read.
        s3.put_object(Bucket="curated", Key="curated/taxi_trips/dt=2024-01-01/day1.parquet", Body=b"PAR1")
        yield {"s3": s3, "sqs": sqs, "queue": queue, "glue": glue}
        aws_lambda.runtime.cache_clear()


def step(name: str, state: dict[str, Any] | None = None) -> dict[str, Any]:
    from lakeline.entrypoints.aws_lambda.workflow import handler

    result: dict[str, Any] = handler({"step": name, "state": state or {}}, LambdaContext())
    return result


def test_plan_record_and_notify_as_the_state_machine_calls_them(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = step("plan")

    assert plan["nothing_to_do"] is False and plan["build"] is True
    assert plan["stale"] == ["taxi_trips"]  # its SLA, and no object in the ledger
    assert plan["models"] == "taxi_daily_zone_stats,taxi_hourly_demand"
    assert json.loads(plan["partitions"]) == {"taxi_daily_zone_stats": ["2024-01-01"],
                                              "taxi_hourly_demand": ["2024-01-01"]}  # fmt: skip
    targets = {t["table"]: t for t in plan["quality"]}
    assert set(targets) == {"taxi_trips", "taxi_daily_zone_stats"}
    assert targets["taxi_trips"]["predicate"] == "dt IN ('2024-01-01')"
    # Glue Data Quality reads catalog partitions (projection is Athena's): Plan registered the one to check.
    (partition,) = aws["glue"].get_partitions(DatabaseName="lakeline", TableName="taxi_trips")["Partitions"]
    assert partition["StorageDescriptor"]["Location"] == "s3://curated/curated/taxi_trips/dt=2024-01-01/"

    # Glue Data Quality ran each target; the Map hands each item back with its result ids.
    ids = {"taxi_trips": "taxi-trips-result", "taxi_daily_zone_stats": "zone-stats-result"}
    quality = [{**t, "ResultIds": [ids[t["table"]]]} for t in plan["quality"]]
    with monkeypatch.context() as lambda_artifact:  # the function's artifact ships no pyarrow
        lambda_artifact.setitem(sys.modules, "pyarrow", None)
        lambda_artifact.setitem(sys.modules, "pyarrow.parquet", None)
        record = step("record", {"run_id": plan["run_id"], "quality": quality})
        notify = step("notify", {"run_id": record["run_id"], "quality": record["quality"]})

    assert notify == {"run_id": plan["run_id"], "halted": True, "halted_by": ["taxi_daily_zone_stats"],
                      "failed_rules": {"taxi_daily_zone_stats": 1}}  # fmt: skip
    body = aws["s3"].get_object(Bucket="curated", Key=record["results_key"])["Body"].read()
    rows = pq.read_table(io.BytesIO(body)).to_pylist()
    assert record["results_key"].startswith("quality/dq_results/dt=")
    assert [(r["table_name"], r["rule"], r["outcome"]) for r in rows] == [
        ("taxi_trips", "RowCount > 0", "Passed"),
        ("taxi_daily_zone_stats", "RowCount > 0", "Passed"),
        ("taxi_daily_zone_stats", 'ColumnValues "trips" > 0', "Failed"),
    ]
    messages = aws["sqs"].receive_message(QueueUrl=aws["queue"], MaxNumberOfMessages=10)["Messages"]
    alerts = {a["Subject"]: a["Message"] for a in (json.loads(m["Body"]) for m in messages)}
    assert set(alerts) == {"[lakeline dev] freshness breach: taxi_trips",
                           "[lakeline dev] data quality halt: taxi_daily_zone_stats"}  # fmt: skip
    assert (
        "what failed: 1 of 2 rules failed on dt 2024-01-01"
        in alerts["[lakeline dev] data quality halt: taxi_daily_zone_stats"]
    )
    # The checked curated partition is remembered; the models wait for the Glue job.
    again = step("plan")
    assert [t["table"] for t in again["quality"]] == ["taxi_daily_zone_stats"]


def test_an_unknown_step_is_a_clear_error(aws: dict[str, Any]) -> None:
    with pytest.raises(EventError, match="one of plan, record, notify}; got 'build'"):
        step("build")


def test_glue_results_are_fetched_in_batches_and_mapped() -> None:
    client = boto3.client("glue", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    ids = [f"dqresult-{i}" for i in range(101)]
    with Stubber(client) as stub:
        stub.add_response("batch_get_data_quality_result",
                          {"Results": [{"ResultId": i, "RuleResults": [glue_rule("RowCount > 0", "PASS")]}
                                       for i in ids[:100]]}, {"ResultIds": ids[:100]})  # fmt: skip
        failing = [
            glue_rule('IsComplete "a"', "ERROR"),
            glue_rule("RowCount > 9", "FAIL", "Value: 1.0 does not meet the constraint requirement!",
                      **{"Dataset.*.RowCount": 1.0}),
        ]  # fmt: skip
        stub.add_response("batch_get_data_quality_result",
                          {"Results": [{"ResultId": ids[100], "RuleResults": failing}]},
                          {"ResultIds": ids[100:]})  # fmt: skip
        results = GlueQualityResults(client)(ids)
    assert len(results) == 102 and all(r.passed for r in results[:100])
    assert (results[100].outcome, results[100].failure_reason) == ("Failed", "ERROR")
    assert results[101].failure_reason == "Value: 1.0 does not meet the constraint requirement!"
    assert results[101].evaluated_metrics == {"Dataset.*.RowCount": 1.0}
