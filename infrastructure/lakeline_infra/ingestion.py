"""Ingestion: the pipeline's EventBridge rules -> an SQS queue -> the process_object function."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from lakeline.events.rules import pipeline_rules
from lakeline_infra.config import EnvConfig
from lakeline_infra.functions import LakelineFunction
from lakeline_infra.storage import Storage

HANDLER = "lakeline.entrypoints.aws_lambda.process_object.handler"
VISIBILITY_FACTOR = 6  # AWS's advice for a queue feeding a function: at least 6x its timeout


def event_pattern(pattern: dict[str, Any]) -> events.EventPattern:
    """Our EventBridge pattern (the dict lakeline.events defines and the local bus uses) for CDK."""
    known = {
        "source": "source", "detail-type": "detail_type", "account": "account", "region": "region",
        "resources": "resources", "detail": "detail", "id": "id", "time": "time", "version": "version",
    }  # fmt: skip
    unknown = set(pattern) - set(known)
    if unknown:
        raise ValueError(f"pattern fields CDK's EventPattern cannot carry: {sorted(unknown)}")
    return events.EventPattern(**{known[k]: v for k, v in pattern.items()})


class Ingestion(Construct):
    """Objects created under raw/ are queued (KMS, a DLQ) and processed by one Lambda function."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        storage: Storage,
        ledger: dynamodb.ITable,
        code: Path | None,
    ) -> None:
        super().__init__(scope, construct_id)
        timeout = cdk.Duration.minutes(config.lambda_timeout_minutes)
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=storage.key,
            retention_period=cdk.Duration.days(14),
            enforce_ssl=True,
        )
        self.queue = sqs.Queue(
            self,
            "Objects",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=storage.key,
            visibility_timeout=cdk.Duration.minutes(config.lambda_timeout_minutes * VISIBILITY_FACTOR),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=self.dead_letters),
            enforce_ssl=True,
        )
        process = LakelineFunction(
            self,
            "ProcessObject",
            config=config,
            storage=storage,
            code=code,
            handler=HANDLER,
            description="process_object: read raw, write curated and quarantine",
            memory_mb=config.lambda_memory_mb,
            ephemeral_mb=config.lambda_ephemeral_mb,
            timeout=timeout,
            concurrency=config.lambda_reserved_concurrency,
            environment={
                "LAKELINE_LAKE_BUCKET": storage.raw.bucket_name,
                "LAKELINE_CURATED_BUCKET": storage.curated.bucket_name,
                "LAKELINE_ANALYTICS_BUCKET": storage.analytics.bucket_name,
                "LAKELINE_LEDGER_TABLE": ledger.table_name,
                "LAKELINE_DLQ_URL": self.dead_letters.queue_url,
                "LAKELINE_MAX_OBJECT_BYTES": str(config.max_lambda_object_bytes),
                "LAKELINE_EVENT_BUS": "default",  # Partition Updated events start the workflow
                "POWERTOOLS_METRICS_NAMESPACE": "lakeline",
            },
        )
        self.function, role = process.function, process.role
        self.function.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )
        for rule in pipeline_rules(storage.raw.bucket_name):  # defined once, in lakeline.events
            events.Rule(
                self,
                f"Rule-{rule.name}",
                description=rule.description,
                event_pattern=event_pattern(rule.pattern),
                targets=[targets.SqsQueue(self.queue, dead_letter_queue=self.dead_letters)],
            )
        # Least privilege: read raw/ only; write curated/ and quarantine/ only; the ledger; the DLQ.
        self.prefix_grants: list[tuple[s3.IBucket, str]] = [
            (storage.raw, "raw/"), (storage.curated, "curated/"), (storage.curated, "quarantine/"),
        ]  # fmt: skip
        storage.raw.grant_read(role, "raw/*")
        storage.curated.grant_read_write(role, "curated/*")
        storage.curated.grant_read_write(role, "quarantine/*")
        ledger.grant_read_write_data(role)
        self.dead_letters.grant_send_messages(role)
        events.EventBus.from_event_bus_name(self, "DefaultBus", "default").grant_put_events_to(role)
