"""The process_object entry point: an ``Object Created`` event in, one use case called.

The local event bus calls this directly; the Lambda handler calls it for each
event it unwraps from SQS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lakeline.events.s3 import object_from_event
from lakeline.usecases.process_object import ProcessDeps, ProcessResult, process_object


def handle_object_created(event: Mapping[str, Any], deps: ProcessDeps) -> ProcessResult:
    """Process the object an EventBridge ``Object Created`` event names."""
    return process_object(object_from_event(event), deps)
