"""Process one landed object with DuckDB: validate, then write curated and quarantine Parquet.

The object is parsed once into a temporary table of typed values and verdicts
(spilling to disk past the memory limit), in the object's order, from which COPY
statements write the valid rows, one file per partition in that order, and the
rejected rows with their reasons and positions (the SQL is in validation.py and
sql/). See docs/adr/0002-processing-engine.md for the measurements.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakeline.core.contracts import Contract, SourceFormat
from lakeline.core.objects import ObjectRef
from lakeline.core.outcome import EngineOutput, FileRejection
from lakeline.core.partitioning import partition_path
from lakeline.core.sniff import (
    FileRejectedError,
    apply_schema_policy,
    check_field_names,
    diff_fields,
    sniff,
)
from lakeline.engines.duckdb.expressions import ident, literal
from lakeline.engines.duckdb.readers import NO_REJECTS, Reader, csv_reader, json_reader, parquet_reader
from lakeline.engines.duckdb.validation import (
    partition_folder_value,
    partition_type,
    stored_columns,
    validation_query,
)
from lakeline.errors import EngineResourceError, first_line
from lakeline.sqlfiles import sql_template

if TYPE_CHECKING:
    import duckdb

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DuckDBSettings:
    """Resource limits of the processing engine."""

    memory_limit: str = "512MB"
    threads: int | None = None


class DuckDBProcessor:
    """Validates landed objects against their contract and writes Parquet, with DuckDB."""

    def __init__(self, settings: DuckDBSettings | None = None) -> None:
        self.settings = settings or DuckDBSettings()
        # Whether validation keeps the order, by its SQL with the object's paths left out: the
        # plan's shape does not depend on them, and planning costs 10 ms, 10% of a small object.
        self._keeps_order: dict[str, bool] = {}

    def process(
        self,
        contract: Contract,
        source: Path,
        obj: ObjectRef,
        work_dir: Path,
        stem: str,
        processed_at: datetime,
    ) -> EngineOutput:
        """Validate one object and write its outputs under ``work_dir``.

        Args:
            contract: The dataset's contract.
            source: A local copy of the object.
            obj: The object's identity, recorded in every quarantined row.
            work_dir: An empty folder for outputs and spill files.
            stem: The file-name stem of every output file.
            processed_at: When this processing started, recorded in quarantine.

        Returns:
            The row accounting and the files written; a rejection instead of
            files when the object cannot be read at all.

        Raises:
            EngineResourceError: The machine failed the attempt (memory, disk), not the object.
        """
        import duckdb

        job = _Job(contract, source, obj, work_dir, stem, processed_at)
        try:
            try:
                with self._connect(work_dir) as con:
                    return self._process(con, job)
            except _NeedsSerialScan:
                with self._connect(work_dir) as con:
                    return self._process(con, job, parallel=False)
        except FileRejectedError as exc:
            return EngineOutput(rejection=FileRejection(exc.reason))
        except _resource_errors(duckdb) as exc:  # writing the outputs, after validation
            raise EngineResourceError(f"the engine failed, not the object: {first_line(exc)}") from None

    @contextmanager
    def _connect(self, work_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb

        con = duckdb.connect(config={"memory_limit": self.settings.memory_limit})
        try:
            con.execute(f"SET temp_directory = {literal(str(work_dir / 'spill'))}")
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar = false")  # the CLI draws its own progress
            # A long IN list would otherwise be planned as a join, which loses the
            # object's row order that validation keeps (see _keeps_order).
            con.execute("SET disabled_optimizers = 'in_clause'")
            if self.settings.threads:
                con.execute(f"SET threads = {int(self.settings.threads)}")
            con.execute(
                f"CREATE TEMP TABLE {NO_REJECTS} (line BIGINT, column_idx BIGINT, "
                "error_type VARCHAR, error_message VARCHAR, csv_line VARCHAR)"
            )
            yield con
        finally:
            con.close()

    def _reader(
        self, con: Any, contract: Contract, source: Path, work_dir: Path, parallel: bool = True
    ) -> tuple[Reader, list[str]]:
        """Choose the reader and enforce the schema policy on the object's fields."""
        import duckdb

        # A gzip stream is read by one thread; its decompressed copy, where the disk has room
        # for it beside the spill files, by all of them.
        budget = shutil.disk_usage(work_dir).free // 3
        sniffed = sniff(source, contract, plain_to=work_dir / "plain", budget=budget)
        source = sniffed.plain or source
        fmt = contract.source.format
        try:
            if fmt in (SourceFormat.CSV, SourceFormat.TSV):
                assert sniffed.header is not None
                fields = sniffed.header
                reader = csv_reader(source, contract, fields, sniffed.gzip, parallel, sniffed.header_lines)
            elif fmt is SourceFormat.PARQUET:
                check_field_names(_parquet_fields(con, source))  # DuckDB would rename a clash
                described = con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({literal(str(source))})"
                ).fetchall()
                natives = {row[0]: row[1] for row in described}
                fields = tuple(natives)
                reader = parquet_reader(source, natives)
            else:
                reader = json_reader(source, contract, sniffed.gzip, sniffed.crlf)
                fields = self._json_fields(con, reader)
        except duckdb.Error as exc:
            raise _unreadable(contract, exc) from None
        warnings = apply_schema_policy(diff_fields(fields, contract), contract)
        return reader, warnings

    @staticmethod
    def _json_fields(con: Any, reader: Reader) -> tuple[str, ...]:
        rows = con.execute(
            f"SELECT DISTINCT unnest(json_keys(__line)) FROM {reader.relation} "
            "WHERE __json_type = 'OBJECT' ORDER BY 1"
        ).fetchall()
        return tuple(r[0] for r in rows)

    def _process(self, con: Any, job: _Job, parallel: bool = True) -> EngineOutput:
        import duckdb

        reader, warnings = self._reader(con, job.contract, job.source, job.work_dir, parallel)
        create = "CREATE TEMP TABLE validated AS " + validation_query(job.contract, reader, job.processed_at)
        try:
            in_order = self._plan_keeps_order(con, create, job)
            con.execute(create)
            rows_in, kept, quarantined, unparsed = con.execute(
                _template("counts").format(rejects=reader.rejects)
            ).fetchone()
        except duckdb.Error as exc:
            if parallel and _SERIAL_HINT in str(exc):
                raise _NeedsSerialScan from exc
            raise _unreadable(job.contract, exc) from None
        if not in_order and kept:
            warnings = [*warnings, _UNORDERED]
        output = EngineOutput(rows_in, kept, quarantined, warnings=warnings)
        if kept:
            output.curated = self._write_curated(con, job.contract, job.work_dir / "curated", job.stem)
        if quarantined:
            if quarantined > unparsed:  # some broke the contract: find where they are in the file
                found = _template("found_by_rowid") if in_order else _rescan(reader)
                con.execute(
                    _template("positions").format(
                        found=found, rejects=reader.rejects, header_lines=reader.header_lines
                    )
                )
            else:
                con.execute(_template("no_positions"))
            output.quarantine = job.work_dir / f"{job.stem}.parquet"
            query = _template("quarantine").format(
                explained=_template("explain"),
                rejects=reader.rejects,
                header_lines=reader.header_lines,
                line_based=str(reader.line_based).upper(),
                source_object=literal(f"s3://{job.obj.bucket}/{job.obj.key}"),
                source_version=literal(job.obj.version),
                processed_at=literal(job.processed_at.isoformat(sep=" ")),
            )
            con.execute(
                f"COPY ({query}) TO {literal(str(output.quarantine))} (FORMAT parquet, COMPRESSION zstd)"
            )
        return output

    def _plan_keeps_order(self, con: Any, create: str, job: _Job) -> bool:
        shape = create.replace(str(job.source), "").replace(str(job.work_dir), "")
        if shape not in self._keeps_order:
            if len(self._keeps_order) >= _PLANS_KEPT:  # a rule with now() makes each object's SQL new
                del self._keeps_order[next(iter(self._keeps_order))]
            self._keeps_order[shape] = _keeps_order(con, create)
        return self._keeps_order[shape]

    @staticmethod
    def _write_curated(con: Any, contract: Contract, out: Path, stem: str) -> dict[str, list[Path]]:
        """Write the valid rows as one file per partition, each in the object's order.

        Analytics models let the later of two records of a key in one object win, by their
        order in the file (ADR 0005), and DuckDB's PARTITION_BY interleaves the rows it
        buffers, even on one thread. So each partition gets an order-keeping COPY of its own,
        which reads only the row groups that hold the partition. Where that would read the
        table many times over (days interleaved through the object's rows) or take many
        statements, the rows are first sorted by partition, unless they are too wide to sort
        within the memory limit.
        """
        import duckdb

        stored = stored_columns(contract)
        table = "validated"
        (_, _, held), *spans = con.execute(
            _template("partition_spans").format(
                table=table,
                folder_value=partition_folder_value("dt", contract.partitioning),
                rows_per_group=_ROW_GROUP_ROWS,
            )
        ).fetchall()
        if len(spans) > _PARTITION_COPIES or sum(groups for *_, groups in spans) > _SCAN_FACTOR * held:
            try:
                con.execute(_template("clustered").format(stored=", ".join(ident(s) for _, s in stored)))
            except duckdb.OutOfMemoryException:
                # Sorting long values takes more memory than reading them: 300,000 rows of 2 KB did
                # not sort in 512 MB. Then each partition's COPY reads the whole table.
                logger.info("valid rows too wide to sort by partition: reading them once per partition")
            else:
                table = "clustered"
        columns = ", ".join(f"{ident(s)} AS {ident(name)}" for name, s in stored)
        written: dict[str, list[Path]] = {}
        kind = partition_type(contract.partitioning)
        for value, stored_value, _ in spans:
            target = out / partition_path(value) / f"{stem}.parquet"
            target.parent.mkdir(parents=True)
            query = _template("curated_partition").format(
                columns=columns, table=table, value=f"CAST({literal(stored_value)} AS {kind})"
            )
            con.execute(f"COPY ({query}) TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)")
            written[value] = [target]
        return written


