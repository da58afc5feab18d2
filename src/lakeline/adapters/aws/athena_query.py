"""The QueryEngine port on Athena: start, wait with backoff, page through the results."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lakeline.errors import QueryError, TransientError
from lakeline.ports import QueryResult

_DONE = {"SUCCEEDED", "FAILED", "CANCELLED"}
_CONVERT: dict[str, Callable[[str], Any]] = {
    "tinyint": int, "smallint": int, "integer": int, "bigint": int,
    "double": float, "float": float, "real": float, "decimal": Decimal,
    "boolean": lambda v: v.lower() == "true",
}  # fmt: skip


class AthenaTimeoutError(TransientError):
    """The query did not finish in time; it may still be running in Athena."""


class AthenaQueryEngine:
    """Runs Athena SQL in an environment's workgroup (whose settings Athena enforces)."""

    def __init__(
        self,
        client: Any,
        workgroup: str,
        database: str,
        timeout_seconds: float = 600,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.workgroup = workgroup
        self.database = database
        self.timeout_seconds = timeout_seconds
        self.sleep = sleep
        self.bytes_scanned = 0  # of the last query

    def query(self, sql: str) -> QueryResult:
        """Run one statement and return every row of its result.

        Raises:
            QueryError: If Athena refuses or fails the query, with its reason.
            AthenaTimeoutError: If it does not finish within the timeout.
        """
        started = self.client.start_query_execution(
            QueryString=sql,
            WorkGroup=self.workgroup,
            QueryExecutionContext={"Database": self.database},
        )
        execution = self._wait(started["QueryExecutionId"])
        status = execution["Status"]
        if status["State"] != "SUCCEEDED":
            reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get("ErrorMessage", "")
            raise QueryError(f"Athena query {status['State'].lower()}: {reason}")
        self.bytes_scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))
        return self._results(started["QueryExecutionId"])

    def _wait(self, execution_id: str) -> dict[str, Any]:
        delay, waited = 0.1, 0.0
        while True:
            execution: dict[str, Any] = self.client.get_query_execution(QueryExecutionId=execution_id)[
                "QueryExecution"
            ]
            if execution["Status"]["State"] in _DONE:
                return execution
            if waited >= self.timeout_seconds:
                raise AthenaTimeoutError(f"Athena query {execution_id} still running after {waited:.0f} s")
            self.sleep(delay)
            waited += delay
            delay = min(delay * 2, 5.0)  # exponential backoff, capped

    def _results(self, execution_id: str) -> QueryResult:
        columns: list[str] = []
        types: list[str] = []
        rows: list[tuple[Any, ...]] = []
        first = True
        for page in self.client.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id):
            info = page["ResultSet"].get("ResultSetMetadata", {}).get("ColumnInfo", [])
            if info and not columns:
                columns = [c["Name"] for c in info]
                types = [c.get("Type", "varchar").lower() for c in info]
            data = page["ResultSet"].get("Rows", [])
            if first and data and [d.get("VarCharValue") for d in data[0]["Data"]] == columns:
                data = data[1:]  # a SELECT's first row repeats the column names
            first = False
            rows += [tuple(_value(d, t) for d, t in zip(r["Data"], types, strict=False)) for r in data]
        return QueryResult(columns, rows)


def _value(datum: dict[str, str], athena_type: str) -> Any:
    if "VarCharValue" not in datum:
        return None
    return _CONVERT.get(athena_type, str)(datum["VarCharValue"])
