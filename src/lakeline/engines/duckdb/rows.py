"""Write a few rows as a Parquet file, with DuckDB: what the Lambda artifact ships (pyarrow it does not)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lakeline.engines.duckdb.expressions import ident, literal


def write_parquet(path: Path, columns: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write ``rows`` to ``path`` as zstd Parquet with exactly these columns.

    Args:
        path: The file to write.
        columns: Each column's name and DuckDB type, in order.
        rows: One mapping per row, by column name (a missing name is NULL).
    """
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"CREATE TABLE rows ({', '.join(f'{ident(n)} {t}' for n, t in columns)})")
        marks = ", ".join("?" for _ in columns)
        con.executemany(f"INSERT INTO rows VALUES ({marks})", [[r.get(n) for n, _ in columns] for r in rows])
        con.execute(f"COPY rows TO {literal(str(path))} (FORMAT parquet, COMPRESSION zstd)")
