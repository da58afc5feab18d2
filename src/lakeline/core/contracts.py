"""Dataset contracts: the declarative description of one dataset.

A contract drives everything about its dataset: validation, the Parquet
schema, the Glue tables, the Athena DDL and the data-quality rules. Contracts
are YAML files in a project's ``datasets/`` folder; see ``docs/contracts.md``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lakeline.core.http_source import HttpSource
from lakeline.core.partitioning import PARTITION_COLUMN, PARTITIONS_FROM, Granularity
from lakeline.core.sqlerrors import parse_problem
from lakeline.core.timeformats import (
    DEFAULT_DATE_FORMATS,
    DEFAULT_TIMESTAMP_FORMATS,
    check_format,
)
from lakeline.core.types import AthenaType, TypeKind, parse_type
from lakeline.errors import ContractError
from lakeline.quality.dqdl import DqdlError
from lakeline.quality.ruleset import QualityAction, Ruleset, check_ruleset

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
Scalar = bool | int | float | str


class SourceFormat(StrEnum):
    """The formats a dataset's raw objects may come in."""

    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"
    JSON = "json"
    PARQUET = "parquet"


class SchemaPolicy(StrEnum):
    """What to do when a file's columns differ from the contract's."""

    STRICT = "strict"
    ADDITIVE = "additive"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CsvOptions(_Model):
    """How delimited text is written."""

    header: bool = True
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    quote: str = Field(default='"', max_length=1)
    escape: str | None = Field(default=None, max_length=1)
    null_markers: tuple[str, ...] = ("",)

    @property
    def escape_char(self) -> str:
        """The escape character; RFC 4180 doubles the quote when none is given."""
        return self.quote if self.escape is None else self.escape


class Source(_Model):
    """Where and how a dataset's raw objects arrive."""

    format: SourceFormat
    compression: Literal["auto", "none", "gzip"] = "auto"
    csv: CsvOptions | None = None
    http: HttpSource | None = None

    @model_validator(mode="after")
    def _http_lands_jsonl(self) -> Source:
        if self.http is not None and self.format is not SourceFormat.JSONL:
            raise ValueError("a source with `http` lands its records as jsonl: set format: jsonl")
        return self

    @property
    def dialect(self) -> CsvOptions:
        """The delimited-text options, defaulting by format (TSV: tab, no quoting)."""
        if self.csv is not None:
            return self.csv
        if self.format is SourceFormat.TSV:
            return CsvOptions(delimiter="\t", quote="")
        return CsvOptions()


