"""SQL kept in ``.sql`` files: whole templates, or named statements.

A file of named statements introduces each with a ``-- name: <name>`` line;
a statement runs until the next such line.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def sql_template(package: str, name: str) -> str:
    """The text of ``sql/<name>.sql`` inside a package."""
    return (resources.files(package) / "sql" / f"{name}.sql").read_text(encoding="utf-8")


@cache
def named_queries(path: Path) -> dict[str, str]:
    """The statements of a ``.sql`` file, by name."""
    text = path.read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)}
