"""Process one landed object: validate it, publish its outputs, account for every row."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from lakeline.core.alerts import Alert
from lakeline.core.contracts import Contract
from lakeline.core.ledger import LedgerEntry, Status
from lakeline.core.objects import ObjectRef, Zone, output_stem, zone_prefix
from lakeline.core.outcome import EngineOutput
from lakeline.core.partitioning import partition_path
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import curated_table
from lakeline.errors import LakelineError, LeaseHeldError
from lakeline.events.lakeline_events import partition_updated
from lakeline.ports import EventBus, Handoff, Ledger, Metrics, Notifier, ObjectStore, Processor

logger = logging.getLogger(__name__)
LEASE_SECONDS = 900  # longer than the longest processing run; a crashed run's lease expires


class Outcome(StrEnum):
    """What one delivery of an object event led to."""

    PROCESSED = "processed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"  # this version was already processed: nothing to do
    HANDED_OFF = "handed_off"  # too large here: handed to the Glue path
    SKIPPED = "skipped"  # no dataset owns the key
    FAILED = "failed"  # locally: this delivery failed (the ledger says why); the others go on


@dataclass(frozen=True)
class ProcessResult:
    """The result of one delivery, for the caller to report."""

    outcome: Outcome
    key: str
    dataset: str | None = None
    entry: LedgerEntry | None = None
    detail: str = ""


@dataclass
class ProcessDeps:
    """The ports and settings that processing needs."""

    contracts: ContractRegistry
    store: ObjectStore
    ledger: Ledger
    processor: Processor
    metrics: Metrics
    worker_id: str = "local"
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    work_root: Path | None = None
    max_object_bytes: int | None = None  # larger objects go to `handoff`, when there is one
    handoff: Handoff | None = None
    takes_over_handoffs: bool = False  # the runtime objects are handed to: handed_off is its work
    lease_seconds: int = LEASE_SECONDS  # how long a processing attempt may hold the object
    events: EventBus | None = None  # where "Partition Updated" goes
    notifier: Notifier | None = None  # who hears about failed and rejected objects
    environment: str = "local"


def process_object(obj: ObjectRef, deps: ProcessDeps) -> ProcessResult:
    """Process the current version of the object an event names.

    Idempotent: a version already processed is skipped; reprocessing an
    object, or a new version of it, replaces its own outputs.

    Raises:
        LeaseHeldError: If another worker is processing the object now (transient).
        LakelineError: If processing fails; the ledger records why.
    """
    contract = deps.contracts.owner_of(obj.key)
    if contract is None:
        logger.info("skipping s3://%s/%s: no dataset owns this prefix", obj.bucket, obj.key)
        return ProcessResult(Outcome.SKIPPED, obj.key, detail="no dataset owns this prefix")
    current = deps.store.head(obj.key)
    previous = deps.ledger.get(current.object_id)
    takeover = deps.takes_over_handoffs
    if previous is not None and previous.is_done_for(current.version, takeover):
        logger.info(
            "s3://%s/%s version %s was already processed", current.bucket, current.key, current.version
        )
        return ProcessResult(Outcome.DUPLICATE, obj.key, contract.name, previous, "already processed")
    started = deps.clock()
    if not deps.ledger.acquire(current, contract.name, deps.worker_id, started, deps.lease_seconds, takeover):
        finished = deps.ledger.get(current.object_id)
        if finished is not None and finished.is_done_for(current.version, takeover):  # another worker did it
            return ProcessResult(Outcome.DUPLICATE, obj.key, contract.name, finished, "already processed")
        raise LeaseHeldError(f"s3://{current.bucket}/{current.key} is being processed by another worker")
    entry = LedgerEntry(
        object_id=current.object_id, bucket=current.bucket, key=current.key, dataset=contract.name,
        version=current.version, status=Status.PROCESSING, size=current.size, started_at=started,
        attempts=(previous.attempts if previous else 0) + 1,
        outputs=list(previous.outputs) if previous else [],  # a failed attempt keeps track of them
    )  # fmt: skip
    try:
        if _too_large(current, deps):
            return _hand_off(contract, current, entry, deps)
        _run(contract, current, entry, previous, deps)
    except Exception as exc:
        entry.status, entry.error, entry.finished_at = Status.FAILED, _describe(exc), deps.clock()
        deps.ledger.finish(entry)
        deps.metrics.emit("ObjectsFailed", 1, dimensions={"dataset": contract.name})
        retry = "transient" if isinstance(exc, LakelineError) and exc.transient else "terminal"
        deps.metrics.emit("Errors", 1, dimensions={"dataset": contract.name, "kind": type(exc).__name__,
                                                   "retry": retry})  # fmt: skip
        _alert(deps, "pipeline failure", entry, "lakeline status; then lakeline redrive once fixed")
        raise
    deps.ledger.finish(entry)
    _emit(deps.metrics, entry)
    if current.last_modified is not None and entry.finished_at is not None and entry.partitions:
        # Landed (S3's Last-Modified) to queryable (curated written and recorded).
        lag = (entry.finished_at - current.last_modified).total_seconds()
        deps.metrics.emit("EndToEndLag", max(lag, 0.0), unit="Seconds", dimensions={"dataset": contract.name})
    if entry.status is Status.REJECTED:
        _alert(deps, "file rejected", entry, f"lakeline status (raw object kept: {entry.key})")
    if deps.events is not None and entry.partitions:
        deps.events.put_events([partition_updated(entry)])
    outcome = Outcome.REJECTED if entry.status is Status.REJECTED else Outcome.PROCESSED
    return ProcessResult(outcome, obj.key, contract.name, entry, entry.error or "")


def _alert(deps: ProcessDeps, kind: str, entry: LedgerEntry, investigate: str) -> None:
    if deps.notifier is not None:
        alert = Alert(kind, deps.environment, entry.dataset, f"{entry.key}: {entry.error}", investigate)
        deps.notifier.notify(alert.subject, alert.message)


def _too_large(obj: ObjectRef, deps: ProcessDeps) -> bool:
    """Whether the object goes to the bigger runtime instead (only where there is one)."""
    if deps.max_object_bytes is None or obj.size <= deps.max_object_bytes:
        return False
    if deps.handoff is None:
        limit = deps.max_object_bytes
        logger.warning("s3://%s/%s: %d bytes, above %d, and no job to hand it to: processing it here",
                       obj.bucket, obj.key, obj.size, limit)  # fmt: skip
        return False
    return True


def _hand_off(contract: Contract, obj: ObjectRef, entry: LedgerEntry, deps: ProcessDeps) -> ProcessResult:
    assert deps.handoff is not None
    where = deps.handoff.start(obj, contract.name)
    entry.status = Status.HANDED_OFF
    entry.error = f"{obj.size:,} bytes > {deps.max_object_bytes:,}: handed to {where}"
    entry.finished_at = deps.clock()
    deps.ledger.finish(entry)
    deps.metrics.emit("ObjectsHandedOff", 1, dimensions={"dataset": contract.name})
    logger.info("s3://%s/%s %s", obj.bucket, obj.key, entry.error)
    return ProcessResult(Outcome.HANDED_OFF, obj.key, contract.name, entry, entry.error)


def _describe(exc: Exception) -> str:
    kind = "transient" if isinstance(exc, LakelineError) and exc.transient else "terminal"
    if not isinstance(exc, LakelineError):
        kind = "unexpected"
    return f"{kind} {type(exc).__name__}: {exc}"


def _run(
    contract: Contract, obj: ObjectRef, entry: LedgerEntry, previous: LedgerEntry | None, deps: ProcessDeps
) -> None:
    stem = output_stem(obj)
    with tempfile.TemporaryDirectory(prefix="lakeline-", dir=deps.work_root) as tmp:
        with deps.store.local_copy(obj.key) as source:
            output = deps.processor.process(
                contract, source, obj, Path(tmp), stem, entry.started_at or deps.clock()
            )
        if output.rejection is not None:
            entry.status, entry.error = Status.REJECTED, output.rejection.reason
            entry.outputs = [_publish_rejection(contract, obj, stem, output.rejection.reason, deps)]
        else:
            output.check_invariant(f"s3://{obj.bucket}/{obj.key}")
            entry.status = Status.PROCESSED
            entry.outputs = _publish(contract, obj, stem, output, deps.store)
        entry.rows_in, entry.rows_kept = output.rows_in, output.rows_kept
        entry.rows_quarantined = output.rows_quarantined
        entry.partitions = sorted(output.curated)
        entry.warnings = [*output.warnings, *_not_yet_visible(contract, entry.partitions, deps.clock())]
    for stale in sorted(set(previous.outputs if previous else []) - set(entry.outputs)):
        deps.store.delete(stale)  # after the new outputs are in place, never before
    entry.finished_at = deps.clock()


def _not_yet_visible(contract: Contract, partitions: list[str], now: datetime) -> list[str]:
    """A warning when rows are dated in the future: kept, but Athena shows them only from their day."""
    table = curated_table(contract)
    ahead = [value for value in partitions if not table.visible(value, now)]
    if not ahead:
        return []
    return [
        f"rows dated after now, in {len(ahead)} partition(s) from dt={ahead[0]}: kept, but Athena's "
        f"partition projection shows each partition only from its {contract.partitioning.value} on"
    ]


def _landing_partition(obj: ObjectRef) -> str:
    landed = obj.last_modified or datetime.now(UTC)
    return partition_path(landed.astimezone(UTC).strftime("%Y-%m-%d"))


def _publish(
    contract: Contract, obj: ObjectRef, stem: str, output: EngineOutput, store: ObjectStore
) -> list[str]:
    keys: list[str] = []
    for value, files in sorted(output.curated.items()):
        for index, path in enumerate(files):
            suffix = "" if index == 0 else f"-{index}"
            key = f"{zone_prefix(Zone.CURATED, contract.name)}{partition_path(value)}/{stem}{suffix}.parquet"
            store.put_file(key, path)
            keys.append(key)
    if output.quarantine is not None:
        key = f"{zone_prefix(Zone.QUARANTINE, contract.name)}{_landing_partition(obj)}/{stem}.parquet"
        store.put_file(key, output.quarantine)
        keys.append(key)
    return keys


def _publish_rejection(contract: Contract, obj: ObjectRef, stem: str, reason: str, deps: ProcessDeps) -> str:
    """Record a whole-file rejection next to the quarantined rows; raw keeps the object."""
    key = f"{zone_prefix(Zone.QUARANTINE, contract.name)}_rejected_files/{stem}.json"
    body = {
        "source_object": f"s3://{obj.bucket}/{obj.key}",
        "source_version": obj.version,
        "size": obj.size,
        "reason": reason,
        "rejected_at": deps.clock().isoformat(),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, dir=deps.work_root) as handle:
        json.dump(body, handle, indent=2)
    try:
        deps.store.put_file(key, Path(handle.name))
    finally:
        Path(handle.name).unlink(missing_ok=True)
    return key


def _emit(metrics: Metrics, entry: LedgerEntry) -> None:
    dims = {"dataset": entry.dataset}
    metrics.emit(
        "ObjectsProcessed" if entry.status is Status.PROCESSED else "ObjectsRejected", 1, dimensions=dims
    )
    metrics.emit("RowsIn", entry.rows_in, dimensions=dims)
    metrics.emit("RowsKept", entry.rows_kept, dimensions=dims)
    metrics.emit("RowsQuarantined", entry.rows_quarantined, dimensions=dims)
    metrics.emit("BytesProcessed", entry.size, unit="Bytes", dimensions=dims)
    if entry.duration_ms is not None:
        metrics.emit("ProcessingLatency", entry.duration_ms, unit="Milliseconds", dimensions=dims)
