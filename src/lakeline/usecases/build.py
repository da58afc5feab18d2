"""Build the analytics models incrementally: only partitions whose inputs changed since the last build."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from lakeline.analytics.models import Model
from lakeline.core.ledger import Status
from lakeline.core.objects import ObjectRef, Zone, zone_prefix
from lakeline.core.partitioning import group_by_partition, partition_path
from lakeline.core.registry import ContractRegistry
from lakeline.ports import BuildState, Ledger, Metrics, ObjectStore, PartitionCatalog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelInput:
    """One curated file a model reads, and when its source object was ingested (latest wins)."""

    uri: str
    partition: str
    ingested_at: str


class ModelRunner(Protocol):
    """An engine that runs a model over given input files and writes one file per partition."""

    def run(
        self, model: Model, contracts: ContractRegistry, inputs: dict[str, list[ModelInput]], work_dir: Path
    ) -> dict[str, tuple[Path, int]]:
        """Partition -> (local Parquet file, rows) for every partition the model produced rows for."""
        ...


@dataclass
class BuildDeps:
    """The ports and settings an analytics build needs."""

    contracts: ContractRegistry
    store: ObjectStore
    ledger: Ledger
    state: BuildState
    runner: ModelRunner
    metrics: Metrics
    catalog: PartitionCatalog
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    work_root: Path | None = None
    # How long a replaced partition's files stay, for queries that started reading them.
    retire_after: timedelta = timedelta(hours=1)


@dataclass
class ModelBuild:
    """What one build did for one model."""

    model: str
    rebuilt: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    written: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # partition -> key of the file written
    rows: int = 0
    seconds: float = 0.0

    @property
    def did_work(self) -> bool:
        """Whether any partition was written or removed."""
        return bool(self.rebuilt or self.removed)


def written_partitions(out: Path, counts: dict[str, int]) -> dict[str, tuple[Path, int]]:
    """The files an engine wrote under ``out/dt=<value>/``, with each partition's row count."""
    groups = group_by_partition(sorted(out.rglob("*.parquet")), lambda p: p.relative_to(out).as_posix())
    return {value: (paths[-1], int(counts[value])) for value, paths in groups.items()}


def analytics_location(model: str, partition: str, build_id: str) -> str:
    """A new location for one build of a model partition (a key prefix ending with '/').

    Each build writes a partition to a location of its own and then points the catalog at it:
    readers see the old partition or the new one, and a query already reading the old files
    keeps them until they are retired (``BuildDeps.retire_after``).
    """
    return f"{zone_prefix(Zone.ANALYTICS, model)}{partition_path(partition)}/build={build_id}/"


RETIRED = "retired:"  # build-state name of a model's replaced locations, waiting to be deleted


def _retire(model: str, location: str, deps: BuildDeps, now: datetime) -> None:
    deps.state.record(RETIRED + model, location, now.isoformat(), 0, now)


def sweep_retired(model: str, deps: BuildDeps) -> int:
    """Delete the files of locations retired longer than ``retire_after`` ago; how many locations."""
    now = deps.clock()
    swept = 0
    current = list(deps.catalog.locations(model).values())
    for location, retired_at in deps.state.fingerprints(RETIRED + model).items():
        if now - datetime.fromisoformat(retired_at) < deps.retire_after:
            continue
        # Only a build's own location, and never one that holds (or is) a current location.
        if "/build=" not in location or any(c.startswith(location) for c in current):
            deps.state.forget(RETIRED + model, location)
            continue
        for obj in list(deps.store.list(location)):
            deps.store.delete(obj.key)
        deps.state.forget(RETIRED + model, location)
        swept += 1
    return swept


