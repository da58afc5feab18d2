from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TIERS = ("unit", "integration", "e2e", "infra", "spark")


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


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 (and other services) as a real HTTP server on 127.0.0.1, for boto3 and DuckDB."""
    from lakeline.emulated.aws import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(moto_endpoint: str) -> str:
    """A fresh, empty bucket on the moto server."""
    import uuid

    import boto3

    name = f"lake-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return name


def create_ledger_table(client: object, name: str = "ledger") -> None:
    """The ledger table as the stack defines it (its key and its collection index), on demand."""
    from lakeline.adapters.aws.ledger_table import create_table_request

    client.create_table(**create_table_request(name))  # type: ignore[attr-defined]


@pytest.fixture
def dynamodb_ledger() -> Iterator[object]:
    """A DynamoDB client (moto, in-process) with an empty ledger table named 'ledger'."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_ledger_table(client)
        yield client
