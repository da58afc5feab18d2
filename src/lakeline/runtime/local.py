"""The local composition root: a folder, SQLite, DuckDB and an in-process event bus."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakeline.adapters.local.build_state import SqliteBuildState
from lakeline.adapters.local.cursor_store import EnvironmentSecrets, SqliteCursorStore
from lakeline.adapters.local.event_bus import LocalEventBus
from lakeline.adapters.local.http_client import UrllibHttpClient
from lakeline.adapters.local.ledger import SqliteLedger
from lakeline.adapters.local.metrics import SqliteMetrics, SqliteNotifier
from lakeline.adapters.local.object_store import LocalObjectStore
from lakeline.adapters.local.partition_catalog import SqlitePartitionCatalog
from lakeline.adapters.local.workflow_triggers import SqliteWorkflowTriggers
from lakeline.analytics.models import Model, load_models
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import TableSpec, lake_tables
from lakeline.engines.duckdb.models import DuckDBModelRunner, model_table
from lakeline.engines.duckdb.processor import DuckDBProcessor, DuckDBSettings
from lakeline.engines.duckdb.quality import DuckDBQualityChecker
from lakeline.engines.duckdb.query import DuckDBQueryEngine
from lakeline.entrypoints.object_events import deliver_locally
from lakeline.events.rules import PROCESS_OBJECT, RUN_WORKFLOW, partition_updated_rule, pipeline_rules
from lakeline.ports import ObjectStore
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.build import BuildDeps
from lakeline.usecases.process_object import ProcessDeps, ProcessResult
from lakeline.usecases.pull import PullDeps
from lakeline.usecases.workflow import WorkflowDeps

if TYPE_CHECKING:
    from lakeline.adapters.aws.clients import AwsClients, S3Access


@dataclass
class LocalRuntime:
    """Every port of the pipeline, wired to its local adapter."""

    settings: LocalSettings
    contracts: ContractRegistry = field(init=False)

    def __post_init__(self) -> None:
        self.contracts = self.settings.project.contracts()

    @cached_property
    def aws(self) -> AwsClients:
        """boto3 clients, for a lake in S3."""
        from lakeline.adapters.aws.clients import AwsClients

        return AwsClients(region=self.settings.aws_region, endpoint_url=self.settings.aws_endpoint_url)

    @cached_property
    def store(self) -> ObjectStore:
        """The lake: a folder that behaves like a bucket, or the S3 bucket itself."""
        if self.settings.s3_bucket:
            from lakeline.adapters.aws.s3_object_store import S3ObjectStore

            return S3ObjectStore(self.settings.s3_bucket, self.aws.s3(), self.work_dir)
        assert self.settings.lake_root is not None
        return LocalObjectStore(self.settings.lake_root, self.settings.bucket)

    @cached_property
    def work_dir(self) -> Path:
        """Scratch space for processing (downloads, outputs before upload, spill files)."""
        work = self.settings.project.state_dir / "work"
        work.mkdir(parents=True, exist_ok=True)
        return work

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
        return ProcessDeps(
            contracts=self.contracts,
            store=self.store,
            ledger=self.ledger,
            processor=DuckDBProcessor(DuckDBSettings(memory_limit=self.settings.memory_limit)),
            metrics=self.metrics,
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            work_root=self.work_dir,
            events=self.bus,
            notifier=self.notifier,
        )

    @cached_property
    def bus(self) -> LocalEventBus:
        """The event bus, routing by the pipeline's EventBridge rules."""
        rules = [*pipeline_rules(self.settings.bucket), partition_updated_rule()]  # the rules we deploy
        return LocalEventBus(rules, {PROCESS_OBJECT: self.on_object_created, RUN_WORKFLOW: self.triggers})

    @cached_property
    def triggers(self) -> SqliteWorkflowTriggers:
        """Partition Updated events waiting for a workflow run (the debounce queue's twin)."""
        return SqliteWorkflowTriggers(self.settings.state_db)

    def on_object_created(self, event: Mapping[str, Any]) -> ProcessResult:
        """The local twin of the process_object Lambda function (a failure ends only its event)."""
        return deliver_locally(event, self.deps)

    @cached_property
    def cursors(self) -> SqliteCursorStore:
        """Cursors and pull history of HTTP datasets."""
        return SqliteCursorStore(self.settings.state_db)

    @cached_property
    def pull_deps(self) -> PullDeps:
        """What pulling an HTTP dataset needs."""
        return PullDeps(
            store=self.store, http=UrllibHttpClient(), cursors=self.cursors, secrets=EnvironmentSecrets(),
            metrics=self.metrics, work_root=self.work_dir,
        )  # fmt: skip

    @cached_property
    def models(self) -> list[Model]:
        """The project's analytics models."""
        return load_models(self.settings.project.models_dir, self.contracts)

    @cached_property
    def build_deps(self) -> BuildDeps:
        """What an analytics build needs."""
        return BuildDeps(
            contracts=self.contracts,
            store=self.store,
            ledger=self.ledger,
            state=SqliteBuildState(self.settings.state_db),
            runner=DuckDBModelRunner(s3=self._s3_access()),
            metrics=self.metrics,
            catalog=self.catalog,
            work_root=self.work_dir,
        )

    @cached_property
    def catalog(self) -> SqlitePartitionCatalog:
        """Where each analytics partition lives (the Glue catalog's partitions on AWS)."""
        return SqlitePartitionCatalog(self.settings.state_db)

    @cached_property
    def workflow_deps(self) -> WorkflowDeps:
        """What the local run of the analytics workflow needs."""
        checker = DuckDBQualityChecker(self.table_columns, s3=self._s3_access())
        return WorkflowDeps(self.build_deps, checker, self.notifier, triggers=self.triggers)

    @cached_property
    def model_tables(self) -> list[TableSpec]:
        """The analytics tables, typed by DuckDB from each model's SQL (a connection each)."""
        return [model_table(m, self.contracts) for m in self.models]

    def table_columns(self, name: str) -> dict[str, str]:
        """A table's columns and their Athena types, by its Glue name (a dataset's, or a model's)."""
        tables = {t.name: t for t in [*lake_tables(self.contracts), *self.model_tables]}  # models win
        return tables[name].column_types

    def query_engine(self) -> DuckDBQueryEngine:
        """A query engine over the lake as it is now, analytics tables included."""
        return DuckDBQueryEngine(
            self.store,
            self.contracts,
            s3=self._s3_access(),
            extra_tables=self.model_tables,
            catalog=self.catalog,
        )

    def _s3_access(self) -> S3Access | None:
        """How DuckDB reads the lake's files when the lake is a bucket (None for a folder)."""
        return self.aws.s3_access() if self.settings.s3_bucket else None
