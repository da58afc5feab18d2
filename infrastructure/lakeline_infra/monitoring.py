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
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from lakeline.core.alerts import Alert
from lakeline.core.registry import ContractRegistry
from lakeline_infra.config import EnvConfig

PERIOD = cdk.Duration.minutes(5)


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
        self.config = config
        self.alarms: list[cloudwatch.Alarm] = []
        self.alarm(
            function.metric_errors(period=PERIOD),
            "process-errors",
            "pipeline failure",
            "process_object",
            "process_object raised errors",
            "lakeline status; the function's CloudWatch logs",
        )
        self.alarm(
            function.metric_throttles(period=PERIOD),
            "process-throttles",
            "pipeline failure",
            "process_object",
            "process_object was throttled",
            "raise its reserved concurrency (infrastructure/lakeline_infra/config.py)",
        )
        self.alarm(
            dead_letters.metric_approximate_number_of_messages_visible(period=PERIOD),
            "dead-letters",
            "dead letters",
            "process_object",
            "messages are waiting in the dead-letter queue",
            "read each message's reason attribute, fix it, then: lakeline redrive --on aws",
            threshold=0,
            above=True,
        )

    def alarm(
        self,
        metric: cloudwatch.IMetric,
        name: str,
        kind: str,
        dataset: str,
        description: str,
        investigate: str,
        threshold: float = 1,
        above: bool = False,
        periods: int = 1,
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> cloudwatch.Alarm:
        """An alarm (``metric >= threshold``, or ``>`` with ``above``) that alerts in the alert format."""
        comparison = (
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            if above
            else cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        )
        full_name = f"{self.config.project}-{name}"
        alarm = metric.create_alarm(
            self,
            f"Alarm-{name}",
            alarm_name=full_name,
            threshold=threshold,
            evaluation_periods=periods,
            comparison_operator=comparison,
            alarm_description=f"{description}. Investigate: {investigate}",
            treat_missing_data=missing,
        )
        self._route(
            alarm, full_name, Alert(kind, self.config.name, dataset, self._what_failed(), investigate)
        )
        self.alarms.append(alarm)
        return alarm

    def watch_datasets(self, contracts: ContractRegistry) -> None:
        """Per dataset: its quarantine ratio above its threshold, and its freshness beyond its SLA."""
        for contract in contracts:
            dims = {"service": "lakeline", "dataset": contract.name}
            rows = {
                k: cloudwatch.Metric(
                    namespace="lakeline", metric_name=k, dimensions_map=dims, period=PERIOD, statistic="Sum"
                )
                for k in ("RowsIn", "RowsQuarantined")
            }
            ratio = cloudwatch.MathExpression(
                expression="IF(rows_in > 0, quarantined / rows_in, 0)",
                using_metrics={"rows_in": rows["RowsIn"], "quarantined": rows["RowsQuarantined"]},
                label=f"{contract.name} quarantine ratio",
                period=PERIOD,
            )
            self.alarm(
                ratio,
                f"quarantine-ratio-{contract.name}",
                "quarantine ratio",
                contract.name,
                f"more than {contract.quarantine_alarm_ratio:.0%} of {contract.name}'s rows were quarantined",
                f'lakeline query "SELECT reasons, count(*) FROM {contract.name}_quarantine GROUP BY 1"',
                threshold=contract.quarantine_alarm_ratio,
                above=True,
            )
            if contract.freshness_hours is not None:
                age = cloudwatch.Metric(
                    namespace="lakeline",
                    metric_name="FreshnessHours",
                    dimensions_map=dims,
                    period=cdk.Duration.hours(1),
                    statistic="Maximum",
                )
                self.alarm(
                    age,
                    f"freshness-{contract.name}",
                    "freshness breach",
                    contract.name,
                    f"{contract.name}'s newest object is older than its {contract.freshness_hours:g} h SLA",
                    "lakeline status; is its source still sending?",
                    threshold=contract.freshness_hours,
                    # The metric comes with each workflow run: between runs keep the state, alert once.
                    missing=cloudwatch.TreatMissingData.IGNORE,
                    above=True,
                )

    def watch_workflow(self, workflow: sfn.IStateMachine, job_names: list[str]) -> None:
        """Failed workflow executions, and runs of these Glue jobs that fail (their state-change events)."""
        self.alarm(
            workflow.metric_failed(period=PERIOD),
            "workflow-failures",
            "pipeline failure",
            "workflow",
            "an execution of the analytics workflow failed",
            "aws stepfunctions list-executions --status-filter FAILED --state-machine-arn <workflow ARN>",
        )
        rule = events.Rule(
            self,
            "GlueJobFailures",
            description="Glue analytics job runs that fail, in the alert format",
            event_pattern=events.EventPattern(
                source=["aws.glue"],
                detail_type=["Glue Job State Change"],
                detail={"jobName": job_names, "state": ["FAILED", "TIMEOUT", "ERROR"]},
            ),
        )
        state, message = (events.EventField.from_path(f"$.detail.{k}") for k in ("state", "message"))
        run = events.EventField.from_path("$.detail.jobRunId")
        job = events.EventField.from_path("$.detail.jobName")
        alert = Alert(
            "pipeline failure",
            self.config.name,
            job,
            f"Glue job run {run} ended {state}: {message}",
            f"aws glue get-job-run --job-name {job} --run-id {run}",
        )
        rule.add_target(
            targets.SnsTopic(
                self.topic, message=events.RuleTargetInput.from_text(f"{alert.subject}\n{alert.message}")
            )
        )

    def watch_athena(self, workgroup: str) -> None:
        """Athena bytes scanned in the workgroup, per day, above the environment's budget for scans."""
        scanned = cloudwatch.Metric(
            namespace="AWS/Athena",
            metric_name="ProcessedBytes",
            dimensions_map={"WorkGroup": workgroup},
            period=cdk.Duration.days(1),
            statistic="Sum",
        )
        self.alarm(
            scanned,
            "athena-bytes-scanned",
            "athena scans",
            workgroup,
            f"Athena scanned more than {self.config.athena_daily_bytes_alarm / 1024**3:g} GB in a day",
            "lakeline query --explain on the heavy queries; filter on dt so projection prunes",
            threshold=self.config.athena_daily_bytes_alarm,
            above=True,
        )

    @staticmethod
    def _what_failed() -> str:
        """The alarm's name and CloudWatch's reason, filled in by EventBridge."""
        reason = events.EventField.from_path("$.detail.state.reason")
        return f"{events.EventField.from_path('$.detail.alarmName')} is in ALARM: {reason}"

    def _route(self, alarm: cloudwatch.Alarm, alarm_name: str, alert: Alert) -> None:
        """The alarm's ALARM transitions, as one alert in lakeline's format, to the topic."""
        rule = events.Rule(
            self,
            f"Route-{alarm.node.id}",
            description=f"{alert.kind}: {alert.dataset}, in the alert format",
            event_pattern=events.EventPattern(
                source=["aws.cloudwatch"],
                detail_type=["CloudWatch Alarm State Change"],
                # By name, not by reference: an alarm's name is known at synth time.
                detail={"alarmName": [alarm_name], "state": {"value": ["ALARM"]}},
            ),
        )
        rule.add_target(
            targets.SnsTopic(
                self.topic, message=events.RuleTargetInput.from_text(f"{alert.subject}\n{alert.message}")
            )
        )
