"""The events lakeline itself publishes, in the shape EventBridge rules see."""

from __future__ import annotations

from typing import Any

from lakeline.core.ledger import LedgerEntry

SOURCE = "lakeline"
PARTITION_UPDATED = "Partition Updated"


def partition_updated(entry: LedgerEntry) -> dict[str, Any]:
    """Curated partitions of a dataset changed because an object was (re)processed."""
    return {
        "version": "0",
        "source": SOURCE,
        "detail-type": PARTITION_UPDATED,
        "resources": [f"arn:aws:s3:::{entry.bucket}/{entry.key}"],
        "detail": {
            "dataset": entry.dataset,
            "partitions": entry.partitions,
            "object": f"s3://{entry.bucket}/{entry.key}",
            "version": entry.version,
            "rows_kept": entry.rows_kept,
            "rows_quarantined": entry.rows_quarantined,
        },
    }
