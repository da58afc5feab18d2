"""Translate Athena (Trino) SQL to DuckDB SQL with Athena's semantics.

sqlglot does the dialect translation. Where DuckDB would give a different
*answer* than Athena for the same SQL, the tree is rewritten first:

- ``CAST(x AS <integer type>)`` of a non-integer rounds half away from zero in
  Athena; DuckDB rounds half to even. We cast ``round(x)`` instead.
- Integer division truncates in Athena. sqlglot emits a truncating cast when
  it knows both sides are integers, so queries are typed with the table schema.
- Division, decimal literals, ``date_diff``, ``extract(dow)``, ``millisecond``, Java regex
  replacements, ``split_part``, ``slice`` and ``date_trunc`` of a date: see ``semantics``.
- ``approx_distinct`` is computed exactly: DuckDB's estimator was seen 12% off
  on 265 values, far outside Athena's documented 2.3% standard error, and an
  exact count is always within it. ``approx_percentile`` likewise becomes an
  exact ``quantile_disc`` (a value of the data, repeatable across runs).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from lakeline.athena.semantics import INTEGER_PRECISIONS, athena_semantics
from lakeline.core.sqlerrors import parse_problem
from lakeline.errors import QueryError

READ = "athena"
WRITE = "duckdb"
Schema = Mapping[str, Mapping[str, str]]

_INTEGER_TYPES = frozenset(INTEGER_PRECISIONS)


def parse_statements(sql: str) -> list[exp.Expression]:
    """Parse Athena SQL into statements.

    Raises:
        QueryError: With the line, column and a hint when the SQL does not parse.
    """
    try:
        parsed: list[exp.Expression | None] = list(sqlglot.parse(sql, read=READ))  # type: ignore[arg-type]
        return [s for s in parsed if s is not None]
    except ParseError as exc:
        problem = parse_problem(exc)
        near = f" near {problem.near!r}" if problem.near else ""
        raise QueryError(
            f"syntax error{problem.where}{near}: {problem.description}. Hint: lakeline reads Athena "
            "(Trino) SQL; quote identifiers with double quotes and strings with single quotes."
        ) from None


def _round_integer_casts(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Cast) and node.to.this in _INTEGER_TYPES:
        operand = node.this
        if operand.type is not None and operand.type.this in (*_INTEGER_TYPES, exp.DataType.Type.BOOLEAN):
            return node
        if isinstance(operand, exp.Literal) and not operand.is_string and "." not in operand.name:
            return node
        if operand.type is not None and operand.type.is_type(*exp.DataType.TEXT_TYPES):
            return node
        node.set("this", exp.func("round", operand))
    return node


def _exact_approximations(node: exp.Expression) -> exp.Expression:
    """Exact answers for Athena's approximate aggregates: always within their error, and repeatable."""
    if isinstance(node, exp.ApproxDistinct):
        return exp.Count(this=exp.Distinct(expressions=[node.this]))
    if isinstance(node, exp.ApproxQuantile):  # approx_percentile: a value of the data, as Athena returns
        return exp.Anonymous(this="quantile_disc", expressions=[node.this, node.args["quantile"]])
    return node


def _typed(statement: exp.Expression, schema: Schema | None) -> exp.Expression:
    """A copy of the statement, qualified and typed with the table schema where it is a query."""
    tree = statement.copy()
    if isinstance(tree, exp.Query):
        if schema:
            try:
                tree = qualify(tree, schema=dict(schema), dialect=READ, validate_qualify_columns=False)
            except SqlglotError:
                tree = statement.copy()  # the engine reports unknown names better than we can
        tree = annotate_types(tree, schema=dict(schema or {}), dialect=READ)
    return tree


def to_duckdb(statement: exp.Expression, schema: Schema | None = None, athena: bool = True) -> str:
    """Rewrite one parsed Athena statement for DuckDB with Athena's semantics.

    Args:
        statement: A statement from :func:`parse_statements`.
        schema: Table -> column -> Athena type, so that expressions can be typed.
        athena: Apply every rewrite of :mod:`lakeline.athena.semantics` (queries, which Athena
            answers on AWS). Models leave them out: on AWS Spark runs them, and the two engines
            must agree with each other (the parity test), not with Athena.

    Raises:
        QueryError: If the statement cannot be translated.
    """
    try:
        tree = _typed(statement, schema).transform(_round_integer_casts).transform(_exact_approximations)
        return (athena_semantics(tree) if athena else tree).sql(dialect=WRITE)
    except SqlglotError as exc:
        raise QueryError(f"cannot translate the query to the local engine: {exc}") from exc


