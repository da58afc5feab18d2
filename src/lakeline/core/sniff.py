"""Look at the first bytes of a landed object before handing it to an engine.

This is where a whole file is turned away (empty, binary, the wrong format,
an unreadable header) with a reason a person can act on.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from lakeline.core.contracts import Contract, SchemaPolicy, SourceFormat

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
HEAD_BYTES = 64 * 1024
TEXT_FORMATS = (SourceFormat.CSV, SourceFormat.TSV, SourceFormat.JSONL, SourceFormat.JSON)


class FileRejectedError(Exception):
    """Raised inside processing when a whole object must be quarantined."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of an object tell: compression and, for CSV, the header.

    Attributes:
        gzip: Whether the bytes to read are gzip-compressed.
        header: The CSV header's fields (None for other formats).
        plain: A decompressed copy of a gzip object, when sniffing wrote one; read it
            instead of the object (``gzip`` is then False).
        crlf: Whether lines end with CR LF (as the first one does).
        header_lines: How many lines the CSV header takes (more than one if a quoted name
            holds a line break).
    """

    gzip: bool
    header: tuple[str, ...] | None
    plain: Path | None = None
    crlf: bool = False
    header_lines: int = 1


def _head(path: Path, compressed: bool) -> bytes:
    if not compressed:
        with path.open("rb") as handle:
            return handle.read(HEAD_BYTES)
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise FileRejectedError(f"gzip stream is corrupt: {exc}") from None


# A gzip object may expand to at most this many times its size (CSV compresses 5-20x; very
# repetitive exports a few hundred times), never past EXPANSION_CAP, and always at least to
# EXPANSION_FLOOR: beyond that it is treated as a decompression bomb.
MAX_EXPANSION = 1000
EXPANSION_FLOOR = 1024**3
EXPANSION_CAP = 100 * 1024**3


def check_expansion(
    path: Path,
    max_ratio: int = MAX_EXPANSION,
    floor: int = EXPANSION_FLOOR,
    cap: int = EXPANSION_CAP,
    plain_to: Path | None = None,
    budget: int = 0,
) -> int:
    """Stream-decompress a gzip object, stopping at its bound; returns its decompressed size.

    Args:
        path: The gzip object.
        max_ratio: The bound, as a multiple of the object's size...
        floor: ...never below this many bytes...
        cap: ...and never above this many.
        plain_to: Where to write the decompressed bytes while they are read anyway, so that
            an engine can read them in parallel instead of inflating the object again.
        budget: The most bytes to write there; past it the copy is removed, and the caller
            reads the gzip object itself.

    Raises:
        FileRejectedError: If it expands beyond the bound, or is corrupt.
    """
    # ISA-L inflates about 4x faster than zlib.
    from isal import igzip, isal_zlib

    inflate: Callable[[Path, str], BinaryIO] = igzip.open  # isal's functions are not annotated
    corrupt = cast("type[Exception]", isal_zlib.error)  # its stub declares an instance, not a class
    size = path.stat().st_size
    limit = min(max(size * max_ratio, floor), cap)
    total = 0
    kept = False
    with ExitStack() as stack:
        copy = stack.enter_context(plain_to.open("wb")) if plain_to is not None else None
        try:
            handle = stack.enter_context(inflate(path, "rb"))
            while chunk := handle.read(1024**2):
                total += len(chunk)
                if total > limit:
                    raise FileRejectedError(
                        f"gzip expands beyond {limit:,} bytes from {size:,} (the bound: {max_ratio}x, at "
                        f"least {floor:,} and at most {cap:,} bytes): refused as a decompression bomb"
                    )
                if copy is not None and total > budget:
                    copy.close()  # too big to keep: the engine reads the gzip object instead
                    copy = None
                elif copy is not None:
                    copy.write(chunk)
            kept = copy is not None
        except (OSError, EOFError, zlib.error, corrupt) as exc:
            raise FileRejectedError(f"gzip stream is corrupt: {exc}") from None
        finally:
            if plain_to is not None and not kept:
                plain_to.unlink(missing_ok=True)
    return total


def sniff(path: Path, contract: Contract, plain_to: Path | None = None, budget: int = 0) -> Sniffed:
    """Inspect an object's first bytes.

    Args:
        path: The object.
        contract: Its dataset's contract.
        plain_to: Where to leave a decompressed copy of a gzip text object (see ``check_expansion``).
        budget: The most bytes that copy may take.

    Raises:
        FileRejectedError: If the object is empty, binary where text was
            expected, not Parquet where Parquet was expected, or has an
            unreadable CSV header.
    """
    with path.open("rb") as handle:
        magic = handle.read(4)
    if not magic:
        raise FileRejectedError("the object is empty (0 bytes)")
    fmt = contract.source.format
    compressed = magic.startswith(GZIP_MAGIC) and contract.source.compression != "none"
    if contract.source.compression == "gzip" and not compressed:
        raise FileRejectedError("the contract says gzip, but the object is not gzip-compressed")
    if fmt is SourceFormat.PARQUET:
        if compressed or magic != PARQUET_MAGIC:
            raise FileRejectedError("expected a Parquet file, but the object does not start with PAR1")
        return Sniffed(gzip=False, header=None)
    head = _head(path, compressed)
    plain = None
    if compressed:
        check_expansion(path, plain_to=plain_to, budget=budget)
        plain = plain_to if plain_to is not None and plain_to.exists() else None
    if not head:
        raise FileRejectedError("the object is empty once decompressed")
    if b"\x00" in head:
        raise FileRejectedError(f"expected {fmt.value} text, but the object holds binary data (NUL bytes)")
    if head.startswith(PARQUET_MAGIC):
        raise FileRejectedError(f"expected {fmt.value} text, but the object is a Parquet file")
    header, header_lines = None, 1
    if fmt in (SourceFormat.CSV, SourceFormat.TSV):
        header, header_lines = _csv_header(head, contract)
    end = head.find(b"\n")
    crlf = end > 0 and head[end - 1 : end] == b"\r"
    return Sniffed(compressed and plain is None, header, plain, crlf, header_lines)


def check_field_names(fields: Sequence[str]) -> None:
    """Refuse an object whose field names cannot all be told apart.

    Athena, Glue and DuckDB compare column names without regard to case, so ``Amount`` and
    ``amount`` would be one column; an empty name (often a trailing delimiter) names nothing.

    Raises:
        FileRejectedError: Naming the empty or clashing fields.
    """
    empty = [i + 1 for i, f in enumerate(fields) if not f.strip()]
    if empty:
        raise FileRejectedError(
            f"field {empty[0]} of {len(fields)} has an empty name (a trailing delimiter in the header?)"
        )
    folded: dict[str, list[str]] = {}
    for f in fields:
        folded.setdefault(f.lower(), []).append(f)
    clashes = sorted(names for names in folded.values() if len(names) > 1)
    if clashes:
        raise FileRejectedError(
            f"field names that differ only in case: {clashes} (Athena, Glue and DuckDB ignore case)"
        )


def _csv_header(head: bytes, contract: Contract) -> tuple[tuple[str, ...], int]:
    """The header's fields (the contract's, without a header) and how many lines it takes."""
    dialect = contract.source.dialect
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not dialect.header:
        first_line = next(iter(text.splitlines()), "")
        width = len(next(csv.reader([first_line], delimiter=dialect.delimiter)))
        return tuple(c.source_field for c in contract.columns[:width]), 1
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=dialect.delimiter,
        quotechar=dialect.quote or '"',
        quoting=csv.QUOTE_MINIMAL if dialect.quote else csv.QUOTE_NONE,
    )
    record = next(reader, [])
    if "\ufffd" in "".join(record):
        raise FileRejectedError("the header line is not valid UTF-8")
    fields = tuple(f.strip() for f in record)
    if not any(fields):
        raise FileRejectedError("the header line is empty")
    duplicates = sorted({f for f in fields if fields.count(f) > 1})
    if duplicates:
        raise FileRejectedError(f"the header repeats column(s) {duplicates}")
    check_field_names(fields)
    return fields, max(reader.line_num, 1)


@dataclass(frozen=True)
class SchemaDiff:
    """How an object's fields differ from the contract's source fields."""

    missing: tuple[str, ...]
    missing_required: tuple[str, ...]
    extra: tuple[str, ...]


def diff_fields(fields: tuple[str, ...], contract: Contract) -> SchemaDiff:
    """Compare an object's fields with the contract's."""
    present = set(fields)
    expected = {c.source_field for c in contract.columns}
    missing = tuple(c.source_field for c in contract.columns if c.source_field not in present)
    required = tuple(c.source_field for c in contract.columns if c.required and c.source_field not in present)
    extra = tuple(f for f in fields if f not in expected)
    return SchemaDiff(missing, required, extra)


def apply_schema_policy(diff: SchemaDiff, contract: Contract) -> list[str]:
    """Enforce the contract's schema policy and return warnings for what it tolerates.

    Raises:
        FileRejectedError: Under ``strict`` for any difference; under
            ``additive`` when a required field is missing.
    """
    if diff.missing_required:
        raise FileRejectedError(f"required field(s) missing from the object: {list(diff.missing_required)}")
    if contract.schema_policy is SchemaPolicy.STRICT and (diff.missing or diff.extra):
        parts = []
        if diff.missing:
            parts.append(f"missing field(s) {list(diff.missing)}")
        if diff.extra:
            parts.append(f"unknown field(s) {list(diff.extra)}")
        raise FileRejectedError(f"schema_policy strict: {' and '.join(parts)}")
    warnings = []
    if diff.extra:
        warnings.append(f"ignored unknown field(s) {list(diff.extra)} (schema_policy additive)")
    if diff.missing:
        warnings.append(f"optional field(s) {list(diff.missing)} missing; loaded as NULL")
    return warnings
