"""Deploy the plain CloudFormation template to moto's CloudFormation and look at what it created.

moto skips some types (Glue, Athena, CloudWatch alarms, Budgets, SNS topic policies) and drops some
properties (versioning, lifecycle, Block Public Access, arm64): those are asserted on the template
in test_stack.py instead. See docs/setup_guide.md.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def moto_ready_template() -> str:
    """The committed template, with KMS key tags in the shape moto's KMS model expects."""
    template = yaml.safe_load((REPO / "infrastructure" / "cloudformation.yaml").read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::KMS::Key":  # moto reads TagKey/TagValue; CloudFormation uses Key/Value
            tags = resource["Properties"].get("Tags", [])
            resource["Properties"]["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags]
    return json.dumps(template)


@pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")  # the types moto skips (see above)
def test_the_template_deploys_and_creates_the_pipeline(moto_endpoint: str) -> None:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=moto_endpoint, region_name="us-east-1")

    artifact = io.BytesIO()
    with zipfile.ZipFile(artifact, "w") as archive:
        archive.writestr("lakeline/__init__.py", "")
    client("s3").create_bucket(Bucket="deploy-artifacts")
    client("s3").put_object(Bucket="deploy-artifacts", Key="lakeline/lambda.zip", Body=artifact.getvalue())
    names = [p["ParameterKey"] for p in json.loads((REPO / "infrastructure" / "parameters.json").read_text())]
    parameters = [
        {"ParameterKey": n, "ParameterValue": "deploy-artifacts" if "Bucket" in n else "lakeline/lambda.zip"}
        for n in names
    ]
    cfn = client("cloudformation")

    cfn.create_stack(
        StackName="lakeline-dev", TemplateBody=moto_ready_template(), Parameters=parameters,
        Capabilities=["CAPABILITY_IAM"],
    )  # fmt: skip

    assert cfn.describe_stacks(StackName="lakeline-dev")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    created = {
        r["LogicalResourceId"]: r
        for r in cfn.list_stack_resources(StackName="lakeline-dev")["StackResourceSummaries"]
    }
    by_type: dict[str, list[str]] = {}
    for resource in created.values():
        by_type.setdefault(resource["ResourceType"], []).append(resource["PhysicalResourceId"])
    assert len(by_type["AWS::S3::Bucket"]) == 6
    assert len(by_type["AWS::SQS::Queue"]) == 3  # objects, dead letters, workflow triggers (FIFO)
    sqs = client("sqs")
    attributes = [
        sqs.get_queue_attributes(QueueUrl=u, AttributeNames=["All"])["Attributes"]
        for u in by_type["AWS::SQS::Queue"]
    ]
    (main,) = [a for a in attributes if "RedrivePolicy" in a]
    (triggers,) = [a for a in attributes if a.get("FifoQueue") == "true"]
    assert triggers["ContentBasedDeduplication"] == "true"  # what debounces Partition Updated events
    assert json.loads(main["RedrivePolicy"])["maxReceiveCount"] == 5
    assert "KmsMasterKeyId" in main
    functions = [
        client("lambda").get_function(FunctionName=n)["Configuration"]
        for n in by_type["AWS::Lambda::Function"]
    ]
    (function,) = [f for f in functions if f["Handler"].endswith("process_object.handler")]
    assert len(functions) == 4  # process_object, ingest_api, the workflow's steps, the budget alert relay
    assert function["Runtime"] == "python3.12"
    assert function["Handler"] == "lakeline.entrypoints.aws_lambda.process_object.handler"
    assert set(function["Environment"]["Variables"]) >= {"LAKELINE_LAKE_BUCKET", "LAKELINE_LEDGER_TABLE"}
    (table,) = by_type["AWS::DynamoDB::Table"]
    key = client("dynamodb").describe_table(TableName=table)["Table"]["KeySchema"]
    assert key == [{"AttributeName": "object_id", "KeyType": "HASH"}]
    described = [client("events").describe_rule(Name=r.split("|")[-1]) for r in by_type["AWS::Events::Rule"]]
    (rule,) = [r for r in described if "aws.s3" in r.get("EventPattern", "")]
    pattern = json.loads(rule["EventPattern"])
    assert pattern["detail-type"] == ["Object Created"]
    assert pattern["detail"]["bucket"]["name"] == [
        function["Environment"]["Variables"]["LAKELINE_LAKE_BUCKET"]
    ]
    (updated,) = [r for r in described if '"lakeline"' in r.get("EventPattern", "")]
    assert json.loads(updated["EventPattern"])["detail-type"] == ["Partition Updated"]
    assert any(r.get("ScheduleExpression") == "rate(6 hours)" for r in described)
    (machine_arn,) = by_type["AWS::StepFunctions::StateMachine"]
    machine = client("stepfunctions").describe_state_machine(stateMachineArn=machine_arn)
    assert machine["name"] == "lakeline-dev-workflow"
    assert json.loads(machine["definition"])["StartAt"] == "Start"
