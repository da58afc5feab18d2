"""The lake in an S3 bucket: the ObjectStore port on boto3."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakeline.core.objects import ObjectRef, validate_key
from lakeline.errors import ObjectNotFoundError, TerminalError, TransientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Errors that a retry may not meet again; everything else is terminal.
_TRANSIENT_CODES = {
    "SlowDown",
    "RequestTimeout",
    "InternalError",
    "ServiceUnavailable",
    "Throttling",
    "503",
    "500",
}


class S3StoreError(TerminalError):
    """S3 refused a request for a reason retrying cannot fix (access denied, no such bucket)."""


class S3TransientError(TransientError):
    """S3 failed in a way that a retry may not meet again (throttling, a 5xx)."""


def _translate(exc: Exception, what: str) -> Exception:
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NotFound"):
            return ObjectNotFoundError(f"no object {what}")
        if code in _TRANSIENT_CODES:
            return S3TransientError(f"S3 {code} on {what}: {exc}")
        return S3StoreError(f"S3 {code} on {what}: {exc}")
    if isinstance(exc, BotoCoreError):
        return S3TransientError(f"S3 connection failed on {what}: {exc}")
    return exc


class S3ObjectStore:
    """The lake in S3: one bucket, or one bucket per zone, addressed by the lake's keys.

    Keys are the same everywhere (``raw/...``, ``curated/...``); ``zone_buckets``
    sends each zone (the key's first segment) to its own bucket, as the deployed
    stack has them, and every other key to ``bucket``. A PUT is atomic in S3:
    readers see the old object or the new one, never part of one. Large files
    are uploaded in parts by boto3's transfer manager.
    """

    def __init__(
        self,
        bucket: str,
        client: S3Client,
        work_dir: Path | None = None,
        zone_buckets: Mapping[str, str] | None = None,
    ) -> None:
        self.bucket = bucket
        self.client = client
        self.work_dir = work_dir
        self.zone_buckets = dict(zone_buckets or {})

    def bucket_of(self, key: str) -> str:
        """The bucket that holds a key (or a prefix)."""
        return self.zone_buckets.get(key.split("/", 1)[0], self.bucket)

    def _ref(self, key: str, size: int, etag: str, modified: Any, version: str | None = None) -> ObjectRef:
        return ObjectRef(self.bucket_of(key), key, size, etag.strip('"'), version, modified)

    def head(self, key: str) -> ObjectRef:
        """The current version of an object; raises ObjectNotFoundError."""
        validate_key(key)
        try:
            meta = self.client.head_object(Bucket=self.bucket_of(key), Key=key)
        except Exception as exc:
            raise _translate(exc, self.uri(key)) from exc
        return self._ref(
            key, meta["ContentLength"], meta["ETag"], meta["LastModified"], meta.get("VersionId")
        )

    def list(self, prefix: str) -> Iterator[ObjectRef]:
        """Every object under a prefix, in key order."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket_of(prefix), Prefix=prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield self._ref(item["Key"], item["Size"], item["ETag"], item["LastModified"])
        except Exception as exc:
            raise _translate(exc, self.uri(prefix)) from exc

    def put_file(self, key: str, path: Path) -> ObjectRef:
        """Upload a file (in parts when large); S3 makes it visible atomically."""
        validate_key(key)
        try:
            self.client.upload_file(str(path), self.bucket_of(key), key)
        except Exception as exc:
            raise _translate(exc, self.uri(key)) from exc
        return self.head(key)

    def delete(self, key: str) -> None:
        """Delete an object; a missing object is not an error."""
        validate_key(key)
        try:
            self.client.delete_object(Bucket=self.bucket_of(key), Key=key)
        except Exception as exc:
            raise _translate(exc, self.uri(key)) from exc

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """Download the object to a temporary file, streamed to disk, and remove it afterwards."""
        validate_key(key)
        with tempfile.TemporaryDirectory(prefix="lakeline-s3-", dir=self.work_dir) as tmp:
            path = Path(tmp) / (key.rsplit("/", 1)[-1] or "object")
            try:
                self.client.download_file(self.bucket_of(key), key, str(path))
            except Exception as exc:
                raise _translate(exc, self.uri(key)) from exc
            yield path

    def uri(self, key: str) -> str:
        """The s3:// URI of a key or prefix."""
        return f"s3://{self.bucket_of(key)}/{key}"
