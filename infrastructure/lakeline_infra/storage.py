"""Storage: the KMS key and the buckets of the lake, secure by default."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from lakeline_infra.config import EnvConfig

ABORT_INCOMPLETE_UPLOADS = s3.LifecycleRule(
    id="abort-incomplete-multipart-uploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(7)
)


class Storage(Construct):
    """The KMS key (rotated) and the lake's buckets.

    Raw, curated, analytics, Athena results, artifacts and access logs: SSE-KMS with
    bucket keys, Block Public Access, TLS only, server access logging, lifecycle rules
    by environment.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvConfig) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description=f"{config.project}: data at rest in the lake, queues, ledger, topics and logs",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        stack = cdk.Stack.of(self)
        # CloudWatch Logs encrypts the function's log group with this key, for this account's groups only.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                resources=["*"],  # in a key policy, "*" means this key
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{stack.region}:{stack.account}:*"
                    }
                },
            )
        )
        # Server access logs cannot be delivered to a KMS-encrypted bucket: S3-managed keys here.
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=config.removal_policy,
            lifecycle_rules=[
                ABORT_INCOMPLETE_UPLOADS,
                s3.LifecycleRule(id="expire-logs", expiration=cdk.Duration.days(config.log_retention_days)),
            ],
        )
        archive = (
            s3.StorageClass.GLACIER
            if config.raw_archive_class == "GLACIER"
            else s3.StorageClass.INTELLIGENT_TIERING
        )
        self.raw = self._bucket(
            "Raw",
            config,
            versioned=True,
            rules=[
                s3.LifecycleRule(
                    id="archive-raw",
                    transitions=[
                        s3.Transition(
                            storage_class=archive,
                            transition_after=cdk.Duration.days(config.raw_archive_after_days),
                        )
                    ],
                    noncurrent_version_expiration=cdk.Duration.days(90),
                )
            ],
        )
        # S3 sends events to EventBridge through the bucket's own property, not the custom-resource
        # Lambda that the L2 `event_bridge_enabled` flag would add.
        raw_cfn = self.raw.node.default_child
        assert isinstance(raw_cfn, s3.CfnBucket)
        raw_cfn.add_property_override(
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
        )
        self.curated = self._bucket("Curated", config)  # curated/ and quarantine/ zones
        self.analytics = self._bucket("Analytics", config)
        self.athena_results = self._bucket(
            "AthenaResults",
            config,
            rules=[
                s3.LifecycleRule(
                    id="expire-results", expiration=cdk.Duration.days(config.athena_results_expire_days)
                )
            ],
        )
        self.artifacts = self._bucket("Artifacts", config, versioned=True)

    def _bucket(
        self,
        name: str,
        config: EnvConfig,
        *,
        versioned: bool = False,
        rules: list[s3.LifecycleRule] | None = None,
    ) -> s3.Bucket:
        return s3.Bucket(
            self,
            name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=versioned,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{name.lower()}/",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=config.removal_policy,
            lifecycle_rules=[ABORT_INCOMPLETE_UPLOADS, *(rules or [])],
        )
