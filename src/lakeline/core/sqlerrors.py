"""What went wrong where, from a SQL parse error, in one wording for every message that quotes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot.errors import ParseError


@dataclass(frozen=True)
class ParseProblem:
    """The first error of a failed parse.

    Attributes:
        description: The parser's own words (``str(error)`` would add the SQL with
            terminal underline codes).
        line: The 1-based line of the error, if the parser knows it.
        column: The 1-based column, if the parser knows it.
        near: The text the parser stopped at, if any.
    """

    description: str
    line: int | None = None
    column: int | None = None
    near: str | None = None

    @property
    def where(self) -> str:
        """`` at line L, column C``, or nothing when the position is unknown."""
        return f" at line {self.line}, column {self.column}" if self.line else ""


def parse_problem(error: ParseError) -> ParseProblem:
    """The first error a sqlglot parse reported."""
    first = error.errors[0] if error.errors else {}
    return ParseProblem(
        description=str(first.get("description") or error).strip(),
        line=first.get("line"),
        column=first.get("col"),
        near=first.get("highlight") or None,
    )
