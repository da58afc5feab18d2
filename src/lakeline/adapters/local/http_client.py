"""HTTP GET with the standard library (no extra dependency)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from lakeline.errors import TerminalError, TransientError
from lakeline.ports import HttpResponse


class HttpConnectionError(TransientError):
    """The request did not get an answer (refused, reset, timed out)."""


class UnsafeUrlError(TerminalError):
    """A URL (e.g. a "next page" link from an API's answer) names a scheme other than http(s)."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only: urllib would also follow one to ftp://."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise UnsafeUrlError(
                f"{req.full_url!r} redirects to {newurl!r}: only http and https are followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


class UrllibHttpClient:
    """The HttpClient port on urllib; HTTP error statuses are answers, not exceptions."""

    def get(
        self, url: str, params: Mapping[str, str], headers: Mapping[str, str], timeout: float
    ) -> HttpResponse:
        """One GET request."""
        scheme = urllib.parse.urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            # urllib would also open file:// and ftp://: a next-page link must never read local files.
            shown = f"{scheme}://" if scheme else "a relative URL"
            raise UnsafeUrlError(f"{url!r}: only absolute http and https URLs are fetched, not {shown}")
        query = urllib.parse.urlencode(params)
        full = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        request = urllib.request.Request(full, headers=dict(headers), method="GET")
        try:
            # The scheme was checked above, and redirects are checked by the opener (B310).
            with _OPENER.open(request, timeout=timeout) as answer:  # nosec B310
                return HttpResponse(
                    answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
                )
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise HttpConnectionError(f"cannot connect: {exc}") from exc  # the caller names the URL
