"""The analytics workflow, run locally: the same steps as the Step Functions state machine.

Plan -> Transform -> DataQuality -> RecordResults -> Notify (see
``lakeline.core.workflow``). Plan also checks each dataset's freshness SLA. A
plan with nothing changed ends the run successfully before any other work.
Data quality checks the curated partitions that changed since they were last
checked and the model partitions just rebuilt;
a ``halt`` ruleset that fails makes the run fail after its results are recorded
and its alert sent.
"""

from __future__ import annotations

import json
import logging
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lakeline.analytics.models import Model
from lakeline.core.alerts import Alert
from lakeline.core.ledger import RunRecord
from lakeline.core.objects import Zone, zone_prefix
from lakeline.core.partitioning import partition_path
from lakeline.core.tables import QUALITY_RESULT_COLUMNS, quality_results_table
from lakeline.core.workflow import (
    DATA_QUALITY,
    NOTIFY,
    PLAN,
    QUALITY_RESULTS_TABLE,
    QUALITY_STATE_PREFIX,
    RECORD_RESULTS,
    TRANSFORM,
)
from lakeline.ports import Notifier, QualityChecker, WorkflowTriggers
from lakeline.quality.rules import RuleResult
from lakeline.quality.ruleset import QualityAction, Ruleset
from lakeline.usecases.build import (
    BuildDeps,
    ModelBuild,
    ModelPlan,
    Sources,
    files_fingerprint,
    plan_model,
    run_plan,
)
from lakeline.usecases.freshness import Staleness, check_freshness

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QualityTarget:
    """One ruleset to evaluate on some partitions of one table."""

    table: str
    kind: str  # "dataset" or "model"
    ruleset: Ruleset
    uris: tuple[str, ...]
    partitions: dict[str, str]  # partition -> fingerprint of its files (datasets), or ""


@dataclass(frozen=True)
class QualityRun:
    """The results of one target's ruleset."""

    target: QualityTarget
    results: list[RuleResult]

    @property
    def failed(self) -> list[RuleResult]:
        """The rules that failed."""
        return [r for r in self.results if not r.passed]


@dataclass
class BuildPlan:
    """What a workflow run will do: model partitions to build, dataset partitions to check."""

    models: list[ModelPlan]
    datasets: list[QualityTarget]
    stale: list[Staleness] = field(default_factory=list)  # datasets past their freshness SLA

    @property
    def empty(self) -> bool:
        """Whether nothing changed since the last run."""
        return not any(m.has_work for m in self.models) and not self.datasets


@dataclass
class WorkflowDeps:
    """What the workflow needs beyond a build: a quality checker and someone to tell."""

    build: BuildDeps
    checker: QualityChecker
    notifier: Notifier | None = None
    environment: str = "local"
    triggers: WorkflowTriggers | None = None  # the events a run covers, cleared when it starts


@dataclass
class WorkflowRun:
    """What one run did, step by step."""

    run_id: str
    started_at: datetime
    steps: list[str] = field(default_factory=list)
    plan: BuildPlan | None = None
    builds: list[ModelBuild] = field(default_factory=list)
    quality: list[QualityRun] = field(default_factory=list)
    results_key: str | None = None
    halted_by: list[str] = field(default_factory=list)
    stale: list[Staleness] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        """Whether the plan found nothing changed, so no other step ran."""
        return self.plan is not None and self.plan.empty

    @property
    def halted(self) -> bool:
        """Whether a ``halt`` ruleset failed."""
        return bool(self.halted_by)


def plan(
    models: list[Model],
    deps: BuildDeps,
    sources: Sources,
    full: bool = False,
    notifier: Notifier | None = None,
    environment: str = "local",
) -> BuildPlan:
    """The Plan step: stale datasets, changed model partitions, curated partitions not yet checked.

    Freshness is checked first, alerting once per stale episode: data stops arriving exactly
    when a plan finds nothing else to do.
    """
    stale = check_freshness(deps.contracts, deps.ledger, deps.state, deps.metrics, notifier, environment,
                            deps.clock())  # fmt: skip
    targets = []
    for contract in deps.contracts:
        if contract.quality is None:
            continue
        files = sources.files(contract.name)
        checked = deps.state.fingerprints(QUALITY_STATE_PREFIX + contract.name)
        current = {p: files_fingerprint(f) for p, f in files.items()}
        changed = {p: fp for p, fp in current.items() if full or checked.get(p) != fp}
        if changed:
            uris = tuple(deps.store.uri(key) for p in sorted(changed) for key, _ in files[p])
            targets.append(QualityTarget(contract.name, "dataset", contract.quality.ruleset, uris, changed))
    return BuildPlan([plan_model(m, deps, full, sources) for m in models], targets, stale)


def _model_targets(builds: list[ModelBuild], models: list[Model], deps: BuildDeps) -> list[QualityTarget]:
    """A model's checks cover the partitions it rebuilt, as Plan hands them to Glue Data Quality.

    A rebuilt partition that came out empty has no file and adds no rows, here as on AWS. When every
    rebuilt partition came out empty, the rules judge an empty table, as Glue Data Quality would.
    """
    by_name = {m.name: m for m in models}
    targets = []
    for build in builds:
        ruleset = by_name[build.model].quality
        if ruleset is not None and build.rebuilt:
            uris = tuple(deps.store.uri(build.files[p]) for p in build.written)
            targets.append(
                QualityTarget(build.model, "model", ruleset, uris, dict.fromkeys(build.rebuilt, ""))
            )
    return targets


