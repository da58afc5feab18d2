"""What `lakeline report` shows: the state of the local pipeline, gathered from its ports."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from lakeline.core.ledger import LedgerEntry, RunRecord, Status
from lakeline.core.registry import ContractRegistry
from lakeline.errors import QueryError
from lakeline.ports import BuildState, Ledger, QueryEngine
from lakeline.sqlfiles import named_queries

logger = logging.getLogger(__name__)

QUERIES = Path(__file__).with_name("sql") / "report.sql"


class MetricSeries(Protocol):
    """Reads back the measurements of one metric (the local metrics store)."""

    def series(self, name: str, limit: int = 500) -> list[tuple[datetime, float, dict[str, str]]]:
        """The latest measurements, oldest first: (when, value, dimensions)."""
        ...


class AlertLog(Protocol):
    """Reads back the alerts sent (the local notifier)."""

    def recent(self, limit: int = 50) -> list[tuple[str, str, str]]:
        """The latest alerts, newest first: (at, subject, message)."""
        ...


@dataclass
class DatasetReport:
    """One dataset's volume, rejections and freshness."""

    name: str
    rows_per_day: list[tuple[str, int]] = field(default_factory=list)
    rows_in: int = 0
    rows_kept: int = 0
    rows_quarantined: int = 0
    top_reasons: list[tuple[str, int]] = field(default_factory=list)
    newest: datetime | None = None
    freshness_sla_hours: float | None = None

    @property
    def quarantine_ratio(self) -> float:
        """Quarantined rows over rows in (0 when nothing arrived)."""
        return self.rows_quarantined / self.rows_in if self.rows_in else 0.0

    def age_hours(self, now: datetime) -> float | None:
        """Hours since the newest processed object."""
        return None if self.newest is None else (now - self.newest).total_seconds() / 3600


@dataclass
class Report:
    """Everything the page shows."""

    generated_at: datetime
    datasets: list[DatasetReport]
    latency: list[tuple[datetime, float, str]]  # when, milliseconds, dataset
    quality: dict[str, dict[str, int]]  # table -> outcome -> rules, for each table's latest check
    runs: list[RunRecord]
    failures: list[LedgerEntry]  # the latest ten
    failed_objects: int
    alerts: list[tuple[str, str, str]]


def _rows(engine: QueryEngine, name: str, **names: str) -> list[tuple[Any, ...]]:
    try:
        return engine.query(named_queries(QUERIES)[name].format(**names)).rows
    except QueryError as error:  # e.g. a table with no files yet: the page says "nothing yet"
        logger.warning("report query %s failed: %s", name, error)
        return []


def gather(
    contracts: ContractRegistry,
    ledger: Ledger,
    engine: QueryEngine,
    metrics: MetricSeries,
    state: BuildState,
    alerts: AlertLog,
    now: datetime,
) -> Report:
    """Read the report's data from the ledger, the lake (Athena SQL), metrics, runs and alerts."""
    entries = ledger.entries()
    datasets = []
    for contract in contracts:
        mine = [e for e in entries if e.dataset == contract.name]
        done = [e.finished_at for e in mine if e.status is Status.PROCESSED and e.finished_at]
        datasets.append(
            DatasetReport(
                contract.name,
                rows_per_day=[
                    (str(d), int(n)) for d, n in _rows(engine, "rows_per_day", dataset=contract.name)
                ],
                rows_in=sum(e.rows_in for e in mine),
                rows_kept=sum(e.rows_kept for e in mine),
                rows_quarantined=sum(e.rows_quarantined for e in mine),
                top_reasons=[
                    (str(r), int(n)) for r, n in _rows(engine, "top_reasons", dataset=contract.name)
                ],
                newest=max(done, default=None),
                freshness_sla_hours=contract.freshness_hours,
            )
        )
    quality: dict[str, dict[str, int]] = {}
    for table, outcome, rules in _rows(engine, "quality"):
        quality.setdefault(str(table), {})[str(outcome)] = int(rules)
    latency = [
        (at, value, dims.get("dataset", "")) for at, value, dims in metrics.series("ProcessingLatency")
    ]
    failures = [e for e in entries if e.status in (Status.FAILED, Status.REJECTED)]
    failures.sort(key=lambda e: e.finished_at or now, reverse=True)
    recent = state.runs(limit=10)
    return Report(
        now, datasets, latency, quality, recent, failures[:10], len(failures), alerts.recent(limit=10)
    )
