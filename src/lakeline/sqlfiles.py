"""Named SQL statements kept in ``.sql`` files.

A file holds statements introduced by ``-- name: <name>`` lines; each
statement runs until the next such line.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def named_queries(path: Path) -> dict[str, str]:
    """The statements of a ``.sql`` file, by name."""
    text = path.read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)}
