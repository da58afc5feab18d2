"""Evaluate DQDL rules on DuckDB, with Glue Data Quality's semantics.

The data to check is a relation named ``primary`` (as in Glue's ``CustomSql``).
``where`` clauses and ``CustomSql`` are Spark SQL on Glue; they are transpiled
to DuckDB with sqlglot. ``now()`` is fixed once per evaluation, so every rule
of a ruleset sees the same instant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lakeline.engines.duckdb.expressions import ident, literal
from lakeline.engines.duckdb.readers import empty_scan, lake_scan
from lakeline.engines.duckdb.s3 import lake_connection
from lakeline.quality.dqdl import Composite, Constraint, Duration, Keyword, Now, Rule, RuleNode, Value
from lakeline.quality.rules import (
    ALIASES,
    NO_WHERE_TYPES,
    SUPPORTED_TYPES,
    THRESHOLD_TYPES,
    ConstraintTypeError,
    RuleResult,
    metric_key,
    not_met,
    rows_passed,
    satisfies,
)

if TYPE_CHECKING:
    import duckdb

    from lakeline.adapters.aws.clients import S3Access

PRIMARY = "primary"
_BOOLEAN_TYPES = frozenset({"IsComplete", "IsUnique", "IsPrimaryKey", "ColumnExists"})
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "UTINYINT",
            "USMALLINT", "UINTEGER", "UBIGINT")  # fmt: skip


NO_ROWS = "no rows to evaluate (the data is empty, or the where clause matched none)"


class RuleFailure(Exception):
    """A rule cannot be evaluated as written; its message becomes the failure reason."""


def spark_to_duckdb(sql: str, kind: str) -> str:
    """Transpile Glue's Spark SQL (a condition or a query) to DuckDB, naming what failed."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    if kind == "condition":
        return str(spark_condition(sql).sql("duckdb"))
    try:
        return sqlglot.transpile(sql, read="spark", write="duckdb")[0]
    except SqlglotError as error:
        raise _invalid(sql, kind, error) from error


def spark_condition(sql: str) -> Any:
    """Glue's Spark SQL condition, parsed (a sqlglot expression), naming what failed.

    Raises:
        RuleFailure: If it is not a valid Spark SQL condition.
    """
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        return sqlglot.parse_one(sql, read="spark", into=sqlglot.exp.Condition)
    except SqlglotError as error:
        raise _invalid(sql, "condition", error) from error


def _invalid(sql: str, kind: str, error: Exception) -> RuleFailure:
    detail = str(error).splitlines()[0].split(" into <class")[0]
    return RuleFailure(f"{sql!r} is not a valid Spark SQL {kind} ({detail})")


@dataclass
class _Rows:
    """Per-row compliance of a row-level rule over its (filtered) rows."""

    total: int
    passed: int

    @property
    def compliance(self) -> float:
        return self.passed / self.total if self.total else 1.0


