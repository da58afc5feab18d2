"""The process_object Lambda function, fed by SQS from the EventBridge rule."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from lakeline.entrypoints.aws_lambda import runtime
from lakeline.entrypoints.object_events import dispatch

logger = Logger(service="lakeline")
tracer = Tracer(service="lakeline")


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Process the objects an SQS batch (or a direct event) announces."""
    built = runtime()
    return dispatch(event, built.deps, built.dead_letters)
