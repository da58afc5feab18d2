"""One factory for boto3 clients, honouring endpoint overrides (moto, LocalStack, MinIO)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


def endpoint_and_region(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The endpoint override (``LAKELINE_AWS_ENDPOINT_URL``) and region an environment names, if any."""
    endpoint = env.get("LAKELINE_AWS_ENDPOINT_URL") or None
    return endpoint, env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


@dataclass(frozen=True)
class S3Access:
    """What an engine outside boto3 (DuckDB's httpfs) needs to reach S3."""

    region: str
    key_id: str | None
    secret: str | None
    session_token: str | None
    endpoint_url: str | None


@dataclass
class AwsClients:
    """Builds and caches boto3 clients.

    ``endpoint_url`` overrides every service's endpoint; without it boto3's own
    settings apply, including ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_S3``.
    """

    region: str | None = None
    endpoint_url: str | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AwsClients:
        """Clients for the endpoint and region of an environment (default: this process's)."""
        endpoint, region = endpoint_and_region(os.environ if env is None else env)
        return cls(region=region, endpoint_url=endpoint)

    def _session(self) -> Any:
        if "session" not in self._cache:
            import boto3

            self._cache["session"] = boto3.session.Session(region_name=self.region)
        return self._cache["session"]

    def client(self, service: str) -> Any:
        """A cached client for a service."""
        if service not in self._cache:
            self._cache[service] = self._session().client(service, endpoint_url=self.endpoint_url)
        return self._cache[service]

    def s3(self) -> S3Client:
        """The S3 client."""
        client: S3Client = self.client("s3")
        return client

    def dynamodb(self) -> DynamoDBClient:
        """The DynamoDB client."""
        client: DynamoDBClient = self.client("dynamodb")
        return client

    def sqs(self) -> SQSClient:
        """The SQS client."""
        client: SQSClient = self.client("sqs")
        return client

    def s3_access(self) -> S3Access:
        """Region, credentials and endpoint of the S3 client, for DuckDB."""
        s3 = self.s3()
        credentials = self._session().get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials else None
        endpoint = s3.meta.endpoint_url
        default = endpoint.startswith("https://s3.") and endpoint.endswith(".amazonaws.com")
        return S3Access(
            region=s3.meta.region_name or "us-east-1",
            key_id=frozen.access_key if frozen else None,
            secret=frozen.secret_key if frozen else None,
            session_token=frozen.token if frozen else None,
            endpoint_url=None if default else endpoint,
        )
