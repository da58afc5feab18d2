from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TIERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, taken from the folder it lives in."""
    for item in items:
        for tier in TIERS:
            if f"/tests/{tier}/" in str(item.path):
                item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding the repository's sample contract and queries."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "datasets", root / "datasets")
    shutil.copytree(REPO / "sql", root / "sql")
    return root


@pytest.fixture
def runtime(project: Path) -> Iterator[object]:
    from lakeline.runtime.local import LocalRuntime
    from lakeline.runtime.settings import LocalSettings

    yield LocalRuntime(LocalSettings.load(project, env={}))
