"""Cost: a monthly budget with notifications, and cost-allocation tags on everything."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from lakeline_infra.config import EnvConfig


class Cost(Construct):
    """Budget alerts at 80% (actual) and 100% (forecast) of the month's limit."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvConfig, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}},
            )
        )
        subscribers = [budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=topic.topic_arn)]
        if config.alarm_email:
            subscribers.append(
                budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=config.alarm_email)
            )
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
