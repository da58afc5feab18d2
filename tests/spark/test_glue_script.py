"""The Glue script runs locally on a SparkSession and builds what DuckDB builds."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.runtime.local import LocalRuntime

from ..integration.helpers import ingest, rows

REPO = Path(__file__).resolve().parents[2]


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "transform_data", REPO / "glue_scripts" / "transform_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_glue_script_builds_incrementally(runtime: LocalRuntime, tmp_path: Path) -> None:
    shutil.copytree(REPO / "sql" / "models", runtime.settings.project.models_dir, dirs_exist_ok=True)
    for day in (1, 2):
        spec = GeneratorSpec(200, 1, 0.0, day, date(2024, 1, day))
        write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / f"d{day}.csv")
        ingest(runtime, tmp_path / f"d{day}.csv", "taxi_trips")
    script = load_script()
    project = ["--project", str(runtime.settings.project.root)]

    first = script.main(project)
    second = script.main([*project, "--models", "taxi_hourly_demand"])

    assert {s["model"]: s["rebuilt"] for s in first} == {
        "taxi_daily_zone_stats": ["2024-01-01", "2024-01-02"],
        "taxi_hourly_demand": ["2024-01-01", "2024-01-02"],
    }
    assert second == [
        {"model": "taxi_hourly_demand", "rebuilt": [], "removed": [], "unchanged": 2, "rows": 0}
    ]
    assert rows(runtime, "SELECT CAST(sum(trips) AS bigint) FROM taxi_hourly_demand") == [(400,)]
    # Each run's statistics are kept beside the ledger, under the workflow's run id when given one.
    third = script.main([*project, "--run-id", "wf-7", "--full", "--partitions",
                         '{"taxi_daily_zone_stats": ["2024-01-02"]}'])  # fmt: skip
    assert [(s["model"], s["rebuilt"], s["unchanged"]) for s in third] == [
        ("taxi_daily_zone_stats", ["2024-01-02"], 1)
    ]
    latest = runtime.build_deps.state.runs(limit=3)
    assert (latest[0].run_id, latest[0].kind, latest[0].stats["engine"]) == ("wf-7", "build", "spark")
    assert latest[0].stats["models"]["taxi_daily_zone_stats"]["rebuilt"] == 1 and len(latest) == 3


def test_a_handed_off_object_is_processed_by_the_job_once(runtime: LocalRuntime, tmp_path: Path) -> None:
    from dataclasses import replace as changed

    from lakeline.core.objects import ObjectRef
    from lakeline.usecases.landing import land
    from lakeline.usecases.process_object import Outcome, process_object

    spec = GeneratorSpec(300, 1, 0.1, 7, date(2024, 1, 5))
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / "big.csv")
    obj = land(tmp_path / "big.csv", "taxi_trips", runtime.contracts, runtime.store)
    handed: list[ObjectRef] = []

    class Handoff:
        def start(self, o: ObjectRef, dataset: str) -> str:
            handed.append(o)
            return "Glue job lakeline-dev-large-objects run jr_1"

    function = changed(runtime.deps, max_object_bytes=100, handoff=Handoff())
    assert process_object(obj, function).outcome is Outcome.HANDED_OFF
    script = load_script()
    args = ["--project", str(runtime.settings.project.root), "--lakeline_object",
            f"s3://{obj.bucket}/{obj.key}", "--lakeline_dataset", "taxi_trips"]  # fmt: skip

    first = script.main(args)
    again = script.main(args)

    assert first[0]["outcome"] == "processed" and first[0]["rows_in"] == 300
    assert again[0]["outcome"] == "duplicate"
    assert rows(runtime, "SELECT count(*) FROM taxi_trips") == [(first[0]["rows_kept"],)]
    assert len(handed) == 1
