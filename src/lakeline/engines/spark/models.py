"""Run analytics models on Spark: the same models, the same de-duplication, the same answers.

Pure ``DataFrame -> DataFrame`` functions do the work; the runner implements the
ModelRunner port so that a build can swap DuckDB for Spark (locally with
``file://`` paths, on AWS Glue with a GlueContext's session).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lakeline.analytics.models import Model
from lakeline.athena.transpile import parse_statements, to_spark
from lakeline.core.contracts import Contract
from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import curated_table, query_schema
from lakeline.usecases.build import ModelInput, written_partitions

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FILE_COLUMN = "__file"
ROW_COLUMN = "__row"  # the row's place in its file
PATH_COLUMN = "__path"
INGESTED_COLUMN = "__ingested_at"


def local_session(app: str = "lakeline", cores: int = 2) -> SparkSession:
    """A local SparkSession like Glue's: UTC, ANSI off (as Glue 5.0), small shuffles."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", "-XX:-DontCompileHugeMethods")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _uri(path: str) -> str:
    # Not Path.as_uri(): it would escape the '=' of dt=... and Spark would look for dt%3D...
    return path if "://" in path else "file://" + str(Path(path).resolve())


def read_source(spark: SparkSession, contract: Contract, files: list[ModelInput]) -> DataFrame:
    """The curated files of a dataset, with dt, the file they came from and its ingest time.

    Files are matched to their ingest time by file name: names derive from the source
    object, so one name always means one object (and one ingest), whatever its partition.
    """
    from pyspark.sql import functions as F

    uris = [_uri(f.uri) for f in files]
    base = min(u.rsplit(f"/{PARTITION_COLUMN}=", 1)[0] for u in uris)
    name = F.element_at(F.split(F.input_file_name(), "/"), -1)
    frame = (
        spark.read.option("basePath", base)
        .parquet(*uris)
        .withColumn(FILE_COLUMN, name)
        .withColumn(ROW_COLUMN, F.col("_metadata.row_index"))
        .withColumn(PATH_COLUMN, F.col("_metadata.file_path"))
    )
    times = spark.createDataFrame(
        sorted({(u.rsplit("/", 1)[-1], f.ingested_at) for u, f in zip(uris, files, strict=True)}),
        [FILE_COLUMN, INGESTED_COLUMN],
    )
    return frame.join(F.broadcast(times), FILE_COLUMN, "left")


