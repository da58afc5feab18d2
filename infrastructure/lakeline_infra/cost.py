"""Cost: a monthly budget with notifications, and cost-allocation tags on everything.

AWS Budgets publishes its own text and cannot go through EventBridge, so its notices go to a
topic of their own, whose subscriber (the alert_relay function) re-sends each one to the
alerts topic in lakeline's alert format.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from lakeline_infra.config import EnvConfig
from lakeline_infra.functions import LakelineFunction
from lakeline_infra.storage import Storage

RELAY_HANDLER = "lakeline.entrypoints.aws_lambda.alert_relay.handler"


class Cost(Construct):
    """Budget alerts at 80% (actual) and 100% (forecast) of the month's limit."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        topic: sns.ITopic,
        storage: Storage,
        code: Path | None,
    ) -> None:
        super().__init__(scope, construct_id)
        notices = sns.Topic(
            self, "BudgetNotices", display_name=f"{config.project} budget notices (relayed as alerts)",
            master_key=storage.key, enforce_ssl=True,
        )  # fmt: skip
        budgets_service = iam.ServicePrincipal("budgets.amazonaws.com")
        notices.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[budgets_service],
                resources=[notices.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}},
            )
        )
        storage.key.grant(budgets_service, "kms:GenerateDataKey*", "kms:Decrypt")
        relay = LakelineFunction(
            self, "AlertRelay", config=config, storage=storage, code=code, handler=RELAY_HANDLER,
            description="alert_relay: budget notices to the alerts topic, in the alert format",
            memory_mb=256, timeout=cdk.Duration.seconds(30), concurrency=1,
            environment={"LAKELINE_ALERTS_TOPIC": topic.topic_arn, "LAKELINE_ENVIRONMENT": config.name},
        )  # fmt: skip
        topic.grant_publish(relay.role)
        notices.add_subscription(subscriptions.LambdaSubscription(relay.function))
        subscribers = [
            budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=notices.topic_arn)
        ]
        budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=config.project,
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=config.monthly_budget_usd, unit="USD"),
                cost_filters={"TagKeyValue": [f"user:project${config.project}"]},
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        notification_type=kind,
                        comparison_operator="GREATER_THAN",
                        threshold=threshold,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=subscribers,
                )
                for kind, threshold in (("ACTUAL", 80), ("FORECASTED", 100))
            ],
        )


def tag_everything(scope: Construct, config: EnvConfig) -> None:
    """Cost-allocation tags: project, environment, owner."""
    cdk.Tags.of(scope).add("project", config.project)
    cdk.Tags.of(scope).add("environment", config.name)
    cdk.Tags.of(scope).add("owner", config.owner)
