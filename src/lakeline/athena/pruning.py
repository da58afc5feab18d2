"""What a query reads: the lake tables, their columns, and the dt partitions Athena would prune to.

Athena with partition projection prunes on predicates that compare ``dt`` with
literals: ``=``, ``<>``, ``IN``, ``BETWEEN``, ``<``, ``<=``, ``>``, ``>=``,
combined with AND (and OR of such predicates). Any other use of ``dt`` (a
function of it, a comparison with another column) prunes nothing, as in Athena.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from lakeline.athena.transpile import READ, parse_statements
from lakeline.core.partitioning import PARTITION_COLUMN

Predicate = Callable[[str], bool]


@dataclass(frozen=True)
class TableRead:
    """One table a query reads: which columns, and which dt values survive pruning."""

    table: str
    columns: frozenset[str]
    keep: Predicate

    def partitions(self, available: list[str]) -> list[str]:
        """The partitions (dt values) among those that exist that the query reads."""
        return [value for value in available if self.keep(value)]


def _always(_: str) -> bool:
    return True


def _literal(node: exp.Expr) -> str | None:
    return node.name if isinstance(node, exp.Literal) and node.is_string else None


def _is_dt(node: exp.Expr, alias: str) -> bool:
    return isinstance(node, exp.Column) and node.name == PARTITION_COLUMN and node.table in ("", alias)


def _predicate(node: exp.Expr, alias: str) -> Predicate | None:
    """A predicate over dt values for a condition, or None if it does not constrain dt alone."""
    if isinstance(node, exp.Paren):
        return _predicate(node.this, alias)
    if isinstance(node, exp.And | exp.Or):
        return _combine(node, alias)
    if isinstance(node, exp.In) and _is_dt(node.this, alias):
        values = [_literal(e) for e in node.expressions]
        return None if None in values else (lambda v: v in values)
    if isinstance(node, exp.Between) and _is_dt(node.this, alias):
        low, high = _literal(node.args["low"]), _literal(node.args["high"])
        if low is None or high is None:
            return None
        return lambda v: low <= v <= high
    if isinstance(node, exp.Binary) and type(node) in _COMPARISONS:
        if _is_dt(node.left, alias) and (value := _literal(node.right)) is not None:
            return _compare(_COMPARISONS[type(node)], value)
        if _is_dt(node.right, alias) and (value := _literal(node.left)) is not None:
            return _compare(_FLIPPED[_COMPARISONS[type(node)]], value)
    return None


def _combine(node: exp.And | exp.Or, alias: str) -> Predicate | None:
    left, right = _predicate(node.left, alias), _predicate(node.right, alias)
    if isinstance(node, exp.Or):  # an OR prunes only when both sides do
        return (lambda v: left(v) or right(v)) if left and right else None
    if left and right:
        return lambda v: left(v) and right(v)
    return left or right


_COMPARISONS: dict[type, str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
}
_FLIPPED = {"=": "=", "<>": "<>", ">": "<", ">=": "<=", "<": ">", "<=": ">="}


def _compare(op: str, literal: str) -> Predicate:
    """``dt <op> literal`` as a predicate over dt values (which sort as strings sort)."""
    checks: dict[str, Predicate] = {
        "=": lambda v: v == literal,
        "<>": lambda v: v != literal,
        ">": lambda v: v > literal,
        ">=": lambda v: v >= literal,
        "<": lambda v: v < literal,
        "<=": lambda v: v <= literal,
    }
    return checks[op]


def table_reads(sql: str, schema: Mapping[str, Mapping[str, str]]) -> list[TableRead]:
    """Every lake table the SQL reads, with its columns and its dt pruning.

    Raises:
        QueryError: If the SQL does not parse.
    """
    reads: list[TableRead] = []
    for statement in parse_statements(sql):
        tree = qualify(statement, schema={k: dict(v) for k, v in schema.items()}, dialect=READ,
                       validate_qualify_columns=False)  # fmt: skip
        for scope in traverse_scope(tree):
            where = scope.expression.args.get("where")
            for alias, source in scope.selected_sources.items():
                table = source[1] if isinstance(source, tuple) else source
                if not isinstance(table, exp.Table) or table.name not in schema:
                    continue
                columns = frozenset(c.name for c in scope.columns if c.table == alias)
                keep = _predicate(where.this, alias) if where is not None else None
                reads.append(TableRead(table.name, columns, keep or _always))
    return reads
