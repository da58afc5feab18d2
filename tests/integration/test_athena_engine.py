"""Queries on Athena (moto's server, with seeded results): waits, pages, types, bytes and failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest

from lakeline.adapters.aws.athena_query import AthenaQueryEngine
from lakeline.errors import QueryError

COLUMNS = [("dt", "varchar"), ("trips", "bigint"), ("revenue", "decimal")]


def seed(endpoint: str, rows: list[list[str]]) -> None:
    """moto answers the next Athena query with these rows (header first, as Athena does)."""
    body = {
        "account_id": "123456789012",
        "region": "us-east-1",
        "results": [
            {
                "rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in rows],
                "column_info": [
                    {"CatalogName": "hive", "SchemaName": "db", "TableName": "t", "Name": n, "Label": n,
                     "Type": t, "Precision": 0, "Scale": 0, "Nullable": "NULLABLE", "CaseSensitive": False}
                    for n, t in COLUMNS
                ],
            }
        ],
    }  # fmt: skip
    request = urllib.request.Request(
        f"{endpoint}/moto-api/static/athena/query-results",
        data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    urllib.request.urlopen(request).read()


@pytest.fixture
def athena(moto_endpoint: str) -> Any:
    client = boto3.client("athena", endpoint_url=moto_endpoint, region_name="us-east-1")
    if "lakeline-dev" not in {w["Name"] for w in client.list_work_groups()["WorkGroups"]}:
        client.create_work_group(Name="lakeline-dev", Configuration={"EnforceWorkGroupConfiguration": True})
    return client


def test_results_are_paged_typed_and_stripped_of_the_header(athena: Any, moto_endpoint: str) -> None:
    rows = [["dt", "trips", "revenue"]] + [[f"2024-01-{d:02d}", str(d * 10), f"{d}.50"] for d in range(1, 31)]
    seed(moto_endpoint, rows)
    slept: list[float] = []
    engine = AthenaQueryEngine(athena, "lakeline-dev", "lakeline_dev", sleep=slept.append)

    result = engine.query(
        "SELECT dt, count(*) AS trips, sum(total_amount) AS revenue FROM taxi_trips GROUP BY dt"
    )

    assert result.columns == ["dt", "trips", "revenue"]
    assert len(result.rows) == 30
    assert result.rows[0] == ("2024-01-01", 10, Decimal("1.50"))


def test_a_failed_query_raises_with_athenas_reason() -> None:
    class Failing:
        def start_query_execution(self, **_: Any) -> dict[str, str]:
            return {"QueryExecutionId": "q1"}

        def get_query_execution(self, **_: Any) -> dict[str, Any]:
            status = {
                "State": "FAILED",
                "StateChangeReason": "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved",
            }
            return {"QueryExecution": {"Status": status}}

    with pytest.raises(QueryError, match="Athena query failed: COLUMN_NOT_FOUND: line 1:8"):
        AthenaQueryEngine(Failing(), "wg", "db", sleep=lambda _: None).query("SELECT x FROM t")


def test_waiting_backs_off_exponentially() -> None:
    states = iter(["QUEUED", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"])

    class Slow:
        def start_query_execution(self, **_: Any) -> dict[str, str]:
            return {"QueryExecutionId": "q1"}

        def get_query_execution(self, **_: Any) -> dict[str, Any]:
            return {
                "QueryExecution": {
                    "Status": {"State": next(states)},
                    "Statistics": {"DataScannedInBytes": 2048},
                }
            }

        def get_paginator(self, _: str) -> Any:
            class Pages:
                def paginate(self, **__: Any) -> list[dict[str, Any]]:
                    return [{"ResultSet": {"Rows": [], "ResultSetMetadata": {"ColumnInfo": []}}}]

            return Pages()

    slept: list[float] = []
    engine = AthenaQueryEngine(Slow(), "wg", "db", sleep=slept.append)
    engine.query("SELECT 1")

    assert slept == [0.1, 0.2, 0.4, 0.8]
    assert engine.bytes_scanned == 2048


def test_the_cli_runs_on_athena_and_prints_bytes_and_cost(
    athena: Any, moto_endpoint: str, tmp_path: Path
) -> None:
    seed(moto_endpoint, [["dt", "trips", "revenue"], ["2024-01-01", "5", "9.99"]])
    env = os.environ | {"LAKELINE_AWS_ENDPOINT_URL": moto_endpoint, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    lakeline = str(Path(sys.executable).with_name("lakeline"))

    done = subprocess.run(
        [lakeline, "query", "--on", "aws", "--format", "csv", "SELECT 1"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["dt,trips,revenue", "2024-01-01,5,9.99"]
    assert "Athena scanned" in done.stderr and "workgroup lakeline-dev" in done.stderr
