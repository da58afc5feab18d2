"""The local composition root: a folder, SQLite, DuckDB and an in-process event bus."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lakeline.adapters.local.event_bus import LocalEventBus
from lakeline.adapters.local.ledger import SqliteLedger
from lakeline.adapters.local.metrics import SqliteMetrics, SqliteNotifier
from lakeline.adapters.local.object_store import LocalObjectStore
from lakeline.core.registry import ContractRegistry
from lakeline.engines.duckdb.processor import DuckDBProcessor, DuckDBSettings
from lakeline.engines.duckdb.query import DuckDBQueryEngine
from lakeline.entrypoints.object_events import handle_object_created
from lakeline.events.rules import PROCESS_OBJECT, pipeline_rules
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.process_object import ProcessDeps, ProcessResult


@dataclass
class LocalRuntime:
    """Every port of the pipeline, wired to its local adapter."""

    settings: LocalSettings
    contracts: ContractRegistry = field(init=False)

    def __post_init__(self) -> None:
        self.contracts = self.settings.project.contracts()

    @cached_property
    def store(self) -> LocalObjectStore:
        """The lake folder, as a bucket."""
        return LocalObjectStore(self.settings.lake_root, self.settings.bucket)

    @cached_property
    def ledger(self) -> SqliteLedger:
        """The SQLite ledger."""
        return SqliteLedger(self.settings.state_db)

    @cached_property
    def metrics(self) -> SqliteMetrics:
        """Metrics kept in the state database."""
        return SqliteMetrics(self.settings.state_db)

    @cached_property
    def notifier(self) -> SqliteNotifier:
        """Alerts kept in the state database."""
        return SqliteNotifier(self.settings.state_db)

    @cached_property
    def deps(self) -> ProcessDeps:
        """What processing needs."""
        work = self.settings.project.state_dir / "work"
        work.mkdir(parents=True, exist_ok=True)
        return ProcessDeps(
            contracts=self.contracts,
            store=self.store,
            ledger=self.ledger,
            processor=DuckDBProcessor(DuckDBSettings(memory_limit=self.settings.memory_limit)),
            metrics=self.metrics,
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            work_root=work,
        )

    @cached_property
    def bus(self) -> LocalEventBus:
        """The event bus, routing by the pipeline's EventBridge rules."""
        return LocalEventBus(pipeline_rules(self.settings.bucket), {PROCESS_OBJECT: self.on_object_created})

    def on_object_created(self, event: Mapping[str, Any]) -> ProcessResult:
        """The local twin of the process_object Lambda function."""
        return handle_object_created(event, self.deps)

    def query_engine(self) -> DuckDBQueryEngine:
        """A query engine over the lake as it is now."""
        return DuckDBQueryEngine(self.settings.lake_root, self.contracts)
