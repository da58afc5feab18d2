"""The AWS composition root: S3, DynamoDB, SQS, EMF metrics, Glue; settings from the environment."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lakeline.adapters.aws.clients import AwsClients, endpoint_and_region
from lakeline.adapters.aws.dynamodb_build_state import DynamoDbBuildState
from lakeline.adapters.aws.dynamodb_cursor_store import DynamoDbCursorStore
from lakeline.adapters.aws.dynamodb_ledger import DynamoDbLedger
from lakeline.adapters.aws.emf_metrics import EmfMetrics
from lakeline.adapters.aws.eventbridge_publisher import EventBridgePublisher
from lakeline.adapters.aws.glue_handoff import GlueHandoff
from lakeline.adapters.aws.glue_partitions import GluePartitionCatalog
from lakeline.adapters.aws.s3_object_store import S3ObjectStore
from lakeline.adapters.aws.secrets_manager import SecretsManagerSecrets
from lakeline.adapters.aws.sns_notifier import SnsNotifier
from lakeline.adapters.aws.sqs_dead_letters import SqsDeadLetters
from lakeline.adapters.local.http_client import UrllibHttpClient
from lakeline.analytics.models import Model, load_models
from lakeline.core.objects import Zone, zone_prefix
from lakeline.core.registry import ContractRegistry
from lakeline.engines.duckdb.processor import DuckDBProcessor, DuckDBSettings
from lakeline.project import Project, sample_root
from lakeline.runtime.settings import SettingsError
from lakeline.usecases.build import BuildDeps, ModelRunner
from lakeline.usecases.process_object import ProcessDeps
from lakeline.usecases.pull import PullDeps

# The deployed stack keeps raw data in LAKELINE_LAKE_BUCKET and the other zones in their own buckets.
ZONE_BUCKET_VARIABLES = {
    "curated": "LAKELINE_CURATED_BUCKET",
    "quarantine": "LAKELINE_CURATED_BUCKET",
    "analytics": "LAKELINE_ANALYTICS_BUCKET",
    "quality": "LAKELINE_CURATED_BUCKET",
}


@dataclass(frozen=True)
class AwsSettings:
    """What a Lambda function or a job needs to run on AWS, from its environment."""

    lake_bucket: str
    ledger_table: str
    project: Project
    dead_letter_queue_url: str | None = None
    glue_job_name: str | None = None
    max_object_bytes: int | None = None
    memory_limit: str = "512MB"
    work_dir: Path = Path("/tmp")  # the only writable folder on Lambda
    endpoint_url: str | None = None
    region: str | None = None
    metrics_namespace: str = "lakeline"
    event_bus: str | None = None
    zone_buckets: tuple[tuple[str, str], ...] = ()  # zone -> bucket, where zones have their own
    secret_prefix: str = ""  # prepended to the secret names HTTP contracts use
    alerts_topic_arn: str | None = None
    environment: str = "aws"
    database: str = "lakeline"  # the Glue database whose analytics partitions builds point

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AwsSettings:
        """Read and check ``LAKELINE_*`` variables.

        Raises:
            SettingsError: Naming each missing or malformed variable.
        """
        env = os.environ if env is None else env
        missing = [n for n in ("LAKELINE_LAKE_BUCKET", "LAKELINE_LEDGER_TABLE") if not env.get(n)]
        if missing:
            raise SettingsError(f"missing environment variable(s): {', '.join(missing)}")
        size = env.get("LAKELINE_MAX_OBJECT_BYTES")
        if size is not None and not size.isdigit():
            raise SettingsError(f"LAKELINE_MAX_OBJECT_BYTES={size!r}: expected a whole number of bytes")
        endpoint, region = endpoint_and_region(env)
        return cls(
            lake_bucket=env["LAKELINE_LAKE_BUCKET"],
            ledger_table=env["LAKELINE_LEDGER_TABLE"],
            project=Project(_project_root(env)),
            dead_letter_queue_url=env.get("LAKELINE_DLQ_URL") or None,
            glue_job_name=env.get("LAKELINE_GLUE_JOB") or None,
            max_object_bytes=int(size) if size else None,
            memory_limit=env.get("LAKELINE_MEMORY_LIMIT", "512MB"),
            work_dir=Path(env.get("LAKELINE_WORK_DIR", "/tmp")),
            endpoint_url=endpoint,
            region=region,
            metrics_namespace=env.get("POWERTOOLS_METRICS_NAMESPACE", "lakeline"),
            event_bus=env.get("LAKELINE_EVENT_BUS") or None,
            zone_buckets=tuple(
                (zone, env[variable]) for zone, variable in ZONE_BUCKET_VARIABLES.items() if env.get(variable)
            ),
            secret_prefix=env.get("LAKELINE_SECRET_PREFIX", ""),
            alerts_topic_arn=env.get("LAKELINE_ALERTS_TOPIC") or None,
            environment=env.get("LAKELINE_ENVIRONMENT", "aws"),
            database=env.get("LAKELINE_DATABASE", "lakeline"),
        )


def _project_root(env: Mapping[str, str]) -> Path:
    """Where the contracts and models are.

    ``LAKELINE_PROJECT`` if set; else a Lambda artifact's root; else the project packaged in
    the lakeline wheel, which is what a Glue job installs.
    """
    if env.get("LAKELINE_PROJECT"):
        return Path(env["LAKELINE_PROJECT"])
    if env.get("LAMBDA_TASK_ROOT"):
        return Path(env["LAMBDA_TASK_ROOT"])
    return sample_root()


class AwsRuntime:
    """Every port of the pipeline, wired to its AWS adapter."""

    def __init__(self, settings: AwsSettings, clients: AwsClients | None = None) -> None:
        self.settings = settings
        self.clients = clients or AwsClients(region=settings.region, endpoint_url=settings.endpoint_url)

    @cached_property
    def contracts(self) -> ContractRegistry:
        """The contracts packaged with the function."""
        return self.settings.project.contracts()

    @cached_property
    def store(self) -> S3ObjectStore:
        """The lake's buckets."""
        s = self.settings
        return S3ObjectStore(s.lake_bucket, self.clients.s3(), s.work_dir, dict(s.zone_buckets))

    @cached_property
    def ledger(self) -> DynamoDbLedger:
        """The ingestion ledger."""
        return DynamoDbLedger(self.settings.ledger_table, self.clients.dynamodb())

    @cached_property
    def metrics(self) -> EmfMetrics:
        """CloudWatch metrics, as embedded-metric-format log lines."""
        return EmfMetrics(self.settings.metrics_namespace)

    @cached_property
    def deps(self) -> ProcessDeps:
        """What processing needs, on AWS."""
        s = self.settings
        handoff = GlueHandoff(s.glue_job_name, self.clients.client("glue")) if s.glue_job_name else None
        return ProcessDeps(
            contracts=self.contracts,
            store=self.store,
            ledger=self.ledger,
            processor=DuckDBProcessor(DuckDBSettings(memory_limit=s.memory_limit)),
            metrics=self.metrics,
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            work_root=s.work_dir,
            max_object_bytes=s.max_object_bytes,
            handoff=handoff,
            events=EventBridgePublisher(s.event_bus, self.clients.client("events")) if s.event_bus else None,
        )

    @cached_property
    def models(self) -> list[Model]:
        """The analytics models packaged with the job."""
        return load_models(self.settings.project.models_dir, self.contracts)

    def build_deps(self, runner: ModelRunner) -> BuildDeps:
        """What an analytics build needs on AWS, with the given engine (Spark on Glue)."""
        return BuildDeps(
            contracts=self.contracts,
            store=self.store,
            ledger=self.ledger,
            state=DynamoDbBuildState(self.settings.ledger_table, self.clients.dynamodb()),
            runner=runner,
            metrics=self.metrics,
            catalog=self.catalog(Zone.ANALYTICS),
            work_root=self.settings.work_dir,
        )

    def catalog(self, zone: Zone) -> GluePartitionCatalog:
        """The Glue catalog's partitions of the tables in one zone (their bucket is the zone's)."""
        bucket = self.store.bucket_of(zone_prefix(zone, ""))
        return GluePartitionCatalog(self.settings.database, bucket, self.clients.client("glue"))

    @cached_property
    def pull_deps(self) -> PullDeps:
        """What pulling an HTTP dataset needs on AWS: the cursor beside the ledger, Secrets Manager."""
        return PullDeps(
            store=self.store,
            http=UrllibHttpClient(),
            cursors=DynamoDbCursorStore(self.settings.ledger_table, self.clients.dynamodb()),
            secrets=SecretsManagerSecrets(self.clients.client("secretsmanager"), self.settings.secret_prefix),
            metrics=self.metrics,
            work_root=self.settings.work_dir,
        )

    @cached_property
    def notifier(self) -> SnsNotifier | None:
        """Alerts to the SNS topic, when one is configured."""
        topic = self.settings.alerts_topic_arn
        return SnsNotifier(topic, self.clients.client("sns")) if topic else None

    @cached_property
    def dead_letters(self) -> SqsDeadLetters:
        """The dead-letter queue."""
        url = self.settings.dead_letter_queue_url
        return SqsDeadLetters(url, self.clients.sqs() if url else None)
