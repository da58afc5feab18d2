"""The analytics workflow's state machine: its steps match the local build's, and it runs on moto.

The definition comes from the synthesized dev stack (infrastructure/cloudformation.yaml, which
another test keeps in sync with the CDK app); references to the stack's resources are resolved
to the moto resources made here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from lakeline.core.workflow import STEPS

REPO = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "123456789012", "us-east-1"
JOB = "lakeline-dev-analytics"


def _template() -> dict[str, Any]:
    class Loader(yaml.SafeLoader):
        pass

    # The export writes long-form intrinsics only; tolerate short tags should one appear.
    Loader.add_multi_constructor(
        "!", lambda loader, suffix, node: {f"Fn::{suffix}": loader.construct_sequence(node)}
    )
    return yaml.load((REPO / "infrastructure" / "cloudformation.yaml").read_text(), Loader=Loader)


def _resolve(node: Any, refs: dict[str, str]) -> Any:
    if isinstance(node, str):
        return node
    if "Fn::Join" in node:
        separator, parts = node["Fn::Join"]
        return separator.join(_resolve(p, refs) for p in parts)
    if "Ref" in node:
        return refs.get(node["Ref"], "aws" if node["Ref"] == "AWS::Partition" else node["Ref"])
    if "Fn::GetAtt" in node:
        return refs.get(
            node["Fn::GetAtt"][0], f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{node['Fn::GetAtt'][0]}"
        )
    raise ValueError(f"cannot resolve {node}")


def definition(refs: dict[str, str] | None = None) -> dict[str, Any]:
    resources = _template()["Resources"]
    (machine,) = [r for r in resources.values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    glue = {k: r["Properties"]["Name"] for k, r in resources.items() if r["Type"] == "AWS::Glue::Job"}
    return json.loads(_resolve(machine["Properties"]["DefinitionString"], {**glue, **(refs or {})}))


def main_path(states: dict[str, Any], start: str) -> list[str]:
    """The states a run with changes takes when every step succeeds."""
    path, name = [], start
    while name:
        path.append(name)
        state = states[name]
        if state["Type"] == "Choice":
            building = [c["Next"] for c in state["Choices"] if c.get("Variable") == "$.plan.build"]
            name = building[0] if building else state.get("Default", "")
        else:
            name = state.get("Next", "")
    return path


def test_the_state_machine_runs_the_local_builds_steps_in_the_same_order() -> None:
    machine = definition()
    path = main_path(machine["States"], machine["StartAt"])
    assert [s for s in path if s in STEPS] == list(STEPS)  # the local run's steps, see test_workflow.py
    assert path[-1] == "Done"


def test_every_task_retries_with_jitter_and_every_step_catches_into_one_alert() -> None:
    machine = definition()
    states = machine["States"]
    inner = states["DataQuality"]["ItemProcessor"]["States"]
    for name, state in [*states.items(), *inner.items()]:
        if state["Type"] == "Task" and name != "NotifyFailure":
            assert state["Retry"] and all(r["JitterStrategy"] == "FULL" for r in state["Retry"]), name
    for name in STEPS:
        (catch,) = states[name]["Catch"]
        assert catch["ErrorEquals"] == ["States.ALL"] and catch["Next"] == "NotifyFailure", name
    assert states["NotifyFailure"]["Next"] == "WorkflowFailed"
    assert states["Transform"]["Resource"].endswith(":states:::glue:startJobRun.sync")
    retried = {e for r in states["Transform"]["Retry"] for e in r["ErrorEquals"]}
    assert {"Glue.ConcurrentRunsExceededException", "Glue.InternalServiceException"} <= retried
    assert inner["StartRulesetRun"]["Resource"].endswith("aws-sdk:glue:startDataQualityRulesetEvaluationRun")


@pytest.fixture
def moto_workflow(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The state machine on moto's States Language interpreter, with a Glue job and an alerts queue."""
    import boto3
    from moto import mock_aws
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_glue as glue_service,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import (
        ResourceCondition,
    )

    # moto 5.2's glue:startJobRun.sync fails unless the callback endpoint exists (it exists for
    # integrations that list waitForTaskToken); and Retry really sleeps its backoff.
    patterns = set(glue_service._SUPPORTED_INTEGRATION_PATTERNS) | {ResourceCondition.WaitForTaskToken}
    monkeypatch.setattr(glue_service, "_SUPPORTED_INTEGRATION_PATTERNS", patterns)
    monkeypatch.setattr(retrier_decl, "time", type("NoSleep", (), {"sleep": staticmethod(lambda _s: None)}))
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):  # type: ignore[arg-type]
        from moto.awslambda_simple.models import lambda_simple_backends

        clients = {n: boto3.client(n, region_name=REGION) for n in ("stepfunctions", "glue", "sns", "sqs")}
        clients["glue"].create_job(
            Name=JOB,
            Role=f"arn:aws:iam::{ACCOUNT}:role/glue",
            Command={"Name": "glueetl", "ScriptLocation": "s3://artifacts/glue/t.py"},
        )
        topic = clients["sns"].create_topic(Name="alerts")["TopicArn"]
        queue = clients["sqs"].create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = clients["sqs"].get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        clients["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
        resources = _template()["Resources"]
        (topic_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::SNS::Topic" and "Alerts" in k]
        machine = clients["stepfunctions"].create_state_machine(
            name="workflow",
            definition=json.dumps(definition({topic_id: topic})),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/workflow",
        )
        yield {
            **clients,
            "arn": machine["stateMachineArn"],
            "queue": queue,
            "steps": lambda_simple_backends[ACCOUNT][REGION].lambda_simple_results_queue,
        }


def run(env: dict[str, Any], name: str, *step_results: dict[str, Any], given: str = "{}") -> dict[str, Any]:
    """Start an execution (input ``given``) whose Lambda steps return ``step_results`` in turn; wait."""
    for result in step_results:
        env["steps"].append(json.dumps(result))
    started = env["stepfunctions"].start_execution(stateMachineArn=env["arn"], name=name, input=given)
    arn = started["executionArn"]
    deadline = time.monotonic() + 30
    while (described := env["stepfunctions"].describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the execution did not end"
        time.sleep(0.05)
    history = env["stepfunctions"].get_execution_history(executionArn=arn)["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    return {**described, "entered": entered}


PLAN = {
    "run_id": "r1",
    "nothing_to_do": False,
    "build": True,
    "models": "taxi_daily_zone_stats",
    "partitions": json.dumps({"taxi_daily_zone_stats": ["2024-01-01"]}),
    "quality": [],
}
RECORD = {"run_id": "r1", "results_key": None, "quality": []}


def test_nothing_changed_ends_successfully_before_any_glue_run(moto_workflow: dict[str, Any]) -> None:
    result = run(moto_workflow, "idle", {**PLAN, "nothing_to_do": True, "build": False})

    assert result["status"] == "SUCCEEDED"
    assert result["entered"] == ["Start", "Plan", "Changed?", "NothingToDo"]
    assert moto_workflow["glue"].get_job_runs(JobName=JOB)["JobRuns"] == []


def test_a_run_started_by_the_debounce_pipe_with_an_array_of_messages_plans(
    moto_workflow: dict[str, Any],
) -> None:
    pipe_input = json.dumps([{"messageId": "1", "body": '{"trigger": "partition-updated"}'}])

    result = run(moto_workflow, "piped", {**PLAN, "nothing_to_do": True, "build": False}, given=pipe_input)

    assert result["status"] == "SUCCEEDED" and result["entered"][-1] == "NothingToDo"


def test_a_run_with_changes_builds_the_planned_partitions_then_records_and_notifies(
    moto_workflow: dict[str, Any],
) -> None:
    result = run(moto_workflow, "changes", PLAN, RECORD, {"run_id": "r1", "halted": False})

    assert result["status"] == "SUCCEEDED", result.get("cause")
    assert [s for s in result["entered"] if s in STEPS] == list(STEPS)
    (job_run,) = moto_workflow["glue"].get_job_runs(JobName=JOB)["JobRuns"]
    assert job_run["Arguments"] == {
        "--models": PLAN["models"],
        "--partitions": PLAN["partitions"],
        "--run-id": "r1",
    }


def test_a_halting_ruleset_fails_the_execution(moto_workflow: dict[str, Any]) -> None:
    result = run(moto_workflow, "halt", PLAN, RECORD, {"run_id": "r1", "halted": True})

    assert result["status"] == "FAILED"
    assert result["entered"][-2:] == ["Halted?", "Halt"]


def test_a_failed_glue_run_alerts_in_the_one_alert_format_and_fails(moto_workflow: dict[str, Any]) -> None:
    from moto.glue.models import glue_backends
    from moto.moto_api import state_manager

    state_manager.set_transition("glue::job_run", {"progression": "manual", "times": 10**9})
    try:
        moto_workflow["steps"].append(json.dumps(PLAN))
        arn = moto_workflow["stepfunctions"].start_execution(
            stateMachineArn=moto_workflow["arn"], name="glue-fails", input="{}"
        )["executionArn"]
        job = glue_backends[ACCOUNT][REGION].jobs[JOB]
        deadline = time.monotonic() + 10
        while not job.job_runs:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        job.job_runs[-1].status = "FAILED"
        while moto_workflow["stepfunctions"].describe_execution(executionArn=arn)["status"] == "RUNNING":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        state_manager.unset_transition("glue::job_run")
    assert moto_workflow["stepfunctions"].describe_execution(executionArn=arn)["status"] == "FAILED"
    (message,) = moto_workflow["sqs"].receive_message(QueueUrl=moto_workflow["queue"])["Messages"]
    alert = json.loads(message["Body"])
    assert alert["Subject"] == "[lakeline dev] pipeline failure: workflow"
    lines = alert["Message"].splitlines()
    assert lines[:2] == ["environment: dev", "dataset: workflow"]
    assert lines[2].startswith("what failed: States.TaskFailed: ")
    assert lines[3] == f"investigate: aws stepfunctions describe-execution --execution-arn {arn}"
