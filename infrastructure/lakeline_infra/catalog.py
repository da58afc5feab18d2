"""Catalog: the Glue database and one curated and one quarantine table per dataset contract."""

from __future__ import annotations

from aws_cdk import aws_glue as glue
from aws_cdk import aws_s3 as s3
from constructs import Construct

from lakeline.core.contracts import Contract
from lakeline.core.objects import Zone, zone_prefix
from lakeline.core.partitioning import PARTITION_COLUMN, Granularity
from lakeline.core.quarantine import QUARANTINE_COLUMNS
from lakeline.core.registry import ContractRegistry
from lakeline_infra.config import EnvConfig

PARQUET = {
    "input_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "output_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "serde": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
}
# Athena partition projection for dt, by the contract's partitioning.
PROJECTION = {
    Granularity.DAY: ("yyyy-MM-dd", "DAYS"),
    Granularity.HOUR: ("yyyy-MM-dd-HH", "HOURS"),
    Granularity.MONTH: ("yyyy-MM", "MONTHS"),
}
PROJECTION_START = {
    Granularity.DAY: "2020-01-01",
    Granularity.HOUR: "2020-01-01-00",
    Granularity.MONTH: "2020-01",
}


def projection(location: str, granularity: Granularity) -> dict[str, str]:
    """Table parameters that let Athena compute dt partitions instead of listing them."""
    fmt, unit = PROJECTION[granularity]
    return {
        "projection.enabled": "true",
        f"projection.{PARTITION_COLUMN}.type": "date",
        f"projection.{PARTITION_COLUMN}.format": fmt,
        f"projection.{PARTITION_COLUMN}.range": f"{PROJECTION_START[granularity]},NOW",
        f"projection.{PARTITION_COLUMN}.interval": "1",
        f"projection.{PARTITION_COLUMN}.interval.unit": unit,
        "storage.location.template": f"{location}{PARTITION_COLUMN}=${{{PARTITION_COLUMN}}}",
        "classification": "parquet",
        "parquet.compression": "ZSTD",
    }


class Catalog(Construct):
    """Glue tables generated from the contracts: the names and types are never typed twice."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        contracts: ContractRegistry,
        lake: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.database_name = config.project.replace("-", "_")
        database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=lake.stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=self.database_name,
                description=f"{config.project}: the lake's curated and quarantine tables",
            ),
        )
        self.tables: dict[str, glue.CfnTable] = {}
        for contract in contracts:
            for name, zone, columns in (
                (contract.name, Zone.CURATED, [(c.name, c.type, c.description) for c in contract.columns]),
                (f"{contract.name}_quarantine", Zone.QUARANTINE, [(n, t, "") for n, t in QUARANTINE_COLUMNS]),
            ):
                table = self._table(contract, name, zone, columns, lake)
                table.add_resource_dependency(database)
                self.tables[name] = table

    def _table(
        self,
        contract: Contract,
        name: str,
        zone: Zone,
        columns: list[tuple[str, str, str]],
        lake: s3.IBucket,
    ) -> glue.CfnTable:
        location = f"s3://{lake.bucket_name}/{zone_prefix(zone, contract.name)}"
        granularity = contract.partitioning if zone is Zone.CURATED else Granularity.DAY
        return glue.CfnTable(
            self,
            f"Table-{name}",
            catalog_id=lake.stack.account,
            database_name=self.database_name,
            table_input=glue.CfnTable.TableInputProperty(
                name=name,
                description=contract.description
                if zone is Zone.CURATED
                else f"Rejected records of {contract.name}",
                table_type="EXTERNAL_TABLE",
                parameters=projection(location, granularity),
                partition_keys=[glue.CfnTable.ColumnProperty(name=PARTITION_COLUMN, type="string")],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=location,
                    input_format=PARQUET["input_format"],
                    output_format=PARQUET["output_format"],
                    serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library=PARQUET["serde"]),
                    columns=[
                        glue.CfnTable.ColumnProperty(name=n, type=t, comment=d or None) for n, t, d in columns
                    ],
                ),
            ),
        )
