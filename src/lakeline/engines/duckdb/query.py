"""Athena SQL on DuckDB over the lake's Parquet, with Athena's table names and answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lakeline.athena.transpile import Schema, parse_statements, to_duckdb
from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import TableSpec, lake_tables, query_schema
from lakeline.engines.duckdb.expressions import column_type, ident, literal
from lakeline.engines.duckdb.readers import empty_scan, lake_scan
from lakeline.engines.duckdb.s3 import lake_connection
from lakeline.errors import QueryError, first_line
from lakeline.ports import ObjectStore, PartitionCatalog, QueryResult

if TYPE_CHECKING:
    import duckdb

    from lakeline.adapters.aws.clients import S3Access


class DuckDBQueryEngine:
    """Runs Athena SQL over the curated and quarantine tables of a local lake.

    Each dataset is a view named as its Glue table will be: ``<dataset>`` over
    ``curated/<dataset>/dt=*/`` and ``<dataset>_quarantine``, with ``dt`` a
    partition column that DuckDB prunes when a query filters on it.
    """

    def __init__(
        self,
        store: ObjectStore,
        contracts: ContractRegistry,
        memory_limit: str = "1GB",
        s3: S3Access | None = None,
        extra_tables: list[TableSpec] | None = None,
        catalog: PartitionCatalog | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.contracts = contracts
        self.extra_tables = list(extra_tables or [])  # analytics tables, typed by their models
        self.catalog = catalog  # where analytics partitions live; other tables are found by listing
        self.s3 = s3
        self.memory_limit = memory_limit
        self.clock = clock  # projected partitions dated after now are not shown, as on Athena
        self._con: duckdb.DuckDBPyConnection | None = None
        self._viewed: set[str] = set()

    @property
    def schema(self) -> Schema:
        """Table -> column -> Athena type, for typing queries the way Athena does."""
        return query_schema(self.tables)

    @property
    def tables(self) -> list[TableSpec]:
        """Every table a query may name: curated and quarantine per dataset, and the analytics tables."""
        return [*lake_tables(self.contracts), *self.extra_tables]

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = lake_connection(self.s3, self.memory_limit)
        return self._con

    def _views_for(self, con: duckdb.DuckDBPyConnection, statement: Any) -> None:
        """Create the views of the tables a statement names, once each.

        Only those: a view lists its table's files and DuckDB reads their footers, so building every
        table's view for every query would read the whole lake's footers.
        """
        from sqlglot import exp

        everything = isinstance(statement, exp.Command)  # e.g. EXPLAIN ANALYZE: sqlglot keeps it as text
        named = {t.name.lower() for t in statement.find_all(exp.Table)}
        for table in self.tables:
            if (everything or table.name.lower() in named) and table.name not in self._viewed:
                self._view(con, table)
                self._viewed.add(table.name)

    def _view(self, con: duckdb.DuckDBPyConnection, table: TableSpec) -> None:
        """A view named as the Glue table, over the table's Parquet files (or empty, if none yet)."""
        prefix = table.prefix
        if table.catalogued and self.catalog is not None:
            # Only the files of each partition's current location: replaced ones may still exist.
            keys = [o.key for location in self.catalog.locations(table.name).values()
                    for o in self.store.list(location)]  # fmt: skip
        elif table.catalogued:  # no catalog to ask: every build's files
            keys = [o.key for o in self.store.list(prefix)]
        else:
            # The files the store lists, not a glob: DuckDB's globs also match a crashed writer's
            # hidden temporary file, which must never be read.
            listed = table.visible_files((o.key for o in self.store.list(prefix)), self.clock())
            keys = [key for files in listed.values() for key in files]
        files = sorted(self.store.uri(k) for k in keys if k.endswith(".parquet"))
        if files:
            selected = ", ".join(
                f"CAST({ident(c.name)} AS {column_type(c.type)}) AS {ident(c.name)}" for c in table.columns
            )
            body = f"SELECT {selected}, {ident(PARTITION_COLUMN)} FROM {lake_scan(files)}"
        else:
            body = f"SELECT * FROM {empty_scan(table.column_types)}"
        name = table.name
        con.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS {body}")

    def query(self, sql: str) -> QueryResult:
        """Run Athena SQL; the result is that of the last statement.

        Raises:
            QueryError: With the line and a hint when the SQL does not parse,
                names an unknown table or column, or fails to run.
        """
        import duckdb

        statements = parse_statements(sql)
        if not statements:
            raise QueryError("no SQL statement to run")
        con = self._connection()
        result: QueryResult = QueryResult([], [])
        schema = self.schema  # computed once per call, not once per statement
        for number, statement in enumerate(statements, start=1):
            self._views_for(con, statement)
            translated = to_duckdb(statement, schema)
            try:
                cursor = con.execute(translated)
                columns = [d[0] for d in cursor.description] if cursor.description else []
                rows: list[tuple[Any, ...]] = cursor.fetchall() if columns else []
            except duckdb.Error as exc:
                raise QueryError(_explain(exc, sql, number, len(statements), list(schema))) from None
            result = QueryResult(columns, rows)
        return result

    def column_bytes(self, uris: list[str], columns: set[str]) -> int:
        """Compressed bytes of the named columns across Parquet files, from their footers only."""
        if not uris or not columns:
            return 0
        con = self._connection()
        names = ", ".join(literal(c) for c in sorted(columns))
        files = "[" + ", ".join(literal(u) for u in uris) + "]"
        found = con.execute(
            f"SELECT coalesce(sum(total_compressed_size), 0) FROM parquet_metadata({files}) "
            f"WHERE path_in_schema IN ({names})"
        ).fetchone()
        return int(found[0]) if found else 0

    def close(self) -> None:
        """Close the DuckDB connection."""
        if self._con is not None:
            self._con.close()
            self._con = None


def _line_of(name: str, sql: str) -> int | None:
    """The first line of the user's SQL that mentions a name DuckDB complained about."""
    for number, line in enumerate(sql.splitlines(), start=1):
        if name.lower() in line.lower():
            return number
    return None


def _explain(exc: Exception, sql: str, number: int, total: int, tables: list[str]) -> str:
    text, first = str(exc), first_line(exc)
    named = re.search(r'(?:name|column) "?([^" ]+)"', first)
    line = _line_of(named.group(1), sql) if named else None
    where = f"statement {number} of {total}" if total > 1 else ""
    if line is not None:
        where = f"{where}, line {line}" if where else f"line {line}"
    where = f"{where}: " if where else ""
    hint = ""
    if "Table with name" in text or "does not exist" in text:
        hint = f" Hint: the tables are {', '.join(sorted(tables))}."
    elif "Referenced column" in text:
        candidates = [line for line in text.splitlines() if "Candidate" in line]
        hint = f" Hint: {candidates[0].strip()}" if candidates else " Hint: check the column names."
    elif "No function matches" in text or "Scalar Function with name" in text:
        hint = " Hint: lakeline runs Athena (Trino) functions; check the function name and argument types."
    return f"query failed: {where}{first}{hint}"
