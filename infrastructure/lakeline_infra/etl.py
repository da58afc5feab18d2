"""ETL: the Glue job that builds the analytics models (glue_scripts/transform_data.py, Glue 5.0)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from lakeline_infra.catalog import catalog_arns
from lakeline_infra.config import EnvConfig
from lakeline_infra.storage import Storage

# The log groups Glue jobs write to: a wildcard cdk-nag must be told about, with why.
GLUE_LOGS = "arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/jobs/*"


def glue_role(scope: Construct, config: EnvConfig, storage: Storage, description: str) -> iam.Role:
    """A Glue job's role: its artifacts, the lake's KMS key, continuous logging and job metrics."""
    role = iam.Role(
        scope, "Role", assumed_by=iam.ServicePrincipal("glue.amazonaws.com"),
        description=f"{config.project} {description}",
    )  # fmt: skip
    storage.artifacts.grant_read(role, "glue/*")
    storage.key.grant_encrypt_decrypt(role)
    stack = cdk.Stack.of(scope)
    # Continuous logging (KMS-encrypted by the security configuration) and job metrics.
    role.add_to_policy(
        iam.PolicyStatement(
            actions=[
                f"logs:{action}"
                for action in ("CreateLogGroup", "CreateLogStream", "PutLogEvents", "AssociateKmsKey")
            ],
            resources=[
                stack.format_arn(
                    service="logs", resource="log-group", resource_name="/aws-glue/jobs/*",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        )
    )  # fmt: skip
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],  # PutMetricData takes no resource; the condition limits it to Glue's namespace
            conditions={"StringEquals": {"cloudwatch:namespace": "Glue"}},
        )
    )
    return role


def glue_job(
    scope: Construct,
    *,
    name: str,
    description: str,
    role: iam.IRole,
    script: str,
    wheel: str,
    storage: Storage,
    ledger: dynamodb.ITable,
    arguments: dict[str, str],
    workers: int,
    flex: bool,
    timeout_minutes: int,
    security: str,
    concurrent_runs: int = 1,
) -> glue.CfnJob:
    """A Glue 5.0 job running ``script`` with the lakeline wheel and the lake's settings, logged and measured.

    ``arguments`` adds job-specific ``--LAKELINE_*`` settings to the buckets and the ledger.
    """
    return glue.CfnJob(
        scope,
        "Job",
        name=name,
        description=description,
        role=role.role_arn,
        glue_version="5.0",
        command=glue.CfnJob.JobCommandProperty(name="glueetl", python_version="3", script_location=script),
        worker_type="G.1X",
        number_of_workers=workers,
        execution_class="FLEX" if flex else "STANDARD",
        execution_property=glue.CfnJob.ExecutionPropertyProperty(max_concurrent_runs=concurrent_runs),
        max_retries=0,  # the caller retries: the workflow with backoff, the handoff by redelivery
        timeout=timeout_minutes,
        security_configuration=security,
        default_arguments={
            "--additional-python-modules": wheel,
            "--LAKELINE_LAKE_BUCKET": storage.raw.bucket_name,
            "--LAKELINE_CURATED_BUCKET": storage.curated.bucket_name,
            "--LAKELINE_ANALYTICS_BUCKET": storage.analytics.bucket_name,
            "--LAKELINE_LEDGER_TABLE": ledger.table_name,
            **arguments,
            "--enable-metrics": "true",
            "--enable-continuous-cloudwatch-log": "true",
            "--job-bookmark-option": "job-bookmark-disable",  # lakeline keeps its own state
        },
    )


class Etl(Construct):
    """The analytics job and its own role: read curated, write analytics, use the ledger; never raw."""

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
        database: str,
        analytics_tables: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = glue_role(self, config, storage, "analytics job: read curated, write analytics")
        storage.curated.grant_read(self.role, "curated/*")
        storage.analytics.grant_read_write(self.role, "analytics/*")
        ledger.grant_read_write_data(self.role)
        self.prefix_grants: list[tuple[s3.IBucket, str]] = [
            (storage.curated, "curated/"), (storage.analytics, "analytics/"), (storage.artifacts, "glue/"),
        ]  # fmt: skip
        self.security = glue.CfnSecurityConfiguration(
            self,
            "Security",
            name=f"{config.project}-etl",
            encryption_configuration=glue.CfnSecurityConfiguration.EncryptionConfigurationProperty(
                s3_encryptions=[
                    glue.CfnSecurityConfiguration.S3EncryptionProperty(
                        s3_encryption_mode="SSE-KMS", kms_key_arn=storage.key.key_arn
                    )
                ],
                cloud_watch_encryption=glue.CfnSecurityConfiguration.CloudWatchEncryptionProperty(
                    cloud_watch_encryption_mode="SSE-KMS", kms_key_arn=storage.key.key_arn
                ),
                job_bookmarks_encryption=glue.CfnSecurityConfiguration.JobBookmarksEncryptionProperty(
                    job_bookmarks_encryption_mode="CSE-KMS", kms_key_arn=storage.key.key_arn
                ),
            ),
        )
        # Each build points the analytics tables' partitions at their new locations.
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:CreatePartition",
                         "glue:UpdatePartition", "glue:DeletePartition"],
                resources=catalog_arns(self, database, analytics_tables),
            )
        )  # fmt: skip
        self.acknowledgments: list[tuple[str, str]] = [
            (GLUE_LOGS, "the log groups Glue jobs write to; their names include the run"),
        ]
        self.job = glue_job(
            self,
            name=f"{config.project}-analytics",
            description="Builds the analytics models incrementally (lakeline build, on Spark)",
            role=self.role,
            script=script,
            wheel=wheel,
            storage=storage,
            ledger=ledger,
            arguments={"--LAKELINE_DATABASE": database},
            workers=config.glue_workers,
            flex=config.glue_flex,
            timeout_minutes=60,
            security=self.security.name,  # type: ignore[arg-type]
        )
        self.job.add_resource_dependency(self.security)
