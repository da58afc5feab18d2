"""The pipeline's EventBridge rules, defined once for the local bus and the CDK stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lakeline.core.objects import Zone

PROCESS_OBJECT = "process_object"  # the target: the process_object Lambda function or its local twin


@dataclass(frozen=True)
class Rule:
    """An EventBridge rule: a name, a pattern, and the logical target it feeds."""

    name: str
    description: str
    pattern: dict[str, Any]
    target: str


def raw_object_created(bucket: str) -> Rule:
    """Objects created under ``raw/`` in the lake's bucket go to processing."""
    return Rule(
        name="raw-object-created",
        description="An object landed in the raw zone: validate it and write curated Parquet.",
        pattern={
            "source": ["aws.s3"],
            "detail-type": ["Object Created"],
            "detail": {
                "bucket": {"name": [bucket]},
                "object": {"key": [{"prefix": f"{Zone.RAW.value}/"}]},
            },
        },
        target=PROCESS_OBJECT,
    )


def pipeline_rules(bucket: str) -> list[Rule]:
    """Every EventBridge rule of the pipeline for the lake in ``bucket``."""
    return [raw_object_created(bucket)]
