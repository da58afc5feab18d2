"""The lake as a local folder, with S3's semantics where they matter."""

from __future__ import annotations

import contextlib
import glob
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from lakeline.core.objects import ObjectRef, validate_key
from lakeline.errors import InvalidKeyError, ObjectNotFoundError

STALE_TMP_SECONDS = 60  # a temporary file untouched this long belongs to a writer that died
TMP_PREFIX = ".tmp-"  # lakeline's readers list through the store, which skips these


class LocalObjectStore:
    """A folder that behaves like an unversioned S3 bucket.

    Writes are atomic (a temporary file renamed into place), so a reader never
    sees half an object. The ETag is derived from size and modification time,
    which changes whenever the object is replaced, as an S3 ETag would.
    """

    def __init__(self, root: Path, bucket: str = "lakeline-local") -> None:
        self.root = root.resolve()
        self.bucket = bucket
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        validate_key(key)
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidKeyError(f"object key {key!r} resolves outside the lake")
        return path

    def _ref(self, key: str, path: Path) -> ObjectRef:
        stat = path.stat()
        return ObjectRef(
            bucket=self.bucket,
            key=key,
            size=stat.st_size,
            etag=f"{stat.st_size:x}-{stat.st_mtime_ns:x}",
            last_modified=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
        )

    def head(self, key: str) -> ObjectRef:
        """The current version of an object.

        Raises:
            ObjectNotFoundError: If there is no such object.
        """
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFoundError(f"no object s3://{self.bucket}/{key} (looked in {path})")
        return self._ref(key, path)

    def list(self, prefix: str) -> Iterator[ObjectRef]:
        """Every object under a prefix, in key order, skipping temporary files."""
        base = self.root / prefix.split("/", maxsplit=1)[0] if prefix else self.root
        if not base.exists():
            return
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix) and not path.name.startswith(TMP_PREFIX):
                yield self._ref(key, path)

    def put_file(self, key: str, path: Path) -> ObjectRef:
        """Copy (or move, if on the same disk and under the work dir) a file into place atomically."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # A writer killed mid-copy leaves its temporary file; the next write of the key clears it
        # (its own key's only, and only once old: a live writer of the same key may be mid-copy).
        for stale in target.parent.glob(f"{TMP_PREFIX}{'[0-9a-f]' * 32}-{glob.escape(target.name)}"):
            with contextlib.suppress(FileNotFoundError):
                if time.time() - stale.stat().st_mtime > STALE_TMP_SECONDS:
                    stale.unlink()
        tmp = target.with_name(f"{TMP_PREFIX}{uuid.uuid4().hex}-{target.name}")
        try:
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return self._ref(key, target)

    def delete(self, key: str) -> None:
        """Delete an object and any folders it leaves empty."""
        path = self._path(key)
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """The object's own file: nothing to copy on a local disk."""
        self.head(key)
        return nullcontext(self._path(key))

    def uri(self, key: str) -> str:
        """The local path of a key or prefix."""
        return str(self.root / key)
