"""Athena column types, as declared in dataset contracts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class TypeKind(StrEnum):
    """The families of Athena scalar types that contracts may use."""

    BOOLEAN = "boolean"
    TINYINT = "tinyint"
    SMALLINT = "smallint"
    INT = "int"
    BIGINT = "bigint"
    FLOAT = "float"
    DOUBLE = "double"
    DECIMAL = "decimal"
    STRING = "string"
    VARCHAR = "varchar"
    DATE = "date"
    TIMESTAMP = "timestamp"


INTEGER_RANGES: dict[TypeKind, tuple[int, int]] = {
    TypeKind.TINYINT: (-(2**7), 2**7 - 1),
    TypeKind.SMALLINT: (-(2**15), 2**15 - 1),
    TypeKind.INT: (-(2**31), 2**31 - 1),
    TypeKind.BIGINT: (-(2**63), 2**63 - 1),
}

_ALIASES = {"integer": TypeKind.INT}
_DECIMAL = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
_VARCHAR = re.compile(r"^varchar\(\s*(\d+)\s*\)$")
SUPPORTED_TYPES = (
    "boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), "
    "string, varchar(n), date, timestamp"
)


@dataclass(frozen=True)
class AthenaType:
    """A parsed Athena type such as ``decimal(10,2)`` or ``varchar(3)``."""

    kind: TypeKind
    precision: int | None = None
    scale: int | None = None
    length: int | None = None

    @property
    def is_integer(self) -> bool:
        """Whether the type is one of the integer types."""
        return self.kind in INTEGER_RANGES

    @property
    def is_numeric(self) -> bool:
        """Whether the type holds numbers (so min/max apply numerically)."""
        return self.is_integer or self.kind in (TypeKind.FLOAT, TypeKind.DOUBLE, TypeKind.DECIMAL)

    @property
    def is_text(self) -> bool:
        """Whether the type holds text."""
        return self.kind in (TypeKind.STRING, TypeKind.VARCHAR)

    @property
    def is_temporal(self) -> bool:
        """Whether the type holds a date or a timestamp."""
        return self.kind in (TypeKind.DATE, TypeKind.TIMESTAMP)

    def __str__(self) -> str:
        if self.kind is TypeKind.DECIMAL:
            return f"decimal({self.precision},{self.scale})"
        if self.kind is TypeKind.VARCHAR:
            return f"varchar({self.length})"
        return self.kind.value


def parse_type(text: str) -> AthenaType:
    """Parse an Athena type name.

    Args:
        text: The type as written in a contract, e.g. ``"decimal(10,2)"``.

    Returns:
        The parsed type.

    Raises:
        ValueError: If the text is not one of the supported Athena types.
    """
    norm = " ".join(text.strip().lower().split())
    if norm in _ALIASES:
        return AthenaType(_ALIASES[norm])
    if match := _DECIMAL.match(norm):
        precision, scale = int(match[1]), int(match[2])
        if not 1 <= precision <= 38 or scale > precision:
            raise ValueError(
                f"decimal({precision},{scale}) needs 1 <= precision <= 38 and scale <= precision"
            )
        return AthenaType(TypeKind.DECIMAL, precision=precision, scale=scale)
    if match := _VARCHAR.match(norm):
        length = int(match[1])
        if not 1 <= length <= 65535:
            raise ValueError(f"varchar({length}) needs 1 <= length <= 65535")
        return AthenaType(TypeKind.VARCHAR, length=length)
    try:
        kind = TypeKind(norm)
    except ValueError:
        raise ValueError(f"unknown type {text!r}; expected one of {SUPPORTED_TYPES}") from None
    if kind in (TypeKind.DECIMAL, TypeKind.VARCHAR):
        raise ValueError(f"{kind.value} needs its size, e.g. decimal(10,2) or varchar(20)")
    return AthenaType(kind)
