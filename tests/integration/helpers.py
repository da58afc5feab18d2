"""Build small projects and run objects through the local pipeline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from lakeline.core.contracts import parse_contract
from lakeline.core.objects import ObjectRef
from lakeline.core.outcome import EngineOutput
from lakeline.engines.duckdb.processor import DuckDBProcessor, DuckDBSettings
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.landing import announce, land
from lakeline.usecases.process_object import ProcessResult


def make_runtime(root: Path, *contracts: dict[str, Any]) -> LocalRuntime:
    """A runtime over a fresh project holding the given contracts."""
    (root / "datasets").mkdir(parents=True, exist_ok=True)
    for contract in contracts:
        (root / "datasets" / f"{contract['name']}.yaml").write_text(yaml.safe_dump(contract))
    return LocalRuntime(LocalSettings.load(root, env={}))


def ingest(runtime: LocalRuntime, path: Path, dataset: str) -> ProcessResult:
    """Land a file and deliver its event; return the one result."""
    obj = land(path, dataset, runtime.contracts, runtime.store)
    results = announce([obj], runtime.bus)
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, ProcessResult)
    return result


def process_alone(spec: dict[str, Any], source: Path, work: Path, settings: DuckDBSettings) -> EngineOutput:
    """Run the DuckDB engine alone on one file under a contract, writing its outputs into ``work``."""
    work.mkdir()
    name = spec["name"]
    obj = ObjectRef("lake", f"raw/{name}/{source.name}", source.stat().st_size, "etag")
    contract = parse_contract(spec, f"{name}.yaml")
    return DuckDBProcessor(settings).process(contract, source, obj, work, name, datetime(2026, 11, 30))


def rows(runtime: LocalRuntime, sql: str) -> list[tuple[Any, ...]]:
    """Run Athena SQL on the lake."""
    engine = runtime.query_engine()
    try:
        return engine.query(sql).rows
    finally:
        engine.close()


def repeat_first_trip(path: Path, total_amount: str) -> tuple[str, str]:
    """Append a copy of a taxi CSV's first trip with another total_amount (the same primary key).

    Returns:
        The trip's pickup zone and its original total_amount.
    """
    import csv

    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header, first = next(reader), next(reader)
    copy = dict(zip(header, first, strict=True))
    original, copy["total_amount"] = copy["total_amount"], total_amount
    with path.open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([copy[h] for h in header])
    return copy["PULocationID"], original
