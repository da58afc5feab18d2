"""The ports: what the use cases need from the outside world, as Protocols.

Local adapters (a folder, SQLite, DuckDB, an in-process bus) and AWS adapters
(S3, DynamoDB, Athena, EventBridge) implement the same ports; a composition
root per runtime wires one set of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from lakeline.core.contracts import Contract
from lakeline.core.ledger import LedgerEntry, RunRecord, Status
from lakeline.core.objects import ObjectRef
from lakeline.core.outcome import EngineOutput
from lakeline.quality.rules import RuleResult


class ObjectStore(Protocol):
    """A bucket of objects addressed by key (a local folder or an S3 bucket)."""

    bucket: str

    def head(self, key: str) -> ObjectRef:
        """The current version of an object; raises ObjectNotFoundError."""
        ...

    def list(self, prefix: str) -> Iterator[ObjectRef]:
        """Every object under a prefix, in key order."""
        ...

    def put_file(self, key: str, path: Path) -> ObjectRef:
        """Store a local file under a key, atomically: readers see all of it or none."""
        ...

    def delete(self, key: str) -> None:
        """Delete an object; deleting a missing object is not an error."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file holding the object's bytes, for as long as the context lasts."""
        ...

    def uri(self, key: str) -> str:
        """Where an engine can read an object or prefix (a path or an s3:// URI)."""
        ...


class Ledger(Protocol):
    """The record of every object the pipeline has seen."""

    def get(self, object_id: str) -> LedgerEntry | None:
        """The latest entry of an object, or None."""
        ...

    def acquire(
        self,
        obj: ObjectRef,
        dataset: str,
        owner: str,
        now: datetime,
        ttl_seconds: int,
        takes_over_handoffs: bool = False,
    ) -> bool:
        """Take the processing lease of an object version; False if another live lease holds it.

        A version already done is refused too; ``handed_off`` counts as done unless
        ``takes_over_handoffs`` (the runtime objects are handed to).
        """
        ...

    def finish(self, entry: LedgerEntry) -> None:
        """Record the end of an attempt (processed, rejected or failed) and release the lease."""
        ...

    def entries(self, dataset: str | None = None, status: Status | None = None) -> list[LedgerEntry]:
        """Entries, newest first, optionally filtered."""
        ...


class Processor(Protocol):
    """An engine that validates one landed object and writes its output files."""

    def process(
        self,
        contract: Contract,
        source: Path,
        obj: ObjectRef,
        work_dir: Path,
        stem: str,
        processed_at: datetime,
    ) -> EngineOutput:
        """Validate ``source`` and write curated and quarantine files under ``work_dir``."""
        ...


@dataclass(frozen=True)
class QueryResult:
    """The columns and rows of a query's last statement."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


class QueryEngine(Protocol):
    """Runs Athena SQL over the lake's tables."""

    def query(self, sql: str) -> QueryResult:
        """Run one or more statements; return the last one's result. Raises QueryError."""
        ...


class EventBus(Protocol):
    """Publishes events (EventBridge's PutEvents)."""

    def put_events(self, events: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Publish events; returns what the bus's targets returned, if it runs them."""
        ...


class Metrics(Protocol):
    """Records named measurements (CloudWatch EMF on AWS)."""

    def emit(
        self, name: str, value: float, unit: str = "Count", dimensions: Mapping[str, str] | None = None
    ) -> None:
        """Record one measurement."""
        ...


class Notifier(Protocol):
    """Tells a person that something needs attention (SNS on AWS)."""

    def notify(self, subject: str, message: str) -> None:
        """Send one alert."""
        ...


class DeadLetters(Protocol):
    """Where messages that can never succeed go, with their reason (an SQS DLQ on AWS)."""

    def send(self, body: str, reason: str) -> None:
        """Dead-letter one message."""
        ...


class Handoff(Protocol):
    """Hands an object too large for this runtime to a bigger one (a Glue job on AWS)."""

    def start(self, obj: ObjectRef, dataset: str) -> str:
        """Start processing elsewhere; returns where (e.g. the Glue job run id)."""
        ...


class PartitionCatalog(Protocol):
    """Where each partition of a catalogued table lives (the Glue Data Catalog's partitions on AWS).

    Analytics partitions are written to a new location each build and then pointed at, so
    readers see the old partition or the new one, never a mix or a file being replaced.
    """

    def locations(self, table: str) -> dict[str, str]:
        """Partition value -> the key prefix (ending with '/') its files live under."""
        ...

    def point(self, table: str, partition: str, prefix: str) -> None:
        """Make ``prefix`` the partition's location (creating the partition if needed)."""
        ...

    def drop(self, table: str, partition: str) -> None:
        """Remove a partition from the table."""
        ...


class QualityChecker(Protocol):
    """Evaluates a DQDL ruleset on some Parquet files of a table (Glue Data Quality on AWS)."""

    def check(self, ruleset: str, table: str, uris: Sequence[str], now: datetime) -> list[RuleResult]:
        """One result per top-level rule, on the rows of ``uris`` of ``table`` (none: an empty table)."""
        ...


class WorkflowTriggers(Protocol):
    """Events that ask for a workflow run (a debounced queue on AWS)."""

    def pending(self) -> int:
        """How many wait for a run."""
        ...

    def clear(self, upto: datetime) -> None:
        """Forget those a run that started at ``upto`` covers."""
        ...


class BuildState(Protocol):
    """What the last successful build of each model partition was built from."""

    def fingerprints(self, model: str) -> dict[str, str]:
        """Partition value -> fingerprint of the inputs it was last built from."""
        ...

    def record(self, model: str, partition: str, fingerprint: str, rows: int, built_at: datetime) -> None:
        """Remember one built partition."""
        ...

    def forget(self, model: str, partition: str) -> None:
        """Forget a partition whose inputs are gone."""
        ...

    def record_run(self, run: RunRecord) -> None:
        """Keep the statistics of one build or workflow run."""
        ...

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent runs, newest first."""
        ...


@dataclass(frozen=True)
class HttpResponse:
    """What an HTTP GET returned (header names lower-cased)."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class HttpClient(Protocol):
    """Makes HTTP GET requests."""

    def get(
        self, url: str, params: Mapping[str, str], headers: Mapping[str, str], timeout: float
    ) -> HttpResponse:
        """One GET; raises TransientError when the connection fails or times out."""
        ...


@dataclass(frozen=True)
class CursorState:
    """Where the last pull of a dataset stopped, and the keys of its boundary records."""

    value: str
    boundary_keys: tuple[str, ...] = ()


class CursorStore(Protocol):
    """The incremental cursor of each pulled dataset, and the history of pulls."""

    def get(self, dataset: str) -> CursorState | None:
        """The committed cursor, or None before the first pull."""
        ...

    def commit(self, dataset: str, state: CursorState) -> None:
        """Move the cursor (only after the pulled records are written)."""
        ...

    def record_run(self, dataset: str, status: str, pages: int, records: int, detail: str) -> None:
        """Remember one pull, successful or not."""
        ...


class Secrets(Protocol):
    """Reads a named secret (the environment locally, Secrets Manager on AWS)."""

    def get(self, name: str) -> str:
        """The secret's value; raises TerminalError if it does not exist."""
        ...