class Sources:
    """The curated files of each source dataset and when their objects were ingested.

    Read once per build: models that share a source list it and read its ledger once,
    and nothing a build writes changes them.
    """

    def __init__(self, store: ObjectStore, ledger: Ledger) -> None:
        self._store, self._ledger = store, ledger
        self._listed: dict[str, dict[str, list[ObjectRef]]] = {}
        self._ingested: dict[str, dict[str, str]] = {}

    def _curated(self, dataset: str) -> dict[str, list[ObjectRef]]:
        """Partition -> the dataset's curated objects, listed once."""
        if dataset not in self._listed:
            prefix = zone_prefix(Zone.CURATED, dataset)
            listing = self._store.list(prefix)
            self._listed[dataset] = group_by_partition(listing, lambda obj: obj.key[len(prefix) :])
        return self._listed[dataset]

    def files(self, dataset: str) -> dict[str, list[tuple[str, str]]]:
        """Partition -> (key, version) of each curated file of the dataset."""
        return {v: [(obj.key, obj.version) for obj in objs] for v, objs in self._curated(dataset).items()}

    def ingested(self, dataset: str) -> dict[str, str]:
        """Curated key -> when the object it came from was ingested (ISO time, or '').

        That is when its processing finished. An object whose latest attempt failed (or is
        running) still has the files of an earlier attempt, whose time the ledger no longer
        holds: those files' own write time stands in for it.
        """
        if dataset not in self._ingested:
            written = {
                obj.key: obj.last_modified.astimezone(UTC).isoformat()
                for objs in self._curated(dataset).values()
                for obj in objs
                if obj.last_modified is not None
            }
            self._ingested[dataset] = {
                key: (
                    entry.finished_at.astimezone(UTC).isoformat()
                    if entry.status is Status.PROCESSED and entry.finished_at
                    else written.get(key, "")
                )
                for entry in self._ledger.entries(dataset=dataset)
                for key in entry.outputs
            }
        return self._ingested[dataset]


def files_fingerprint(parts: list[tuple[str, str]]) -> str:
    """A fingerprint of a partition's inputs: its files and their versions."""
    return hashlib.sha256("\n".join(f"{k}:{v}" for k, v in sorted(parts)).encode()).hexdigest()


def definition_fingerprint(model: Model, contracts: ContractRegistry) -> str:
    """A fingerprint of what a model computes: its SQL and header, and its sources' primary keys.

    Part of every partition's fingerprint, so that editing a model rebuilds all its partitions.
    """
    keys = [f"{s}:{','.join(contracts.get(s).primary_key)}" for s in model.sources]
    text = "\n".join([model.sql, model.partition, ",".join(model.primary_key), *keys])
    return hashlib.sha256(text.encode()).hexdigest()


# A partition built with no rows has no catalog location; its recorded fingerprint says so, so that
# a missing location means "built empty" rather than "never catalogued".
EMPTY = "empty:"


@dataclass
class ModelPlan:
    """The partitions of one model that a build must write or remove, and why."""

    model: Model
    changed: list[str]
    removed: list[str]
    unchanged: int
    fingerprints: dict[str, str]

    @property
    def has_work(self) -> bool:
        """Whether the plan writes or removes anything."""
        return bool(self.changed or self.removed)


def plan_model(
    model: Model, deps: BuildDeps, full: bool = False, sources: Sources | None = None
) -> ModelPlan:
    """The partitions of a model whose inputs changed since their last build (all with ``full``)."""
    sources = sources or Sources(deps.store, deps.ledger)
    per_source = {source: sources.files(source) for source in model.sources}
    partitions = sorted({p for files in per_source.values() for p in files})
    definition = definition_fingerprint(model, deps.contracts)
    current = {
        p: definition + files_fingerprint([f for files in per_source.values() for f in files.get(p, [])])
        for p in partitions
    }
    previous = deps.state.fingerprints(model.name)
    # A partition with rows that the catalog does not point at is rebuilt even if its inputs are
    # unchanged (a catalog created after the build state, e.g. the first build with catalogued
    # partitions). One built empty has no location to point at.
    catalogued = deps.catalog.locations(model.name)

    def stale(p: str) -> bool:
        built = previous.get(p, "")
        missing = p not in catalogued and not built.startswith(EMPTY)
        return full or built.removeprefix(EMPTY) != current[p] or missing

    changed = [p for p in partitions if stale(p)]
    if changed and not all(deps.contracts.get(s).keys_stay_in_partition for s in model.sources):
        # A key may now live in another partition than before: only reading every partition
        # keeps one row per key (docs/contracts.md, "primary_key").
        changed = partitions
    removed = sorted(set(previous) - set(current))
    return ModelPlan(
        model, changed, removed, len(partitions) - len(changed), {p: current[p] for p in changed}
    )


