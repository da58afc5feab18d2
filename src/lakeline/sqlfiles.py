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
    """The text of ``sql/<name>.sql`` inside a package, without its comment lines.

    Templates are filled in with ``str.format``: a comment that names a ``{placeholder}`` would
    be filled in too, and a value with a line break in it would end the comment early. The
    comments are for the reader of the file.
    """
    text = (resources.files(package) / "sql" / f"{name}.sql").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


@cache
def named_queries(path: Path) -> dict[str, str]:
    """The statements of a ``.sql`` file, by name."""
    text = path.read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)}
