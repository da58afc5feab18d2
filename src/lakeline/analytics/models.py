"""A model: one ``sql/models/<name>.sql`` file, an Athena SQL query with a small header.

The header names the model's source datasets, its partition column and its
primary key::

    -- model: taxi_daily_zone_stats
    -- description: Per day and pickup zone: ...
    -- sources: taxi_trips
    -- partition: dt
    -- primary_key: dt, pickup_zone_id
    -- quality: halt
    SELECT ...

Data-quality rules live next to it in ``<name>.dqdl`` (DQDL text); the
optional ``quality`` header says what a failure does: ``warn`` (the default)
or ``halt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.core.registry import ContractRegistry
from lakeline.errors import ContractError
from lakeline.quality.dqdl import DqdlError, parse_ruleset
from lakeline.quality.ruleset import QualityAction, Ruleset

_HEADER = re.compile(r"^--\s*(\w+):\s*(.*?)\s*$")
REQUIRED = ("model", "sources", "partition", "primary_key")


@dataclass(frozen=True)
class Model:
    """One analytics table and the query that builds it."""

    name: str
    description: str
    sources: tuple[str, ...]
    partition: str
    primary_key: tuple[str, ...]
    sql: str
    path: Path
    quality: Ruleset | None = None


def parse_model(path: Path, contracts: ContractRegistry) -> Model:
    """Read a model file and check its header against the contracts.

    Raises:
        ContractError: Naming the file and the header field that is missing or wrong.
    """
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        header[match[1]] = match[2]
    missing = [k for k in REQUIRED if not header.get(k)]
    if missing:
        raise ContractError(
            f"{path}: model header lacks {', '.join(missing)} (lines like `-- sources: a, b`)"
        )
    if header["model"] != path.stem:
        raise ContractError(
            f"{path}: model is named {header['model']!r}; expected the file name {path.stem!r}"
        )
    sources = tuple(s.strip() for s in header["sources"].split(",") if s.strip())
    for source in sources:
        if source not in contracts:
            raise ContractError(f"{path}: sources names {source!r}, which is not a dataset")
    if header["partition"] != PARTITION_COLUMN:
        raise ContractError(f"{path}: partition must be {PARTITION_COLUMN!r}, the lake's partition column")
    return Model(
        quality=_quality(path, header.get("quality", "")),
        name=header["model"],
        description=header.get("description", ""),
        sources=sources,
        partition=header["partition"],
        primary_key=tuple(k.strip() for k in header["primary_key"].split(",") if k.strip()),
        sql=text,
        path=path,
    )


def load_models(directory: Path, contracts: ContractRegistry) -> list[Model]:
    """Every model of a project, in name order."""
    return [parse_model(p, contracts) for p in sorted(directory.glob("*.sql"))] if directory.is_dir() else []


def _quality(path: Path, action: str) -> Ruleset | None:
    rules_path = path.with_suffix(".dqdl")
    if not rules_path.is_file():
        if action:
            raise ContractError(
                f"{path}: the header sets quality: {action} but {rules_path.name} does not exist"
            )
        return None
    allowed = (QualityAction.WARN, QualityAction.HALT)
    if action and action not in allowed:
        raise ContractError(f"{path}: quality must be one of {', '.join(allowed)}; got {action!r}")
    text = rules_path.read_text(encoding="utf-8")
    try:
        parse_ruleset(text)
    except DqdlError as exc:
        raise ContractError(f"{rules_path}: {exc}") from None
    return Ruleset(text, QualityAction(action or QualityAction.WARN))
