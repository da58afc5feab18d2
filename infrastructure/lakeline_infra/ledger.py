"""The ledger: one DynamoDB item per object, with its processing lease."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from lakeline.adapters.aws import ledger_table
from lakeline_infra.config import EnvConfig


class Ledger(Construct):
    """On-demand table keyed by ``object_id``, point-in-time recovery, KMS, TTL for leases."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvConfig, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name=ledger_table.KEY, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key,
            time_to_live_attribute="expires_at",
            removal_policy=config.removal_policy,
        )
        # One dataset's objects, one model's partitions, the latest runs: Queries, not Scans.
        self.table.add_global_secondary_index(
            index_name=ledger_table.INDEX,
            partition_key=dynamodb.Attribute(
                name=ledger_table.COLLECTION, type=dynamodb.AttributeType.STRING
            ),
            sort_key=dynamodb.Attribute(name=ledger_table.SORT, type=dynamodb.AttributeType.STRING),
            projection_type=dynamodb.ProjectionType.ALL,
        )
