"""The pipeline's EventBridge rules, defined once for the local bus and the CDK stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lakeline.core.objects import Zone
from lakeline.events.lakeline_events import PARTITION_UPDATED, SOURCE

PROCESS_OBJECT = "process_object"  # the target: the process_object Lambda function or its local twin
RUN_WORKFLOW = "run_workflow"  # the target: the analytics workflow (Step Functions), debounced


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


def partition_updated_rule() -> Rule:
    """Curated partitions changed: the analytics workflow should run (debounced by its target)."""
    return Rule(
        name="partition-updated",
        description="Curated partitions changed: run the analytics workflow (debounced).",
        pattern={"source": [SOURCE], "detail-type": [PARTITION_UPDATED]},
        target=RUN_WORKFLOW,
    )
