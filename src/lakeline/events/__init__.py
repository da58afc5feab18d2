"""lakeline's events: the EventBridge rules of the pipeline and a matcher for their patterns.

The rules are defined once here; the local event bus routes with them and the
CDK stack deploys them.
"""

from __future__ import annotations

from lakeline.events.matcher import InvalidEventPatternError, matches, validate_pattern
from lakeline.events.rules import PROCESS_OBJECT, Rule, pipeline_rules, raw_object_created

__all__ = [
    "PROCESS_OBJECT",
    "InvalidEventPatternError",
    "Rule",
    "matches",
    "pipeline_rules",
    "raw_object_created",
    "validate_pattern",
]