@dataclass(frozen=True)
class _Job:
    """One call of :meth:`DuckDBProcessor.process`, its arguments kept together."""

    contract: Contract
    source: Path
    obj: ObjectRef
    work_dir: Path
    stem: str
    processed_at: datetime


_PLANS_KEPT = 64  # plan verdicts remembered, oldest forgotten first
# Curated is written from the validated table one partition at a time while the partitions'
# COPYs read at most this many times the row groups that hold valid rows (a row read costs about
# a third of a row sorted: at 5M rows in five interleaved days, 3.4 s against 3.0 s), in at most
# this many statements (each costs a few milliseconds); otherwise from a copy sorted by partition.
_SCAN_FACTOR = 4
_ROW_GROUP_ROWS = 122_880  # DuckDB's row group, the unit a scan skips by its zone map
_PARTITION_COPIES = 64
_UNORDERED = (
    "curated rows are not in the object's order (DuckDB planned the validation with a join): of two "
    "records of one key in this object, analytics models may keep either"
)
_SERIAL_HINT = "quoted new lines"  # DuckDB: the parallel scanner cannot pad records with line breaks


class _NeedsSerialScan(Exception):
    """The object must be read again without DuckDB's parallel CSV scanner."""


def _parquet_fields(con: Any, source: Path) -> list[str]:
    """The top-level field names of a Parquet file, as written (DuckDB renames clashing ones)."""
    nodes = con.execute(f"SELECT name, num_children FROM parquet_schema({literal(str(source))})").fetchall()
    names, position = [], 1

    def skip(at: int) -> int:  # the position after the subtree that starts at ``at``
        children, at = nodes[at][1] or 0, at + 1
        for _ in range(children):
            at = skip(at)
        return at

    for _ in range(nodes[0][1] or 0):
        names.append(str(nodes[position][0]))
        position = skip(position)
    return names


