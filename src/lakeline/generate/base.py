"""What every sample generator shares: its spec, its manifest and the file writer."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

GOOD = "good"


@dataclass(frozen=True)
class GeneratorSpec:
    """What to generate: how many rows over how many days, how many of them bad."""

    rows: int
    days: int = 1
    bad_ratio: float = 0.0
    seed: int = 0
    start: date = date(2024, 1, 1)

    def __post_init__(self) -> None:
        if self.rows < 0 or self.days < 1:
            raise ValueError("rows must be >= 0 and days >= 1")
        if not 0.0 <= self.bad_ratio <= 1.0:
            raise ValueError("bad_ratio must be between 0 and 1")


@dataclass
class Manifest:
    """How many rows of each kind a generator wrote, for exact test assertions."""

    dataset: str
    file: str
    rows: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    good_rows_per_day: dict[str, int] = field(default_factory=dict)
    spec: dict[str, object] = field(default_factory=dict)

    @property
    def good(self) -> int:
        """Rows that a correct pipeline keeps."""
        return self.kinds.get(GOOD, 0)

    @property
    def bad(self) -> int:
        """Rows that a correct pipeline quarantines."""
        return self.rows - self.good

    def to_json(self) -> str:
        """The manifest as JSON, with the derived totals spelled out."""
        body = asdict(self) | {"expected_kept": self.good, "expected_quarantined": self.bad}
        return json.dumps(body, indent=2, sort_keys=True)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a manifest written next to a generated file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("expected_kept", None)
        data.pop("expected_quarantined", None)
        return cls(**data)


class RowGenerator(Protocol):
    """Yields ``(kind, day, fields)`` for each row; ``kind`` is ``good`` or a bad-row kind."""

    header: list[str]

    def rows(self) -> Iterator[tuple[str, str, list[str]]]:
        """Yield every row of the sample."""
        ...


def manifest_path(out: Path) -> Path:
    """Where the manifest of a generated file is written."""
    return out.with_name(out.name + ".manifest.json")


def write_sample(generator: RowGenerator, dataset: str, spec: GeneratorSpec, out: Path) -> Manifest:
    """Write a generator's rows as CSV (gzip when ``out`` ends in ``.gz``) plus its manifest.

    Rows are formatted by hand, not quoted by the csv module, so that bad rows
    (stray quotes, short rows) reach the file exactly as a broken exporter
    would write them.
    """
    kinds: Counter[str] = Counter()
    per_day: Counter[str] = Counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        raw = stack.enter_context(out.open("wb"))
        stream = (
            stack.enter_context(gzip.open(raw, "wb", compresslevel=5)) if out.name.endswith(".gz") else raw
        )
        text = stack.enter_context(io.TextIOWrapper(stream, encoding="utf-8", newline=""))
        csv.writer(text, lineterminator="\n").writerow(generator.header)
        buffer: list[str] = []
        for kind, day, fields in generator.rows():
            kinds[kind] += 1
            if kind == GOOD:
                per_day[day] += 1
            buffer.append(",".join(fields))
            if len(buffer) >= 10_000:
                text.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            text.write("\n".join(buffer) + "\n")
    manifest = Manifest(
        dataset=dataset,
        file=out.name,
        rows=sum(kinds.values()),
        kinds=dict(sorted(kinds.items())),
        good_rows_per_day=dict(sorted(per_day.items())),
        spec={k: str(v) for k, v in asdict(spec).items()},
    )
    manifest_path(out).write_text(manifest.to_json() + "\n", encoding="utf-8")
    return manifest
