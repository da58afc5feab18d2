"""The CDK app: synthesized offline, checked with cdk-nag, asserted by properties (never logical IDs)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
sys.path.insert(0, str(REPO / "infrastructure"))

import app as cdk_app  # noqa: E402
from aws_cdk import assertions  # noqa: E402
from lakeline_infra.config import ENVIRONMENTS  # noqa: E402

from lakeline.core.registry import ContractRegistry  # noqa: E402
from lakeline.core.workflow import QUALITY_RESULTS_TABLE  # noqa: E402
from lakeline.events.rules import raw_object_created  # noqa: E402

Match = assertions.Match


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, assertions.Template]:
    code = tmp_path_factory.mktemp("code")
    (code / "stub.py").write_text("# the Lambda artifact is built by make package\n")
    app = cdk_app.build(outdir=str(tmp_path_factory.mktemp("cdk.out")), lambda_code=code)
    app.synth()  # runs cdk-nag: an unacknowledged finding raises here
    return {
        name: assertions.Template.from_stack(app.node.find_child(f"lakeline-{name}"))  # type: ignore[arg-type]
        for name in ENVIRONMENTS
    }


@pytest.fixture(scope="module")
def dev(templates: dict[str, assertions.Template]) -> assertions.Template:
    return templates["dev"]


def resources(template: assertions.Template, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = template.find_resources(kind)
    return found


def test_every_bucket_is_encrypted_private_tls_only_and_aborts_uploads(dev: assertions.Template) -> None:
    buckets = resources(dev, "AWS::S3::Bucket")
    assert len(buckets) == 6
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == dict.fromkeys(
            ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
        )
        assert "BucketEncryption" in props
        rules = props["LifecycleConfiguration"]["Rules"]
        assert any(r.get("AbortIncompleteMultipartUpload") for r in rules)
    encryption = [
        b["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0] for b in buckets.values()
    ]
    kms_rules = [r for r in encryption if r["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"]
    assert len(kms_rules) == 5  # all but the access-log bucket, which S3 cannot log to with KMS
    assert all(r["BucketKeyEnabled"] for r in kms_rules)
    for policy in resources(dev, "AWS::S3::BucketPolicy").values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny"
            and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in statements
        )


def test_raw_is_versioned_and_sends_events_natively(dev: assertions.Template) -> None:
    dev.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
        },
    )
    assert not resources(dev, "Custom::S3BucketNotifications")


def test_the_rule_is_the_one_lakeline_events_defines(dev: assertions.Template) -> None:
    rules = resources(dev, "AWS::Events::Rule").values()
    (rule,) = [r for r in rules if "aws.s3" in json.dumps(r["Properties"].get("EventPattern"))]
    pattern = rule["Properties"]["EventPattern"]
    expected = raw_object_created("BUCKET").pattern
    assert pattern["source"] == expected["source"]
    assert pattern["detail-type"] == expected["detail-type"]
    assert pattern["detail"]["object"] == expected["detail"]["object"]
    assert "Ref" in json.dumps(pattern["detail"]["bucket"]["name"])  # the raw bucket, by reference


def _process_function(template: assertions.Template) -> dict[str, Any]:
    functions = resources(template, "AWS::Lambda::Function").values()
    (function,) = [f for f in functions if f["Properties"]["Handler"].endswith("process_object.handler")]
    return function


def test_queue_has_kms_a_dlq_and_six_times_the_function_timeout(dev: assertions.Template) -> None:
    function = _process_function(dev)
    timeout = function["Properties"]["Timeout"]
    queues = resources(dev, "AWS::SQS::Queue").values()
    main = next(q for q in queues if "RedrivePolicy" in q["Properties"])
    assert main["Properties"]["VisibilityTimeout"] >= 6 * timeout
    assert main["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5
    assert all("KmsMasterKeyId" in q["Properties"] for q in queues)
    (policy,) = [p for p in resources(dev, "AWS::SQS::QueuePolicy").values() if "Rule" in json.dumps(p)]
    assert "aws:SourceArn" in json.dumps(policy)  # only the rule may send


def test_function_is_arm64_python312_with_reserved_concurrency(dev: assertions.Template) -> None:
    dev.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Architectures": ["arm64"],
            "Runtime": "python3.12",
            "Handler": "lakeline.entrypoints.aws_lambda.process_object.handler",
            "ReservedConcurrentExecutions": ENVIRONMENTS["dev"].lambda_reserved_concurrency,
            # Room in /tmp for the largest object it processes, its outputs and DuckDB's spill.
            "EphemeralStorage": {"Size": 3 * ENVIRONMENTS["dev"].max_lambda_object_bytes // 1024**2},
            "TracingConfig": {"Mode": "Active"},
            "Environment": {"Variables": Match.object_like({"LAKELINE_LEDGER_TABLE": Match.any_value()})},
        },
    )
    dev.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
    )
    dev.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 14})


def test_ledger_is_on_demand_with_pitr_kms_and_ttl(dev: assertions.Template) -> None:
    dev.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": Match.object_like({"SSEEnabled": True}),
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            "KeySchema": [{"AttributeName": "object_id", "KeyType": "HASH"}],
        },
    )


def test_glue_tables_come_from_the_contracts(dev: assertions.Template) -> None:
    contracts = ContractRegistry.from_directory(REPO / "datasets")
    tables = {
        t["Properties"]["TableInput"]["Name"]: t["Properties"]["TableInput"]
        for t in resources(dev, "AWS::Glue::Table").values()
    }
    models = {p.stem for p in (REPO / "sql" / "models").glob("*.sql")}
    lake = {n for c in contracts for n in (c.name, f"{c.name}_quarantine")} | {QUALITY_RESULTS_TABLE}
    assert set(tables) == lake | models
    for model in models:  # analytics tables live in the analytics bucket
        assert "StorageAnalytics" in json.dumps(tables[model]["StorageDescriptor"]["Location"])
    for contract in contracts:
        table = tables[contract.name]
        columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
        assert columns == [(c.name, c.type) for c in contract.columns]
        assert table["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
        assert table["Parameters"]["projection.enabled"] == "true"
        assert table["Parameters"]["projection.dt.format"] == "yyyy-MM-dd"


def test_glue_data_quality_rulesets_are_the_projects_dqdl_text(dev: assertions.Template) -> None:
    contracts = ContractRegistry.from_directory(REPO / "datasets")
    expected = {c.name: c.quality.rules for c in contracts if c.quality is not None}
    expected |= {p.stem: p.read_text() for p in (REPO / "sql" / "models").glob("*.dqdl")}
    deployed = {
        r["Properties"]["TargetTable"]["TableName"]: r["Properties"]
        for r in resources(dev, "AWS::Glue::DataQualityRuleset").values()
    }
    assert expected and {name: p["Ruleset"] for name, p in deployed.items()} == expected
    for name, props in deployed.items():
        assert props["Name"] == f"lakeline-dev-{name}"
        assert props["TargetTable"]["DatabaseName"] == "lakeline_dev"


def test_athena_workgroup_is_enforced_encrypted_and_capped(dev: assertions.Template) -> None:
    dev.has_resource_properties(
        "AWS::Athena::WorkGroup",
        {
            "WorkGroupConfiguration": Match.object_like(
                {
                    "EnforceWorkGroupConfiguration": True,
                    "BytesScannedCutoffPerQuery": ENVIRONMENTS["dev"].athena_bytes_cutoff,
                    "ResultConfiguration": Match.object_like(
                        {"EncryptionConfiguration": Match.object_like({"EncryptionOption": "SSE_KMS"})}
                    ),
                }
            )
        },
    )
    assert len(resources(dev, "AWS::Athena::NamedQuery")) == len(
        list((REPO / "sql" / "queries").glob("*.sql"))
    )


def test_alarms_notify_the_encrypted_topic_and_a_budget_exists(dev: assertions.Template) -> None:
    dev.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    alarms = {a["Properties"]["AlarmName"] for a in resources(dev, "AWS::CloudWatch::Alarm").values()}
    # Each alarm reaches the topic through a rule that writes it in lakeline's alert format.
    routed = {
        r["Properties"]["EventPattern"]["detail"]["alarmName"][0]: r["Properties"]["Targets"][0]
        for r in resources(dev, "AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == ["aws.cloudwatch"]
    }
    assert len(alarms) >= 3 and set(routed) == alarms
    for target in routed.values():
        assert "Alerts" in json.dumps(target["Arn"])
        template = json.loads(target["InputTransformer"]["InputTemplate"])
        assert template.startswith("[lakeline dev] ")
        lines = template.splitlines()[1:]
        assert [line.split(":")[0] for line in lines] == [
            "environment",
            "dataset",
            "what failed",
            "investigate",
        ]
    dev.has_resource_properties(
        "AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 50, "Unit": "USD"}})}
    )


def test_alarms_cover_each_dataset_the_workflow_glue_and_athena(dev: assertions.Template) -> None:
    contracts = ContractRegistry.from_directory(REPO / "datasets")
    alarms = {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in resources(dev, "AWS::CloudWatch::Alarm").values()
    }
    for contract in contracts:
        ratio = alarms[f"lakeline-dev-quarantine-ratio-{contract.name}"]
        assert ratio["Threshold"] == contract.quarantine_alarm_ratio
        assert "quarantined / rows_in" in json.dumps(ratio["Metrics"])
        freshness = alarms.get(f"lakeline-dev-freshness-{contract.name}")
        assert (freshness is not None) is (contract.freshness_hours is not None)
        if freshness:
            assert (
                freshness["Threshold"] == contract.freshness_hours
                and freshness["MetricName"] == "FreshnessHours"
            )
    assert alarms["lakeline-dev-workflow-failures"]["MetricName"] == "ExecutionsFailed"
    athena = alarms["lakeline-dev-athena-bytes-scanned"]
    assert (athena["Namespace"], athena["MetricName"]) == ("AWS/Athena", "ProcessedBytes")
    (glue_rule,) = [
        r["Properties"] for r in resources(dev, "AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == ["aws.glue"]
    ]  # fmt: skip
    assert glue_rule["EventPattern"]["detail"] == {
        "jobName": ["lakeline-dev-analytics", "lakeline-dev-large-objects"],
        "state": ["FAILED", "TIMEOUT", "ERROR"],
    }
    transformer = glue_rule["Targets"][0]["InputTransformer"]
    template = json.loads(transformer["InputTemplate"])
    assert transformer["InputPathsMap"]["detail-jobName"] == "$.detail.jobName"
    assert template.startswith("[lakeline dev] pipeline failure: <detail-jobName>\nenvironment: dev\n")


def test_the_dashboard_charts_every_dataset_and_the_workflow(dev: assertions.Template) -> None:
    (dashboard,) = resources(dev, "AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "lakeline-dev-pipeline"
    separator, parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"]
    body = json.loads(separator.join(p if isinstance(p, str) else "REF" for p in parts))
    lines = [m for w in body["widgets"] for m in w["properties"]["metrics"]]
    searches = [m[0]["expression"] for m in lines if isinstance(m[0], dict)]
    for metric in ("RowsIn", "RowsQuarantined", "ObjectsFailed", "DataQualityRulesFailed", "FreshnessHours"):
        assert any(f'MetricName="{metric}"' in e and e.startswith("SEARCH(") for e in searches), metric
    named = {m[1] for m in lines if isinstance(m[0], str)}
    assert {"ExecutionsFailed", "ApproximateNumberOfMessagesVisible", "Errors", "Throttles"} <= named


def test_budget_notices_are_relayed_into_the_alert_format(dev: assertions.Template) -> None:
    (budget,) = resources(dev, "AWS::Budgets::Budget").values()
    subscribers = [s for n in budget["Properties"]["NotificationsWithSubscribers"] for s in n["Subscribers"]]
    topics = resources(dev, "AWS::SNS::Topic")
    (notices,) = [k for k in topics if "BudgetNotices" in k]
    assert all(s["SubscriptionType"] == "SNS" and s["Address"] == {"Ref": notices} for s in subscribers)
    (subscription,) = [
        s
        for s in resources(dev, "AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": notices}
    ]
    assert subscription["Properties"]["Protocol"] == "lambda"
    functions = resources(dev, "AWS::Lambda::Function")
    relay = subscription["Properties"]["Endpoint"]["Fn::GetAtt"][0]
    assert functions[relay]["Properties"]["Handler"] == "lakeline.entrypoints.aws_lambda.alert_relay.handler"
    (alerts,) = [k for k in topics if k != notices]
    assert functions[relay]["Properties"]["Environment"]["Variables"]["LAKELINE_ALERTS_TOPIC"] == {
        "Ref": alerts
    }


def test_everything_taggable_carries_the_cost_tags(dev: assertions.Template) -> None:
    for kind in (
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::Lambda::Function",
        "AWS::DynamoDB::Table",
        "AWS::KMS::Key",
    ):
        for resource in resources(dev, kind).values():
            tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
            assert tags["project"] == "lakeline-dev" and tags["environment"] == "dev" and "owner" in tags, (
                kind
            )


def _role_statements(
    template: assertions.Template, described: str = "process_object"
) -> list[dict[str, Any]]:
    """The statements of the role whose description mentions ``described``."""
    roles = resources(template, "AWS::IAM::Role")
    (role,) = [k for k, r in roles.items() if described in r["Properties"].get("Description", "")]
    policies = [
        p
        for p in resources(template, "AWS::IAM::Policy").values()
        if role in json.dumps(p["Properties"]["Roles"])
    ]
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return actions if isinstance(actions, list) else [actions]


def test_the_workflow_function_writes_only_quality_results_and_alerts(dev: assertions.Template) -> None:
    statements = _role_statements(dev, "workflow: plan the build")
    writes = [s for s in statements if any(a.startswith(("s3:Put", "s3:Delete")) for a in _actions(s))]
    assert writes
    for statement in writes:
        resource = json.dumps(statement["Resource"])
        assert "StorageCurated" in resource and "/quality/*" in resource, statement
    assert not any("StorageRaw" in json.dumps(s["Resource"]) for s in statements)
    assert not any("StorageAnalytics" in json.dumps(s["Resource"]) for s in statements)
    publishes = [s for s in statements if "sns:Publish" in _actions(s)]
    assert publishes and all("MonitoringAlerts" in json.dumps(s["Resource"]) for s in publishes)


def test_the_budget_relay_can_only_publish_alerts(dev: assertions.Template) -> None:
    statements = _role_statements(dev, "alert_relay")
    services = {a.split(":")[0] for s in statements for a in _actions(s)}
    assert services <= {"sns", "logs", "kms", "xray"}
    assert not any(a.startswith(("s3:", "dynamodb:")) for s in statements for a in _actions(s))
    publishes = [s for s in statements if "sns:Publish" in _actions(s)]
    assert publishes and all("MonitoringAlerts" in json.dumps(s["Resource"]) for s in publishes)


def test_the_state_machine_starts_only_its_job_and_uses_no_wildcard_actions(dev: assertions.Template) -> None:
    roles = resources(dev, "AWS::IAM::Role")
    (role,) = [k for k, r in roles.items() if "states.amazonaws.com" in json.dumps(r)]
    policies = [
        p for p in resources(dev, "AWS::IAM::Policy").values() if role in json.dumps(p["Properties"]["Roles"])
    ]
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert all(a != "*" and not a.endswith(":*") for s in statements for a in _actions(s))
    (start,) = [s for s in statements if "glue:StartJobRun" in _actions(s)]
    (parts,) = start["Resource"]["Fn::Join"][1:]
    assert parts[-2] == ":job/" and "EtlJob" in parts[-1]["Ref"]  # the analytics job, no other


def test_least_privilege_for_the_process_role(dev: assertions.Template) -> None:
    statements = _role_statements(dev)
    assert not resources(dev, "AWS::IAM::ManagedPolicy")
    for role in resources(dev, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]
    for statement in statements:
        assert all(a != "*" and not a.endswith(":*") for a in _actions(statement)), statement
    writes = [s for s in statements if any(a.startswith(("s3:Put", "s3:Delete")) for a in _actions(s))]
    raw_or_analytics = ("StorageRaw", "StorageAnalytics")
    for statement in writes:  # the process role cannot write raw or touch analytics
        assert not any(name in json.dumps(statement["Resource"]) for name in raw_or_analytics), statement
        assert all(
            p in json.dumps(statement["Resource"]) for p in ("/curated/*",)
        ) or "/quarantine/*" in json.dumps(statement["Resource"])
    assert not any("StorageAnalytics" in json.dumps(s["Resource"]) for s in statements)
    reads_raw = [s for s in statements if "StorageRaw" in json.dumps(s["Resource"])]
    assert reads_raw and all(
        not a.startswith(("s3:Put", "s3:Delete")) for s in reads_raw for a in _actions(s)
    )


def test_prod_keeps_data_and_archives_raw_to_glacier(templates: dict[str, assertions.Template]) -> None:
    prod = templates["prod"]
    for bucket in resources(prod, "AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Retain"
    prod.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like(
                            {"Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}]}
                        )
                    ]
                )
            }
        },
    )
    for bucket in resources(templates["dev"], "AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Delete"


def test_the_plain_cloudformation_template_is_in_sync_with_the_cdk_app() -> None:
    import export

    synthesized = export.synthesize()
    text, parameters = export.render(synthesized)

    assert (REPO / "infrastructure" / "cloudformation.yaml").read_text() == text, "run `make cfn`"
    assert (REPO / "infrastructure" / "parameters.json").read_text() == parameters, "run `make cfn`"
    # The dashboards file is generated from the same CDK definitions as the deployed dashboard.
    dashboards = (REPO / "monitoring" / "cloudwatch_dashboards.json").read_text()
    assert dashboards == export.dashboards(synthesized), "run `make cfn`"
    assert "${IngestionObjects" in dashboards and "lakeline-dev-pipeline" in dashboards
    template = export.yaml.safe_load(text)
    assert "BootstrapVersion" not in template.get("Parameters", {})  # deployable without `cdk bootstrap`
    assert len(template["Parameters"]) == 8  # the Lambda artifact's bucket and key, for each of 4 functions


def test_the_glue_job_is_glue5_flex_in_dev_and_encrypted(templates: dict[str, assertions.Template]) -> None:
    templates["dev"].has_resource_properties(
        "AWS::Glue::Job",
        {
            "GlueVersion": "5.0",
            "ExecutionClass": "FLEX",
            "NumberOfWorkers": ENVIRONMENTS["dev"].glue_workers,
            "Command": Match.object_like({"Name": "glueetl", "ScriptLocation": Match.any_value()}),
            "SecurityConfiguration": Match.any_value(),
            "DefaultArguments": Match.object_like({"--job-bookmark-option": "job-bookmark-disable"}),
        },
    )
    templates["prod"].has_resource_properties("AWS::Glue::Job", {"ExecutionClass": "STANDARD"})
    templates["dev"].resource_count_is("AWS::Glue::SecurityConfiguration", 1)


def _writes(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements if any(a.startswith(("s3:Put", "s3:Delete")) for a in _actions(s))]


def test_the_glue_role_cannot_write_raw_or_curated(dev: assertions.Template) -> None:
    statements = _role_statements(dev, "analytics job")
    writes = _writes(statements)
    assert writes
    for statement in writes:
        resource = json.dumps(statement["Resource"])
        assert "StorageAnalytics" in resource and "/analytics/*" in resource, statement
        assert "StorageRaw" not in resource and "StorageCurated" not in resource
    assert not any("StorageRaw" in json.dumps(s["Resource"]) for s in statements)


def test_large_objects_go_to_their_own_job_which_writes_only_curated_and_quarantine(
    dev: assertions.Template,
) -> None:
    name = f"{ENVIRONMENTS['dev'].project}-large-objects"
    (job,) = [j for j in resources(dev, "AWS::Glue::Job").values() if j["Properties"]["Name"] == name]
    props = job["Properties"]
    assert (props["GlueVersion"], props["WorkerType"], props["NumberOfWorkers"]) == ("5.0", "G.1X", 2)
    assert props["ExecutionProperty"]["MaxConcurrentRuns"] == ENVIRONMENTS["dev"].lambda_reserved_concurrency
    assert props["DefaultArguments"]["--LAKELINE_EVENT_BUS"] == "default"
    # Its lease on the object outlasts its longest run: no redelivery starts a second run meanwhile.
    from lakeline.core.ledger import LARGE_OBJECT_LEASE_SECONDS

    assert 0 < props["Timeout"] * 60 < LARGE_OBJECT_LEASE_SECONDS
    writes = _writes(_role_statements(dev, "large-object job"))
    written = json.dumps([w["Resource"] for w in writes])
    assert "/curated/*" in written and "/quarantine/*" in written
    assert "StorageCurated" in written and "StorageRaw" not in written and "StorageAnalytics" not in written
    assert "/analytics/*" not in written and "/quality/*" not in written
    # The function names the job and may start that job only.
    dev.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "lakeline.entrypoints.aws_lambda.process_object.handler",
            "Environment": {"Variables": Match.object_like({"LAKELINE_GLUE_JOB": name})},
        },
    )
    starts = [s for s in _role_statements(dev) if any(a.startswith("glue:") for a in _actions(s))]
    assert len(starts) == 1 and _actions(starts[0]) == ["glue:StartJobRun"]
    assert f"job/{name}" in json.dumps(starts[0]["Resource"])


def test_each_http_dataset_has_a_schedule_and_a_narrow_writer(dev: assertions.Template) -> None:
    contracts = ContractRegistry.from_directory(REPO / "datasets")
    pulled = sorted(c.name for c in contracts if c.source.http is not None)
    schedules = resources(dev, "AWS::Scheduler::Schedule")
    inputs = sorted(json.loads(s["Properties"]["Target"]["Input"])["dataset"] for s in schedules.values())
    assert inputs == pulled == ["weather_observations"]
    for schedule in schedules.values():
        props = schedule["Properties"]
        assert props["ScheduleExpression"] == "rate(1 hour)"
        assert (
            props["Target"]["DeadLetterConfig"]["Arn"]
            and props["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 3
        )
    dev.has_resource_properties(
        "AWS::Lambda::Function",
        {"Handler": "lakeline.entrypoints.aws_lambda.ingest_api.handler", "Architectures": ["arm64"]},
    )
    roles = resources(dev, "AWS::IAM::Role")
    (role,) = [k for k, r in roles.items() if "ingest_api" in r["Properties"].get("Description", "")]
    policies = [
        p for p in resources(dev, "AWS::IAM::Policy").values() if role in json.dumps(p["Properties"]["Roles"])
    ]
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    s3_statements = [s for s in statements if any(a.startswith("s3:") for a in _actions(s))]
    assert s3_statements
    for statement in s3_statements:  # it may only add objects under raw/<its dataset>/, and head them
        assert all(a.startswith(("s3:PutObject", "s3:Abort", "s3:GetObject")) for a in _actions(statement)), (
            statement
        )
        assert "/raw/weather_observations/*" in json.dumps(statement["Resource"])
    assert any("s3:GetObject" in _actions(s) for s in s3_statements)  # HeadObject after the upload


def test_url_variables_of_http_sources_come_from_the_cdk_context(
    tmp_path: Path, dev: assertions.Template
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    app = cdk_app.build(outdir=str(tmp_path / "out"), lambda_code=code,
                        context={"WEATHER_API_URL": "https://weather.example.com"})  # fmt: skip
    given = assertions.Template.from_stack(app.node.find_child("lakeline-dev"))  # type: ignore[arg-type]

    given.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "lakeline.entrypoints.aws_lambda.ingest_api.handler",
            "Environment": {
                "Variables": Match.object_like({"WEATHER_API_URL": "https://weather.example.com"})
            },
        },
    )
    (ingest,) = [
        f for f in resources(dev, "AWS::Lambda::Function").values()
        if f["Properties"]["Handler"].endswith("ingest_api.handler")
    ]  # fmt: skip
    assert "WEATHER_API_URL" not in ingest["Properties"]["Environment"]["Variables"]  # not given: the default
