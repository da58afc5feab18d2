"""One stack per environment: it only composes the capability constructs."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from constructs import Construct

from lakeline import __version__
from lakeline.analytics.models import load_models
from lakeline.engines.duckdb.models import model_table
from lakeline.project import Project
from lakeline_infra.api_ingest import ApiIngest
from lakeline_infra.catalog import Catalog
from lakeline_infra.config import EnvConfig
from lakeline_infra.cost import Cost, tag_everything
from lakeline_infra.dashboard import Dashboard
from lakeline_infra.etl import Etl
from lakeline_infra.ingestion import Ingestion
from lakeline_infra.large_objects import LargeObjects
from lakeline_infra.ledger import Ledger
from lakeline_infra.monitoring import Monitoring
from lakeline_infra.nag import acknowledge, add_checkov_skips
from lakeline_infra.orchestration import Orchestration
from lakeline_infra.query import Query
from lakeline_infra.storage import Storage

REPO = Path(__file__).resolve().parents[2]


class LakelineStack(cdk.Stack):
    """The whole platform of one environment."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvConfig,
        lambda_code: Path | None,
        project: Path = REPO,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, description=f"lakeline data lake ({config.name})", **kwargs)  # type: ignore[arg-type]
        layout = Project(project)
        contracts = layout.contracts()
        storage = Storage(self, "Storage", config=config)
        ledger = Ledger(self, "Ledger", config=config, key=storage.key)
        ingestion = Ingestion(
            self, "Ingestion", config=config, storage=storage, ledger=ledger.table, code=lambda_code
        )
        loaded = load_models(layout.models_dir, contracts)
        models = [model_table(m, contracts) for m in loaded]
        rulesets = {c.name: c.quality.rules for c in contracts if c.quality is not None}
        rulesets |= {m.name: m.quality.rules for m in loaded if m.quality is not None}
        catalog = Catalog(
            self, "Catalog", config=config, contracts=contracts, lake=storage.curated,
            analytics=storage.analytics, models=models, rulesets=rulesets,
        )  # fmt: skip
        Query(
            self, "Query", config=config, results=storage.athena_results, key=storage.key,
            database=catalog.database_name, queries_dir=layout.queries_dir,
        )  # fmt: skip
        monitoring = Monitoring(
            self, "Monitoring", config=config, key=storage.key, function=ingestion.function,
            dead_letters=ingestion.dead_letters,
        )  # fmt: skip
        Cost(self, "Cost", config=config, topic=monitoring.topic, storage=storage, code=lambda_code)
        api = ApiIngest(
            self, "ApiIngest", config=config, contracts=contracts, storage=storage, ledger=ledger.table,
            dead_letters=ingestion.dead_letters, code=lambda_code,
        )  # fmt: skip
        artifacts = f"s3://{storage.artifacts.bucket_name}/glue"
        etl = Etl(
            self, "Etl", config=config, storage=storage, ledger=ledger.table,
            script=f"{artifacts}/transform_data.py",
            wheel=f"{artifacts}/lakeline-{__version__}-py3-none-any.whl",
            database=catalog.database_name, analytics_tables=[m.name for m in models],
        )  # fmt: skip
        large = LargeObjects(
            self, "LargeObjects", config=config, storage=storage, ledger=ledger.table,
            script=f"{artifacts}/transform_data.py",
            wheel=f"{artifacts}/lakeline-{__version__}-py3-none-any.whl",
            security=etl.security.name,  # type: ignore[arg-type]
        )  # fmt: skip
        large.job.add_resource_dependency(etl.security)
        # Objects above the function's limit go to that job (docs/aws.md).
        ingestion.function.add_environment("LAKELINE_GLUE_JOB", large.job_name)
        large.allow_start(ingestion.function)
        orchestration = Orchestration(
            self, "Orchestration", config=config, storage=storage, ledger=ledger.table, job=etl.job,
            database=catalog.database_name, topic=monitoring.topic, code=lambda_code,
        )  # fmt: skip
        monitoring.watch_datasets(contracts)
        monitoring.watch_workflow(
            orchestration.state_machine, [f"{config.project}-analytics", large.job_name]
        )
        monitoring.watch_athena(config.project)
        Dashboard(
            self, "Dashboard", config=config, process=ingestion.function, queue=ingestion.queue,
            dead_letters=ingestion.dead_letters, workflow=orchestration.state_machine,
            job_name=f"{config.project}-analytics", workgroup=config.project,
        )  # fmt: skip
        cdk.CfnOutput(
            self, "GlueArtifacts", value=artifacts,
            description="Upload the Glue script and the lakeline wheel here (docs/setup_guide.md)",
        )  # fmt: skip
        tag_everything(self, config)
        acknowledge(
            self,
            prefix_grants=[
                *ingestion.prefix_grants,
                *etl.prefix_grants,
                *large.prefix_grants,
                *api.prefix_grants,
                *orchestration.prefix_grants,
            ],
            invoked=[api.function] if api.schedules else [],
            scoped=[*orchestration.acknowledgments, *etl.acknowledgments],
        )
        add_checkov_skips(self)
