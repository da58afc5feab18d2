"""The ``http`` block of a contract's source: how to pull records from a REST API."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# ``${VAR}`` or ``${VAR:-default}`` in a source URL, filled from the environment when pulling.
URL_VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def url_variables(url: str) -> list[tuple[str, str | None]]:
    """The variables a source URL uses: each name and its default, if any."""
    return [(m[1], m[2]) for m in URL_VARIABLE.finditer(url)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pagination(StrEnum):
    """How an API splits its results into pages."""

    NONE = "none"
    PAGE = "page"  # ?page=1,2,3...
    OFFSET = "offset"  # ?offset=0,100,200...&limit=100
    CURSOR = "cursor"  # ?cursor=<value of a field of the last response>
    LINK = "link"  # the Link header's rel="next"
    NEXT_URL = "next_url"  # a field of the response body holds the next page's URL


class Auth(_Model):
    """How to authenticate; the secret is named here and read from the environment (or Secrets Manager)."""

    type: Literal["none", "api_key_header", "bearer"] = "none"
    header: str = "X-API-Key"
    secret: str | None = Field(default=None, description="the environment variable (or secret id) to read")

    @model_validator(mode="after")
    def _secret_named(self) -> Auth:
        if self.type != "none" and not self.secret:
            raise ValueError(f"auth type {self.type} needs `secret`: the name of the variable that holds it")
        return self


class PaginationSpec(_Model):
    """The pagination style and its parameters."""

    style: Pagination = Pagination.NONE
    page_param: str = "page"
    first_page: int = 1
    size_param: str | None = "per_page"
    page_size: int = Field(default=100, ge=1)
    offset_param: str = "offset"
    limit_param: str = "limit"
    cursor_param: str = "cursor"
    cursor_path: str = "next_cursor"
    next_url_path: str = "next"


class Incremental(_Model):
    """Only records changed since the last pull: a request parameter fed from a record field."""

    field: str
    param: str
    initial: str
    lag_seconds: int = Field(default=0, ge=0)


class HttpSource(_Model):
    """A REST API that serves a dataset's records as JSON."""

    url: str = Field(pattern=r"^(https?://|\$\{)", description="may use ${VAR} or ${VAR:-default}")
    params: dict[str, str] = Field(default_factory=dict)
    auth: Auth = Auth()
    records_path: str = Field(default="", description="dot path to the records list ('' = the body itself)")
    pagination: PaginationSpec = PaginationSpec()
    incremental: Incremental | None = None
    timeout_seconds: float = Field(default=30, gt=0)
    max_retries: int = Field(default=5, ge=0)
    backoff_seconds: float = Field(default=1.0, ge=0)
    max_pages: int = Field(default=1000, ge=1)
    schedule: str = Field(default="rate(1 hour)", description="EventBridge Scheduler expression on AWS")
