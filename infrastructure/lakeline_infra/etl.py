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
        self.role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("glue.amazonaws.com"),
            description=f"{config.project} analytics job: read curated, write analytics",
        )  # fmt: skip
        storage.curated.grant_read(self.role, "curated/*")
        storage.analytics.grant_read_write(self.role, "analytics/*")
        storage.artifacts.grant_read(self.role, "glue/*")
        ledger.grant_read_write_data(self.role)
        self.prefix_grants: list[tuple[s3.IBucket, str]] = [
            (storage.curated, "curated/"), (storage.analytics, "analytics/"), (storage.artifacts, "glue/"),
        ]  # fmt: skip
        security = glue.CfnSecurityConfiguration(
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
        storage.key.grant_encrypt_decrypt(self.role)
        # Each build points the analytics tables' partitions at their new locations.
        stack = cdk.Stack.of(self)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:CreatePartition",
                         "glue:UpdatePartition", "glue:DeletePartition"],
                resources=catalog_arns(self, database, analytics_tables),
            )
        )  # fmt: skip
        # Continuous logging (KMS-encrypted by the security configuration) and job metrics.
        self.role.add_to_policy(
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
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=[
                    "*"
                ],  # PutMetricData takes no resource; the condition limits it to Glue's namespace
                conditions={"StringEquals": {"cloudwatch:namespace": "Glue"}},
            )
        )
        self.acknowledgments: list[tuple[str, str]] = [
            ("arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/jobs/*",
             "the log groups Glue jobs write to; their names include the run"),
        ]  # fmt: skip
        self.job = glue.CfnJob(
            self,
            "Job",
            name=f"{config.project}-analytics",
            description="Builds the analytics models incrementally (lakeline build, on Spark)",
            role=self.role.role_arn,
            glue_version="5.0",
            command=glue.CfnJob.JobCommandProperty(
                name="glueetl", python_version="3", script_location=script
            ),
            worker_type="G.1X",
            number_of_workers=config.glue_workers,
            execution_class="FLEX" if config.glue_flex else "STANDARD",
            max_retries=0,  # the workflow retries, with backoff
            timeout=60,
            security_configuration=security.name,
            default_arguments={
                "--additional-python-modules": wheel,
                "--LAKELINE_LAKE_BUCKET": storage.raw.bucket_name,
                "--LAKELINE_CURATED_BUCKET": storage.curated.bucket_name,
                "--LAKELINE_ANALYTICS_BUCKET": storage.analytics.bucket_name,
                "--LAKELINE_LEDGER_TABLE": ledger.table_name,
                "--LAKELINE_DATABASE": database,
                "--enable-metrics": "true",
                "--enable-continuous-cloudwatch-log": "true",
                "--job-bookmark-option": "job-bookmark-disable",  # lakeline keeps its own build state
            },
        )
        self.job.add_resource_dependency(security)