class RowPredicates:
    """Compiles row-level rules into DuckDB conditions over typed columns."""

    def __init__(self, types: dict[str, str], now: datetime) -> None:
        """Args: types: column -> DuckDB type of the rows; now: the instant ``now()`` stands for."""
        self._types = types
        # Lake timestamps carry no zone and mean UTC.
        self._now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now

    def row_predicate(self, rule: Rule) -> str:
        """A DuckDB condition that is TRUE for each row that passes a row-level rule.

        Raises:
            RuleFailure: When the rule is not decided row by row.
        """
        rule_type = self.check(rule)
        self._check_columns(rule)
        if rule_type == "IsComplete":
            return f"({ident(rule.args[0])} IS NOT NULL)"
        if rule.constraint is None:
            raise RuleFailure(f"{rule_type} has no condition to check rows with")
        column = rule.args[0]
        if rule_type == "ColumnValues":
            return self._values(column, rule.constraint)
        if rule_type == "ColumnLength":
            return self._compare(self._length(column), rule.constraint)
        if rule_type == "DataFreshness":
            return self._compare(self._age_hours(column), rule.constraint, to_hours=True)
        raise RuleFailure(f"{rule_type} is not a row-level rule")

    def check(self, rule: Rule) -> str:
        """The rule's type, once its shape is valid for it.

        Raises:
            RuleFailure: For an unsupported type, a misplaced threshold, where or condition, or the
                wrong number of arguments.
        """
        rule_type = ALIASES.get(rule.rule_type, rule.rule_type)
        if rule_type not in SUPPORTED_TYPES:
            raise RuleFailure(
                f"Rule type {rule.rule_type} is not supported by lakeline's DQDL evaluator "
                f"(supported: {', '.join(sorted(SUPPORTED_TYPES))})"
            )
        if rule.threshold is not None and rule_type not in THRESHOLD_TYPES:
            raise RuleFailure(f"`with threshold` applies only to {', '.join(sorted(THRESHOLD_TYPES))}")
        if rule.where is not None and rule_type in NO_WHERE_TYPES:
            raise RuleFailure(f"Where clause is not supported for rule type: {rule_type}")
        if rule_type in _BOOLEAN_TYPES and rule.constraint is not None:
            raise RuleFailure(f"{rule_type} takes no condition")
        if rule_type not in _BOOLEAN_TYPES | {"CustomSql"} and rule.constraint is None:
            raise RuleFailure(f"No condition provided for rule with non-boolean rule type: {rule_type}")
        expected = {"RowCount": 0, "ColumnCount": 0, "ColumnCorrelation": 2}.get(rule_type, 1)
        multi = rule_type in ("IsUnique", "Uniqueness", "IsPrimaryKey")
        if len(rule.args) != expected and not (multi and rule.args):
            what = "no quoted argument" if expected == 0 else f"{expected} quoted argument(s)"
            raise RuleFailure(f"{rule_type} takes {what}; got {len(rule.args)}")
        return rule_type

    def _check_columns(self, rule: Rule) -> None:
        for column in rule.args:
            if rule.rule_type != "ColumnExists" and column not in self._types:
                raise RuleFailure(f"Input data does not include column {column}!")

    # -- predicates ----------------------------------------------------------------------------
    def _length(self, column: str) -> str:
        # Glue treats NULL as a string of length 0.
        return f"length(coalesce(CAST({ident(column)} AS VARCHAR), ''))"

    def _age_hours(self, column: str) -> str:
        now = literal(self._now.isoformat(sep=" "))
        return f"round((epoch(TIMESTAMP {now}) - epoch(CAST({ident(column)} AS TIMESTAMP))) / 3600.0, 2)"

    def _literal(self, value: Value, to_hours: bool = False) -> str:
        if isinstance(value, Duration):
            if not to_hours:
                raise RuleFailure(
                    f"a duration ({value.amount} {value.unit}) compares only with DataFreshness"
                )
            return repr(value.delta.total_seconds() / 3600)
        if isinstance(value, Now):
            return f"TIMESTAMP {literal((self._now + value.offset).isoformat(sep=' '))}"
        if isinstance(value, Keyword):
            raise RuleFailure(f"{value.name} is allowed only with =, !=, in and not in")
        return literal(value)

    def _compare(self, expression: str, constraint: Constraint, to_hours: bool = False) -> str:
        """A never-NULL condition that a value meets a constraint; NULL fails, as in Glue."""
        values = [self._literal(v, to_hours) for v in constraint.values] if constraint.op != "matches" else []
        op = constraint.op
        if op == "between":
            low, high = values
            test = (f"({expression} <= {low} OR {expression} >= {high})" if constraint.negated
                    else f"({expression} > {low} AND {expression} < {high})")  # fmt: skip
        elif op == "in":
            test = f"({expression} IN ({', '.join(values)}))"
            test = f"(NOT {test})" if constraint.negated else test
        elif op == "matches":
            pattern = literal(constraint.values[0])
            full = f"regexp_full_match(CAST({expression} AS VARCHAR), {pattern})"
            test = f"(NOT {full})" if constraint.negated else full
        else:
            test = f"({expression} {op} {values[0]})"
        return f"coalesce({test}, FALSE)"

    def _values(self, column: str, constraint: Constraint) -> str:
        """ColumnValues' row condition: NULL fails except under `!=` and `not in` (Glue's rule)."""
        typed = ident(column)
        keywords = [v for v in constraint.values if isinstance(v, Keyword)]
        plain = Constraint(constraint.op, tuple(v for v in constraint.values if not isinstance(v, Keyword)),
                           False, constraint.text)  # fmt: skip
        if constraint.op in ("=", "!=") and keywords:
            test = self._keyword(typed, keywords[0])
            return test if constraint.op == "=" else f"(NOT {test})"
        if constraint.op == "!=":
            return f"coalesce({typed} != {self._literal(constraint.values[0])}, TRUE)"
        if constraint.op != "in":
            return self._compare(typed, constraint)
        members = [self._compare(typed, plain)] if plain.values else []
        member = " OR ".join(members + [self._keyword(typed, k) for k in keywords])
        return f"(NOT ({member}))" if constraint.negated else f"({member})"

    def _keyword(self, typed: str, keyword: Keyword) -> str:
        if keyword.name == "NULL":
            return f"({typed} IS NULL)"
        text = f"CAST({typed} AS VARCHAR)"
        if keyword.name == "EMPTY":
            return f"coalesce({text} = '', FALSE)"
        return f"coalesce(length(trim({text})) = 0 AND length({text}) > 0, FALSE)"