def _exact_spark_approximations(node: exp.Expression) -> exp.Expression:
    """Exact answers for Athena's approximate aggregates on Spark.

    percentile_approx with this accuracy is exact for groups under a million rows: the
    smallest value with at least that share of values at or below it, as quantile_disc.
    """
    if isinstance(node, exp.ApproxDistinct):
        return exp.Count(this=exp.Distinct(expressions=[node.this]))
    if isinstance(node, exp.ApproxQuantile):
        return exp.Anonymous(
            this="percentile_approx",
            expressions=[node.this, node.args["quantile"], exp.Literal.number(1_000_000)],
        )
    return node


def to_spark(statement: exp.Expression, schema: Schema | None = None) -> str:
    """Rewrite one parsed Athena statement for Spark SQL with Athena's semantics (see to_duckdb).

    Raises:
        QueryError: If the statement cannot be translated.
    """
    try:
        tree = (
            _typed(statement, schema).transform(_round_integer_casts).transform(_exact_spark_approximations)
        )
        return tree.sql(dialect="spark")
    except SqlglotError as exc:
        raise QueryError(f"cannot translate the query to Spark SQL: {exc}") from exc


def transpile(sql: str, schema: Schema | None = None) -> list[str]:
    """Translate Athena SQL (one or more statements) to DuckDB SQL."""
    return [to_duckdb(s, schema) for s in parse_statements(sql)]


def expression_to_duckdb(expression: str, schema: Mapping[str, str] | None = None) -> str:
    """Translate one Athena boolean/scalar expression (a contract's row check) to DuckDB.

    A check is written in Athena SQL, so it gets Athena's answers, as queries do:
    ``date_diff('hour', a, b)`` counts whole hours (not hour boundaries crossed) and
    ``a / b`` of two integers truncates. Where Athena would fail the query (a division
    by zero), the division gives NULL instead, and the check goes on from there as SQL
    does: one row must not fail a whole object.

    Args:
        expression: The check's Athena SQL.
        schema: Column -> Athena type of the row the check sees.

    Raises:
        QueryError: If the expression does not parse or cannot be translated.
    """
    return _check_to_duckdb(expression, tuple(sorted((schema or {}).items())))


@functools.lru_cache(maxsize=256)
def _check_to_duckdb(expression: str, schema: tuple[tuple[str, str], ...]) -> str:
    """:func:`expression_to_duckdb`, remembered per check and row type.

    Typing and rewriting a check takes milliseconds, and every object of a dataset asks again.
    """
    try:
        parsed = sqlglot.parse_one(expression, read=READ, into=exp.Condition)
    except ParseError as exc:
        problem = parse_problem(exc)
        raise QueryError(
            f"expression {expression!r} does not parse{problem.where}: {problem.description}"
        ) from None
    row = exp.select(exp.alias_(parsed, "__check")).from_(_ROW)  # typed as a query over the row
    try:
        typed = _typed(row, {_ROW: dict(schema)} if schema else None).transform(_round_integer_casts)
        query = athena_semantics(typed)
        if not isinstance(query, exp.Select):
            raise SqlglotError("the row lost its SELECT")
        check: exp.Expression = query.selects[0].this
    except SqlglotError as exc:
        raise QueryError(f"expression {expression!r} cannot be translated: {exc}") from exc
    except QueryError as exc:  # name the columns as the check does, not as the row they were typed in
        cleaned = str(exc).replace(f'"{_ROW}".', "").replace(f"{_ROW}.", "")
        raise QueryError(f"expression {expression!r}: {cleaned}") from None

    def unqualified(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column):
            node.set("table", None)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "error":
            return exp.Null()
        return node

    return str(check.transform(unqualified).sql(dialect=WRITE))


_ROW = "__row"  # the table name under which a check's columns are typed
