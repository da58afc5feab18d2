"""The workflow Lambda function: the Plan, RecordResults and Notify steps of the state machine.

The state machine invokes it with ``{"step": "plan" | "record" | "notify", "state": {...}}``;
Glue runs the build and Glue Data Quality the rules in between. See
``lakeline.usecases.workflow_steps``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from lakeline.adapters.aws.glue_quality import GlueQualityResults
from lakeline.analytics.models import Model
from lakeline.core.objects import Zone
from lakeline.core.registry import ContractRegistry
from lakeline.entrypoints.aws_lambda import runtime
from lakeline.errors import EventError, TerminalError
from lakeline.usecases.build import ModelInput
from lakeline.usecases.workflow_steps import notify_step, plan_step, record_step

logger = Logger(service="lakeline")
tracer = Tracer(service="lakeline")
STEPS = ("plan", "record", "notify")


class _NoEngine:
    """The workflow function plans and records; the Glue job is what runs models."""

    def run(
        self, model: Model, contracts: ContractRegistry, inputs: dict[str, list[ModelInput]], work_dir: Path
    ) -> dict[str, tuple[Path, int]]:
        raise TerminalError("the workflow function does not run models; the Glue job does")


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Run one step; errors propagate so that the state machine's Retry and Catch apply."""
    step = event.get("step") if isinstance(event, dict) else None
    if step not in STEPS:
        raise EventError(f"the state machine must send {{'step': one of {', '.join(STEPS)}}}; got {step!r}")
    state = event.get("state") or {}
    built = runtime()
    deps, environment = built.build_deps(_NoEngine()), built.settings.environment
    if step == "plan":
        curated = built.catalog(Zone.CURATED)
        result = plan_step(built.models, deps, state.get("run_id"), built.notifier, environment, curated)
    elif step == "record":
        fetch = GlueQualityResults(built.clients.client("glue"))
        result = record_step(state, built.models, deps, fetch, datetime.now(UTC))
    else:
        result = notify_step(state, built.models, deps, built.notifier, environment)
    logger.info("workflow step done", extra={"step": step, "run_id": result.get("run_id")})
    return result
