"""A small JSON API on 127.0.0.1 for pull tests: every pagination style, and the ways APIs fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


def observations(count: int, start_hour: int = 0) -> list[dict[str, Any]]:
    """Hourly weather observations with an increasing updated_at."""
    return [
        {
            "id": n,
            "station": "KNYC",
            "observed_at": f"2024-01-{1 + (start_hour + n) // 24:02d}T{(start_hour + n) % 24:02d}:00:00Z",
            "updated_at": f"2024-02-01T00:{(start_hour + n) // 60:02d}:{(start_hour + n) % 60:02d}Z",
            "temp_c": round(-2.0 + (n % 17) * 0.5, 1),
        }
        for n in range(start_hour, start_hour + count)
    ]


@dataclass
class Api:
    """What the server serves and how it misbehaves; requests are recorded."""

    records: list[dict[str, Any]] = field(default_factory=list)
    token: str | None = None
    failures: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)  # served first, in order
    requests: list[str] = field(default_factory=list)
    base: str = ""

    def page(self, style: str, query: dict[str, str]) -> tuple[Any, dict[str, str]]:
        since = query.get("updated_since")
        rows = [r for r in self.records if since is None or r["updated_at"] >= since]
        size = int(query.get("per_page", query.get("limit", "100")))
        if style == "page":
            start = (int(query.get("page", "1")) - 1) * size
            return {"data": {"items": rows[start : start + size]}}, {}
        if style == "offset":
            start = int(query.get("offset", "0"))
            return {"results": rows[start : start + size]}, {}
        start = int(query.get("cursor", "0") or 0) if style == "cursor" else int(query.get("at", "0"))
        chunk, following = rows[start : start + 100], start + 100
        more = following < len(rows)
        if style == "cursor":
            return {"items": chunk, "next_cursor": str(following) if more else None}, {}
        if style == "link":
            link = {"Link": f'<{self.base}/link?at={following}>; rel="next"'} if more else {}
            return chunk, link
        if style == "next_url":
            return {"items": chunk, "next": f"{self.base}/next_url?at={following}" if more else None}, {}
        if style == "loop":
            return {"items": chunk, "next": f"{self.base}/loop?at=0"}, {}
        raise KeyError(style)


@contextmanager
def serve(api: Api) -> Iterator[str]:
    """Serve the API on a free port of 127.0.0.1; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            api.requests.append(self.path)
            if api.failures:
                status, headers, body = api.failures.pop(0)
                return self._send(status, headers, body)
            if api.token and self.headers.get("Authorization") != f"Bearer {api.token}":
                return self._send(401, {}, b'{"error": "unauthorized"}')
            query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
            body, headers = api.page(parsed.path.strip("/"), query)
            return self._send(200, {"Content-Type": "application/json", **headers}, json.dumps(body).encode())

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api.base
    finally:
        server.shutdown()
        server.server_close()
