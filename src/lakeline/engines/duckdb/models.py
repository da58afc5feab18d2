"""Run analytics models on DuckDB: de-duplicated sources in, one Parquet file per partition out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakeline.analytics.models import Model
from lakeline.athena.transpile import parse_statements, to_duckdb
from lakeline.core.contracts import Contract
from lakeline.core.objects import Zone
from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import Column, TableSpec, curated_table, query_schema
from lakeline.core.types import parse_type
from lakeline.engines.duckdb.expressions import duckdb_type, ident, literal
from lakeline.engines.duckdb.readers import empty_scan, lake_scan
from lakeline.engines.duckdb.s3 import lake_connection
from lakeline.sqlfiles import sql_template
from lakeline.usecases.build import ModelInput, written_partitions

if TYPE_CHECKING:
    from lakeline.adapters.aws.clients import S3Access

_ATHENA_OF_DUCKDB = {
    "BOOLEAN": "boolean", "TINYINT": "tinyint", "SMALLINT": "smallint", "INTEGER": "int", "BIGINT": "bigint",
    "HUGEINT": "bigint", "FLOAT": "float", "DOUBLE": "double", "VARCHAR": "string", "DATE": "date",
    "TIMESTAMP": "timestamp",
}  # fmt: skip


def athena_type_of(duckdb_type_name: str) -> str:
    """The Athena (Hive) type that holds a DuckDB result type."""
    if duckdb_type_name.startswith("DECIMAL"):
        return duckdb_type_name.lower().replace(" ", "")
    return _ATHENA_OF_DUCKDB.get(duckdb_type_name, "string")


def _empty_source(con: Any, contract: Contract) -> None:
    empty = empty_scan(curated_table(contract).column_types)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(contract.name)} AS SELECT * FROM {empty}")


def _deduplicated_source(con: Any, contract: Contract, files: list[ModelInput]) -> None:
    """The source as the model sees it: one row per primary key, from the latest ingest."""
    scan = lake_scan([f.uri for f in files], filename="__file")
    columns = ", ".join(ident(c) for c in [*contract.column_names, PARTITION_COLUMN])
    if not contract.primary_key:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(contract.name)} AS SELECT {columns} FROM {scan}")
        return
    # Ingest times matter only to choose among rows with the same key.
    times = ident(f"__ingested_{contract.name}")
    rows = ", ".join(f"({literal(f.uri)}, {literal(f.ingested_at)})" for f in files)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {times} AS SELECT * FROM (VALUES {rows}) AS t(uri, ingested_at)"
    )
    key = ", ".join(ident(k) for k in contract.primary_key)
    template = sql_template("lakeline.engines.duckdb", "deduplicated_source")
    con.execute(template.format(name=ident(contract.name), columns=columns, key=key, scan=scan, times=times))


def _model_sql(model: Model, contracts: ContractRegistry) -> str:
    schema = query_schema(curated_table(contracts.get(s)) for s in model.sources)
    (statement,) = parse_statements(model.sql)
    return to_duckdb(statement, schema, athena=False)  # as Spark runs it on Glue


class DuckDBModelRunner:
    """Builds model partitions with DuckDB."""

    def __init__(self, memory_limit: str = "1GB", s3: S3Access | None = None) -> None:
        self.memory_limit = memory_limit
        self.s3 = s3  # how to read curated files when the lake is a bucket

    def _connect(self) -> Any:
        return lake_connection(self.s3, self.memory_limit)

    def run(
        self, model: Model, contracts: ContractRegistry, inputs: dict[str, list[ModelInput]], work_dir: Path
    ) -> dict[str, tuple[Path, int]]:
        """Build the partitions the inputs cover; partition -> (file, rows)."""
        con = self._connect()
        try:
            for source in model.sources:
                contract = contracts.get(source)
                if inputs.get(source):
                    _deduplicated_source(con, contract, inputs[source])
                else:
                    _empty_source(con, contract)
            sql = _model_sql(model, contracts)
            con.execute(f"CREATE TEMP TABLE result AS SELECT {_as_declared(con, sql)} FROM ({sql})")
            counts = dict(
                con.execute(f"SELECT {ident(PARTITION_COLUMN)}, count(*) FROM result GROUP BY 1").fetchall()
            )
            if not counts:
                return {}
            out = work_dir / model.name
            con.execute(
                f"COPY result TO {literal(str(out))} (FORMAT parquet, COMPRESSION zstd, "
                f"PARTITION_BY ({ident(PARTITION_COLUMN)}), FILENAME_PATTERN 'part-{{i}}')"
            )
        finally:
            con.close()
        return written_partitions(out, counts)


def _as_declared(con: Any, sql: str) -> str:
    """The model's columns cast to the types its table declares (``athena_type_of``).

    DuckDB would otherwise write some result types as others: a HUGEINT (a sum of integers)
    becomes a Parquet DOUBLE, while the table says bigint.
    """
    described = con.execute(f"DESCRIBE {sql}").fetchall()
    return ", ".join(
        ident(name)
        if name == PARTITION_COLUMN
        else f"CAST({ident(name)} AS {duckdb_type(parse_type(athena_type_of(kind)))}) AS {ident(name)}"
        for name, kind, *_ in described
    )


def model_table(model: Model, contracts: ContractRegistry) -> TableSpec:
    """The analytics table of a model, its columns typed by running the model on empty sources."""
    import duckdb

    con = duckdb.connect()
    try:
        for source in model.sources:
            _empty_source(con, contracts.get(source))
        described = con.execute(f"DESCRIBE {_model_sql(model, contracts)}").fetchall()
    finally:
        con.close()
    columns = tuple(
        Column(name, athena_type_of(kind)) for name, kind, *_ in described if name != PARTITION_COLUMN
    )
    granularity = contracts.get(model.sources[0]).partitioning
    return TableSpec(model.name, model.name, Zone.ANALYTICS, model.description, columns, granularity)
