"""What DQDL rules mean, independent of any engine: results, metric names and constraint checks.

The semantics follow AWS Glue Data Quality (see docs/quality.md for the
sources): ``between`` is exclusive and ``not between`` its complement, metrics
are keyed ``Dataset.*.<Metric>``, ``Column.<name>.<Metric>`` or
``Multicolumn.<a>,<b>.<Metric>``, and a metric that misses its constraint
fails with ``Value: <metric> does not meet the constraint requirement!``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from lakeline.quality.dqdl import Constraint, Keyword, Now, Value

Outcome = Literal["Passed", "Failed"]

# Rule types that ``with threshold`` applies to: each computes a per-row compliance.
THRESHOLD_TYPES = frozenset({"ColumnValues", "ColumnLength", "DataFreshness", "CustomSql"})
# Rule types Glue does not accept a ``where`` clause on.
NO_WHERE_TYPES = frozenset({"ColumnCount", "ColumnExists", "CustomSql"})
# Rule types whose outcome is decided row by row, so that failing rows can be named (and quarantined).
ROW_LEVEL_TYPES = frozenset({"IsComplete", "ColumnValues", "ColumnLength", "DataFreshness"})
# Rule types the local evaluator knows; any other is reported as unsupported, never passed.
SUPPORTED_TYPES = frozenset({
    "RowCount", "ColumnCount", "ColumnExists", "IsComplete", "Completeness", "IsUnique", "Uniqueness",
    "IsPrimaryKey", "ColumnValues", "ColumnLength", "DistinctValuesCount", "UniqueValueRatio", "Mean",
    "Sum", "StandardDeviation", "Entropy", "DataFreshness", "CustomSql", "ColumnCorrelation",
})  # fmt: skip
ALIASES = {"CustomSQL": "CustomSql"}


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule of a ruleset, as Glue Data Quality reports it."""

    rule: str
    outcome: Outcome
    failure_reason: str | None = None
    evaluated_metrics: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether the rule passed."""
        return self.outcome == "Passed"


def metric_key(metric: str, columns: tuple[str, ...] = ()) -> str:
    """A metric's name as Glue keys it: ``Dataset.*.X``, ``Column.c.X`` or ``Multicolumn.a,b.X``."""
    if not columns:
        return f"Dataset.*.{metric}"
    if len(columns) == 1:
        return f"Column.{columns[0]}.{metric}"
    return f"Multicolumn.{','.join(columns)}.{metric}"


def not_met(value: float | None) -> str:
    """Glue's failure reason for a metric that misses its constraint."""
    shown = "NULL" if value is None else repr(float(value))
    return f"Value: {shown} does not meet the constraint requirement!"


def rows_passed(compliance: float) -> str:
    """Glue's failure reason for a row-level rule with too few passing rows."""
    return f"{compliance * 100:.2f} % of rows passed the threshold"


class ConstraintTypeError(ValueError):
    """A constraint's operands do not fit the metric (e.g. a string bound on a row count)."""


def _number(value: Value, constraint: Constraint) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise ConstraintTypeError(f"`{constraint.text}`: this metric is a number, so the bounds must be numbers")


def _same(a: float, b: float) -> bool:
    """Equal as metrics are: counts exactly, ratios and means up to float noise."""
    return abs(a - b) <= 1e-9


def satisfies(constraint: Constraint, metric: float) -> bool:
    """Whether a numeric metric meets a constraint (``between`` exclusive, as in DQDL).

    Raises:
        ConstraintTypeError: When an operand is not a number or the operator takes none.
    """
    if math.isnan(metric):
        return False
    values = [_number(v, constraint) for v in constraint.values] if constraint.op != "matches" else []
    op = constraint.op
    if op == "matches":
        raise ConstraintTypeError(f"{constraint.text!r}: `matches` applies to column values, not to a metric")
    if op == "between":
        inside = values[0] < metric < values[1]
        return not inside if constraint.negated else inside
    if op == "in":
        member = any(_same(metric, v) for v in values)
        return not member if constraint.negated else member
    bound = values[0]
    return {
        "=": _same(metric, bound),
        "!=": not _same(metric, bound),
        ">": metric > bound,
        ">=": metric >= bound,
        "<": metric < bound,
        "<=": metric <= bound,
    }[op]


def has_keyword(constraint: Constraint) -> bool:
    """Whether a constraint names NULL, EMPTY or WHITESPACES_ONLY."""
    return any(isinstance(v, Keyword) for v in constraint.values)


def has_now(constraint: Constraint) -> bool:
    """Whether a constraint compares with ``now()``."""
    return any(isinstance(v, Now) for v in constraint.values)
