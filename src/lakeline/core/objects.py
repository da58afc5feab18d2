"""Objects in the lake: identity, versions and where a dataset's data lives."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lakeline.errors import InvalidKeyError

MAX_KEY_BYTES = 1024  # S3's limit on a key's UTF-8 length


class Zone(StrEnum):
    """The zones of the lake, each a top-level prefix."""

    RAW = "raw"
    CURATED = "curated"
    QUARANTINE = "quarantine"
    ANALYTICS = "analytics"
    QUALITY = "quality"


@dataclass(frozen=True)
class ObjectRef:
    """One version of one object in the lake's bucket (or local folder)."""

    bucket: str
    key: str
    size: int
    etag: str
    version_id: str | None = None
    last_modified: datetime | None = None

    @property
    def object_id(self) -> str:
        """The identity of the object across its versions: ``bucket/key``."""
        return f"{self.bucket}/{self.key}"

    @property
    def version(self) -> str:
        """The token that tells one version of the object from another."""
        return self.version_id or self.etag


def validate_key(key: str) -> str:
    """Check that an object key stays inside the lake and return it.

    Args:
        key: An object key relative to the lake root.

    Returns:
        The same key.

    Raises:
        InvalidKeyError: If the key is empty, absolute, has ``.`` or ``..``
            segments, empty segments, control characters, or is too long.
    """
    if not key:
        raise InvalidKeyError("object key is empty")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidKeyError(f"object key is longer than {MAX_KEY_BYTES} bytes: {key[:80]!r}...")
    if key.startswith("/") or "\\" in key:
        raise InvalidKeyError(f"object key {key!r} must be relative and use '/' separators")
    if any(ord(c) < 32 for c in key):
        raise InvalidKeyError(f"object key {key!r} contains control characters")
    segments = key.split("/")
    if any(s in ("", ".", "..") for s in segments[:-1]) or segments[-1] in (".", ".."):
        raise InvalidKeyError(f"object key {key!r} has an empty, '.' or '..' segment")
    return key


def zone_prefix(zone: Zone, dataset: str) -> str:
    """The prefix under which a dataset's objects live in a zone (ends with '/')."""
    return f"{zone.value}/{dataset}/"


def dataset_of_raw_key(key: str) -> str | None:
    """The dataset that owns a raw key (``raw/<dataset>/...``), or None."""
    parts = key.split("/")
    if len(parts) >= 3 and parts[0] == Zone.RAW.value and parts[1] and parts[-1]:
        return parts[1]
    return None


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def output_stem(obj: ObjectRef) -> str:
    """The file-name stem of every output derived from an object.

    The stem depends on the object's bucket and key but not on its version, so
    reprocessing an object, or processing a new version of it, replaces its own
    output files in place instead of adding new ones beside them.
    """
    digest = hashlib.sha256(obj.object_id.encode("utf-8")).hexdigest()[:16]
    base = _UNSAFE.sub("_", obj.key.rsplit("/", 1)[-1])[:48].strip("._") or "object"
    return f"{base}-{digest}"
