"""A sample HTTP API for the demo: hourly weather observations, paginated JSON, on 127.0.0.1.

It serves ``GET /observations?updated_since=...&cursor=...`` with 100 records a page and a
``next_cursor`` field, like many REST APIs, so that ``lakeline demo`` shows an HTTP source
beside the files: pulled, written to raw/ and processed by the same event path.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

PAGE = 100
STATIONS = ("KNYC", "KJFK", "KLGA", "KEWR")


def observations(
    days: int = 3, seed: int = 7, start: datetime = datetime(2024, 1, 1, tzinfo=UTC)
) -> list[dict[str, Any]]:
    """Hourly observations of four stations, deterministic, ordered by update time."""
    rng = random.Random(seed)
    records = []
    for hour in range(days * 24):
        at = start + timedelta(hours=hour)
        for station in STATIONS:
            records.append(
                {
                    "id": f"{station}-{at:%Y%m%d%H}",
                    "station": station,
                    "observed_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "updated_at": (at + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "temp_c": round(-1.0 + 6 * rng.random() + (3 if 12 <= at.hour <= 16 else 0), 1),
                    "wind_kph": round(rng.uniform(0, 35), 1),
                    "precip_mm": round(max(0.0, rng.gauss(0, 0.6)), 1),
                }
            )
    return records


@contextmanager
def serve(records: list[dict[str, Any]], port: int = 0) -> Iterator[str]:
    """Serve the records on 127.0.0.1; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            if parsed.path != "/observations":
                self.send_error(404)
                return
            query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
            since = query.get("updated_since", "")
            rows = [r for r in records if r["updated_at"] >= since]
            start = int(query.get("cursor") or 0)
            more = start + PAGE < len(rows)
            body = json.dumps(
                {"items": rows[start : start + PAGE], "next_cursor": str(start + PAGE) if more else None}
            )
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
