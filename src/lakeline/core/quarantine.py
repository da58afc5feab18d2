"""The schema of every ``<dataset>_quarantine`` table: one row per rejected record."""

from __future__ import annotations

# (column, Athena type), in the order the processing engine writes them.
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row_number", "bigint"),  # 1-based position among all records of the object
    ("line_number", "bigint"),  # line in the file, for line-based formats
    ("reasons", "array<string>"),  # every rule the record broke
    ("record", "string"),  # the original record as JSON text, when it parsed
    ("raw_line", "string"),  # the raw text of a record the reader could not parse
    ("source_object", "string"),  # s3://bucket/key
    ("source_version", "string"),  # version id or etag
    ("processed_at", "timestamp"),
)
