"""Catalog: the Glue database and the lake's tables, generated from the contracts and the models."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_glue as glue
from aws_cdk import aws_s3 as s3
from constructs import Construct

from lakeline.core.partitioning import PARTITION_COLUMN
from lakeline.core.registry import ContractRegistry
from lakeline.core.tables import TableSpec, lake_tables
from lakeline_infra.config import EnvConfig

PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def catalog_arns(scope: Construct, database: str, tables: Sequence[str] = ("*",)) -> list[str]:
    """The ARNs a Glue catalog call on some tables needs: the catalog, the database, the tables."""
    stack = cdk.Stack.of(scope)
    return [
        stack.format_arn(service="glue", resource="catalog"),
        stack.format_arn(service="glue", resource="database", resource_name=database),
        *(
            stack.format_arn(service="glue", resource="table", resource_name=f"{database}/{t}")
            for t in tables
        ),
    ]


def rulesets_arn(scope: Construct, project: str) -> str:
    """The ARN pattern of an environment's Glue Data Quality rulesets (``<project>-<table>``)."""
    return cdk.Stack.of(scope).format_arn(
        service="glue", resource="dataQualityRuleset", resource_name=f"{project}-*"
    )


class Catalog(Construct):
    """The Glue tables of the lake, with dt projection, and the Glue Data Quality rulesets.

    One table per lake table (curated and quarantine per contract, results, models), and one
    ruleset per dataset or model that has rules.

    The tables' names, columns and projection come from ``lakeline.core.tables``, the same
    specs the Athena DDL and the local engine use: they are never typed twice.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        contracts: ContractRegistry,
        lake: s3.IBucket,
        analytics: s3.IBucket,
        models: list[TableSpec],
        rulesets: dict[str, str] | None = None,
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
        located = [(spec, lake) for spec in lake_tables(contracts)] + [(spec, analytics) for spec in models]
        for spec, bucket in located:
            table = self._table(spec, bucket)
            table.add_resource_dependency(database)
            self.tables[spec.name] = table
        # Glue Data Quality rulesets: the same DQDL text lakeline evaluates locally (docs/quality.md).
        self.rulesets: dict[str, glue.CfnDataQualityRuleset] = {}
        for name, text in sorted((rulesets or {}).items()):
            ruleset = glue.CfnDataQualityRuleset(
                self,
                f"Ruleset-{name}",
                name=f"{config.project}-{name}",
                description=f"Data-quality rules of {name}, from the lakeline project",
                ruleset=text,
                target_table=glue.CfnDataQualityRuleset.DataQualityTargetTableProperty(
                    database_name=self.database_name, table_name=name
                ),
            )
            ruleset.add_resource_dependency(self.tables[name])
            self.rulesets[name] = ruleset

    def _table(self, spec: TableSpec, lake: s3.IBucket) -> glue.CfnTable:
        return glue.CfnTable(
            self,
            f"Table-{spec.name}",
            catalog_id=lake.stack.account,
            database_name=self.database_name,
            table_input=glue.CfnTable.TableInputProperty(
                name=spec.name,
                description=spec.description,
                table_type="EXTERNAL_TABLE",
                parameters=spec.properties(lake.bucket_name),
                partition_keys=[glue.CfnTable.ColumnProperty(name=PARTITION_COLUMN, type="string")],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=spec.location(lake.bucket_name),
                    input_format=PARQUET_INPUT,
                    output_format=PARQUET_OUTPUT,
                    serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library=PARQUET_SERDE),
                    columns=[
                        glue.CfnTable.ColumnProperty(name=c.name, type=c.type, comment=c.comment or None)
                        for c in spec.columns
                    ],
                ),
            ),
        )
