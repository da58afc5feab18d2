"""Query: an Athena workgroup per environment, and the named queries from sql/queries/."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_athena as athena
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from lakeline_infra.config import EnvConfig


class Query(Construct):
    """Enforced workgroup settings: encrypted results, a scan cut-off per query, engine v3."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        results: s3.IBucket,
        key: kms.IKey,
        database: str,
        queries_dir: Path,
    ) -> None:
        super().__init__(scope, construct_id)
        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=config.project,
            description=f"{config.project}: queries over the lake",
            state="ENABLED",
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=config.athena_bytes_cutoff,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(
                    selected_engine_version="Athena engine version 3"
                ),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{results.bucket_name}/results/",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=key.key_arn
                    ),
                ),
            ),
        )
        for path in sorted(queries_dir.glob("*.sql")):  # SQL lives in .sql files, read at synth
            named = athena.CfnNamedQuery(
                self,
                f"Query-{path.stem}",
                name=path.stem,
                database=database,
                work_group=self.workgroup.name,
                query_string=path.read_text(encoding="utf-8"),
                description=path.read_text(encoding="utf-8").splitlines()[0].lstrip("- ")[:1024],
            )
            named.add_resource_dependency(self.workgroup)
