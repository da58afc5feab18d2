"""The Lambda artifact, built for this machine, imports the handler with nothing else on the path."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tool() -> object:
    spec = importlib.util.spec_from_file_location("package_lambda", REPO / "tools" / "package_lambda.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_artifact_imports_the_handler_in_isolation(tmp_path: Path) -> None:
    tool = _tool()
    out = tmp_path / "lambda"

    size = tool.package(out, native=True, make_zip=False)  # type: ignore[attr-defined]

    assert size < tool.LAMBDA_LIMIT  # type: ignore[attr-defined]
    assert (out / "datasets" / "taxi_trips.yaml").is_file()
    assert (out / "sql" / "models" / "taxi_daily_zone_stats.sql").is_file()
    assert not list(out.rglob("__pycache__"))
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import lakeline.entrypoints.aws_lambda.process_object as h;"
        "import duckdb, boto3, aws_lambda_powertools;"
        "from lakeline.engines.duckdb.s3 import httpfs_path; assert httpfs_path().is_file();"
        # The project as the functions load it: contracts, and models for the workflow to plan.
        "from lakeline.runtime.aws import AwsRuntime, AwsSettings; r = AwsRuntime(AwsSettings.from_env());"
        "assert [m.name for m in r.models] == ['taxi_daily_zone_stats', 'taxi_hourly_demand'], r.models;"
        "assert 'taxi_trips' in [c.name for c in r.contracts];"
        "print(h.handler.__name__)"
    )
    lambda_env = {
        "LAMBDA_TASK_ROOT": str(out),
        "LAKELINE_LAKE_BUCKET": "lake",
        "LAKELINE_LEDGER_TABLE": "ledger",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    # -I -S: no user site, no site-packages: only the standard library and the artifact.
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(out)],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120, env=lambda_env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "handler"
