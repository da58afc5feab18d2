"""Lambda handlers: Powertools at the edge, one use case inside."""

from __future__ import annotations

from functools import cache

from lakeline.runtime.aws import AwsRuntime, AwsSettings


@cache
def runtime() -> AwsRuntime:
    """Built on the first invocation, reused while the execution environment lives."""
    return AwsRuntime(AwsSettings.from_env())
