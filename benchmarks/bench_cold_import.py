"""Cold import time of the process_object Lambda handler: what a cold start pays before any work."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

MODULE = "lakeline.entrypoints.aws_lambda.process_object"
RUNS = 7


def one_run() -> float:
    """Seconds for a fresh interpreter to import the handler module (and exit)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {MODULE}"], check=True)
    return time.perf_counter() - start


def main() -> None:
    """Print the median and the spread over several fresh processes."""
    baseline = statistics.median(_timed_pass() for _ in range(RUNS))
    times = sorted(one_run() for _ in range(RUNS))
    median = statistics.median(times)
    print(f"handler cold import ({MODULE}), {RUNS} fresh processes:")
    print(f"  median {median * 1000:.0f} ms (min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f})")
    print(f"  of which interpreter start-up {baseline * 1000:.0f} ms")


def _timed_pass() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
