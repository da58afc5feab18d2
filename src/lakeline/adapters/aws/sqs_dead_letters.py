"""The dead-letter path: a message that can never succeed goes to the DLQ with its reason."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

logger = logging.getLogger(__name__)


class SqsDeadLetters:
    """Sends a failed message's body to the dead-letter queue, with the reason as an attribute."""

    def __init__(self, queue_url: str | None, client: SQSClient | None) -> None:
        self.queue_url = queue_url
        self.client = client

    def send(self, body: str, reason: str) -> None:
        """Dead-letter one message, with its reason.

        Raises:
            RuntimeError: Without a queue to send to. The handler then leaves the message in its
                queue, whose redrive policy parks it after its last receive: never dropped.
        """
        if not self.queue_url or self.client is None:
            raise RuntimeError("no dead-letter queue is configured (LAKELINE_DLQ_URL)")
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:1000]}},
        )
        # Only once it is parked: a failed send is logged, with the reason, by the handler.
        logger.error("dead-lettered a message: %s", reason)


def redrive(client: SQSClient, dead_letter_url: str, queue_url: str, batch: int = 10) -> int:
    """Move every message of the dead-letter queue back to the queue; returns how many moved.

    Each message is sent before it is deleted, so a crash duplicates at most (which the
    ledger makes harmless) and never loses one.
    """
    moved = 0
    while True:
        messages = client.receive_message(QueueUrl=dead_letter_url, MaxNumberOfMessages=batch).get(
            "Messages", []
        )
        if not messages:
            return moved
        for message in messages:
            client.send_message(QueueUrl=queue_url, MessageBody=message["Body"])
            client.delete_message(QueueUrl=dead_letter_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
