"""Settings of the local runtime, modelled once and validated at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lakeline.adapters.aws.clients import endpoint_and_region
from lakeline.errors import TerminalError
from lakeline.project import Project

_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$", re.IGNORECASE)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
S3_SCHEME = "s3://"


class SettingsError(TerminalError):
    """A setting has a value lakeline cannot use."""


@dataclass(frozen=True)
class LocalSettings:
    """Everything the local runtime needs to know about where and how to run.

    The lake is a local folder (``lake_root``) or an S3 bucket (``s3_bucket``):
    exactly one of the two is set.
    """

    project: Project
    lake_root: Path | None
    bucket: str = "lakeline-local"
    memory_limit: str = "512MB"
    s3_bucket: str | None = None
    aws_endpoint_url: str | None = None
    aws_region: str | None = None

    @property
    def state_db(self) -> Path:
        """The SQLite file of the ledger, metrics and alerts."""
        return self.project.state_dir / "state.db"

    @classmethod
    def load(
        cls,
        project_dir: Path | None = None,
        lake: Path | str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> LocalSettings:
        """Build settings from arguments, then ``LAKELINE_*`` variables, then defaults.

        Raises:
            SettingsError: If a value is malformed.
        """
        env = os.environ if env is None else env
        root = (project_dir or Path(env.get("LAKELINE_PROJECT", "."))).resolve()
        project = Project(root)
        where = str(lake or env.get("LAKELINE_LAKE", project.state_dir / "lake"))
        memory = env.get("LAKELINE_MEMORY_LIMIT", "512MB")
        if not _MEMORY.match(memory):
            raise SettingsError(f"LAKELINE_MEMORY_LIMIT={memory!r}: expected a size such as 512MB or 2GB")
        endpoint, region = endpoint_and_region(env)
        aws = {"aws_endpoint_url": endpoint, "aws_region": region}
        if where.startswith(S3_SCHEME):
            bucket = _s3_bucket(where)
            return cls(project, None, bucket, memory, s3_bucket=bucket, **aws)
        bucket = env.get("LAKELINE_BUCKET", "lakeline-local")
        if not _BUCKET.match(bucket):
            raise SettingsError(f"LAKELINE_BUCKET={bucket!r} is not a valid S3 bucket name")
        return cls(project, Path(where).resolve(), bucket, memory, **aws)


def _s3_bucket(uri: str) -> str:
    bucket, _, prefix = uri[len(S3_SCHEME) :].partition("/")
    if prefix.strip("/"):
        raise SettingsError(
            f"lake {uri!r}: the lake must be a whole bucket (s3://name), because the deployed "
            "EventBridge rules match keys from the bucket's root (raw/...)"
        )
    if not _BUCKET.match(bucket):
        raise SettingsError(f"lake {uri!r}: {bucket!r} is not a valid S3 bucket name")
    return bucket
