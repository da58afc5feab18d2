"""cdk-nag AwsSolutions, and every acknowledged finding with its reason, in one place."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

# Findings we accept, and why. Anything else fails synth.
ACKNOWLEDGED: dict[str, str] = {
    "AwsSolutions-IAM5[Action::s3:Abort*]": "grant_read_write on a prefix: curated/*, quarantine/* only",
    "AwsSolutions-IAM5[Action::s3:DeleteObject*]": "stale outputs of older versions: curated/*, quarantine/*",
    "AwsSolutions-IAM5[Action::s3:GetBucket*]": "CDK's grant_read: bucket-level reads of exactly one bucket",
    "AwsSolutions-IAM5[Action::s3:GetObject*]": "CDK's grant_read: object reads scoped to a zone prefix",
    "AwsSolutions-IAM5[Action::s3:List*]": "CDK's grant_read: listing exactly one bucket",
    "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": "KMS data keys for the lake's own key only",
    "AwsSolutions-IAM5[Action::kms:ReEncrypt*]": "KMS re-encryption with the lake's own key only",
    "AwsSolutions-IAM5[Resource::<LedgerTable9343E4AA.Arn>/index/*]": (
        "CDK's table grants: the indexes of the ledger table only (one, by_collection, for Queries)"
    ),
    "AwsSolutions-IAM5[Resource::*]": (
        "X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch PutMetricData (limited to the Glue "
        "namespace by a condition) accept no resource scoping"
    ),
    "AwsSolutions-S1": "the access-log bucket itself cannot log to itself",
    "AwsSolutions-SQS3": "this queue is the dead-letter queue",
    "AwsSolutions-L1": "Python 3.12 is pinned on purpose: the Lambda artifact is built for it (make package)",
    "AwsSolutions-ATH1": "workgroup results are encrypted with SSE-KMS through its enforced configuration",
}


# checkov findings we accept, and why; written into each resource's metadata, where checkov reads them.
CHECKOV_SKIPS: dict[str, dict[str, str]] = {
    "AWS::S3::Bucket": {
        "CKV_AWS_21": "only raw and artifacts are versioned: the other zones are rebuilt from raw",
        "CKV_AWS_18": "the access-log bucket does not log its own access",
    },
    "AWS::Lambda::Function": {
        "CKV_AWS_116": "fed by SQS, whose queue has the dead-letter queue; a Lambda DLQ is for async calls",
        "CKV_AWS_117": "no VPC: the function reaches only S3, DynamoDB and SQS; a VPC would add NAT cost",
    },
}


def add_checkov_skips(stack: cdk.Stack) -> None:
    """Record the accepted checkov findings, with their reasons, on every resource they concern."""
    for construct in stack.node.find_all():
        if isinstance(construct, cdk.CfnResource) and construct.cfn_resource_type in CHECKOV_SKIPS:
            skips = CHECKOV_SKIPS[construct.cfn_resource_type]
            construct.add_metadata("checkov", {"skip": [{"id": k, "comment": v} for k, v in skips.items()]})


def add_checks(app: cdk.App) -> None:
    """Run AwsSolutions on every stack of the app; an unacknowledged finding fails synth."""
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(
    stack: cdk.Stack,
    prefix_grants: list[tuple[s3.IBucket, str]],
    invoked: list[lambda_.IFunction] | None = None,
    scoped: list[tuple[str, str]] | None = None,
) -> None:
    """Acknowledge the findings above for a stack, with their reasons.

    ``prefix_grants`` lists the (bucket, key prefix) pairs a role may use objects under: a
    ``prefix/*`` resource is the narrowest scope S3 object permissions have. ``scoped`` lists
    other wildcard resources (as cdk-nag prints them) with the reason each is as narrow as it can be.
    """
    validations = cdk.Validations.of(stack)
    for rule, reason in ACKNOWLEDGED.items():
        validations.acknowledge(cdk.Acknowledgment(id=rule, reason=reason))
    for function in invoked or []:
        cfn = function.node.default_child
        assert isinstance(cfn, cdk.CfnElement)
        validations.acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(cfn)}.Arn>:*]",
                reason="grant_invoke: any version or alias of this one function, for its schedules",
            )
        )
    for resource, reason in scoped or []:
        validations.acknowledge(
            cdk.Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{resource}]", reason=reason)
        )
    for bucket, prefix in prefix_grants:
        cfn = bucket.node.default_child
        assert isinstance(cfn, cdk.CfnElement)
        validations.acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(cfn)}.Arn>/{prefix}*]",
                reason=f"objects under {prefix} only: the narrowest scope of S3 object permissions",
            )
        )
