"""Alerts through an SNS topic."""

from __future__ import annotations

from typing import Any

SUBJECT_LIMIT = 100  # SNS refuses longer subjects


class SnsNotifier:
    """The Notifier port on SNS Publish."""

    def __init__(self, topic_arn: str, client: Any) -> None:
        self.topic_arn = topic_arn
        self.client = client

    def notify(self, subject: str, message: str) -> None:
        """Publish one alert; the subject is cut to SNS's limit, the message is kept whole."""
        self.client.publish(TopicArn=self.topic_arn, Subject=subject[:SUBJECT_LIMIT], Message=message)