class Column(_Model):
    """One column of the curated table and the rules its values obey."""

    name: str = Field(pattern=NAME_PATTERN)
    type: str
    description: str = ""
    source: str | None = Field(default=None, min_length=1)
    required: bool = False
    min: Scalar | None = None
    max: Scalar | None = None
    allowed_values: tuple[Scalar, ...] | None = Field(default=None, min_length=1)
    regex: str | None = None
    formats: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return str(parse_type(value))

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
        return value

    @field_validator("formats")
    @classmethod
    def _formats_supported(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for fmt in value or ():
            check_format(fmt)
        return value

    @model_validator(mode="after")
    def _rules_fit_type(self) -> Column:
        kind = self.athena_type
        if self.formats is not None and not kind.is_temporal:
            raise ValueError(f"formats apply to date and timestamp columns, not {kind}")
        if self.regex is not None and not kind.is_text:
            raise ValueError(f"regex applies to string and varchar columns, not {kind}")
        for bound_name in ("min", "max"):
            bound = getattr(self, bound_name)
            if bound is None:
                continue
            if not (kind.is_numeric or kind.is_temporal):
                raise ValueError(f"{bound_name} applies to numeric, date and timestamp columns")
            self._check_literal(bound, bound_name)
        if self.min is not None and self.max is not None and _crossed(self.min, self.max):
            raise ValueError(f"min {self.min!r} is above max {self.max!r}: no value could pass both")
        for value in self.allowed_values or ():
            self._check_literal(value, "allowed_values")
        return self

    def _check_literal(self, value: Scalar, where: str) -> None:
        kind = self.athena_type
        ok: bool
        if kind.is_integer:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind.is_numeric:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif kind.kind is TypeKind.BOOLEAN:
            ok = isinstance(value, bool)
        elif kind.kind is TypeKind.DATE:
            ok = isinstance(value, str) and _is_iso(value, date.fromisoformat)
        elif kind.kind is TypeKind.TIMESTAMP:
            ok = isinstance(value, str) and _is_iso(value, datetime.fromisoformat)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ValueError(f"{where} value {value!r} is not a literal of type {kind}")

    @cached_property
    def athena_type(self) -> AthenaType:
        """The column's parsed Athena type."""
        return parse_type(self.type)

    @property
    def source_field(self) -> str:
        """The field name in the raw data (the column name unless mapped)."""
        return self.source or self.name

    @property
    def accepted_formats(self) -> tuple[str, ...]:
        """The accepted strptime formats of a date or timestamp column."""
        if self.formats:
            return self.formats
        if self.athena_type.kind is TypeKind.DATE:
            return DEFAULT_DATE_FORMATS
        return DEFAULT_TIMESTAMP_FORMATS

    @property
    def min_value(self) -> Decimal | str | None:
        """The lower bound, exact for numbers."""
        return _bound(self.min)

    @property
    def max_value(self) -> Decimal | str | None:
        """The upper bound, exact for numbers."""
        return _bound(self.max)


def _bound(value: Scalar | None) -> Decimal | str | None:
    if value is None or isinstance(value, str):
        return value
    return Decimal(str(value))


def _crossed(low: Scalar, high: Scalar) -> bool:
    """Whether a column's min is above its max (both are literals of the column's type)."""
    if isinstance(low, str) and isinstance(high, str):  # dates and timestamps, in ISO form
        return datetime.fromisoformat(low) > datetime.fromisoformat(high)
    return Decimal(str(low)) > Decimal(str(high))


def _is_iso(value: str, parse: Any) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True


class RowCheck(_Model):
    """A named boolean SQL expression (Athena SQL) over the typed row."""

    name: str = Field(pattern=NAME_PATTERN)
    expression: str = Field(min_length=1)
    description: str = ""


class Quality(_Model):
    """Data-quality rules in DQDL, and what a failure does (warn, quarantine or halt)."""

    action: QualityAction = QualityAction.WARN
    rules: str = Field(min_length=1, description="A DQDL ruleset: Rules = [ ... ]")

    @property
    def ruleset(self) -> Ruleset:
        """The rules and action as the quality use cases take them."""
        return Ruleset(self.rules, self.action)


class Contract(_Model):
    """The contract of one dataset."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    source: Source
    columns: tuple[Column, ...] = Field(min_length=1)
    checks: tuple[RowCheck, ...] = ()
    primary_key: tuple[str, ...] = ()
    event_time: str
    partitioning: Granularity = Granularity.DAY
    # The first day Athena's partition projection covers: older rows are quarantined, not hidden.
    partitions_from: date = PARTITIONS_FROM
    schema_policy: SchemaPolicy = SchemaPolicy.ADDITIVE
    quality: Quality | None = None
    freshness_hours: float | None = Field(default=None, gt=0)
    quarantine_alarm_ratio: float = Field(default=0.05, gt=0, le=1)

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        _unique([c.name for c in self.columns], "column name")
        if PARTITION_COLUMN in {c.name for c in self.columns}:
            raise ValueError(
                f"column name {PARTITION_COLUMN!r} is taken: it is the partition column of curated "
                "and quarantine data (dt=YYYY-MM-DD); name the column otherwise and map it with source"
            )
        _unique([c.source_field.lower() for c in self.columns], "source field (ignoring case)")
        _unique([c.name for c in self.checks], "check name")
        names = {c.name for c in self.columns}
        for key in self.primary_key:
            if key not in names:
                raise ValueError(f"primary_key names {key!r}, which is not a column")
        if self.event_time not in names:
            raise ValueError(f"event_time names {self.event_time!r}, which is not a column")
        for check in self.checks:
            unknown = sorted(_row_expression_columns(check.name, check.expression) - names)
            if unknown:
                raise ValueError(f"check {check.name!r} refers to unknown column(s) {unknown}")
        if self.quality is not None:
            # Row rules of a quarantine ruleset judge rows while they are processed, before dt exists.
            quarantine = self.quality.action is QualityAction.QUARANTINE
            try:
                check_ruleset(self.quality.rules, list(names) if quarantine else [*names, "dt"])
            except DqdlError as exc:
                raise ValueError(f"quality.rules: {exc}") from None
        event = self.column(self.event_time)
        if not event.athena_type.is_temporal:
            raise ValueError(
                f"event_time column {self.event_time!r} is {event.type}; expected date or timestamp"
            )
        if not event.required:
            raise ValueError(f"event_time column {self.event_time!r} must be required: true")
        return self

    def column(self, name: str) -> Column:
        """The column called ``name``.

        Raises:
            KeyError: If there is no such column.
        """
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        """The curated column names, in contract order."""
        return [c.name for c in self.columns]

    @property
    def keys_stay_in_partition(self) -> bool:
        """Whether every row of a primary key lands in one partition, whatever version it comes from.

        True when the key includes the event time (the partition derives from it), or when there
        is no key. Otherwise a later record of a key may land in another partition than an earlier
        one, and de-duplication has to look across partitions.
        """
        return not self.primary_key or self.event_time in self.primary_key


def _row_expression_columns(name: str, expression: str) -> set[str]:
    """The column names a check's Athena SQL refers to; it must judge one row on its own.

    A window or aggregate function (``amount > avg(amount) OVER ()``) would see the
    other rows of the object, which the check's verdict cannot depend on: an object's
    rows are judged, and a rejected row's reasons listed, apart from the rest.
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        tree = sqlglot.parse_one(expression, read="athena")
    except ParseError as exc:
        problem = parse_problem(exc)
        raise ValueError(
            f"expression {expression!r} is not valid Athena SQL{problem.where}: {problem.description}"
        ) from None
    across = other_rows_read(tree)
    if across is not None:
        raise ValueError(
            f"check {name!r} must judge one row on its own; {across.sql('athena')!r} reads other rows "
            "(window and aggregate functions and subqueries are not allowed in checks)"
        )
    return {column.name for column in tree.find_all(exp.Column)}


def other_rows_read(tree: Any) -> Any | None:
    """The first part of a parsed SQL condition that reads rows besides the one it judges, if any.

    A window or aggregate function or a subquery; where a row rule has one, DuckDB plans the
    validation with a join or a window, which loses the object's row order.
    """
    from sqlglot import exp

    return tree.find(exp.Window, exp.AggFunc, exp.Subquery, exp.Select)


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


def parse_contract(data: Any, origin: str) -> Contract:
    """Build a contract from parsed YAML, with errors that say where and what.

    Args:
        data: The parsed YAML document.
        origin: Where the document came from, for error messages (a file path).

    Returns:
        The validated contract.

    Raises:
        ContractError: If the document is not a valid contract. The message
            names the file, the field path, what is wrong and what was expected.
    """
    if not isinstance(data, dict):
        raise ContractError(f"{origin}: expected a mapping of contract fields, got {_kind(data)}")
    try:
        return Contract.model_validate(data)
    except ValidationError as exc:
        lines = [f"{origin}: {len(exc.errors())} error(s) in the contract"]
        lines += [f"  {_field_path(err['loc'], data)}: {_message(err)}" for err in exc.errors()]
        raise ContractError("\n".join(lines)) from None


def load_contract(path: Path) -> Contract:
    """Read and validate one contract file.

    Raises:
        ContractError: If the file cannot be read, is not YAML, or is not a
            valid contract.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: cannot read the contract: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise ContractError(f"{path}: not valid YAML at {where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ContractError(f"{path}: not valid YAML: {exc}") from None
    contract = parse_contract(data, str(path))
    if path.stem != contract.name:
        raise ContractError(
            f"{path}: name: the contract is named {contract.name!r}; expected the file name "
            f"{path.stem!r} so that a dataset has exactly one contract file"
        )
    return contract


def _kind(value: Any) -> str:
    return "nothing (an empty file)" if value is None else type(value).__name__


def _field_path(loc: tuple[int | str, ...], data: Any) -> str:
    """Render a pydantic location like ``columns[3] (fare).type``."""
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                out += f" ({node['name']})"
        elif part in ("function-after", "function-before") or "[" in part:
            continue
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(contract)"


def _message(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field; check its spelling against docs/contracts.md"
    if err["type"] == "missing":
        return "required field is missing"
    if "input" in err and err["type"] not in ("value_error",):
        return f"{msg} (got {err['input']!r})"
    return msg
