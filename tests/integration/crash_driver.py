"""Run one step of the pipeline in this process and kill it (SIGKILL) at a named point.

Used by test_crash_recovery.py: ``python -m tests.integration.crash_driver PROJECT POINT [KEY]``.
The kill is real: no ``finally`` block, no atexit handler and no flush runs after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

POINTS = ("mid-read", "mid-write-curated", "after-curated-before-ledger", "mid-quarantine",
          "build-after-write-before-catalog", "build-after-catalog-before-state")  # fmt: skip


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def half_then_die(zone: str) -> None:
    """Copies into ``zone`` write half the file, then the process dies."""
    from lakeline.adapters.local import object_store

    real = shutil.copyfile

    def copy(src: Any, dst: Any, **kwargs: Any) -> Any:
        if f"/{zone}/" in str(dst):
            data = Path(src).read_bytes()
            Path(dst).write_bytes(data[: len(data) // 2])
            die()
        return real(src, dst, **kwargs)

    object_store.shutil.copyfile = copy  # type: ignore[attr-defined]


def arm(point: str) -> None:
    """Install the kill at ``point``."""
    from lakeline.adapters.local.build_state import SqliteBuildState
    from lakeline.adapters.local.ledger import SqliteLedger
    from lakeline.adapters.local.partition_catalog import SqlitePartitionCatalog
    from lakeline.engines.duckdb.processor import DuckDBProcessor

    if point == "mid-read":
        real_reader = DuckDBProcessor._reader

        def reader(self: Any, *args: Any) -> Any:
            real_reader(self, *args)  # the object is open and being parsed
            die()

        DuckDBProcessor._reader = reader  # type: ignore[method-assign]
    elif point == "mid-write-curated":
        half_then_die("curated")
    elif point == "mid-quarantine":
        half_then_die("quarantine")
    elif point == "after-curated-before-ledger":
        SqliteLedger.finish = lambda self, entry: die()  # type: ignore[method-assign,assignment]
    elif point == "build-after-write-before-catalog":
        SqlitePartitionCatalog.point = lambda self, *a: die()  # type: ignore[method-assign,assignment]
    elif point == "build-after-catalog-before-state":
        real_record = SqliteBuildState.record

        def record(self: Any, model: str, *args: Any) -> None:
            if not model.startswith(("quality:", "freshness:", "retired:")):
                die()
            real_record(self, model, *args)

        SqliteBuildState.record = record  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown crash point {point!r}; one of {', '.join(POINTS)}")


def main(project: str, point: str, key: str = "") -> None:
    from lakeline.events.s3 import object_created_event
    from lakeline.runtime.local import LocalRuntime
    from lakeline.runtime.settings import LocalSettings
    from lakeline.usecases.build import build_models

    runtime = LocalRuntime(LocalSettings.load(Path(project), env={}))
    arm(point)
    if point.startswith("build-"):
        build_models(runtime.models, runtime.build_deps)
    else:
        runtime.on_object_created(object_created_event(runtime.store.head(key)))
    raise SystemExit("the crash point was never reached")


if __name__ == "__main__":
    main(*sys.argv[1:])