def check_quality(targets: list[QualityTarget], checker: QualityChecker, now: datetime) -> list[QualityRun]:
    """The DataQuality step: each target's ruleset on its partitions."""
    return [QualityRun(t, checker.check(t.ruleset.rules, t.table, t.uris, now)) for t in targets]


def record_results(run: WorkflowRun, deps: BuildDeps) -> str | None:
    """The RecordResults step: the results as a Parquet file of ``dq_results``, metrics and state."""
    from lakeline.engines.duckdb.rows import write_parquet

    rows = [
        {
            "run_id": run.run_id,
            "evaluated_at": run.started_at.replace(tzinfo=None),
            "table_name": q.target.table,
            "kind": q.target.kind,
            "partitions": ",".join(sorted(q.target.partitions)),
            "action": q.target.ruleset.action.value,
            "rule": r.rule,
            "outcome": r.outcome,
            "failure_reason": r.failure_reason,
            "evaluated_metrics": json.dumps(r.evaluated_metrics, sort_keys=True),
        }
        for q in run.quality
        for r in q.results
    ]
    for q in run.quality:
        dims = {"table": q.target.table}
        deps.metrics.emit("DataQualityRulesPassed", len(q.results) - len(q.failed), dimensions=dims)
        deps.metrics.emit("DataQualityRulesFailed", len(q.failed), dimensions=dims)
        if q.target.kind == "dataset":
            for partition, fingerprint in q.target.partitions.items():
                deps.state.record(
                    QUALITY_STATE_PREFIX + q.target.table, partition, fingerprint, 0, run.started_at
                )
    if not rows:
        return None
    columns = [(c.name, "TIMESTAMP" if c.type == "timestamp" else "VARCHAR") for c in QUALITY_RESULT_COLUMNS]
    day = run.started_at.strftime("%Y-%m-%d")
    key = f"{zone_prefix(Zone.QUALITY, QUALITY_RESULTS_TABLE)}{partition_path(day)}/{run.run_id}.parquet"
    with tempfile.TemporaryDirectory(prefix="lakeline-dq-", dir=deps.work_root) as tmp:
        path = Path(tmp) / "results.parquet"
        write_parquet(path, columns, rows)
        deps.store.put_file(key, path)
    return key


def notify(run: WorkflowRun, notifier: Notifier | None, environment: str) -> None:
    """The Notify step: one alert per table whose rules failed; ``halt`` rulesets halt the run."""
    for q in run.quality:
        if not q.failed:
            continue
        if q.target.ruleset.action is QualityAction.HALT:
            run.halted_by.append(q.target.table)
        if notifier is None:
            continue
        first = q.failed[0]
        partitions = ", ".join(sorted(q.target.partitions))
        alert = Alert(
            "data quality halt" if q.target.ruleset.action is QualityAction.HALT else "data quality",
            environment,
            q.target.table,
            f"{len(q.failed)} of {len(q.results)} rules failed on dt {partitions}; "
            f"first: {first.rule}: {first.failure_reason}",
            f'lakeline query "SELECT rule, failure_reason FROM {quality_results_table().name} '
            f"WHERE run_id = '{run.run_id}' AND outcome = 'Failed'\"",
        )
        notifier.notify(alert.subject, alert.message)


def build_stats(builds: list[ModelBuild]) -> dict[str, dict[str, object]]:
    """Per model: partitions rebuilt and removed, rows written, seconds."""
    return {
        b.model: {"rebuilt": len(b.rebuilt), "removed": len(b.removed), "unchanged": b.unchanged,
                  "rows": b.rows, "seconds": round(b.seconds, 3)}
        for b in builds
    }  # fmt: skip


def quality_stats(runs: list[QualityRun]) -> dict[str, dict[str, object]]:
    """Per table: rules passed and failed, and the partitions checked."""
    return {
        q.target.table: {"passed": len(q.results) - len(q.failed), "failed": len(q.failed),
                         "partitions": len(q.target.partitions), "action": q.target.ruleset.action.value}
        for q in runs
    }  # fmt: skip


def _record_run(run: WorkflowRun, deps: BuildDeps) -> None:
    outcome = "nothing to do" if run.nothing_to_do else ("halted" if run.halted else "succeeded")
    stats = {"outcome": outcome, "steps": run.steps, "stale": [s.dataset for s in run.stale],
             "models": build_stats(run.builds), "quality": quality_stats(run.quality)}  # fmt: skip
    deps.state.record_run(RunRecord(run.run_id, "workflow", run.started_at, deps.clock(), stats))


def run_workflow(models: list[Model], deps: WorkflowDeps, full: bool = False) -> WorkflowRun:
    """Run the workflow's steps in the state machine's order; see the module docstring."""
    build = deps.build
    run = WorkflowRun(uuid.uuid4().hex[:12], build.clock())
    sources = Sources(build.store, build.ledger)
    run.steps.append(PLAN)
    if deps.triggers is not None:
        deps.triggers.clear(run.started_at)
    run.plan = plan(models, build, sources, full, deps.notifier, deps.environment)
    run.stale = run.plan.stale
    if run.plan.empty:
        _record_run(run, build)
        return run
    run.steps.append(TRANSFORM)
    run.builds = [run_plan(p, build, sources) for p in run.plan.models]
    run.steps.append(DATA_QUALITY)
    targets = run.plan.datasets + _model_targets(run.builds, models, build)
    run.quality = check_quality(targets, deps.checker, run.started_at)
    run.steps.append(RECORD_RESULTS)
    run.results_key = record_results(run, build)
    run.steps.append(NOTIFY)
    notify(run, deps.notifier, deps.environment)
    _record_run(run, build)
    logger.info("workflow run %s: %s", run.run_id, "halted" if run.halted else "succeeded")
    return run
