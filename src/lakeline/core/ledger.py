"""The ledger's record of one object: what happened to it, and the row accounting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Where an object stands in processing."""

    PROCESSING = "processing"  # a worker holds its lease
    PROCESSED = "processed"  # rows kept and/or quarantined, outputs published
    REJECTED = "rejected"  # the whole file was quarantined; the reason is in `error`
    FAILED = "failed"  # processing raised; `error` says why, a retry may redo it
    HANDED_OFF = "handed_off"  # too large for this runtime: handed to the Glue path; `error` says where


# The Glue job that takes over objects too large for the function may run this long (its timeout:
# the stack reads it from here). Its lease must outlast it, or a redelivery would start a second run.
LARGE_OBJECT_JOB_MINUTES = 120
LARGE_OBJECT_LEASE_SECONDS = LARGE_OBJECT_JOB_MINUTES * 60 + 300

FINAL = (Status.PROCESSED, Status.REJECTED, Status.HANDED_OFF)
# Done for the runtime that took the object over from a handoff: handed_off is its work to do.
FINAL_AFTER_HANDOFF = (Status.PROCESSED, Status.REJECTED)


@dataclass
class LedgerEntry:
    """The latest state of one object (``bucket/key``) in the ledger."""

    object_id: str
    bucket: str
    key: str
    dataset: str
    version: str
    status: Status
    size: int = 0
    rows_in: int = 0
    rows_kept: int = 0
    rows_quarantined: int = 0
    partitions: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None

    @property
    def duration_ms(self) -> int | None:
        """How long the last attempt took, once it finished."""
        if self.started_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() * 1000)

    def is_done_for(self, version: str, takes_over_handoffs: bool = False) -> bool:
        """Whether this version of the object was already processed to the end.

        Args:
            version: The object version in question.
            takes_over_handoffs: Whether the asking runtime is the one objects are handed to,
                for which a ``handed_off`` entry is work still to do.
        """
        done = FINAL_AFTER_HANDOFF if takes_over_handoffs else FINAL
        return self.version == version and self.status in done


@dataclass(frozen=True)
class RunRecord:
    """The statistics of one analytics build or workflow run, kept beside the ledger."""

    run_id: str
    kind: str  # "workflow" (a local run), "build" (the Glue job), "quality" (recorded Glue results)
    started_at: datetime
    finished_at: datetime
    stats: dict[str, Any]
