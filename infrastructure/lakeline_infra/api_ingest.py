"""API ingest: one EventBridge Scheduler schedule per HTTP dataset -> the ingest_api function."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from lakeline.core.contracts import Contract
from lakeline.core.http_source import url_variables
from lakeline.core.objects import Zone, zone_prefix
from lakeline.core.registry import ContractRegistry
from lakeline_infra.config import EnvConfig
from lakeline_infra.functions import LakelineFunction
from lakeline_infra.storage import Storage

HANDLER = "lakeline.entrypoints.aws_lambda.ingest_api.handler"


class ApiIngest(Construct):
    """Pulls every contract with an ``http`` source on its own schedule; secrets in Secrets Manager."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        contracts: ContractRegistry,
        storage: Storage,
        ledger: dynamodb.ITable,
        dead_letters: sqs.IQueue,
        code: Path | None,
    ) -> None:
        super().__init__(scope, construct_id)
        sources = [c for c in contracts if c.source.http is not None]
        self.prefix_grants: list[tuple[s3.IBucket, str]] = []
        self.schedules: list[scheduler.CfnSchedule] = []
        if not sources:
            return
        ingest = LakelineFunction(
            self,
            "IngestApi",
            config=config,
            storage=storage,
            code=code,
            handler=HANDLER,
            description="ingest_api: write pulled records to raw/<dataset>/ only",
            memory_mb=512,
            timeout=cdk.Duration.minutes(5),
            concurrency=len(sources),
            environment={
                "LAKELINE_LAKE_BUCKET": storage.raw.bucket_name,
                "LAKELINE_LEDGER_TABLE": ledger.table_name,
                "LAKELINE_SECRET_PREFIX": f"{config.project}/",
            },
        )
        self.function, role = ingest.function, ingest.role
        self._url_variables(sources)
        ledger.grant_read_write_data(role)
        invoke = iam.Role(self, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"))
        self.function.grant_invoke(invoke)
        dead_letters.grant_send_messages(invoke)
        secrets: dict[str, secretsmanager.Secret] = {}
        for contract in sources:
            http = contract.source.http
            assert http is not None
            prefix = zone_prefix(Zone.RAW, contract.name)
            storage.raw.grant_put(role, f"{prefix}*")
            # The store heads each object it wrote, for the identity the ledger and the event carry.
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["s3:GetObject"], resources=[storage.raw.arn_for_objects(f"{prefix}*")]
                )
            )
            self.prefix_grants.append((storage.raw, prefix))
            if http.auth.secret and http.auth.secret not in secrets:
                secret = secretsmanager.Secret(
                    self, f"Secret-{http.auth.secret}", secret_name=f"{config.project}/{http.auth.secret}",
                    description=f"API credential of {contract.name}: set its value after the first deploy",
                    encryption_key=storage.key, removal_policy=config.removal_policy,
                )  # fmt: skip
                secret.grant_read(role)
                secrets[http.auth.secret] = secret
            self.schedules.append(
                scheduler.CfnSchedule(
                    self,
                    f"Schedule-{contract.name}",
                    description=f"Pull {contract.name} from its API",
                    schedule_expression=http.schedule,
                    flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
                    target=scheduler.CfnSchedule.TargetProperty(
                        arn=self.function.function_arn,
                        role_arn=invoke.role_arn,
                        input=json.dumps({"dataset": contract.name}),
                        retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                            maximum_retry_attempts=3, maximum_event_age_in_seconds=3600
                        ),
                        dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                            arn=dead_letters.queue_arn
                        ),
                    ),
                    kms_key_arn=storage.key.key_arn,
                )
            )
        storage.key.grant_encrypt_decrypt(invoke)

    def _url_variables(self, sources: list[Contract]) -> None:
        """Give the function each ``${VAR}`` its sources' URLs use, from the CDK context (``-c VAR=...``)."""
        for contract in sources:
            assert contract.source.http is not None
            for name, default in url_variables(contract.source.http.url):
                value = self.node.try_get_context(name)
                if value:
                    self.function.add_environment(name, str(value))
                    continue
                then = f"it falls back to {default}" if default is not None else "it has no default"
                missing = f"{contract.name}: its URL uses ${{{name}}}, which no `-c {name}=...` gives"
                cdk.Annotations.of(self).add_warning_v2(f"lakeline:url-variable:{name}", f"{missing}; {then}")