class DuckDbQuality(RowPredicates):
    """Evaluates rules on the relation ``primary`` of a DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, now: datetime) -> None:
        described = con.sql(f"DESCRIBE {ident(PRIMARY)}").fetchall()
        super().__init__({str(row[0]): str(row[1]) for row in described}, now)
        self._con = con

    # -- public --------------------------------------------------------------------------------
    def evaluate(self, node: RuleNode) -> RuleResult:
        """The result of a rule or a composite of rules."""
        if isinstance(node, Composite):
            parts = [self.evaluate(part) for part in node.parts]
            combine = all if node.op == "and" else any
            passed = combine(p.passed for p in parts)
            metrics = {k: v for p in parts for k, v in p.evaluated_metrics.items()}
            reasons = "\n".join(p.failure_reason for p in parts if p.failure_reason)
            return RuleResult(
                node.text, "Passed" if passed else "Failed", None if passed else reasons, metrics
            )
        try:
            return self._simple(node)
        except (RuleFailure, ConstraintTypeError) as failure:
            return RuleResult(node.text, "Failed", str(failure))
        except Exception as error:
            return RuleResult(
                node.text, "Failed", f"the rule could not be evaluated: {str(error).splitlines()[0]}"
            )

    # -- dispatch ------------------------------------------------------------------------------
    def _simple(self, rule: Rule) -> RuleResult:
        rule_type = self.check(rule)
        if rule_type != "CustomSql":
            self._check_columns(rule)
        handler: Callable[[Rule, str], RuleResult] = getattr(self, f"_rule_{rule_type}")
        return handler(rule, self._source(rule))

    def _source(self, rule: Rule) -> str:
        if rule.where is None:
            return ident(PRIMARY)
        try:
            condition = spark_to_duckdb(rule.where, "condition")
        except RuleFailure as failure:
            raise RuleFailure(
                f"Rule {rule.text} has provided an invalid where clause : {failure}"
            ) from failure
        return f"(SELECT * FROM {ident(PRIMARY)} WHERE {condition})"

    def _all(self, sql: str) -> list[tuple[object, ...]]:
        """The rows of the rule's SQL; a failure becomes the rule's failure reason."""
        import duckdb

        try:
            return [tuple(row) for row in self._con.sql(sql).fetchall()]
        except duckdb.Error as error:
            raise RuleFailure(f"the rule's SQL failed: {str(error).splitlines()[0]}") from error

    def _one(self, sql: str) -> tuple[object, ...]:
        """The one row of an aggregate."""
        (row,) = self._all(sql)
        return row

    # -- metric rules --------------------------------------------------------------------------
    def _metric(self, rule: Rule, key: str, value: object) -> RuleResult:
        metric = None if value is None else float(value)  # type: ignore[arg-type]
        metrics = {} if metric is None else {key: metric}
        assert rule.constraint is not None
        if metric is not None and satisfies(rule.constraint, metric):
            return RuleResult(rule.text, "Passed", None, metrics)
        return RuleResult(rule.text, "Failed", not_met(metric), metrics)

    def _rule_RowCount(self, rule: Rule, source: str) -> RuleResult:
        return self._metric(rule, metric_key("RowCount"), self._one(f"SELECT count(*) FROM {source}")[0])

    def _rule_ColumnCount(self, rule: Rule, source: str) -> RuleResult:
        return self._metric(rule, metric_key("ColumnCount"), len(self._types))

    def _rule_ColumnExists(self, rule: Rule, source: str) -> RuleResult:
        if rule.args[0] in self._types:
            return RuleResult(rule.text, "Passed")
        return RuleResult(rule.text, "Failed", f"Input data does not include column {rule.args[0]}!")

    def _completeness(self, column: str, source: str) -> float | None:
        total, present = self._one(f"SELECT count(*), count({ident(column)}) FROM {source}")
        return None if not total else int(present) / int(total)  # type: ignore[call-overload]

    def _rule_Completeness(self, rule: Rule, source: str) -> RuleResult:
        column = rule.args[0]
        return self._metric(rule, metric_key("Completeness", (column,)), self._completeness(column, source))

    def _rule_IsComplete(self, rule: Rule, source: str) -> RuleResult:
        return self._all_of(rule, [self._complete_check(c, source) for c in rule.args])

    def _complete_check(self, column: str, source: str) -> tuple[str, float | None, bool]:
        value = self._completeness(column, source)
        return metric_key("Completeness", (column,)), value, value == 1.0

    def _all_of(self, rule: Rule, checks: list[tuple[str, float | None, bool]]) -> RuleResult:
        metrics = {key: value for key, value, _ in checks if value is not None}
        failed = [value for _, value, ok in checks if not ok]
        if not failed:
            return RuleResult(rule.text, "Passed", None, metrics)
        return RuleResult(rule.text, "Failed", not_met(failed[0]), metrics)

    def _uniques(self, columns: tuple[str, ...], source: str) -> tuple[int, int, int]:
        """(values occurring once, non-null rows, distinct non-null values) of a column tuple."""
        keys = ", ".join(ident(c) for c in columns)
        some = " OR ".join(f"{ident(c)} IS NOT NULL" for c in columns)
        once, rows, distinct = self._one(
            f"SELECT count(*) FILTER (WHERE n = 1), coalesce(sum(n), 0), count(*) "
            f"FROM (SELECT count(*) AS n FROM {source} WHERE {some} GROUP BY {keys})"
        )
        return int(once), int(rows), int(distinct)  # type: ignore[call-overload]

    def _uniqueness(self, columns: tuple[str, ...], source: str) -> float | None:
        once, rows, _ = self._uniques(columns, source)
        return once / rows if rows else None

    def _rule_Uniqueness(self, rule: Rule, source: str) -> RuleResult:
        return self._metric(rule, metric_key("Uniqueness", rule.args), self._uniqueness(rule.args, source))

    def _rule_IsUnique(self, rule: Rule, source: str) -> RuleResult:
        value = self._uniqueness(rule.args, source)
        return self._all_of(rule, [(metric_key("Uniqueness", rule.args), value, value == 1.0)])

    def _rule_IsPrimaryKey(self, rule: Rule, source: str) -> RuleResult:
        value = self._uniqueness(rule.args, source)
        checks = [(metric_key("Uniqueness", rule.args), value, value == 1.0)]
        return self._all_of(rule, checks + [self._complete_check(c, source) for c in rule.args])

    def _rule_UniqueValueRatio(self, rule: Rule, source: str) -> RuleResult:
        once, _, distinct = self._uniques(rule.args, source)
        return self._metric(
            rule, metric_key("UniqueValueRatio", rule.args), once / distinct if distinct else None
        )

    def _rule_DistinctValuesCount(self, rule: Rule, source: str) -> RuleResult:
        # Glue counts NULL as one more distinct value.
        column = ident(rule.args[0])
        (count,) = self._one(f"SELECT count(DISTINCT {column}) + max(({column} IS NULL)::INT) FROM {source}")
        return self._metric(rule, metric_key("DistinctValuesCount", rule.args), count or 0)

    def _aggregate(self, rule: Rule, source: str, name: str, function: str) -> RuleResult:
        self._require_numeric(rule.args[0])
        (value,) = self._one(f"SELECT {function}(CAST({ident(rule.args[0])} AS DOUBLE)) FROM {source}")
        return self._metric(rule, metric_key(name, rule.args), value)

    def _rule_Mean(self, rule: Rule, source: str) -> RuleResult:
        return self._aggregate(rule, source, "Mean", "avg")

    def _rule_Sum(self, rule: Rule, source: str) -> RuleResult:
        return self._aggregate(rule, source, "Sum", "sum")

    def _rule_StandardDeviation(self, rule: Rule, source: str) -> RuleResult:
        return self._aggregate(rule, source, "StandardDeviation", "stddev_pop")

    def _rule_Entropy(self, rule: Rule, source: str) -> RuleResult:
        # Natural log over the frequencies of non-null values, as Glue's engine computes it.
        column = ident(rule.args[0])
        (value,) = self._one(
            f"SELECT -sum(p * ln(p)) FROM (SELECT count(*) / sum(count(*)) OVER () AS p "
            f"FROM {source} WHERE {column} IS NOT NULL GROUP BY {column})"
        )
        return self._metric(rule, metric_key("Entropy", rule.args), value)

    def _rule_ColumnCorrelation(self, rule: Rule, source: str) -> RuleResult:
        for column in rule.args:
            self._require_numeric(column)
        a, b = (f"CAST({ident(c)} AS DOUBLE)" for c in rule.args)
        (value,) = self._one(f"SELECT corr({a}, {b}) FROM {source}")
        return self._metric(rule, metric_key("ColumnCorrelation", rule.args), value)

    def _require_numeric(self, column: str) -> None:
        if not self._types[column].startswith(_NUMERIC):
            raise RuleFailure(f"column {column} is {self._types[column]}; the rule needs a numeric column")

    # -- row-level rules -----------------------------------------------------------------------
    def _rows(self, predicate: str, source: str, extra: str = "") -> tuple[_Rows, tuple[object, ...]]:
        row = self._one(f"SELECT count(*), count(*) FILTER (WHERE {predicate}){extra} FROM {source}")
        return _Rows(int(row[0]), int(row[1])), row[2:]  # type: ignore[call-overload]

    def _row_level(self, rule: Rule, rows: _Rows, metrics: dict[str, float], reason: str) -> RuleResult:
        """Outcome of a row-level rule: every row must pass, or the threshold decides.

        With no rows to judge (empty data, or a where clause that matches none) it fails and says so,
        as the other rule types do: a check that saw nothing has not passed.
        """
        if rows.total == 0:
            return RuleResult(rule.text, "Failed", NO_ROWS, metrics)
        if rule.threshold is not None:
            passed = rows.total > 0 and satisfies(rule.threshold, rows.compliance)
            reason = rows_passed(rows.compliance)
        else:
            passed = rows.passed == rows.total
        return RuleResult(rule.text, "Passed" if passed else "Failed", None if passed else reason, metrics)

    def _rule_ColumnValues(self, rule: Rule, source: str) -> RuleResult:
        column, constraint = rule.args[0], rule.constraint
        assert constraint is not None
        typed = ident(column)
        rows, (low, high) = self._rows(
            self._values(column, constraint), source, f", min({typed}), max({typed})"
        )
        bound = next(iter(constraint.values))
        comparison = constraint.op in ("=", ">", ">=", "<", "<=") and isinstance(bound, Decimal)
        if rule.threshold is None and comparison and self._types[column].startswith(_NUMERIC):
            # Glue reports the extreme a comparison is decided on, not a compliance ratio.
            extremes = {"Minimum": low} if constraint.op in (">", ">=") else {"Maximum": high}
            if constraint.op == "=":
                extremes = {"Minimum": low, "Maximum": high}
            metrics = {metric_key(k, (column,)): float(v) for k, v in extremes.items() if v is not None}  # type: ignore[arg-type]
            failing = [v for v in metrics.values() if not satisfies(constraint, v)]
            # When the extremes pass, the failing rows are NULLs.
            return self._row_level(rule, rows, metrics, not_met(failing[0] if failing else None))
        key = metric_key("ColumnValues.Compliance", (column,))
        return self._row_level(rule, rows, {key: rows.compliance}, not_met(rows.compliance))

    def _rule_ColumnLength(self, rule: Rule, source: str) -> RuleResult:
        assert rule.constraint is not None
        length = self._length(rule.args[0])
        rows, (shortest, longest) = self._rows(
            self._compare(length, rule.constraint), source, f", min({length}), max({length})"
        )
        metrics = {
            metric_key(name, rule.args): float(value)  # type: ignore[arg-type]
            for name, value in (("MaximumLength", longest), ("MinimumLength", shortest))
            if value is not None
        }
        failing = [v for v in metrics.values() if not satisfies(rule.constraint, v)]
        if rule.threshold is not None:
            metrics[metric_key("LengthCompliance", rule.args)] = rows.compliance
        # Operators such as != or in are not decided by the extremes: then say how many rows passed.
        reason = not_met(failing[0]) if failing else rows_passed(rows.compliance)
        return self._row_level(rule, rows, metrics, reason)

    def _rule_DataFreshness(self, rule: Rule, source: str) -> RuleResult:
        assert rule.constraint is not None
        predicate = self._compare(self._age_hours(rule.args[0]), rule.constraint, to_hours=True)
        rows, _ = self._rows(predicate, source)
        key = metric_key("DataFreshness.Compliance", rule.args)
        return self._row_level(rule, rows, {key: rows.compliance}, rows_passed(rows.compliance))

    def _rule_CustomSql(self, rule: Rule, source: str) -> RuleResult:
        if not rule.args[0].strip():
            raise RuleFailure("CustomSql needs a query")
        query = spark_to_duckdb(rule.args[0], "query")
        if rule.constraint is not None:
            found = self._all(f"SELECT * FROM ({query}) LIMIT 2")
            if len(found) > 1 or (found and len(found[0]) != 1):
                raise RuleFailure(
                    "CustomSql with a condition must return exactly one value (one row, one column)"
                )
            value = found[0][0] if found else None
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal | None):
                raise RuleFailure(f"CustomSql with a condition must return a number; it returned {value!r}")
            return self._metric(rule, metric_key("CustomSQL"), value)
        # Row-level form: rows of primary that the query returns pass; the rest fail.
        returned = [str(c[0]) for c in self._all(f"DESCRIBE ({query})")]
        shared = [c for c in returned if c in self._types]
        if not shared:
            raise RuleFailure(
                "The output from CustomSQL must contain at least one column that matches the input dataset"
            )
        same = " AND ".join(f"q.{ident(c)} IS NOT DISTINCT FROM p.{ident(c)}" for c in shared)
        matched = f"EXISTS (SELECT 1 FROM ({query}) AS q WHERE {same})"
        rows, _ = self._rows(matched, f"{source} AS p")
        metrics = {metric_key("CustomSQL.Compliance"): rows.compliance}
        return self._row_level(rule, rows, metrics, rows_passed(rows.compliance))


class DuckDBQualityChecker:
    """The local twin of a Glue Data Quality run: a ruleset over Parquet files of one table.

    Args:
        columns: A table's columns and their Athena types, by table name: what an empty table has.
        s3: How to read the files when the lake is a bucket.
    """

    def __init__(self, columns: Callable[[str], Mapping[str, str]], s3: S3Access | None = None) -> None:
        self.columns = columns
        self.s3 = s3

    def check(self, ruleset: str, table: str, uris: Sequence[str], now: datetime) -> list[RuleResult]:
        """Evaluate ``ruleset`` on the rows of ``uris`` (their ``dt`` partition column included).

        With no files, the rules judge an empty table with the table's columns, as Glue Data
        Quality judges a partition predicate that matches no rows.
        """
        from lakeline.quality import evaluate

        scan = lake_scan(uris) if uris else empty_scan(self.columns(table))
        with lake_connection(self.s3) as con:
            data = con.sql(f"SELECT * FROM {scan}").to_arrow_table()
        return evaluate(ruleset, data, now)
