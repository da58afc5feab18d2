"""Load the SQL templates that live next to this module as ``.sql`` files."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def template(name: str) -> str:
    """The text of ``sql/<name>.sql`` in this package."""
    return (resources.files(__package__) / "sql" / f"{name}.sql").read_text(encoding="utf-8")
