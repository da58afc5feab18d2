"""Pull a dataset from an HTTP API: page through it, write the records to raw/, then move the cursor.

The cursor moves only after the records are written, so a crash between the two
re-fetches (at least once); processing and the models' de-duplication keep the
results exact.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import random
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lakeline.core.contracts import Contract
from lakeline.core.http_source import URL_VARIABLE, HttpSource, Pagination
from lakeline.core.objects import ObjectRef
from lakeline.errors import TerminalError, TransientError
from lakeline.ports import CursorState, CursorStore, HttpClient, HttpResponse, Metrics, ObjectStore, Secrets
from lakeline.usecases.landing import raw_key

logger = logging.getLogger(__name__)
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class PullError(TerminalError):
    """The API answered in a way retrying will not fix (bad credentials, not JSON, a loop)."""


class ApiUnavailableError(TransientError):
    """The API stayed unavailable (5xx, 429, timeouts) through every retry."""


@dataclass
class PullDeps:
    """The ports a pull needs."""

    store: ObjectStore
    http: HttpClient
    cursors: CursorStore
    secrets: Secrets
    metrics: Metrics
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    work_root: Path | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)  # fills ${VAR} in source URLs


@dataclass
class PullResult:
    """What one pull did."""

    dataset: str
    pages: int = 0
    records: int = 0
    skipped_duplicates: int = 0
    object: ObjectRef | None = None
    cursor: str | None = None
    truncated: bool = False  # max_pages was reached: more remains for the next run
    notes: list[str] = field(default_factory=list)


def _dig(body: Any, path: str, what: str) -> Any:
    node = body
    for part in [p for p in path.split(".") if p]:
        if not isinstance(node, dict) or part not in node:
            raise PullError(f"{what} path {path!r} not found in the response (missing {part!r})")
        node = node[part]
    return node


def _fetch(source: HttpSource, url: str, params: Mapping[str, str], headers: Mapping[str, str],
           deps: PullDeps) -> HttpResponse:  # fmt: skip
    """One page, retried on 429, 5xx and connection errors with backoff and jitter (Retry-After wins)."""
    for attempt in range(source.max_retries + 1):
        try:
            response = deps.http.get(url, params, headers, source.timeout_seconds)
        except TransientError as exc:
            problem, wait = str(exc), None
        else:
            if response.status in (401, 403):
                raise PullError(f"{url}: HTTP {response.status}: the API refused the credentials")
            if response.status in (429, 500, 502, 503, 504):
                problem = f"HTTP {response.status}"
                retry_after = response.headers.get("retry-after", "")
                wait = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None
            elif response.status >= 400:
                raise PullError(f"{url}: HTTP {response.status}: {response.body[:200]!r}")
            else:
                return response
        if attempt == source.max_retries:
            tries = source.max_retries + 1
            raise ApiUnavailableError(f"{url}: {problem} after {tries} attempt{'s' if tries > 1 else ''}")
        delay = (
            wait if wait is not None else source.backoff_seconds * 2**attempt * (0.5 + random.random() / 2)
        )
        logger.info("%s: %s; retrying in %.1f s", url, problem, delay)
        deps.sleep(delay)
    raise AssertionError("unreachable")


def _json(url: str, response: HttpResponse) -> Any:
    try:
        return json.loads(response.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        kind = response.headers.get("content-type", "unknown content type")
        raise PullError(f"{url}: the response is not JSON ({kind}): {response.body[:120]!r}") from None


def _since(cursor: str, lag_seconds: int) -> str:
    """The cursor moved back by the lag window (for timestamps; other cursors are used as they are)."""
    if not lag_seconds:
        return cursor
    try:
        moment = datetime.fromisoformat(cursor.replace("Z", "+00:00"))
    except ValueError:
        return cursor
    earlier = moment - timedelta(seconds=lag_seconds)
    return earlier.isoformat().replace("+00:00", "Z") if cursor.endswith("Z") else earlier.isoformat()


def resolve_url(url: str, environ: Mapping[str, str]) -> str:
    """Fill ``${VAR}`` and ``${VAR:-default}`` in a URL from the environment.

    Raises:
        PullError: If a variable without a default is not set.
    """

    def value(match: re.Match[str]) -> str:
        found = environ.get(match[1]) or match[2]
        if found is None:
            raise PullError(f"the source URL needs ${{{match[1]}}}, which is not set")
        return found

    return URL_VARIABLE.sub(value, url)


def _pages(source: HttpSource, params: dict[str, str], headers: Mapping[str, str], deps: PullDeps,
           result: PullResult) -> list[dict[str, Any]]:  # fmt: skip
    spec = source.pagination
    url, records, seen = resolve_url(source.url, deps.environ), [], set()
    page, offset = spec.first_page, 0
    for _ in range(source.max_pages):
        if spec.style is Pagination.PAGE:
            params[spec.page_param] = str(page)
            if spec.size_param:
                params[spec.size_param] = str(spec.page_size)
        if spec.style is Pagination.OFFSET:
            params |= {spec.offset_param: str(offset), spec.limit_param: str(spec.page_size)}
        response = _fetch(source, url, params, headers, deps)
        body = _json(url, response)
        batch = _dig(body, source.records_path, "records")
        if not isinstance(batch, list) or not all(isinstance(r, dict) for r in batch):
            raise PullError(
                f"{url}: records at {source.records_path or 'the top level'!r} are not a list of objects"
            )
        records += batch
        result.pages += 1
        if spec.style is Pagination.NONE:
            return records
        if spec.style in (Pagination.PAGE, Pagination.OFFSET):
            if len(batch) < spec.page_size:
                return records
            page, offset = page + 1, offset + spec.page_size
            continue
        if spec.style is Pagination.CURSOR:
            token = (
                _dig(body, spec.cursor_path, "cursor")
                if isinstance(body, dict) and spec.cursor_path in body
                else None
            )
            if not token:
                return records
            following = f"cursor={token}"
            params[spec.cursor_param] = str(token)
        elif spec.style is Pagination.LINK:
            match = _LINK_NEXT.search(response.headers.get("link", ""))
            if not match:
                return records
            following, url, params = match[1], match[1], {}
        else:  # NEXT_URL
            token = body.get(spec.next_url_path) if isinstance(body, dict) else None
            if not token:
                return records
            following, url, params = str(token), str(token), {}
        if following in seen:
            raise PullError(f"{source.url}: pagination loops: {following!r} was already fetched")
        seen.add(following)
    result.truncated = True
    result.notes.append(f"stopped at max_pages={source.max_pages}; the next pull goes on from the cursor")
    return records


def _key_fields(contract: Contract) -> list[str]:
    """The source fields of the primary key: what tells one record from another across pulls."""
    return [c.source_field for c in contract.columns if c.name in contract.primary_key]


def _key_of(record: Mapping[str, Any], fields: list[str]) -> str:
    return json.dumps([record.get(f) for f in fields], sort_keys=True, default=str)


def pull(contract: Contract, deps: PullDeps) -> PullResult:
    """Pull new records of an HTTP dataset into raw/, then commit the cursor.

    Raises:
        PullError: Terminal problems (credentials, not JSON, missing records path, loops).
        ApiUnavailableError: The API stayed unavailable through every retry (transient).
    """
    source = contract.source.http
    if source is None:
        raise PullError(f"dataset {contract.name!r} has no http source")
    result = PullResult(contract.name)
    try:
        _pull(contract, source, deps, result)
    except (PullError, TransientError) as exc:
        deps.cursors.record_run(contract.name, "failed", result.pages, 0, str(exc))
        deps.metrics.emit("ApiErrors", 1, dimensions={"dataset": contract.name, "kind": type(exc).__name__})
        raise
    deps.cursors.record_run(contract.name, "ok", result.pages, result.records, "; ".join(result.notes))
    deps.metrics.emit("ApiPages", result.pages, dimensions={"dataset": contract.name})
    deps.metrics.emit("ApiRecords", result.records, dimensions={"dataset": contract.name})
    return result


def _pull(contract: Contract, source: HttpSource, deps: PullDeps, result: PullResult) -> None:
    params = dict(source.params)
    headers = {"Accept": "application/json"}
    if source.auth.type != "none" and source.auth.secret:
        secret = deps.secrets.get(source.auth.secret)
        headers |= (
            {"Authorization": f"Bearer {secret}"}
            if source.auth.type == "bearer"
            else {source.auth.header: secret}
        )
    state = deps.cursors.get(contract.name)
    incremental = source.incremental
    if incremental is not None:
        params[incremental.param] = _since(
            state.value if state else incremental.initial, incremental.lag_seconds
        )
    records = _pages(source, params, headers, deps, result)
    key_fields = _key_fields(contract)
    if incremental is not None and state is not None:
        known = set(state.boundary_keys)
        fresh = [r for r in records if _key_of(r, key_fields) not in known]
        result.skipped_duplicates = len(records) - len(fresh)
        records = fresh
    result.records = len(records)
    if records:
        result.object = _write(contract, records, deps)
    if incremental is not None:
        values = [str(r[incremental.field]) for r in records if r.get(incremental.field) is not None]
        if values:
            newest = max(values)
            window = _since(newest, incremental.lag_seconds)
            boundary = tuple(sorted({_key_of(r, key_fields) for r in records
                                     if str(r.get(incremental.field, "")) >= window}))  # fmt: skip
            deps.cursors.commit(contract.name, CursorState(newest, boundary))  # after the write, never before
            result.cursor = newest


def _write(contract: Contract, records: list[dict[str, Any]], deps: PullDeps) -> ObjectRef:
    stamp = deps.clock().strftime("%Y%m%dT%H%M%SZ")
    key = raw_key(contract.name, f"pull-{stamp}-{uuid.uuid4().hex[:8]}.jsonl.gz")
    with (
        tempfile.NamedTemporaryFile(suffix=".jsonl.gz", dir=deps.work_root, delete=False) as handle,
        gzip.open(handle, "wt", encoding="utf-8") as text,
    ):
        for record in records:
            text.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
    try:
        return deps.store.put_file(key, Path(handle.name))
    finally:
        Path(handle.name).unlink(missing_ok=True)
