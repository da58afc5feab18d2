"""The workflow's steps as the Step Functions state machine calls them, one Lambda invocation each.

Each step takes and returns JSON. Plan returns the partitions to build and the
quality targets. Glue runs the build and Glue Data Quality checks the targets
(both called by the state machine directly). RecordResults turns Glue's rule
results into the same ``dq_results`` rows as a local run, and Notify sends the
same alerts and says whether a ``halt`` ruleset failed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from lakeline.analytics.models import Model
from lakeline.core.ledger import RunRecord
from lakeline.core.objects import Zone, zone_prefix
from lakeline.core.partitioning import PARTITION_COLUMN, partition_path
from lakeline.errors import EventError
from lakeline.ports import Notifier, PartitionCatalog
from lakeline.quality.rules import RuleResult
from lakeline.quality.ruleset import Ruleset
from lakeline.usecases.build import BuildDeps, ModelPlan, Sources
from lakeline.usecases.workflow import (
    QualityRun,
    QualityTarget,
    WorkflowRun,
    notify,
    plan,
    quality_stats,
    record_results,
)

FetchResults = Callable[[Sequence[str]], list[RuleResult]]

# Step Functions caps an execution's state at 256 KB, and a planned partition travels through
# Plan, the DataQuality Map and RecordResults (about 300 bytes for a dataset's, with its
# fingerprint). A plan keeps at most this many, the oldest; the next run plans the rest.
MAX_PARTITIONS_PER_RUN = 400


def rulesets(models: Sequence[Model], deps: BuildDeps) -> dict[str, Ruleset]:
    """Table -> its ruleset, for every dataset and model that has one."""
    found = {c.name: c.quality.ruleset for c in deps.contracts if c.quality is not None}
    return found | {m.name: m.quality for m in models if m.quality is not None}


def _predicate(partitions: Sequence[str]) -> str:
    """The Spark SQL filter a Glue Data Quality run reads only these partitions with."""
    return f"{PARTITION_COLUMN} IN ({', '.join(repr(p) for p in sorted(partitions))})"


def plan_step(
    models: Sequence[Model],
    deps: BuildDeps,
    run_id: str | None = None,
    notifier: Notifier | None = None,
    environment: str = "aws",
    curated_catalog: PartitionCatalog | None = None,
) -> dict[str, Any]:
    """Plan: what to build (for the Glue job's arguments) and what to check (for Glue Data Quality).

    It also checks each dataset's freshness SLA, alerting once per stale episode. Curated tables
    use partition projection, which only Athena reads; Glue Data Quality reads the catalog's
    partitions, so the partitions to check are registered in ``curated_catalog`` first.
    """
    built = plan(
        list(models), deps, Sources(deps.store, deps.ledger), notifier=notifier, environment=environment
    )
    model_plans, datasets, deferred = within_one_run(built.models, built.datasets, MAX_PARTITIONS_PER_RUN)
    working = [m for m in model_plans if m.has_work]
    targets = [*datasets] + [
        QualityTarget(m.model.name, "model", m.model.quality, (), dict.fromkeys(m.changed, ""))
        for m in working
        if m.model.quality is not None and m.changed
    ]
    # Removed partitions too: the job drops them from the catalog.
    partitions = {m.model.name: sorted(m.changed + m.removed) for m in working}
    if curated_catalog is not None:
        for target in datasets:
            known = curated_catalog.locations(target.table)
            for partition in target.partitions:
                location = f"{zone_prefix(Zone.CURATED, target.table)}{partition_path(partition)}/"
                if known.get(partition) != location:
                    curated_catalog.point(target.table, partition, location)
    return {
        "run_id": run_id or uuid.uuid4().hex[:12],
        "nothing_to_do": built.empty,
        "stale": [s.dataset for s in built.stale],
        "deferred": deferred,
        "build": bool(working),
        "models": ",".join(partitions),
        "partitions": json.dumps(partitions, sort_keys=True),
        "quality": [
            {
                "table": t.table,
                "kind": t.kind,
                "partitions": t.partitions,
                "predicate": _predicate(list(t.partitions)),
            }
            for t in targets
        ],
    }


def within_one_run(
    models: Sequence[ModelPlan], datasets: Sequence[QualityTarget], limit: int
) -> tuple[list[ModelPlan], list[QualityTarget], int]:
    """The plan trimmed to the ``limit`` oldest partitions (of every table), and how many wait.

    What waits is planned again by the next run: its inputs still differ from what was last
    built or checked, because nothing records them until they are.
    """
    entries = sorted(
        [(p, m.model.name) for m in models for p in m.changed]
        + [(p, t.table) for t in datasets for p in t.partitions]
    )
    keep = set(entries[:limit])
    trimmed_models = [
        replace(
            m,
            changed=[p for p in m.changed if (p, m.model.name) in keep],
            fingerprints={p: f for p, f in m.fingerprints.items() if (p, m.model.name) in keep},
        )
        for m in models
    ]
    trimmed_datasets = []
    for t in datasets:
        kept = {p: f for p, f in t.partitions.items() if (p, t.table) in keep}
        paths = [f"/{partition_path(p)}/" for p in kept]
        uris = tuple(u for u in t.uris if any(path in u for path in paths))
        trimmed_datasets.append(replace(t, partitions=kept, uris=uris))
    return trimmed_models, [t for t in trimmed_datasets if t.partitions], max(len(entries) - limit, 0)


def _runs(
    items: Sequence[Mapping[str, Any]], known: Mapping[str, Ruleset], fetch: FetchResults
) -> list[QualityRun]:
    """Quality runs from the state: Glue result ids to fetch, or results a previous step serialized."""
    runs = []
    for item in items:
        table = str(item.get("table"))
        if table not in known:
            raise EventError(f"quality result for {table!r}, which has no ruleset in this project")
        target = QualityTarget(table, str(item["kind"]), known[table], (), dict(item["partitions"]))
        fetched = "ResultIds" in item
        results = fetch(item["ResultIds"]) if fetched else [_result(r) for r in item["results"]]
        runs.append(QualityRun(target, results))
    return runs


def _result(data: Mapping[str, Any]) -> RuleResult:
    return RuleResult(
        data["rule"], data["outcome"], data.get("failure_reason"), data.get("evaluated_metrics", {})
    )


def _serialize(runs: Sequence[QualityRun]) -> list[dict[str, Any]]:
    return [
        {
            "table": q.target.table,
            "kind": q.target.kind,
            "partitions": q.target.partitions,
            "results": [
                {"rule": r.rule, "outcome": r.outcome, "failure_reason": r.failure_reason,
                 "evaluated_metrics": r.evaluated_metrics}
                for r in q.results
            ],
        }
        for q in runs
    ]  # fmt: skip


def record_step(
    state: Mapping[str, Any], models: Sequence[Model], deps: BuildDeps, fetch: FetchResults, now: datetime
) -> dict[str, Any]:
    """RecordResults: Glue's results of each quality target into ``dq_results``, metrics and state.

    ``state["quality"]`` holds each planned target with the ``ResultIds`` of its Glue Data Quality run.
    """
    run = WorkflowRun(str(state["run_id"]), now)
    run.quality = _runs(state.get("quality", []), rulesets(models, deps), fetch)
    key = record_results(run, deps)
    deps.state.record_run(
        RunRecord(run.run_id, "quality", now, deps.clock(), {"quality": quality_stats(run.quality)})
    )
    return {"run_id": run.run_id, "results_key": key, "quality": _serialize(run.quality)}


def notify_step(
    state: Mapping[str, Any],
    models: Sequence[Model],
    deps: BuildDeps,
    notifier: Notifier | None,
    environment: str,
) -> dict[str, Any]:
    """Notify: alert on failed rules; ``halted`` tells the state machine to fail the execution."""
    run = WorkflowRun(str(state["run_id"]), datetime.now())
    run.quality = _runs(state.get("quality", []), rulesets(models, deps), lambda ids: [])
    notify(run, notifier, environment)
    failed = {q.target.table: len(q.failed) for q in run.quality if q.failed}
    return {"run_id": run.run_id, "halted": run.halted, "halted_by": run.halted_by, "failed_rules": failed}