def run_plan(plan: ModelPlan, deps: BuildDeps, sources: Sources | None = None) -> ModelBuild:
    """Write the planned partitions of a model and remove those whose inputs are gone."""
    started = time.perf_counter()
    model = plan.model
    result = ModelBuild(model.name, removed=plan.removed, unchanged=plan.unchanged)
    sources = sources or Sources(deps.store, deps.ledger)
    now = deps.clock()
    build_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    current = deps.catalog.locations(model.name)
    if plan.changed:
        inputs = {
            source: [
                ModelInput(deps.store.uri(key), p, sources.ingested(source).get(key, ""))
                for p in plan.changed
                for key, _ in sources.files(source).get(p, [])
            ]
            for source in model.sources
        }
        with tempfile.TemporaryDirectory(prefix="lakeline-build-", dir=deps.work_root) as tmp:
            outputs = deps.runner.run(model, deps.contracts, inputs, Path(tmp))
            for partition in plan.changed:
                rows = 0
                if partition in outputs:
                    path, rows = outputs[partition]
                    location = analytics_location(model.name, partition, build_id)
                    key = f"{location}{model.name}.parquet"
                    deps.store.put_file(key, path)
                    deps.catalog.point(model.name, partition, location)  # the switch readers see
                    result.rows += rows
                    result.written.append(partition)
                    result.files[partition] = key
                elif partition in current:
                    deps.catalog.drop(model.name, partition)
                if partition in current:  # replaced or dropped: its old files wait out the grace period
                    _retire(model.name, current[partition], deps, now)
                recorded = (
                    plan.fingerprints[partition]
                    if partition in outputs
                    else EMPTY + plan.fingerprints[partition]
                )
                deps.state.record(model.name, partition, recorded, rows, now)
        result.rebuilt = plan.changed
    for partition in result.removed:
        if partition in current:
            deps.catalog.drop(model.name, partition)
            _retire(model.name, current[partition], deps, now)
        deps.state.forget(model.name, partition)
    sweep_retired(model.name, deps)
    result.seconds = time.perf_counter() - started
    dims = {"model": model.name}
    deps.metrics.emit("BuildPartitionsRebuilt", len(result.rebuilt), dimensions=dims)
    deps.metrics.emit("BuildDuration", result.seconds * 1000, unit="Milliseconds", dimensions=dims)
    logger.info("model %s: %d rebuilt, %d removed, %d unchanged", model.name, len(result.rebuilt),
                len(result.removed), result.unchanged)  # fmt: skip
    return result


def build_model(
    model: Model, deps: BuildDeps, full: bool = False, sources: Sources | None = None
) -> ModelBuild:
    """Rebuild the partitions of one model whose inputs changed (all of them with ``full``)."""
    sources = sources or Sources(deps.store, deps.ledger)
    return run_plan(plan_model(model, deps, full, sources), deps, sources)


def build_models(
    models: list[Model], deps: BuildDeps, full: bool = False, planned: dict[str, list[str]] | None = None
) -> list[ModelBuild]:
    """Build every model incrementally.

    Args:
        models: The models to build.
        deps: The ports.
        full: Rebuild every partition.
        planned: Model -> the partitions a workflow's Plan step chose. Only those are built (the
            ones still changed); a model not named is left alone. Inputs that changed after the
            plan wait for the next run.
    """
    sources = Sources(deps.store, deps.ledger)
    results = []
    for model in models:
        if planned is not None and model.name not in planned:
            continue
        plan = plan_model(model, deps, full, sources)
        if planned is not None:
            chosen = set(planned[model.name])
            changed = [p for p in plan.changed if p in chosen]
            removed = [p for p in plan.removed if p in chosen]
            fingerprints = {p: plan.fingerprints[p] for p in changed}
            unchanged = plan.unchanged + len(plan.changed) - len(changed)
            plan = ModelPlan(model, changed, removed, unchanged, fingerprints)
        results.append(run_plan(plan, deps, sources))
    return results
