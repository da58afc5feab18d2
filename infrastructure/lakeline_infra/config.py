"""Typed per-environment settings of the platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aws_cdk as cdk

from lakeline.core.cost_model import DEPLOYMENTS


@dataclass(frozen=True)
class EnvConfig:
    """Everything that differs between environments."""

    name: Literal["dev", "prod"]
    owner: str
    removal_policy: cdk.RemovalPolicy
    log_retention_days: int
    raw_archive_class: str  # INTELLIGENT_TIERING or GLACIER
    raw_archive_after_days: int
    athena_results_expire_days: int
    alarm_email: str | None
    monthly_budget_usd: int
    lambda_memory_mb: int
    lambda_timeout_minutes: int
    lambda_reserved_concurrency: int
    max_lambda_object_bytes: int
    glue_workers: int
    glue_flex: bool
    athena_bytes_cutoff: int
    athena_daily_bytes_alarm: int = 50 * 1024**3  # alert when the workgroup scans more in a day
    workflow_every_hours: int = 1  # the analytics workflow's schedule (Partition Updated also runs it)
    schema_policy_override: Literal["strict", "additive"] | None = None

    @property
    def lambda_ephemeral_mb(self) -> int:
        """``/tmp`` of process_object: the object's copy, its outputs and DuckDB's spill files.

        Each is at most about the object's size; a gzip object's decompressed copy is made only
        when a third of what is left free holds it. Lambda allows 512 to 10,240 MB.
        """
        return min(max(3 * self.max_lambda_object_bytes // 1024**2, 512), 10240)

    @property
    def project(self) -> str:
        """The name prefix of the environment's resources."""
        return f"lakeline-{self.name}"


ENVIRONMENTS: dict[str, EnvConfig] = {
    "dev": EnvConfig(
        name="dev",
        owner="data-platform",
        removal_policy=cdk.RemovalPolicy.DESTROY,
        log_retention_days=14,
        raw_archive_class=DEPLOYMENTS["dev"].raw_archive,
        raw_archive_after_days=0,
        athena_results_expire_days=7,
        alarm_email=None,
        monthly_budget_usd=50,
        lambda_memory_mb=DEPLOYMENTS["dev"].lambda_memory_mb,  # one full vCPU
        lambda_timeout_minutes=DEPLOYMENTS["dev"].lambda_timeout_minutes,
        lambda_reserved_concurrency=5,
        max_lambda_object_bytes=int(DEPLOYMENTS["dev"].max_object_gb * 1024**3),
        glue_workers=DEPLOYMENTS["dev"].glue_workers,
        glue_flex=DEPLOYMENTS["dev"].glue_flex,
        athena_bytes_cutoff=int(DEPLOYMENTS["dev"].athena_cutoff_gb * 1024**3),
        workflow_every_hours=24 // DEPLOYMENTS["dev"].workflow_runs_per_day,
    ),
    "prod": EnvConfig(
        name="prod",
        owner="data-platform",
        removal_policy=cdk.RemovalPolicy.RETAIN,
        log_retention_days=90,
        raw_archive_class=DEPLOYMENTS["prod"].raw_archive,
        raw_archive_after_days=90,
        athena_results_expire_days=30,
        alarm_email="data-platform-alerts@example.com",
        monthly_budget_usd=500,
        lambda_memory_mb=DEPLOYMENTS["prod"].lambda_memory_mb,
        lambda_timeout_minutes=DEPLOYMENTS["prod"].lambda_timeout_minutes,
        lambda_reserved_concurrency=50,
        max_lambda_object_bytes=int(DEPLOYMENTS["prod"].max_object_gb * 1024**3),
        glue_workers=DEPLOYMENTS["prod"].glue_workers,
        glue_flex=DEPLOYMENTS["prod"].glue_flex,
        athena_bytes_cutoff=int(DEPLOYMENTS["prod"].athena_cutoff_gb * 1024**3),
        workflow_every_hours=24 // DEPLOYMENTS["prod"].workflow_runs_per_day,
    ),
}
