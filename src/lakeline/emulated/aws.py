"""Run the AWS path end to end on emulated AWS: S3 -> EventBridge -> SQS -> the Lambda handler.

moto's S3 events differ from AWS's (``eTag`` not ``etag``, constant ids and
sequencers, an extra ``Object Tags Added`` event); the handler accepts both,
and the pipeline's own EventBridge rule filters out what is not ``Object Created``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lakeline.adapters.aws.ledger_table import create_table_request
from lakeline.events.rules import pipeline_rules

REGION = "us-east-1"


@dataclass(frozen=True)
class Stack:
    """Names and addresses of the emulated resources."""

    endpoint: str
    bucket: str = "lakeline-demo-lake"
    ledger_table: str = "lakeline-demo-ledger"
    queue: str = "lakeline-demo-objects"
    dead_letter_queue: str = "lakeline-demo-objects-dlq"

    def environment(self, queue_urls: Mapping[str, str]) -> dict[str, str]:
        """The environment the Lambda function gets (what CDK would set)."""
        return {
            "LAKELINE_LAKE_BUCKET": self.bucket,
            "LAKELINE_LEDGER_TABLE": self.ledger_table,
            "LAKELINE_DLQ_URL": queue_urls[self.dead_letter_queue],
            "LAKELINE_AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": REGION,
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for a block only (handlers read their settings from them)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def moto_server() -> Iterator[str]:
    """Moto's threaded server on 127.0.0.1, with dummy credentials; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(stack: Stack, service: str) -> Any:
    """A boto3 client for the emulated endpoint."""
    import boto3

    factory: Any = boto3.client  # the service name is a variable, which boto3's stubs cannot type
    return factory(service, endpoint_url=stack.endpoint, region_name=REGION)


def provision(stack: Stack) -> dict[str, str]:
    """Create the bucket (EventBridge notifications on), queues, the pipeline's rules and the ledger.

    Returns:
        Queue name -> queue URL.
    """
    s3, sqs, events, dynamodb = (client(stack, s) for s in ("s3", "sqs", "events", "dynamodb"))
    s3.create_bucket(Bucket=stack.bucket)
    s3.put_bucket_notification_configuration(
        Bucket=stack.bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    urls = {
        name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in (stack.dead_letter_queue, stack.queue)
    }
    queue_arn = sqs.get_queue_attributes(QueueUrl=urls[stack.queue], AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    for rule in pipeline_rules(stack.bucket):  # the rules we deploy, defined once
        events.put_rule(Name=rule.name, EventPattern=json.dumps(rule.pattern), State="ENABLED")
        events.put_targets(Rule=rule.name, Targets=[{"Id": rule.target, "Arn": queue_arn}])
    dynamodb.create_table(**create_table_request(stack.ledger_table))
    return urls


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The Lambda event that an SQS event source mapping builds from received messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


class LambdaContext:
    """The few context attributes Powertools reads."""

    function_name = "lakeline-process-object"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:lakeline-process-object"
    memory_limit_in_mb = 1024
    aws_request_id = "emulated"

    def get_remaining_time_in_millis(self) -> int:
        """Time left in the invocation."""
        return 300_000


def poll(stack: Stack, queue_url: str, handler: Any, max_batches: int = 20) -> list[dict[str, Any]]:
    """Feed the handler from the queue as Lambda's event source mapping would, until it is empty.

    Messages the handler reports as failed stay on the queue; the others are deleted.

    Returns:
        The handler's answer for every batch.
    """
    sqs = client(stack, "sqs")
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    answers: list[dict[str, Any]] = []
    for _ in range(max_batches):
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        if not messages:
            break
        answer = handler(sqs_event(messages, arn), LambdaContext())
        answers.append(answer)
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return answers
