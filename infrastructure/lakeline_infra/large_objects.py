"""The Glue job that processes single objects too large for the process_object function."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from lakeline.core.ledger import LARGE_OBJECT_JOB_MINUTES
from lakeline_infra.config import EnvConfig
from lakeline_infra.etl import glue_job, glue_role
from lakeline_infra.storage import Storage


class LargeObjects(Construct):
    """A job run per handed-off object, with the function's own access: read raw, write curated."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        storage: Storage,
        ledger: dynamodb.ITable,
        script: str,
        wheel: str,
        security: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.job_name = f"{config.project}-large-objects"
        role = glue_role(self, config, storage, "large-object job: read raw, write curated and quarantine")
        storage.raw.grant_read(role, "raw/*")
        storage.curated.grant_read_write(role, "curated/*")
        storage.curated.grant_read_write(role, "quarantine/*")
        ledger.grant_read_write_data(role)
        events.EventBus.from_event_bus_name(self, "DefaultBus", "default").grant_put_events_to(role)
        self.prefix_grants: list[tuple[s3.IBucket, str]] = [
            (storage.raw, "raw/"), (storage.curated, "curated/"), (storage.curated, "quarantine/"),
            (storage.artifacts, "glue/"),
        ]  # fmt: skip
        self.job = glue_job(
            self,
            name=self.job_name,
            description="Processes one object too large for the process_object function (DuckDB, driver)",
            role=role,
            script=script,
            wheel=wheel,
            storage=storage,
            ledger=ledger,
            arguments={"--LAKELINE_EVENT_BUS": "default"},  # its Partition Updated starts the workflow
            workers=2,  # the smallest glueetl job: the work runs on the driver
            flex=False,  # a handed-off object should not wait for spare capacity
            timeout_minutes=LARGE_OBJECT_JOB_MINUTES,  # its lease in the ledger outlasts this
            security=security,
            concurrent_runs=config.lambda_reserved_concurrency,
        )

    def allow_start(self, principal: iam.IGrantable) -> None:
        """Let the process_object function start runs of this job, and no other."""
        principal.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(actions=["glue:StartJobRun"], resources=[self.job_arn])
        )

    @property
    def job_arn(self) -> str:
        """The job's ARN."""
        return cdk.Stack.of(self).format_arn(service="glue", resource="job", resource_name=self.job_name)
