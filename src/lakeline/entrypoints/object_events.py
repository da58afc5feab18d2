"""The process_object entry point: object notices in, one use case called per object.

The local event bus calls :func:`deliver_locally`, which answers a failure as the
event's result; the Lambda handler calls :func:`dispatch` with whatever AWS
delivered (an SQS batch, an EventBridge event, an S3 notification).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import unquote_plus

from lakeline.core.objects import ObjectRef
from lakeline.errors import LakelineError, ObjectNotFoundError
from lakeline.events.envelopes import read_notice
from lakeline.events.s3 import object_from_event
from lakeline.ports import DeadLetters, ObjectStore
from lakeline.usecases.process_object import Outcome, ProcessDeps, ProcessResult, process_object

logger = logging.getLogger(__name__)


def handle_object_created(event: Mapping[str, Any], deps: ProcessDeps) -> ProcessResult:
    """Process the object an EventBridge ``Object Created`` event names."""
    return process_object(object_from_event(event), deps)


def deliver_locally(event: Mapping[str, Any], deps: ProcessDeps) -> ProcessResult:
    """The local bus's delivery of one event: its failure ends only itself.

    On AWS each object is its own SQS message, and one that fails is retried or dead-lettered
    while the rest go on; so here a failure becomes this event's result, and the ledger keeps the
    failed attempt for ``lakeline redrive``.
    """
    try:
        return handle_object_created(event, deps)
    except Exception as exc:
        if not isinstance(exc, LakelineError):  # a bug, or the machine: keep the traceback in the log
            logger.exception("processing an Object Created event failed")
        try:
            obj = object_from_event(event)
        except LakelineError:  # the event itself is bad: it names no object to look up
            return ProcessResult(
                Outcome.FAILED, str(event.get("detail", {}).get("object", {})), detail=str(exc)
            )
        entry = deps.ledger.get(obj.object_id)
        return ProcessResult(Outcome.FAILED, obj.key, entry.dataset if entry else None, entry, _describe(exc))


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, LakelineError) else f"{type(exc).__name__}: {exc}"


def _resolve(obj: ObjectRef, store: ObjectStore) -> ObjectRef:
    """Undo URL-encoding that a sender applied to a key, if the key as given does not exist."""
    decoded = unquote_plus(obj.key)
    if decoded == obj.key:
        return obj
    try:
        store.head(obj.key)
    except ObjectNotFoundError:
        return replace(obj, key=decoded)
    return obj


def handle_message(message: Mapping[str, Any] | str, deps: ProcessDeps) -> list[ProcessResult]:
    """Process every object one message announces (none for events that announce none).

    Raises:
        LakelineError: Transient or terminal, for the caller to retry or dead-letter.
    """
    notice = read_notice(message)
    if notice.ignored:
        logger.info("ignoring a message: %s", notice.ignored)
        return []
    return [process_object(_resolve(obj, deps.store), deps) for obj in notice.objects]


def handle_sqs_batch(
    event: Mapping[str, Any], deps: ProcessDeps, dead_letters: DeadLetters
) -> dict[str, Any]:
    """Process an SQS batch; answer with the messages SQS should deliver again.

    Transient errors (and unexpected ones) are reported as batch item failures,
    so SQS retries them and, past its receive limit, moves them to the DLQ.
    Terminal errors cannot succeed on retry: the message goes to the dead-letter
    path at once, with its reason (the ledger already holds it for an object).
    """
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        message_id, body = str(record.get("messageId", "")), str(record.get("body", ""))
        try:
            for result in handle_message(body, deps):
                logger.info("%s %s: %s", result.outcome.value, result.key, result.detail)
        except LakelineError as exc:
            if exc.transient:
                logger.warning("message %s will be retried: %s", message_id, exc)
                failures.append({"itemIdentifier": message_id})
            elif not _dead_letter(dead_letters, body, f"{type(exc).__name__}: {exc}", message_id):
                failures.append({"itemIdentifier": message_id})  # not parked yet: SQS keeps it
        except Exception:
            logger.exception("message %s failed unexpectedly; it will be retried", message_id)
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def _dead_letter(dead_letters: DeadLetters, body: str, reason: str, message_id: str) -> bool:
    """Park one message with its reason; False if that failed (the other messages go on)."""
    try:
        dead_letters.send(body, reason)
    except Exception:
        logger.exception("message %s could not be dead-lettered (%s); it will be retried", message_id, reason)
        return False
    return True


def is_sqs_batch(event: Mapping[str, Any]) -> bool:
    """Whether a Lambda event is a batch of SQS messages."""
    records = event.get("Records")
    return isinstance(records, list) and bool(records) and records[0].get("eventSource") == "aws:sqs"


def dispatch(event: Mapping[str, Any], deps: ProcessDeps, dead_letters: DeadLetters) -> dict[str, Any]:
    """Handle whatever AWS delivered to the process_object function."""
    if is_sqs_batch(event):
        return handle_sqs_batch(event, deps, dead_letters)
    results = handle_message(event, deps)  # a direct invocation: errors propagate, Lambda retries
    return {"results": [{"key": r.key, "outcome": r.outcome.value, "detail": r.detail} for r in results]}
