"""Monitoring: the alerts topic and the first alarms (issue 8 fills in the dashboard).

Alarms reach the topic through EventBridge (``CloudWatch Alarm State Change``), whose input
transformer writes them in lakeline's one alert format (``lakeline.core.alerts``), the format
the workflow's and the functions' own alerts use. SNS takes no subject from EventBridge, so the
subject is the message's first line.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from lakeline.core.alerts import Alert
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
        # EventBridge publishes to the KMS-encrypted topic with the lake's key.
        key.grant(iam.ServicePrincipal("events.amazonaws.com"), "kms:GenerateDataKey*", "kms:Decrypt")
        period = cdk.Duration.minutes(5)
        alarms = [
            function.metric_errors(period=period).create_alarm(
                self, "ProcessErrors", alarm_name=f"{config.project}-process-errors",
                threshold=1, evaluation_periods=1,
                alarm_description="process_object raised errors: see its logs and the ledger",
            ),
            function.metric_throttles(period=period).create_alarm(
                self, "ProcessThrottles", alarm_name=f"{config.project}-process-throttles",
                threshold=1, evaluation_periods=1,
                alarm_description="process_object was throttled: raise its reserved concurrency",
            ),
            dead_letters.metric_approximate_number_of_messages_visible(period=period).create_alarm(
                self, "DeadLetters", alarm_name=f"{config.project}-dead-letters",
                threshold=0, evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                alarm_description="messages in the DLQ: read their reason attribute, fix, then redrive",
            ),
        ]  # fmt: skip
        routes = [  # (alarm name, kind, what the alarm watches, the command to investigate)
            ("process-errors", "pipeline failure", "process_object", "lakeline status; the function's logs"),
            ("process-throttles", "pipeline failure", "process_object", "raise its reserved concurrency"),
            ("dead-letters", "dead letters", "process_object",
             "fix each message's reason, then: lakeline redrive --on aws"),
        ]  # fmt: skip
        for alarm, (name, kind, dataset, investigate) in zip(alarms, routes, strict=True):
            what_failed = self._what_failed()
            self._route(
                alarm, f"{config.project}-{name}", Alert(kind, config.name, dataset, what_failed, investigate)
            )

    @staticmethod
    def _what_failed() -> str:
        reason = events.EventField.from_path("$.detail.state.reason")
        return f"{events.EventField.from_path('$.detail.alarmName')} is in ALARM: {reason}"

    def _route(self, alarm: cloudwatch.Alarm, alarm_name: str, alert: Alert) -> None:
        """The alarm's ALARM transitions, as one alert in lakeline's format, to the topic."""
        rule = events.Rule(
            self, f"Route-{alarm.node.id}", description=f"{alert.kind}: {alert.dataset}, in the alert format",
            event_pattern=events.EventPattern(
                source=["aws.cloudwatch"], detail_type=["CloudWatch Alarm State Change"],
                # By name, not by reference: an alarm's name is known at synth time.
                detail={"alarmName": [alarm_name], "state": {"value": ["ALARM"]}},
            ),
        )  # fmt: skip
        rule.add_target(targets.SnsTopic(self.topic, message=events.RuleTargetInput.from_text(
            f"{alert.subject}\n{alert.message}"
        )))  # fmt: skip
