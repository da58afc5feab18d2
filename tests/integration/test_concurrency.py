"""Duplicate and concurrent deliveries of the same object do the work once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lakeline.errors import LeaseHeldError
from lakeline.events.s3 import object_created_event
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.process_object import Outcome

from .helpers import rows


def test_concurrent_deliveries_process_an_object_once(runtime: LocalRuntime, tmp_path: Path) -> None:
    spec = GeneratorSpec(20_000, 2, 0.02, 8)
    manifest = write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, tmp_path / "t.csv")
    obj = runtime.store.put_file("raw/taxi_trips/t.csv", tmp_path / "t.csv")
    event = object_created_event(obj)
    deps = runtime.deps

    def deliver(_: int) -> str:
        try:
            return runtime.on_object_created(event).outcome.value
        except LeaseHeldError:
            return "retry"  # transient: SQS would redeliver

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(deliver, range(6)))
    retried = [runtime.on_object_created(event).outcome for o in outcomes if o == "retry"]

    assert outcomes.count(Outcome.PROCESSED.value) == 1
    assert set(retried) <= {Outcome.DUPLICATE}
    assert rows(runtime, "SELECT count(*) FROM taxi_trips") == [(manifest.good,)]
    entry = deps.ledger.get(obj.object_id)
    assert entry is not None and entry.attempts == 1
