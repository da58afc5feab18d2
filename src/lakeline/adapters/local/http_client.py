"""HTTP GET with the standard library (no extra dependency)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from lakeline.errors import TransientError
from lakeline.ports import HttpResponse


class HttpConnectionError(TransientError):
    """The request did not get an answer (refused, reset, timed out)."""


class UrllibHttpClient:
    """The HttpClient port on urllib; HTTP error statuses are answers, not exceptions."""

    def get(
        self, url: str, params: Mapping[str, str], headers: Mapping[str, str], timeout: float
    ) -> HttpResponse:
        """One GET request."""
        query = urllib.parse.urlencode(params)
        full = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        request = urllib.request.Request(full, headers=dict(headers), method="GET")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return HttpResponse(
                    answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
                )
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise HttpConnectionError(f"{url}: {exc}") from exc
