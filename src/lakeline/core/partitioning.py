"""Hive-style partitioning of curated data by event time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")

PARTITION_COLUMN = "dt"


class Granularity(StrEnum):
    """How finely curated data is partitioned by its event time."""

    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


# The first day of the partitions Athena projects, unless a contract's `partitions_from` says otherwise.
PARTITIONS_FROM = date(2020, 1, 1)

# Partition values are strings that sort in time order, as Athena projection expects.
_VALUE_FORMATS: dict[Granularity, str] = {
    Granularity.HOUR: "%Y-%m-%d-%H",
    Granularity.DAY: "%Y-%m-%d",
    Granularity.MONTH: "%Y-%m",
}
_VALUE_PATTERNS: dict[Granularity, re.Pattern[str]] = {
    Granularity.HOUR: re.compile(r"^\d{4}-\d{2}-\d{2}-\d{2}$"),
    Granularity.DAY: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    Granularity.MONTH: re.compile(r"^\d{4}-\d{2}$"),
}


def value_format(granularity: Granularity) -> str:
    """The strftime format of a partition value at this granularity."""
    return _VALUE_FORMATS[granularity]


def partition_value(event_time: datetime, granularity: Granularity) -> str:
    """The ``dt`` value of a row whose event time is ``event_time``."""
    return event_time.strftime(_VALUE_FORMATS[granularity])


def projected(value: str, granularity: Granularity, first: date, now: datetime) -> bool:
    """Whether Athena's partition projection covers ``value`` at ``now``.

    Projection ranges from ``first`` to NOW (UTC): a partition dated later exists on S3 but no
    query sees it until its day (hour, month) comes.
    """
    return first_value(first, granularity) <= value <= partition_value(now.astimezone(UTC), granularity)


def first_value(first: date, granularity: Granularity) -> str:
    """The ``dt`` value of the first partition of a range that starts on day ``first``."""
    return datetime.combine(first, time()).strftime(_VALUE_FORMATS[granularity])


def is_partition_value(value: str, granularity: Granularity) -> bool:
    """Whether ``value`` is a well-formed ``dt`` value at this granularity."""
    return bool(_VALUE_PATTERNS[granularity].match(value))


def partition_path(value: str) -> str:
    """The Hive-style path segment of one partition, e.g. ``dt=2024-01-31``."""
    return f"{PARTITION_COLUMN}={value}"


def parse_partition_path(segment: str) -> str | None:
    """The partition value of a ``dt=...`` path segment, or None for any other segment."""
    prefix = f"{PARTITION_COLUMN}="
    return segment[len(prefix) :] if segment.startswith(prefix) else None


def group_by_partition(items: Iterable[T], relative_path: Callable[[T], str]) -> dict[str, list[T]]:
    """The items that are ``dt=<value>/<name>.parquet`` files, grouped by partition value.

    Args:
        items: Objects or files under one table's prefix (or one output folder).
        relative_path: An item's path relative to that prefix, with ``/`` separators.

    Returns:
        Partition value -> its items, in the order given; other items are left out.
    """
    groups: dict[str, list[T]] = {}
    for item in items:
        parts = relative_path(item).split("/")
        value = parse_partition_path(parts[0]) if len(parts) == 2 else None
        if value is not None and parts[1].endswith(".parquet"):
            groups.setdefault(value, []).append(item)
    return groups
