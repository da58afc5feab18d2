"""Pulling from HTTP APIs: every pagination style, incremental cursors, and every way an API fails."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lakeline.core.ledger import Status
from lakeline.errors import TransientError
from lakeline.runtime.local import LocalRuntime
from lakeline.usecases.landing import announce
from lakeline.usecases.pull import ApiUnavailableError, PullError, pull

from .api_server import Api, observations, serve
from .helpers import make_runtime, rows


def contract(base: str, style: str, **http: Any) -> dict[str, Any]:
    pagination = {"style": {"link": "link", "next_url": "next_url", "loop": "next_url"}.get(style, style)}
    if style in ("page", "offset"):
        pagination["page_size"] = 100
    records_path = {"page": "data.items", "offset": "results", "link": ""}.get(style, "items")
    return {
        "name": "observations",
        "source": {
            "format": "jsonl",
            "http": {
                "url": f"{base}/{style}",
                "records_path": records_path,
                "pagination": pagination,
                "backoff_seconds": 0.01,
                **http,
            },
        },
        "event_time": "observed_at",
        "primary_key": ["id"],
        "columns": [
            {"name": "id", "type": "bigint", "required": True},
            {"name": "station", "type": "string", "required": True},
            {"name": "observed_at", "type": "timestamp", "required": True, "formats": ["%Y-%m-%dT%H:%M:%SZ"]},
            {"name": "updated_at", "type": "string", "required": True},
            {"name": "temp_c", "type": "double"},
        ],
    }


@pytest.fixture
def api() -> Iterator[Api]:
    server = Api(records=observations(250))
    with serve(server):
        yield server


def runtime_for(tmp_path: Path, api: Api, style: str, **http: Any) -> LocalRuntime:
    runtime = make_runtime(tmp_path / "project", contract(api.base, style, **http))
    runtime.pull_deps.sleep = lambda _: None  # type: ignore[misc]
    return runtime


@pytest.mark.parametrize("style", ["page", "offset", "cursor", "link", "next_url"])
def test_every_pagination_style_pulls_every_record_once(tmp_path: Path, api: Api, style: str) -> None:
    runtime = runtime_for(tmp_path, api, style)

    result = pull(runtime.contracts.get("observations"), runtime.pull_deps)
    (processed,) = announce([result.object], runtime.bus)  # type: ignore[list-item]

    assert result.records == 250
    assert result.pages == 3
    assert processed.entry.status is Status.PROCESSED and processed.entry.rows_kept == 250
    assert rows(runtime, "SELECT count(DISTINCT id) FROM observations") == [(250,)]


def test_incremental_pulls_fetch_only_what_changed_and_skip_the_boundary(tmp_path: Path, api: Api) -> None:
    incremental = {"field": "updated_at", "param": "updated_since", "initial": "2024-01-01T00:00:00Z",
                   "lag_seconds": 30}  # fmt: skip
    runtime = runtime_for(tmp_path, api, "cursor", incremental=incremental)
    observations_contract = runtime.contracts.get("observations")

    first = pull(observations_contract, runtime.pull_deps)
    api.records += observations(20, start_hour=250)
    second = pull(observations_contract, runtime.pull_deps)
    third = pull(observations_contract, runtime.pull_deps)

    assert first.records == 250 and first.cursor == "2024-02-01T00:04:09Z"
    assert any("updated_since=2024-02-01T00%3A03%3A39Z" in r for r in api.requests)  # cursor - 30 s lag
    assert second.records == 20 and second.skipped_duplicates > 0  # the lag window refetched, then skipped
    assert third.records == 0 and third.object is None


def test_rate_limits_and_outages_are_retried_with_retry_after_and_backoff(tmp_path: Path, api: Api) -> None:
    runtime = runtime_for(tmp_path, api, "page")
    slept: list[float] = []
    runtime.pull_deps.sleep = slept.append  # type: ignore[misc]
    api.failures = [(429, {"Retry-After": "7"}, b""), (503, {}, b""), (502, {}, b"")]

    result = pull(runtime.contracts.get("observations"), runtime.pull_deps)

    assert result.records == 250
    assert slept[0] == 7.0 and len(slept) == 3  # Retry-After wins; then exponential backoff with jitter
    assert 0.005 <= slept[1] <= 0.02 and 0.01 <= slept[2] <= 0.04  # 0.01 s x 2^attempt x jitter (0.5-1)


def test_an_api_down_beyond_retries_is_transient_and_moves_nothing(tmp_path: Path, api: Api) -> None:
    incremental = {"field": "updated_at", "param": "updated_since", "initial": "2024"}
    runtime = runtime_for(tmp_path, api, "page", max_retries=2, incremental=incremental)
    api.failures = [(500, {}, b"")] * 3

    with pytest.raises(ApiUnavailableError, match="HTTP 500 after 3 attempts") as raised:
        pull(runtime.contracts.get("observations"), runtime.pull_deps)

    assert isinstance(raised.value, TransientError)
    assert runtime.cursors.get("observations") is None
    assert not list(runtime.store.list("raw/"))
    assert runtime.cursors.runs("observations")[-1][2] == "failed"


def test_an_api_nobody_listens_on_is_named_once_with_why(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{probe.getsockname()[1]}"
    runtime = make_runtime(tmp_path / "project", contract(base, "page", max_retries=0))

    with pytest.raises(ApiUnavailableError) as raised:
        pull(runtime.contracts.get("observations"), runtime.pull_deps)

    message = str(raised.value)
    assert message.count(base) == 1 and "cannot connect" in message and message.endswith("after 1 attempt")


BAD = [
    ("unauthorized", "page", [(401, {}, b"{}")], "HTTP 401: the API refused the credentials"),
    ("forbidden", "page", [(403, {}, b"{}")], "HTTP 403"),
    ("html", "page", [(200, {"Content-Type": "text/html"}, b"<html>oops</html>")], "not JSON (text/html)"),
    ("missing-path", "page", [(200, {}, b'{"data": {}}')], "records path 'data.items' not found"),
    ("not-a-list", "page", [(200, {}, b'{"data": {"items": 3}}')], "are not a list of objects"),
    ("not-found", "page", [(404, {}, b"no")], "HTTP 404"),
]


@pytest.mark.parametrize(("style", "failures", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_responses_fail_clearly_without_writing(
    tmp_path: Path, api: Api, style: str, failures: list[Any], message: str
) -> None:
    runtime = runtime_for(tmp_path, api, style)
    api.failures = list(failures)

    with pytest.raises(PullError, match=re.escape(message)):
        pull(runtime.contracts.get("observations"), runtime.pull_deps)

    assert not list(runtime.store.list("raw/"))
    assert rows(runtime, "SELECT count(*) FROM observations") == [(0,)]


def test_endless_pagination_is_stopped(tmp_path: Path, api: Api) -> None:
    runtime = runtime_for(tmp_path, api, "loop")
    with pytest.raises(PullError, match="pagination loops"):
        pull(runtime.contracts.get("observations"), runtime.pull_deps)


def test_max_pages_stops_and_says_more_remains(tmp_path: Path, api: Api) -> None:
    runtime = runtime_for(tmp_path, api, "page", max_pages=2)
    result = pull(runtime.contracts.get("observations"), runtime.pull_deps)
    assert result.truncated and result.records == 200 and "max_pages=2" in result.notes[0]


def test_a_crash_before_the_cursor_commit_refetches(tmp_path: Path, api: Api) -> None:
    incremental = {"field": "updated_at", "param": "updated_since", "initial": "2024-01-01T00:00:00Z"}
    runtime = runtime_for(tmp_path, api, "cursor", incremental=incremental)

    class CrashingCursors:
        def __init__(self, real: Any) -> None:
            self.real = real

        def get(self, dataset: str) -> Any:
            return self.real.get(dataset)

        def commit(self, dataset: str, state: Any) -> None:
            raise TransientError("the process died before the commit")

        def record_run(self, *args: Any) -> None:
            self.real.record_run(*args)

    crashing = replace(runtime.pull_deps, cursors=CrashingCursors(runtime.cursors))
    with pytest.raises(TransientError):
        pull(runtime.contracts.get("observations"), crashing)
    again = pull(runtime.contracts.get("observations"), runtime.pull_deps)

    assert len(list(runtime.store.list("raw/"))) == 2  # written twice: at least once
    assert again.records == 250 and runtime.cursors.get("observations") is not None


def test_the_bearer_token_is_sent_and_never_logged(
    tmp_path: Path, api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api.token = "s3cr3t-token-value"
    monkeypatch.setenv("OBS_TOKEN", api.token)
    runtime = runtime_for(tmp_path, api, "page", auth={"type": "bearer", "secret": "OBS_TOKEN"})
    api.failures = [(503, {}, b"")]
    caplog.set_level(logging.DEBUG)

    assert pull(runtime.contracts.get("observations"), runtime.pull_deps).records == 250
    assert api.token not in caplog.text
    monkeypatch.delenv("OBS_TOKEN")
    with pytest.raises(Exception, match="secret 'OBS_TOKEN' is not set"):
        pull(runtime.contracts.get("observations"), runtime.pull_deps)
