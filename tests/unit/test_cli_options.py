"""The CLI's global options reach the settings as the user wrote them."""

from __future__ import annotations

from lakeline.entrypoints.cli import main


def test_lake_option_keeps_a_bucket_uri_intact() -> None:
    ctx = main.make_context("lakeline", ["--lake", "s3://my-lake", "status"])
    assert ctx.params["lake"] == "s3://my-lake"


def test_lake_option_accepts_a_folder() -> None:
    ctx = main.make_context("lakeline", ["--lake", "some/folder", "status"])
    assert ctx.params["lake"] == "some/folder"