def deduplicate(frame: DataFrame, primary_key: tuple[str, ...]) -> DataFrame:
    """One row per primary key: the latest ingest wins.

    Ties go to the last file name, then the last row of the file, then the last path, as in the
    DuckDB runner (sql/deduplicated_source.sql).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not primary_key:
        return frame
    latest = (F.col(c).desc() for c in (INGESTED_COLUMN, FILE_COLUMN, ROW_COLUMN, PATH_COLUMN))
    order = Window.partitionBy(*primary_key).orderBy(*latest)
    return frame.withColumn("__keep", F.row_number().over(order)).where("__keep = 1").drop("__keep")


def empty_source(spark: SparkSession, contract: Contract) -> DataFrame:
    """A dataset with no rows, typed by its contract."""
    columns = ", ".join(f"CAST(NULL AS {c.type}) AS `{c.name}`" for c in contract.columns)
    return spark.sql(f"SELECT {columns}, CAST(NULL AS STRING) AS `{PARTITION_COLUMN}` WHERE 1 = 0")


def model_frame(spark: SparkSession, model: Model, contracts: ContractRegistry) -> DataFrame:
    """The model's query on the views registered for its sources, in Spark SQL with Athena's semantics."""
    schema = query_schema(curated_table(contracts.get(s)) for s in model.sources)
    (statement,) = parse_statements(model.sql)
    return spark.sql(to_spark(statement, schema))


class SparkModelRunner:
    """Builds model partitions with Spark."""

    def __init__(self, spark: SparkSession | None = None) -> None:
        self._spark = spark

    @property
    def spark(self) -> SparkSession:
        """The session (a local one unless one was given, e.g. Glue's)."""
        if self._spark is None:
            self._spark = local_session()
        return self._spark

    def run(
        self, model: Model, contracts: ContractRegistry, inputs: dict[str, list[ModelInput]], work_dir: Path
    ) -> dict[str, tuple[Path, int]]:
        """Build the partitions the inputs cover; partition -> (file, rows)."""
        spark = self.spark
        # dt is a string partition (as in the Glue tables), never a date Spark guesses from it.
        spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        for source in model.sources:
            contract = contracts.get(source)
            if inputs.get(source):
                frame = deduplicate(read_source(spark, contract, inputs[source]), contract.primary_key)
                frame = frame.select(*contract.column_names, PARTITION_COLUMN)
            else:
                frame = empty_source(spark, contract)
            frame.createOrReplaceTempView(source)
        result = model_frame(spark, model, contracts).cache()
        counts = {r[0]: r[1] for r in result.groupBy(PARTITION_COLUMN).count().collect()}
        if not counts:
            return {}
        out = work_dir / model.name
        try:
            write_on_driver(as_declared(result, model, contracts), out)
        finally:
            result.unpersist()
        return written_partitions(out, counts)


def as_declared(frame: DataFrame, model: Model, contracts: ContractRegistry) -> DataFrame:
    """The model's columns cast to the types its table declares (as DuckDB types the query).

    Spark types some expressions otherwise: a ratio of decimal sums is decimal(38,18) where the
    table says double, a sum of decimal(10,2) is decimal(20,2) where it says decimal(38,2).
    Athena reads a Parquet column only as the type its table declares.
    """
    from pyspark.sql import functions as F

    from lakeline.engines.duckdb.models import model_table

    declared = model_table(model, contracts).columns
    return frame.select(*[F.col(c.name).cast(c.type) for c in declared], PARTITION_COLUMN)


def write_on_driver(frame: DataFrame, out: Path) -> None:
    """Write ``frame`` as one zstd Parquet file per partition under ``out/dt=<value>/``, on the driver.

    A Spark write to a local path would land on the executors' disks, which on a Glue
    cluster are other machines than the driver that publishes the files. Model results are
    aggregates, small enough to stream to the driver partition by partition.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    columns = [f for f in frame.schema.fields if f.name != PARTITION_COLUMN]
    # Timestamps travel as microseconds: collect() would render them in the driver's local zone.
    selected = [
        F.unix_micros(F.col(f.name)).alias(f.name)
        if isinstance(f.dataType, T.TimestampType)
        else F.col(f.name)
        for f in columns
    ]
    schema = pa.schema([(f.name, _arrow_type(f.dataType)) for f in columns])
    rows: dict[str, list[dict[str, object]]] = {}
    for row in frame.select(*selected, PARTITION_COLUMN).toLocalIterator():
        values = row.asDict()
        rows.setdefault(str(values.pop(PARTITION_COLUMN)), []).append(values)
    for partition, found in rows.items():
        folder = out / f"{PARTITION_COLUMN}={partition}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.Table.from_pylist(found, schema=schema), folder / "part-0.parquet", compression="zstd"
        )


def _arrow_type(spark_type: object) -> object:
    """The Arrow type a model column is written with (what Spark's own Parquet writer would use)."""
    import pyarrow as pa
    from pyspark.sql import types as T

    simple = {
        T.StringType: pa.string(), T.LongType: pa.int64(), T.IntegerType: pa.int32(),
        T.ShortType: pa.int16(), T.ByteType: pa.int8(), T.DoubleType: pa.float64(),
        T.FloatType: pa.float32(), T.BooleanType: pa.bool_(), T.DateType: pa.date32(),
        T.TimestampType: pa.timestamp("us"),
    }  # fmt: skip
    for kind, arrow in simple.items():
        if isinstance(spark_type, kind):
            return arrow
    if isinstance(spark_type, T.DecimalType):
        return pa.decimal128(spark_type.precision, spark_type.scale)
    raise TypeError(f"a model column of Spark type {spark_type} cannot be written yet")
