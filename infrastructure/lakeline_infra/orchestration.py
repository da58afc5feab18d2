"""Orchestration: the analytics workflow as a Step Functions state machine, on a schedule and on events.

Plan -> Transform (the Glue job, .sync) -> DataQuality (a Glue Data Quality run per changed
table) -> RecordResults -> Notify: the steps ``lakeline build`` runs locally, named once in
``lakeline.core.workflow``. Every task retries with backoff and jitter and catches into one
failure alert. ``Partition Updated`` events are debounced through a FIFO queue whose
content-based de-duplication folds a burst of events into one execution per five minutes.
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from lakeline.core.objects import Zone
from lakeline.core.workflow import DATA_QUALITY, NOTIFY, PLAN, RECORD_RESULTS, TRANSFORM
from lakeline.events.rules import partition_updated_rule
from lakeline_infra.catalog import catalog_arns, rulesets_arn
from lakeline_infra.config import EnvConfig
from lakeline_infra.functions import LakelineFunction, retention_for
from lakeline_infra.ingestion import event_pattern
from lakeline_infra.storage import Storage

HANDLER = "lakeline.entrypoints.aws_lambda.workflow.handler"
DEBOUNCE_GROUP = "workflow"
# Errors worth another try: the service was busy or briefly failing, never our input.
GLUE_TRANSIENT = [
    "Glue.InternalServiceException",
    "Glue.ThrottlingException",
    "Glue.OperationTimeoutException",
]
# lakeline's own transient errors (lakeline.errors.TransientError's kinds) that the steps can raise.
APP_TRANSIENT = ["LedgerUnavailableError", "S3TransientError", "LeaseHeldError"]
LAMBDA_TRANSIENT = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
RUN_DONE, RUN_FAILED = ["SUCCEEDED"], ["FAILED", "STOPPED", "TIMEOUT"]


class Orchestration(Construct):
    """The workflow's state machine, its function, its Glue Data Quality role and its triggers."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        storage: Storage,
        ledger: dynamodb.ITable,
        job: glue.CfnJob,
        database: str,
        topic: sns.ITopic,
        code: Path | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        step = LakelineFunction(
            self,
            "Steps",
            config=config,
            storage=storage,
            code=code,
            handler=HANDLER,
            description="workflow: plan the build, record data-quality results, notify",
            memory_mb=1024,
            timeout=cdk.Duration.minutes(5),
            concurrency=2,
            environment={
                "LAKELINE_LAKE_BUCKET": storage.raw.bucket_name,
                "LAKELINE_CURATED_BUCKET": storage.curated.bucket_name,
                "LAKELINE_ANALYTICS_BUCKET": storage.analytics.bucket_name,
                "LAKELINE_LEDGER_TABLE": ledger.table_name,
                "LAKELINE_ALERTS_TOPIC": topic.topic_arn,
                "LAKELINE_ENVIRONMENT": config.name,
                "LAKELINE_DATABASE": database,
                "POWERTOOLS_METRICS_NAMESPACE": "lakeline",
            },
        )
        self.function = step.function
        # Plan lists curated/ and reads the ledger; RecordResults writes quality/ and the build state.
        self.prefix_grants: list[tuple[s3.IBucket, str]] = [
            (storage.curated, f"{Zone.CURATED.value}/"),
            (storage.curated, f"{Zone.QUALITY.value}/"),
        ]
        storage.curated.grant_read(step.role, f"{Zone.CURATED.value}/*")
        storage.curated.grant_read_write(step.role, f"{Zone.QUALITY.value}/*")
        ledger.grant_read_write_data(step.role)
        topic.grant_publish(step.role)
        stack = cdk.Stack.of(self)
        # Plan registers the curated partitions that Glue Data Quality will read (projection is Athena's).
        step.role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "glue:GetTable",
                    "glue:GetPartitions",
                    "glue:CreatePartition",
                    "glue:UpdatePartition",
                ],
                resources=catalog_arns(self, database),
            )
        )
        # Glue authorizes BatchGetDataQualityResult as glue:GetDataQualityResult on the ruleset.
        step.role.add_to_policy(
            iam.PolicyStatement(
                actions=["glue:GetDataQualityResult"],
                resources=[rulesets_arn(self, config.project)],
            )
        )
        self.quality_role = self._quality_role(storage, database)
        self.state_machine = self._state_machine(job, database, topic, storage)
        # NotifyFailure publishes to the KMS-encrypted topic: Publish and the key's data keys.
        topic.grant_publish(self.state_machine)
        self._triggers(storage)
        glue_arn = "arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>"
        function = stack.get_logical_id(self.function.node.default_child)  # type: ignore[arg-type]
        # cdk-nag findings this construct accepts (resource patterns as cdk-nag prints them), and why.
        self.acknowledgments: list[tuple[str, str]] = [
            (f"<{function}.Arn>:*", "the state machine invokes this one function (any version)"),
            (f"{glue_arn}:dataQualityRuleset/{self.config.project}-*", "this environment's rulesets only"),
            (f"{glue_arn}:table/{database}/*", "the tables of this environment's database only"),
            (
                "arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/data-quality/*",
                "the log groups Glue Data Quality writes to",
            ),
        ]

    def _quality_role(self, storage: Storage, database: str) -> iam.Role:
        """The role Glue Data Quality runs assume: read the checked tables and publish results."""
        role = iam.Role(
            self,
            "DataQualityRole",
            assumed_by=iam.ServicePrincipal("glue.amazonaws.com"),
            description=f"{self.config.project} Glue Data Quality runs: read curated/ and analytics/",
        )
        storage.curated.grant_read(role, f"{Zone.CURATED.value}/*")
        storage.analytics.grant_read(role, f"{Zone.ANALYTICS.value}/*")
        storage.key.grant_decrypt(role)
        stack = cdk.Stack.of(self)
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "glue:GetDatabase",
                    "glue:GetTable",
                    "glue:GetPartitions",
                    "glue:GetDataQualityRuleset",
                    "glue:PublishDataQuality",
                ],
                resources=[*catalog_arns(self, database), rulesets_arn(self, self.config.project)],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[
                    stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="/aws-glue/data-quality/*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        return role

    def _invoke(self, name: str, step: str, state: dict[str, object], result: str) -> tasks.LambdaInvoke:
        task = tasks.LambdaInvoke(
            self,
            name,
            lambda_function=self.function,
            payload=sfn.TaskInput.from_object({"step": step, "state": state}),
            payload_response_only=True,
            retry_on_service_exceptions=False,
            result_path=result,
        )
        task.add_retry(
            errors=LAMBDA_TRANSIENT + APP_TRANSIENT,
            interval=cdk.Duration.seconds(2),
            backoff_rate=2,
            max_attempts=4,
            jitter_strategy=sfn.JitterType.FULL,
        )
        return task

    def _state_machine(
        self, job: glue.CfnJob, database: str, topic: sns.ITopic, storage: Storage
    ) -> sfn.StateMachine:
        config = self.config
        failure = tasks.SnsPublish(
            self,
            "NotifyFailure",
            topic=topic,
            subject=f"[lakeline {config.name}] pipeline failure: workflow",
            message=sfn.TaskInput.from_json_path_at(
                sfn.JsonPath.format(
                    f"environment: {config.name}\ndataset: workflow\nwhat failed: {{}}: {{}}\n"
                    "investigate: aws stepfunctions describe-execution --execution-arn {}\n",
                    sfn.JsonPath.string_at("$.error.Error"),
                    sfn.JsonPath.string_at("$.error.Cause"),
                    sfn.JsonPath.execution_id,
                )
            ),
            result_path=sfn.JsonPath.DISCARD,
        ).next(sfn.Fail(self, "WorkflowFailed", error="WorkflowFailed", cause="a step failed; see the alert"))

        def guarded(task: sfn.TaskStateBase | sfn.Map) -> sfn.TaskStateBase | sfn.Map:
            task.add_catch(failure, errors=[sfn.Errors.ALL], result_path="$.error")
            return task

        plan = guarded(self._invoke(PLAN, "plan", {}, "$.plan"))
        transform = tasks.GlueStartJobRun(
            self,
            TRANSFORM,
            glue_job_name=job.ref,
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            arguments=sfn.TaskInput.from_object(
                {
                    "--models": sfn.JsonPath.string_at("$.plan.models"),
                    "--partitions": sfn.JsonPath.string_at("$.plan.partitions"),
                    "--run-id": sfn.JsonPath.string_at("$.plan.run_id"),
                }
            ),
            result_path=sfn.JsonPath.DISCARD,
        )
        # Another execution's job run is still going (one run at a time): wait it out, up to ~2 hours.
        transform.add_retry(
            errors=["Glue.ConcurrentRunsExceededException"],
            interval=cdk.Duration.minutes(2),
            backoff_rate=1.5,
            max_attempts=12,
            max_delay=cdk.Duration.minutes(15),
            jitter_strategy=sfn.JitterType.FULL,
        )
        transform.add_retry(
            errors=GLUE_TRANSIENT,
            interval=cdk.Duration.seconds(60),
            backoff_rate=2,
            max_attempts=4,
            max_delay=cdk.Duration.minutes(15),
            jitter_strategy=sfn.JitterType.FULL,
        )
        guarded(transform)
        quality = guarded(self._data_quality(database, storage))
        record = guarded(
            self._invoke(
                RECORD_RESULTS,
                "record",
                {
                    "run_id": sfn.JsonPath.string_at("$.plan.run_id"),
                    "quality": sfn.JsonPath.list_at("$.quality"),
                },
                "$.record",
            )
        )
        notify = guarded(
            self._invoke(
                NOTIFY,
                "notify",
                {
                    "run_id": sfn.JsonPath.string_at("$.record.run_id"),
                    "quality": sfn.JsonPath.list_at("$.record.quality"),
                },
                "$.notify",
            )
        )
        halted = (
            sfn.Choice(self, "Halted?")
            .when(
                sfn.Condition.boolean_equals("$.notify.halted", True),
                sfn.Fail(self, "Halt", error="DataQualityHalt", cause="a ruleset with action halt failed"),
            )
            .otherwise(sfn.Succeed(self, "Done"))
        )
        quality.next(record).next(notify).next(halted)
        transform.next(quality)
        # Pipes start executions with an array of messages and the schedule with its event: start
        # every run from an empty object, so that the steps' result paths always exist.
        start = sfn.Pass(self, "Start", parameters={})
        definition = start.next(plan).next(
            sfn.Choice(self, "Changed?")
            .when(
                sfn.Condition.boolean_equals("$.plan.nothing_to_do", True), sfn.Succeed(self, "NothingToDo")
            )
            .when(sfn.Condition.boolean_equals("$.plan.build", True), transform)
            .otherwise(quality)
        )
        log_group = logs.LogGroup(
            self,
            "Logs",
            retention=retention_for(config.log_retention_days),
            encryption_key=storage.key,
            removal_policy=config.removal_policy,
        )
        return sfn.StateMachine(
            self,
            "Workflow",
            state_machine_name=f"{config.project}-workflow",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=cdk.Duration.hours(3),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL),
        )

    def _data_quality(self, database: str, storage: Storage) -> sfn.Map:
        """A Glue Data Quality run per planned table, polled until it ends; its result ids out."""
        start = tasks.CallAwsService(
            self,
            "StartRulesetRun",
            service="glue",
            action="startDataQualityRulesetEvaluationRun",
            parameters={
                "DataSource": {
                    "GlueTable": {
                        "DatabaseName": database,
                        "TableName": sfn.JsonPath.string_at("$.table"),
                        "AdditionalOptions": {"pushDownPredicate": sfn.JsonPath.string_at("$.predicate")},
                    }
                },
                "Role": self.quality_role.role_arn,
                "RulesetNames": sfn.JsonPath.array(
                    sfn.JsonPath.format(f"{self.config.project}-{{}}", sfn.JsonPath.string_at("$.table"))
                ),
                "NumberOfWorkers": 2,
            },
            iam_resources=[rulesets_arn(self, self.config.project), *catalog_arns(self, database)],
            additional_iam_statements=[
                iam.PolicyStatement(actions=["iam:PassRole"], resources=[self.quality_role.role_arn])
            ],
            result_selector={"RunId": sfn.JsonPath.string_at("$.RunId")},
            result_path="$.run",
        )
        wait = sfn.Wait(self, "WaitForRun", time=sfn.WaitTime.duration(cdk.Duration.seconds(30)))
        poll = tasks.CallAwsService(
            self,
            "GetRulesetRun",
            service="glue",
            action="getDataQualityRulesetEvaluationRun",
            parameters={"RunId": sfn.JsonPath.string_at("$.run.RunId")},
            iam_resources=[rulesets_arn(self, self.config.project)],
            result_path="$.status",
        )
        for task in (start, poll):
            task.add_retry(
                errors=GLUE_TRANSIENT,
                interval=cdk.Duration.seconds(5),
                backoff_rate=2,
                max_attempts=5,
                jitter_strategy=sfn.JitterType.FULL,
            )
        done = sfn.Pass(
            self,
            "RuleResults",
            parameters={
                "table": sfn.JsonPath.string_at("$.table"),
                "kind": sfn.JsonPath.string_at("$.kind"),
                "partitions": sfn.JsonPath.object_at("$.partitions"),
                "ResultIds": sfn.JsonPath.list_at("$.status.ResultIds"),
            },
        )
        ended = (
            sfn.Choice(self, "RunEnded?")
            .when(
                sfn.Condition.or_(*(sfn.Condition.string_equals("$.status.Status", s) for s in RUN_DONE)),
                done,
            )
            .when(
                sfn.Condition.or_(*(sfn.Condition.string_equals("$.status.Status", s) for s in RUN_FAILED)),
                sfn.Fail(
                    self,
                    "RulesetRunFailed",
                    error="Glue.DataQualityRunFailed",
                    cause="a Glue Data Quality run did not succeed",
                ),
            )
            .otherwise(wait)
        )
        runs = sfn.Map(
            self,
            DATA_QUALITY,
            items_path="$.plan.quality",
            max_concurrency=4,
            result_path="$.quality",
        )
        runs.item_processor(start.next(wait).next(poll).next(ended))
        return runs

    def _triggers(self, storage: Storage) -> None:
        """Run on a schedule, and (debounced) when curated partitions change."""
        rule_target = targets.SfnStateMachine(self.state_machine)
        events.Rule(
            self,
            "Schedule",
            description="Run the analytics workflow on its schedule",
            schedule=events.Schedule.rate(cdk.Duration.hours(self.config.workflow_every_hours)),
            targets=[rule_target],
        )
        # EventBridge cannot debounce; a FIFO queue's content-based de-duplication drops identical
        # messages for five minutes, so a burst of Partition Updated events starts one execution,
        # delivered five minutes after the burst began.
        self.triggers = sqs.Queue(
            self,
            "Triggers",
            queue_name=f"{self.config.project}-workflow-triggers.fifo",
            fifo=True,
            content_based_deduplication=True,
            # Deliver after the de-duplication window: the run starts after the burst, not at its start.
            delivery_delay=cdk.Duration.minutes(5),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=storage.key,
            enforce_ssl=True,
            retention_period=cdk.Duration.hours(1),
            visibility_timeout=cdk.Duration.minutes(1),
        )
        rule = partition_updated_rule()  # defined once, in lakeline.events
        events.Rule(
            self,
            f"Rule-{rule.name}",
            description=rule.description,
            event_pattern=event_pattern(rule.pattern),
            targets=[
                targets.SqsQueue(
                    self.triggers,
                    message_group_id=DEBOUNCE_GROUP,
                    message=events.RuleTargetInput.from_text(json.dumps({"trigger": rule.name})),
                )
            ],
        )
        role = iam.Role(
            self,
            "PipeRole",
            assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"),
            description=f"{self.config.project} debounced workflow trigger",
        )
        self.triggers.grant_consume_messages(role)
        self.state_machine.grant_start_execution(role)
        pipes.CfnPipe(
            self,
            "Debounce",
            role_arn=role.role_arn,
            source=self.triggers.queue_arn,
            target=self.state_machine.state_machine_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                sqs_queue_parameters=pipes.CfnPipe.PipeSourceSqsQueueParametersProperty(batch_size=1)
            ),
            target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
                step_function_state_machine_parameters=pipes.CfnPipe.PipeTargetStateMachineParametersProperty(
                    invocation_type="FIRE_AND_FORGET"
                )
            ),
        )
