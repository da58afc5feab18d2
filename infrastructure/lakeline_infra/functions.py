"""One shape for every lakeline Lambda function: arm64, Python 3.12, its own role and encrypted logs."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from lakeline_infra.config import EnvConfig
from lakeline_infra.storage import Storage

_RETENTION = {
    1: logs.RetentionDays.ONE_DAY, 3: logs.RetentionDays.THREE_DAYS, 5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK, 14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS, 90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}  # fmt: skip


def retention_for(days: int) -> logs.RetentionDays:
    """The shortest CloudWatch retention that keeps logs at least ``days`` days."""
    return _RETENTION[min((d for d in _RETENTION if d >= days), default=365)]


class LakelineFunction(Construct):
    """A function of the lakeline artifact (`make package`) with its own role and KMS-encrypted logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        storage: Storage,
        code: Path | None,
        handler: str,
        description: str,
        memory_mb: int,
        timeout: cdk.Duration,
        concurrency: int,
        environment: dict[str, str],
        ephemeral_mb: int = 512,
    ) -> None:
        super().__init__(scope, construct_id)
        log_group = logs.LogGroup(
            self, "Logs", retention=retention_for(config.log_retention_days), encryption_key=storage.key,
            removal_policy=config.removal_policy,
        )  # fmt: skip
        self.role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{config.project} {description}",
        )  # fmt: skip
        log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # An asset for `cdk deploy`; CloudFormation parameters for the plain-template export.
            code=lambda_.Code.from_asset(str(code)) if code else lambda_.Code.from_cfn_parameters(),
            memory_size=memory_mb,
            ephemeral_storage_size=cdk.Size.mebibytes(ephemeral_mb),
            timeout=timeout,
            reserved_concurrent_executions=concurrency,
            role=self.role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment_encryption=storage.key,
            environment={"POWERTOOLS_SERVICE_NAME": "lakeline", **environment},
        )
