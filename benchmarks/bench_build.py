"""Incremental analytics builds: a full rebuild of 30 days against one new day, and a no-op build.

Targets (issue 5): the incremental build touches only the new day's partitions and is at least
10x faster than the full rebuild; the no-op build finishes in under 2 s.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.project import init_project
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings
from lakeline.usecases.build import build_models
from lakeline.usecases.landing import announce, land

DAYS = 30
ROWS_PER_DAY = 100_000
START = date(2024, 1, 1)


def day_file(folder: Path, day: int) -> Path:
    """One day of trips, generated once."""
    spec = GeneratorSpec(ROWS_PER_DAY, 1, 0.01, day, START + timedelta(days=day))
    path = folder / f"trips_{spec.start.isoformat()}.csv"
    write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, path)
    return path


def timed_build(runtime: LocalRuntime, full: bool = False) -> tuple[float, list[str]]:
    """Seconds of one build, and the partitions it rebuilt (of the first model)."""
    started = time.perf_counter()
    results = build_models(runtime.models, runtime.build_deps, full=full)
    return time.perf_counter() - started, results[0].rebuilt


def main() -> None:
    """Build 30 days, add a 31st, build again, then build with nothing new."""
    root = Path(tempfile.mkdtemp(prefix="lakeline-bench-build-"))
    try:
        init_project(root)
        runtime = LocalRuntime(LocalSettings.load(root, env={}))
        files = root / "files"
        files.mkdir()
        print(f"generating and processing {DAYS} days x {ROWS_PER_DAY:,} trips...")
        for day in range(DAYS):
            announce(
                [land(day_file(files, day), "taxi_trips", runtime.contracts, runtime.store)], runtime.bus
            )
        full, rebuilt_full = timed_build(runtime, full=True)
        announce([land(day_file(files, DAYS), "taxi_trips", runtime.contracts, runtime.store)], runtime.bus)
        incremental, rebuilt = timed_build(runtime)
        noop, rebuilt_noop = timed_build(runtime)
        print(f"full rebuild ({len(rebuilt_full)} partitions x {len(runtime.models)} models): {full:6.2f} s")
        print(f"incremental build after one new day ({', '.join(rebuilt)}): {incremental:6.2f} s")
        print(f"no-op build ({len(rebuilt_noop)} partitions): {noop:6.2f} s")
        speedup = full / incremental
        verdict = "met" if speedup >= 10 else "NOT met"
        print(f"incremental is {speedup:.1f}x faster than full (target >= 10x: {verdict})")
        print(f"no-op build {noop:.2f} s (target < 2 s: {'met' if noop < 2 else 'NOT met'})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
