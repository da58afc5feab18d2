"""The CloudWatch dashboard of an environment: the pipeline's own metrics and its AWS resources.

lakeline's metrics are EMF lines in the ``lakeline`` namespace with the dimensions ``service``
and ``dataset`` (or ``model`` / ``table``); SEARCH expressions chart every dataset without
naming one, so a new contract needs no change here.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from lakeline_infra.config import EnvConfig

NAMESPACE = "lakeline"
PERIOD = cdk.Duration.minutes(5)


def per(dimension: str, metric: str, statistic: str = "Sum") -> cloudwatch.MathExpression:
    """One line per value of ``dimension`` (every dataset, model or table; or several, comma-separated)."""
    return cloudwatch.MathExpression(
        expression=f"SEARCH('{{{NAMESPACE},service,{dimension}}} MetricName=\"{metric}\"', '{statistic}', "
        f"{int(PERIOD.to_seconds())})",
        label=metric,
        period=PERIOD,
    )


class Dashboard(Construct):
    """Rows: data in and out, processing health, the workflow, data quality and freshness."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        process: lambda_.IFunction,
        queue: sqs.IQueue,
        dead_letters: sqs.IQueue,
        workflow: sfn.IStateMachine,
        job_name: str,
        workgroup: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=f"{config.project}-pipeline",
            default_interval=cdk.Duration.days(1),
        )
        graph = cloudwatch.GraphWidget
        self.dashboard.add_widgets(
            graph(
                title="Rows in, kept and quarantined, per dataset",
                width=12,
                left=[per("dataset", m) for m in ("RowsIn", "RowsKept", "RowsQuarantined")],
            ),
            graph(
                title="Objects processed and failed, per dataset",
                width=12,
                left=[per("dataset", m) for m in ("ObjectsProcessed", "ObjectsFailed")],
            ),
        )
        self.dashboard.add_widgets(
            graph(
                title="process_object: invocations, errors, throttles",
                width=8,
                left=[
                    process.metric_invocations(period=PERIOD),
                    process.metric_errors(period=PERIOD),
                    process.metric_throttles(period=PERIOD),
                ],
            ),
            graph(
                title="process_object: duration p95",
                width=8,
                left=[process.metric_duration(period=PERIOD, statistic="p95")],
            ),
            graph(
                title="Queue: age of the oldest message; dead letters",
                width=8,
                left=[queue.metric_approximate_age_of_oldest_message(period=PERIOD)],
                right=[dead_letters.metric_approximate_number_of_messages_visible(period=PERIOD)],
            ),
        )
        self.dashboard.add_widgets(
            graph(
                title="Workflow executions",
                width=8,
                left=[
                    workflow.metric_succeeded(period=PERIOD),
                    workflow.metric_failed(period=PERIOD),
                    workflow.metric_timed_out(period=PERIOD),
                ],
            ),
            graph(
                title="Data quality: rules failed, per table",
                width=8,
                left=[per("table", "DataQualityRulesFailed")],
            ),
            graph(
                title="Freshness: hours since the newest object, per dataset",
                width=8,
                left=[per("dataset", "FreshnessHours", "Maximum")],
            ),
        )
        self.dashboard.add_widgets(
            graph(
                title="End-to-end lag (landed to queryable) and processing latency",
                width=8,
                left=[per("dataset", "EndToEndLag", "Maximum")],
                right=[per("dataset", "ProcessingLatency", "p95")],
            ),
            graph(
                title="Errors by kind",
                width=8,
                left=[per("dataset,kind,retry", "Errors")],
            ),
            graph(
                title="API pulls: pages and records, per dataset",
                width=8,
                left=[per("dataset", "ApiPages"), per("dataset", "ApiRecords")],
                right=[per("dataset", "ApiErrors")],
            ),
        )
        glue_dims = {"JobName": job_name, "JobRunId": "ALL", "Type": "count"}
        self.dashboard.add_widgets(
            graph(
                title="Analytics build: duration per model, partitions rebuilt",
                width=8,
                left=[per("model", "BuildDuration", "Maximum")],
                right=[per("model", "BuildPartitionsRebuilt")],
            ),
            graph(
                title="Glue job: completed and failed tasks",
                width=8,
                left=[
                    cloudwatch.Metric(
                        namespace="Glue",
                        metric_name=f"glue.driver.aggregate.{m}",
                        dimensions_map=glue_dims,
                        period=PERIOD,
                        statistic="Sum",
                    )
                    for m in ("numCompletedTasks", "numFailedTasks")
                ],
            ),
            graph(
                title="Athena: bytes scanned by the workgroup",
                width=8,
                left=[
                    cloudwatch.Metric(
                        namespace="AWS/Athena",
                        metric_name="ProcessedBytes",
                        dimensions_map={"WorkGroup": workgroup},
                        period=cdk.Duration.hours(1),
                        statistic="Sum",
                    )
                ],
            ),
        )
