"""The alert_relay Lambda function: AWS Budgets notifications, re-sent in lakeline's alert format.

Budgets publishes its own text to an SNS topic and cannot go through EventBridge; this function
is that topic's subscriber and publishes each notice to the alerts topic as one alert.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lakeline.adapters.aws.clients import AwsClients
from lakeline.adapters.aws.sns_notifier import SnsNotifier
from lakeline.core.alerts import budget_alert
from lakeline.errors import EventError

logger = Logger(service="lakeline")


@cache
def notifier() -> SnsNotifier:
    """The alerts topic; this function needs nothing else of the pipeline."""
    topic = os.environ.get("LAKELINE_ALERTS_TOPIC")
    if not topic:
        raise EventError("LAKELINE_ALERTS_TOPIC is not set: there is nowhere to relay to")
    return SnsNotifier(topic, AwsClients.from_env().client("sns"))


@logger.inject_lambda_context(log_event=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    """Relay every SNS record; errors propagate so that SNS retries the delivery."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise EventError("expected an SNS event with Records")
    environment = os.environ.get("LAKELINE_ENVIRONMENT", "aws")
    for record in records:
        alert = budget_alert(record.get("Sns", {}).get("Message", ""), environment)
        notifier().notify(alert.subject, alert.message)
    return {"relayed": len(records)}