def _keeps_order(con: Any, create: str) -> bool:
    """Whether DuckDB plans ``create`` to store rows in the order its source yields them.

    A batch insert is how DuckDB keeps insertion order across threads; any
    operator that may reorder rows (a join, say) turns it into a plain insert.
    """
    plan = "\n".join(row[1] for row in con.execute("EXPLAIN " + create).fetchall())
    return "BATCH_CREATE_TABLE_AS" in plan


def _rescan(reader: Reader) -> str:
    """The second scan that finds rejected rows' places when validation did not keep the order."""
    logger.info("validation could not keep the object's row order: scanning it again for positions")
    return _template("found_by_rescan").format(
        explained=_template("explain"),
        rescan=reader.rescan_relation,
        fingerprint=reader.fingerprint(),
        present=reader.present,
    )


def _unreadable(contract: Contract, exc: Exception) -> Exception:
    """Why DuckDB could not read the object: its content (a rejection), or the machine (a retry).

    Out of memory, a full or failing disk and an interrupt say nothing about the object, so
    they must not reject it for good: they fail the attempt, which is retried or redriven.
    """
    import duckdb

    if isinstance(exc, _resource_errors(duckdb)):
        return EngineResourceError(f"the engine failed, not the object: {first_line(exc)}")
    return FileRejectedError(f"cannot read the object as {contract.source.format.value}: {first_line(exc)}")


def _resource_errors(duckdb: Any) -> tuple[type[Exception], ...]:
    """DuckDB's errors that say nothing about the object: they fail the attempt, to be retried."""
    return (duckdb.OutOfMemoryException, duckdb.IOException, duckdb.InterruptException)


def _template(name: str) -> str:
    return sql_template("lakeline.engines.duckdb", name)
