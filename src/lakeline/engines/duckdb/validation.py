"""The SQL that judges one object's records.

Validation is one parallel pass over every record: strict casts, a verdict and, for a
rejected record only, every reason, the original record and a fingerprint. (Working the
reasons out afterwards, from the rejected records' raw fields, saved 0.3 s at 5M rows but
ran DuckDB out of memory on rejected records with long values: docs/benchmarks.md.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from lakeline.athena.transpile import expression_to_duckdb
from lakeline.core.contracts import Contract, other_rows_read
from lakeline.core.partitioning import Granularity, value_format
from lakeline.engines.duckdb.expressions import (
    CompiledColumn,
    Rule,
    compile_check,
    compile_contract,
    duckdb_type,
    ident,
    literal,
    raw_name,
)
from lakeline.engines.duckdb.quality import RowPredicates, RuleFailure, spark_condition
from lakeline.engines.duckdb.readers import Reader, empty_scan
from lakeline.errors import ContractError, first_line
from lakeline.quality.ruleset import QualityAction
from lakeline.sqlfiles import sql_template

# Why a rejected row is rejected when no rule fails as its reasons are listed (sql/validate.sql).
_UNSTABLE = (
    "record: failed a rule in validation that it passed when its reasons were listed "
    "(a check that depends on the time or on chance, such as now() or random())"
)


def validation_query(contract: Contract, reader: Reader, now: datetime) -> str:
    """The SQL that types and judges every record an object holds (``now`` stands for DQDL's now()).

    Its rows are the object's records in order: the contract's columns (named as
    :func:`stored_columns` says), ``dt``, the verdict ``__ok`` and, for a rejected record,
    ``__reasons``, ``__record`` (the original record as JSON text) and ``__fingerprint``.

    Raises:
        ContractError: Naming a quality rule that cannot judge rows.
    """
    compiled = compile_contract(contract, reader.natives)
    renamed = _renamed(contract, reader)
    rules = _rules(contract, compiled, now)
    return _template("validate").format(
        reader=reader.relation,
        sources=_sources(contract, reader, renamed),
        present=reader.present,
        typed=", ".join(f"{col.typed} AS {ident(col.column.name)}" for col in compiled),
        verdict=_verdict(rules, reader.record_rule),
        reason_list=_reason_list(rules, reader.record_rule),
        unstable=literal(_UNSTABLE),
        record=ident(reader.record) if reader.record else _record(reader, renamed),
        fingerprint=reader.fingerprint(renamed),
        columns=", ".join(f"{ident(c)} AS {ident(s)}" for c, s in stored_columns(contract)),
        partition=_partition_value(ident(contract.event_time), contract.partitioning),
    )


def stored_columns(contract: Contract) -> list[tuple[str, str]]:
    """Each contract column and its name in the validated table.

    The table names them by position: a contract column called ``rowid`` would hide
    the table's row id, by which rejected rows are placed and explained.
    """
    return [(name, f"__col_{i}") for i, name in enumerate(contract.column_names)]


def _sources(contract: Contract, reader: Reader, renamed: Mapping[str, str]) -> str:
    """SQL naming each raw field as the rules read it (see :func:`_renamed`), then the reader's columns."""
    named = [
        f"{reader.fields[c.source_field]} AS {ident(raw_name(c))}"
        if c.source_field in reader.fields
        else f"CAST(NULL AS VARCHAR) AS {ident(raw_name(c))}"
        for c in contract.columns
    ]
    if reader.record is None:  # fields outside the contract: part of the record quarantine keeps
        listed = {c.source_field for c in contract.columns}
        named += [f"{sql} AS {ident(renamed[f])}" for f, sql in reader.fields.items() if f not in listed]
    return ", ".join(named + [ident(p) for p in reader.passthrough])


def _renamed(contract: Contract, reader: Reader) -> dict[str, str]:
    """Each field of the object -> the column that holds its raw text in validation.

    A field outside the contract is named by its position: DuckDB's names ignore case, and
    a contract field the object lacks (``Amount``) may come with one it has (``amount``).
    """
    names = {c.source_field: raw_name(c) for c in contract.columns if c.source_field in reader.fields}
    extras = [f for f in reader.fields if f not in names]
    return names | {f: f"__src_extra_{i}" for i, f in enumerate(extras)}


def _record(reader: Reader, renamed: Mapping[str, str]) -> str:
    """SQL of the original record as a JSON object of its fields' raw text, in the object's order."""
    return "json_object(" + ", ".join(f"{literal(f)}, {ident(renamed[f])}" for f in reader.fields) + ")"


def _rules(contract: Contract, compiled: list[CompiledColumn], now: datetime) -> list[Rule]:
    """Every rule a typed row must pass: its columns', the checks, quality rules, the first partition."""
    schema = {c.name: c.type for c in contract.columns}
    rules = [rule for col in compiled for rule in col.rules]
    rules += [compile_check(ch, expression_to_duckdb(ch.expression, schema)) for ch in contract.checks]
    rules += quality_rules(contract, now)
    rules.append(_before_partitions(contract))
    return rules


def _verdict(rules: list[Rule], record_rule: Rule | None) -> str:
    """SQL that is TRUE when a row breaks no rule: each rule's condition tested, joined by OR.

    A record broken as a whole is judged by that alone, in a CASE: a projection evaluates every
    operand of an OR on every row, and a check such as ``CAST(zip AS INTEGER) > 0`` would raise
    on a short record's misplaced text, which would reject the whole object.
    """
    holds = f"({' OR '.join(f'({rule.fails})' for rule in rules)}) IS NOT TRUE"
    if record_rule is None:
        return holds
    return f"CASE WHEN {record_rule.fails} THEN FALSE ELSE {holds} END"


def _reason_list(rules: list[Rule], record_rule: Rule | None) -> str:
    """A rejected row's reasons: only the record's own when the record as a whole is broken.

    The failures of a broken record's fields follow from it, so they are left out.
    """
    every = f"list_filter([{', '.join(rule.sql for rule in rules)}], lambda r: r IS NOT NULL)"
    if record_rule is None:
        return every
    return f"CASE WHEN {record_rule.fails} THEN [{record_rule.reason}] ELSE {every} END"


def quality_rules(contract: Contract, now: datetime) -> list[Rule]:
    """The row-level rules of a ``quarantine`` quality ruleset, as rules rows must pass (none otherwise).

    Raises:
        ContractError: Naming the rule that cannot judge rows (see ``check_row_rules``).
    """
    if contract.quality is None or contract.quality.action is not QualityAction.QUARANTINE:
        return []
    predicates = RowPredicates({c.name: duckdb_type(c.athena_type) for c in contract.columns}, now)
    rules = []
    for rule in contract.quality.ruleset.row_rules():
        try:
            test = predicates.row_predicate(rule)
            if rule.where is not None:
                test = f"(NOT coalesce(({_row_condition(rule.where)}), FALSE) OR {test})"
        except RuleFailure as failure:
            raise ContractError(
                f"{contract.name}: quality rule {rule.text!r} cannot quarantine rows: {failure}"
            ) from None
        rules.append(Rule(f"NOT {test}", literal(f"data quality rule failed: {rule.text}")))
    return rules


def _row_condition(spark_sql: str) -> str:
    """A quality rule's ``where`` as DuckDB SQL, refused when it reads other rows than the one judged.

    Raises:
        RuleFailure: If it is not valid Spark SQL, or reads other rows (as checks may not).
    """
    condition = spark_condition(spark_sql)
    across = other_rows_read(condition)
    if across is not None:
        raise RuleFailure(
            f"where {spark_sql!r} must judge one row on its own; {across.sql('spark')!r} reads other rows"
        )
    return str(condition.sql("duckdb"))


def check_row_rules(contract: Contract) -> None:
    """Compile and bind every row-level rule on an empty typed row (``lakeline contracts validate``).

    The rules are the contract's checks and a quarantine ruleset's row rules. Binding finds
    what translation cannot: a function DuckDB lacks, a type that does not fit. Without it such
    a rule would reject every object of the dataset.

    Raises:
        ContractError: Naming the check or rule whose SQL does not bind.
    """
    import duckdb

    schema = {c.name: c.type for c in contract.columns}
    rules = [
        (f"check {check.name!r}", expression_to_duckdb(check.expression, schema)) for check in contract.checks
    ]
    rules += [("a quarantine quality rule", rule.sql) for rule in quality_rules(contract, datetime.now())]
    with duckdb.connect() as con:
        for rule, sql in rules:
            try:
                con.execute(f"SELECT {sql} FROM {empty_scan(schema)}")
            except duckdb.Error as error:
                raise ContractError(
                    f"{contract.name}: {rule} does not apply to the typed row: {first_line(error)}"
                ) from None


def _before_partitions(contract: Contract) -> Rule:
    """The rule that a row's event time is not before the table's first projected partition.

    Athena would never show it: partition projection starts at the contract's `partitions_from`.
    """
    event, start = ident(contract.event_time), contract.partitions_from.isoformat()
    message = (
        f"{contract.event_time}: before {start}, where the table's partitions start "
        "(partitions_from in the contract); Athena would never show it"
    )
    first = f"CAST({literal(start)} AS {duckdb_type(contract.column(contract.event_time).athena_type)})"
    return Rule(f"{event} < {first}", literal(message))  # no cast of each row's value


def partition_type(granularity: Granularity) -> str:
    """The DuckDB type of the validated table's ``dt``: the partition's first instant."""
    return "TIMESTAMP" if granularity is Granularity.HOUR else "DATE"


def partition_folder_value(dt: str, granularity: Granularity) -> str:
    """SQL of the text a partition's folder is named by (``dt=<value>``), from the stored ``dt``."""
    return f"strftime({dt}, {literal(value_format(granularity))})"


def _partition_value(event_time: str, granularity: Granularity) -> str:
    """SQL of a row's stored partition: the first instant of its day, hour or month.

    Typed, not the folder's text: four or eight bytes a row instead of a string (0.3 s at 5M
    rows), and DuckDB's zone maps keep only the first 8 characters of a text, too few to tell
    one hour's row groups from another's when each partition is written (sql/curated_partition.sql).
    """
    if granularity is Granularity.DAY:
        return f"CAST({event_time} AS DATE)"
    return f"CAST(date_trunc({literal(granularity.value)}, {event_time}) AS {partition_type(granularity)})"


def _template(name: str) -> str:
    return sql_template("lakeline.engines.duckdb", name)
