"""The ingest_api Lambda function: an EventBridge Scheduler schedule per HTTP dataset invokes it.

It pulls the dataset's new records into the raw bucket; S3 -> EventBridge -> SQS then
delivers them to process_object like any landed file.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from lakeline.entrypoints.aws_lambda import runtime
from lakeline.errors import EventError
from lakeline.usecases.pull import pull

logger = Logger(service="lakeline")
tracer = Tracer(service="lakeline")


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Pull ``event["dataset"]``; errors propagate so the schedule's retry policy applies."""
    dataset = event.get("dataset") if isinstance(event, dict) else None
    if not isinstance(dataset, str):
        raise EventError('the schedule must send {"dataset": "<name>"}')
    built = runtime()
    result = pull(built.contracts.get(dataset), built.pull_deps)
    summary = {"dataset": dataset, "records": result.records, "pages": result.pages,
               "key": result.object.key if result.object else None, "cursor": result.cursor,
               "truncated": result.truncated}  # fmt: skip
    logger.info("pulled", extra=summary)
    return summary
