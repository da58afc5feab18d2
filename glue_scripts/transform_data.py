"""The Glue jobs: build the analytics models incrementally with Spark, or process one large object.

On AWS Glue 5.0 (Spark 3.5, Python 3.11) it runs on the GlueContext's session, with the
lake in S3 and the ledger and build state in DynamoDB (settings from the job's
``--LAKELINE_*`` arguments). Locally, ``--project DIR`` runs the same build on a local
SparkSession over a folder lake: that is what ``lakeline build --engine spark`` does.

With ``--lakeline_object s3://bucket/key`` (what the process_object function's handoff
sends), the run processes that one object instead, as the function would but without its
size limits: DuckDB on the driver, the same contract, ledger and outputs.
The work is in the lakeline package; this script parses arguments and calls one use case.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

SETTINGS = (
    "LAKELINE_LAKE_BUCKET",
    "LAKELINE_CURATED_BUCKET",
    "LAKELINE_ANALYTICS_BUCKET",
    "LAKELINE_LEDGER_TABLE",
    "LAKELINE_DATABASE",
    "LAKELINE_EVENT_BUS",
)


def _on_glue() -> bool:
    try:
        import awsglue  # noqa: F401
    except ImportError:
        return False
    return True


def _aws_runtime() -> Any:
    """The AWS runtime, from the job's ``--LAKELINE_*`` arguments (on Glue)."""
    from awsglue.utils import getResolvedOptions  # type: ignore[import-not-found]

    from lakeline.runtime.aws import AwsRuntime, AwsSettings

    os.environ.update(getResolvedOptions(sys.argv, [s for s in SETTINGS if f"--{s}" in sys.argv]))
    return AwsRuntime(AwsSettings.from_env())


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    """Build the models; print and return one summary per model."""
    from lakeline.core.ledger import RunRecord
    from lakeline.engines.spark.models import SparkModelRunner, local_session
    from lakeline.usecases.build import build_models
    from lakeline.usecases.workflow import build_stats

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, help="run locally on this project (datasets/, sql/models/)")
    parser.add_argument("--lake", help="the local lake folder (default <project>/.lakeline/lake)")
    parser.add_argument("--full", action="store_true", help="rebuild every partition")
    parser.add_argument("--models", default="", help="comma-separated models to build (default: all)")
    parser.add_argument("--run-id", default="", help="the workflow run this build belongs to")
    parser.add_argument(
        "--partitions", default="",
        help='the workflow\'s plan as JSON, {"model": ["dt", ...]}: build only these partitions',
    )  # fmt: skip
    parser.add_argument(
        "--lakeline_object", default="", help="process this handed-off object (s3://bucket/key)"
    )
    args, _ = parser.parse_known_args(argv)  # Glue adds its own arguments
    if args.lakeline_object:
        return [process_handed_off(args.lakeline_object, args.project, args.lake)]

    if _on_glue():
        from awsglue.context import GlueContext  # type: ignore[import-not-found]
        from pyspark.context import SparkContext

        runtime = _aws_runtime()
        spark = GlueContext(SparkContext.getOrCreate()).spark_session
        models, deps = runtime.models, runtime.build_deps(SparkModelRunner(spark))
    else:
        from lakeline.runtime.local import LocalRuntime
        from lakeline.runtime.settings import LocalSettings

        local = LocalRuntime(LocalSettings.load(args.project, args.lake))
        models = local.models
        deps = replace(local.build_deps, runner=SparkModelRunner(local_session()))
    wanted = {m for m in args.models.split(",") if m}
    planned = json.loads(args.partitions) if args.partitions else None
    chosen = [m for m in models if not wanted or m.name in wanted]
    started = deps.clock()
    results = build_models(chosen, deps, full=args.full, planned=planned)
    run_id = args.run_id or uuid.uuid4().hex[:12]
    deps.state.record_run(RunRecord(run_id, "build", started, deps.clock(), {"engine": "spark",
                                    "models": build_stats(results)}))  # fmt: skip
    summary = [
        {
            "model": r.model,
            "rebuilt": r.rebuilt,
            "removed": r.removed,
            "unchanged": r.unchanged,
            "rows": r.rows,
        }
        for r in results
    ]
    print(json.dumps(summary))
    return summary


def process_handed_off(uri: str, project: Path | None, lake: str | None) -> dict[str, object]:
    """Process one object that the process_object function handed over; print and return the outcome.

    Raises:
        SystemExit: If processing did not end with the object processed, rejected or already done.
    """
    from urllib.parse import urlparse

    from lakeline.core.ledger import LARGE_OBJECT_LEASE_SECONDS
    from lakeline.usecases.process_object import Outcome, process_object

    if _on_glue():
        base = _aws_runtime().deps
    else:
        from lakeline.runtime.local import LocalRuntime
        from lakeline.runtime.settings import LocalSettings

        base = LocalRuntime(LocalSettings.load(project, lake)).deps
    # No further handoff from here, and a handed_off entry is this run's work, not a duplicate. The
    # lease outlasts the job's timeout, so that no redelivery takes the object while it runs.
    deps = replace(
        base,
        handoff=None,
        max_object_bytes=None,
        takes_over_handoffs=True,
        lease_seconds=LARGE_OBJECT_LEASE_SECONDS,
    )
    key = urlparse(uri).path.lstrip("/")
    result = process_object(deps.store.head(key), deps)
    entry = result.entry
    summary: dict[str, object] = {
        "object": uri, "outcome": result.outcome.value, "detail": result.detail,
        "rows_in": entry.rows_in if entry else 0, "rows_kept": entry.rows_kept if entry else 0,
        "rows_quarantined": entry.rows_quarantined if entry else 0,
    }  # fmt: skip
    print(json.dumps(summary))
    if result.outcome not in (Outcome.PROCESSED, Outcome.REJECTED, Outcome.DUPLICATE):
        raise SystemExit(f"{uri}: {result.outcome.value}: {result.detail}")
    return summary


if __name__ == "__main__":
    main()
