"""Data quality in AWS Glue's DQDL: the same rule text runs in Glue Data Quality and locally.

``evaluate(ruleset, data)`` checks a pyarrow table against a DQDL ruleset on the
embedded engine and returns one :class:`RuleResult` per rule, with Glue's
outcomes, failure reasons and metric names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lakeline.quality.dqdl import DqdlError, parse_ruleset
from lakeline.quality.rules import RuleResult

if TYPE_CHECKING:
    import pyarrow

__all__ = ["DqdlError", "RuleResult", "evaluate", "parse_ruleset"]


def evaluate(ruleset: str, data: pyarrow.Table, now: datetime | None = None) -> list[RuleResult]:
    """Evaluate a DQDL ruleset on a table, one result per top-level rule.

    Args:
        ruleset: DQDL text, ``Rules = [ ... ]``.
        data: The rows to check; ``CustomSql`` names them ``primary``.
        now: The instant ``now()`` and ``DataFreshness`` measure from (default: the current UTC time).
            A ``now`` without a zone, and timestamps without a zone, are taken as UTC.

    Raises:
        DqdlError: When the ruleset does not parse; names the rule, line and column.
    """
    import duckdb

    from lakeline.engines.duckdb.quality import PRIMARY, DuckDbQuality

    rules = parse_ruleset(ruleset)
    moment = now or datetime.now(UTC)
    instant = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")  # zoned timestamps compare with now() in UTC
        con.register(PRIMARY, data)
        evaluator = DuckDbQuality(con, instant)
        return [evaluator.evaluate(rule) for rule in rules]
