"""Duplicate and concurrent deliveries of the same object do the work once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lakeline.entrypoints.object_events import handle_object_created
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
            return handle_object_created(event, runtime.deps).outcome.value
        except LeaseHeldError:
            return "retry"  # transient: SQS would redeliver

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(deliver, range(6)))
    retried = [handle_object_created(event, runtime.deps).outcome for o in outcomes if o == "retry"]

    assert outcomes.count(Outcome.PROCESSED.value) == 1
    assert set(retried) <= {Outcome.DUPLICATE}
    assert rows(runtime, "SELECT count(*) FROM taxi_trips") == [(manifest.good,)]
    entry = deps.ledger.get(obj.object_id)
    assert entry is not None and entry.attempts == 1


def _worker(project: str, events: list[dict[str, object]], out: object) -> None:
    """One worker process: handle its deliveries; a held lease is retried, as SQS would redeliver."""
    import time

    from lakeline.entrypoints.object_events import handle_object_created
    from lakeline.runtime.local import LocalRuntime
    from lakeline.runtime.settings import LocalSettings

    runtime = LocalRuntime(LocalSettings.load(Path(project), env={}))
    outcomes = []
    for event in events:
        for _ in range(200):
            try:
                outcomes.append(handle_object_created(event, runtime.deps).outcome.value)
                break
            except LeaseHeldError:
                time.sleep(0.05)
        else:
            outcomes.append("gave up")
    out.put(outcomes)  # type: ignore[attr-defined]


def test_twenty_processes_with_overlapping_shuffled_repeated_events_land_each_row_once(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    import multiprocessing
    import random
    from datetime import date

    objects, manifests = [], []
    for i in range(200):
        spec = GeneratorSpec(25, 1, 0.1, i, date(2024, 1, 1 + i % 5))
        path = tmp_path / f"f{i:03}.csv"
        manifests.append(write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, path))
        objects.append(runtime.store.put_file(f"raw/taxi_trips/f{i:03}.csv", path))
    rng = random.Random(7)
    deliveries = [object_created_event(o) for o in objects for _ in range(rng.choice((1, 2, 3)))]
    rng.shuffle(deliveries)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    slices = [deliveries[w::20] for w in range(20)]
    workers = [context.Process(target=_worker, args=(str(runtime.settings.project.root), s, results))
               for s in slices]  # fmt: skip
    for worker in workers:
        worker.start()
    outcomes = [o for _ in workers for o in results.get(timeout=300)]
    for worker in workers:
        worker.join(timeout=60)

    assert all(w.exitcode == 0 for w in workers)
    assert len(outcomes) == len(deliveries) and "gave up" not in outcomes
    assert outcomes.count("processed") == 200  # each object exactly once; every other delivery a duplicate
    assert outcomes.count("duplicate") == len(deliveries) - 200
    kept, bad = sum(m.good for m in manifests), sum(m.rows - m.good for m in manifests)
    assert rows(runtime, "SELECT count(*) FROM taxi_trips") == [(kept,)]
    assert rows(runtime, "SELECT count(*) FROM taxi_trips_quarantine") == [(bad,)]
    entries = runtime.ledger.entries()
    assert len(entries) == 200 and all(e.attempts == 1 for e in entries)
    assert sum(e.rows_in for e in entries) == kept + bad
