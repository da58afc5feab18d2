"""The CLI's global options reach the settings as the user wrote them."""

from __future__ import annotations

from pathlib import Path

from lakeline.entrypoints.cli import main


def test_lake_option_keeps_a_bucket_uri_intact() -> None:
    ctx = main.make_context("lakeline", ["--lake", "s3://my-lake", "status"])
    assert ctx.params["lake"] == "s3://my-lake"


def test_lake_option_accepts_a_folder() -> None:
    ctx = main.make_context("lakeline", ["--lake", "some/folder", "status"])
    assert ctx.params["lake"] == "some/folder"


def test_aws_commands_without_a_region_say_what_to_set(tmp_path: Path) -> None:
    from click.testing import CliRunner

    unset = {"AWS_REGION": None, "AWS_DEFAULT_REGION": None, "AWS_CONFIG_FILE": str(tmp_path / "none")}
    result = CliRunner(env=unset).invoke(
        main, ["--project", str(tmp_path), "query", "--on", "aws", "SELECT 1"]
    )

    assert result.exit_code == 1
    assert "You must specify a region (set AWS_REGION" in result.output
    assert "Traceback" not in result.output
