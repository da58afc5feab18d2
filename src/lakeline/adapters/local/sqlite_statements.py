"""A local adapter backed by named statements from a ``.sql`` file, run on the state database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from lakeline.sqlfiles import named_queries


class SqliteStatements:
    """Runs the named statements of one ``.sql`` file; its ``schema`` statement creates the tables."""

    def __init__(self, path: Path, statements: Path) -> None:
        self.path = path
        self._sql = named_queries(statements)
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=30)) as con, con:
            con.executescript(self._sql["schema"])

    def _run(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.path, timeout=30)) as con, con:
            return con.execute(self._sql[statement], params).fetchall()
