"""Soak: process 2,000 files and 20 million rows in one process; memory must stay flat (issue 9).

Twenty distinct generated files of 10,000 rows (2% bad) are landed a hundred times each under
different keys, so every object is processed for real. The resident set size is sampled after
every 100 objects; the run prints throughput, the samples and the peak. `make soak`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from lakeline.events.s3 import object_created_event
from lakeline.generate import GENERATORS, GeneratorSpec, write_sample
from lakeline.project import init_project
from lakeline.runtime.local import LocalRuntime
from lakeline.runtime.settings import LocalSettings

PAGE = resource.getpagesize()
GROWTH_LIMIT_MB = 50  # "flat": RSS may move with DuckDB's caches, not grow with the objects processed


def rss_mb() -> float:
    """The process's current resident set size."""
    with Path("/proc/self/statm").open() as handle:
        return int(handle.read().split()[1]) * PAGE / 1024**2


def main() -> None:
    """Run the soak and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rows-per-file", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lakeline-soak-"))
    try:
        init_project(work)
        runtime = LocalRuntime(LocalSettings.load(work, env={}))
        sources = []
        for i in range(20):
            spec = GeneratorSpec(args.rows_per_file, 1, 0.02, i, date(2024, 1, 1) + timedelta(days=i))
            path = work / f"src{i:02}.csv"
            write_sample(GENERATORS["taxi_trips"](spec), "taxi_trips", spec, path)
            sources.append(path)
        samples: list[tuple[int, float]] = []
        rows = 0
        started = time.perf_counter()
        for n in range(args.files):
            obj = runtime.store.put_file(f"raw/taxi_trips/soak/f{n:05}.csv", sources[n % len(sources)])
            result = runtime.on_object_created(object_created_event(obj))
            assert result.entry is not None and result.outcome.value == "processed", result.detail
            rows += result.entry.rows_in
            if (n + 1) % 100 == 0:
                samples.append((n + 1, rss_mb()))
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"files {args.files:,}, rows {rows:,}, {seconds:.1f} s: {rows / seconds:,.0f} rows/s, "
            f"{args.files / seconds:.1f} files/s"
        )
        print("RSS (MB) after every 100 objects: " + ", ".join(f"{n}:{mb:.0f}" for n, mb in samples))
        if len(samples) < 2:
            print("too few objects to judge memory growth (sampled every 100)")
            return
        growth = samples[-1][1] - samples[1][1]
        print(f"peak RSS {peak:.0f} MB; RSS growth from object 200 to the end: {growth:+.0f} MB")
        if growth > GROWTH_LIMIT_MB:
            raise SystemExit(
                f"memory grew {growth:.0f} MB over the run (limit {GROWTH_LIMIT_MB} MB): not flat"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
