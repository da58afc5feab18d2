"""Settings of the local runtime, modelled once and validated at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lakeline.errors import TerminalError
from lakeline.project import Project

_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$", re.IGNORECASE)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class SettingsError(TerminalError):
    """A setting has a value lakeline cannot use."""


@dataclass(frozen=True)
class LocalSettings:
    """Everything the local runtime needs to know about where and how to run."""

    project: Project
    lake_root: Path
    bucket: str = "lakeline-local"
    memory_limit: str = "512MB"

    @property
    def state_db(self) -> Path:
        """The SQLite file of the ledger, metrics and alerts."""
        return self.project.state_dir / "state.db"

    @classmethod
    def load(
        cls,
        project_dir: Path | None = None,
        lake: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> LocalSettings:
        """Build settings from arguments, then ``LAKELINE_*`` variables, then defaults.

        Raises:
            SettingsError: If a value is malformed.
        """
        env = os.environ if env is None else env
        root = (project_dir or Path(env.get("LAKELINE_PROJECT", "."))).resolve()
        project = Project(root)
        lake_root = (lake or Path(env.get("LAKELINE_LAKE", project.state_dir / "lake"))).resolve()
        bucket = env.get("LAKELINE_BUCKET", "lakeline-local")
        memory = env.get("LAKELINE_MEMORY_LIMIT", "512MB")
        if not _BUCKET.match(bucket):
            raise SettingsError(f"LAKELINE_BUCKET={bucket!r} is not a valid S3 bucket name")
        if not _MEMORY.match(memory):
            raise SettingsError(f"LAKELINE_MEMORY_LIMIT={memory!r}: expected a size such as 512MB or 2GB")
        return cls(project=project, lake_root=lake_root, bucket=bucket, memory_limit=memory)
