"""A lakeline project: a folder with dataset contracts, SQL, and local state."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lakeline.core.registry import ContractRegistry

DATASETS = "datasets"
QUERIES = Path("sql") / "queries"
MODELS = Path("sql") / "models"
STATE = ".lakeline"


@dataclass(frozen=True)
class Project:
    """Where a project's files are."""

    root: Path

    @property
    def datasets_dir(self) -> Path:
        """The folder of dataset contracts."""
        return self.root / DATASETS

    @property
    def queries_dir(self) -> Path:
        """The folder of analytical queries (Athena SQL)."""
        return self.root / QUERIES

    @property
    def state_dir(self) -> Path:
        """Local state: the lake folder, the ledger, samples."""
        return self.root / STATE

    @property
    def models_dir(self) -> Path:
        """The folder of analytics models."""
        return self.root / MODELS

    def contracts(self) -> ContractRegistry:
        """Load and validate every contract of the project."""
        return ContractRegistry.from_directory(self.datasets_dir)

    def queries(self) -> list[Path]:
        """The analytical queries, in name order."""
        return sorted(self.queries_dir.glob("*.sql")) if self.queries_dir.is_dir() else []

    @property
    def initialized(self) -> bool:
        """Whether the project has a datasets folder."""
        return self.datasets_dir.is_dir()


def sample_root() -> Path:
    """The sample project shipped with lakeline (the taxi_trips dataset and its queries)."""
    packaged = Path(str(resources.files("lakeline"))) / "_sample"
    if packaged.is_dir():
        return packaged
    # A source checkout: the repository itself is the sample project.
    return Path(__file__).resolve().parents[2]


def init_project(root: Path) -> list[Path]:
    """Copy the sample contracts and queries into ``root`` without overwriting anything.

    Returns:
        The files created.
    """
    created: list[Path] = []
    source = sample_root()
    for relative in (Path(DATASETS), QUERIES, MODELS):
        for path in sorted((source / relative).glob("*")):
            target = root / relative / path.name
            if path.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                created.append(target)
    return created
