"""Let DuckDB read the lake in S3: the httpfs extension, loaded offline, and a secret."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from lakeline.engines.duckdb.expressions import literal

if TYPE_CHECKING:
    from lakeline.adapters.aws.clients import S3Access


def httpfs_path() -> Path:
    """The httpfs extension file shipped by the ``duckdb-extension-httpfs`` wheel.

    Loaded by path: the wheel's own ``import_extension()`` fails when HOME is
    unset (as on Lambda), and DuckDB must not try to download anything.
    """
    from importlib import resources

    import duckdb

    root = Path(str(resources.files("duckdb_extension_httpfs")))
    return root / "extensions" / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"


def attach_s3(con: Any, access: S3Access) -> None:
    """Load httpfs and register the S3 credentials, region and endpoint."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute(f"LOAD {literal(str(httpfs_path()))}")
    options = ["TYPE s3", f"REGION {literal(access.region)}"]
    if access.key_id and access.secret:
        options += [f"KEY_ID {literal(access.key_id)}", f"SECRET {literal(access.secret)}"]
    if access.session_token:
        options.append(f"SESSION_TOKEN {literal(access.session_token)}")
    if access.endpoint_url:
        endpoint = urlparse(access.endpoint_url)
        options += [
            f"ENDPOINT {literal(endpoint.netloc)}",
            "URL_STYLE 'path'",
            f"USE_SSL {'true' if endpoint.scheme == 'https' else 'false'}",
        ]
    con.execute(f"CREATE OR REPLACE SECRET lakeline_s3 ({', '.join(options)})")


def lake_connection(s3: S3Access | None, memory_limit: str | None = None) -> Any:
    """A DuckDB connection that reads the lake as its tables are meant: in UTC, through httpfs on S3.

    Args:
        s3: How to reach the bucket, or None for a local lake.
        memory_limit: DuckDB's memory limit, or None for its default.
    """
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory_limit} if memory_limit else {})
    con.execute("SET TimeZone = 'UTC'")
    if s3 is not None:
        attach_s3(con, s3)
    return con
