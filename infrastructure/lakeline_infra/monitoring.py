"""Monitoring: the alerts topic and the first alarms (issue 8 fills in the dashboard)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from lakeline_infra.config import EnvConfig


class Monitoring(Construct):
    """An SNS topic (KMS) with an optional e-mail subscription, and alarms that notify it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        key: kms.IKey,
        function: lambda_.IFunction,
        dead_letters: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self, "Alerts", display_name=f"{config.project} alerts", master_key=key, enforce_ssl=True
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        notify = actions.SnsAction(self.topic)
        period = cdk.Duration.minutes(5)
        alarms = [
            function.metric_errors(period=period).create_alarm(
                self, "ProcessErrors", threshold=1, evaluation_periods=1,
                alarm_description="process_object raised errors: see its logs and the ledger",
            ),
            function.metric_throttles(period=period).create_alarm(
                self, "ProcessThrottles", threshold=1, evaluation_periods=1,
                alarm_description="process_object was throttled: raise its reserved concurrency",
            ),
            dead_letters.metric_approximate_number_of_messages_visible(period=period).create_alarm(
                self, "DeadLetters", threshold=0, evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                alarm_description="messages in the DLQ: read their reason attribute, fix, then redrive",
            ),
        ]  # fmt: skip
        for alarm in alarms:
            alarm.add_alarm_action(notify)
