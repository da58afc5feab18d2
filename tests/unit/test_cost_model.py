"""`lakeline cost`: each line follows from its stated assumption, and the naive design costs more."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lakeline.core.cost_model import (
    DAYS,
    DEPLOYMENTS,
    PARQUET_RATIO,
    Workload,
    beyond_the_design,
    estimate,
    naive,
    total,
)
from lakeline.core.pricing import TB
from lakeline.entrypoints.cli import main


def _line(lines: list, service: str) -> float:  # type: ignore[type-arg]
    (found,) = [li.usd_per_month for li in lines if li.service == service]
    return float(found)


def test_athena_costs_what_the_pruned_scan_reads() -> None:
    workload = Workload(gb_per_day=100, files_per_day=10, queries_per_day=50, retention_days=30)

    ours = estimate(workload, DEPLOYMENTS["prod"])

    scanned = 100 * PARQUET_RATIO * 7 * 0.3 * 1024**3  # a week of Parquet, a third of the columns
    assert _line(ours, "Athena") == pytest.approx(50 * DAYS * scanned / TB * 5.0)
    assert _line(naive(workload), "Athena over raw CSV") == pytest.approx(
        50 * DAYS * 100 * 30 * 1024**3 / TB * 5.0
    )


def test_storage_follows_retention_and_the_archive_class() -> None:
    workload = Workload(gb_per_day=10, retention_days=365)

    dev, prod = (_line(estimate(workload, DEPLOYMENTS[e]), "S3 raw") for e in ("dev", "prod"))

    assert dev == pytest.approx(900 * 0.023 + 2750 * 0.004)  # Intelligent-Tiering's archive tier
    assert prod == pytest.approx(900 * 0.023 + 2750 * 0.0036)  # Glacier after 90 days


def test_every_line_states_its_assumption_and_lakeline_is_cheaper_than_naive() -> None:
    for workload in (
        Workload(),
        Workload(gb_per_day=0.5, files_per_day=24, queries_per_day=10, retention_days=90),
    ):
        ours, theirs = estimate(workload, DEPLOYMENTS["dev"]), naive(workload)
        assert all(line.assumption and line.usd_per_month >= 0 for line in ours + theirs)
        assert total(ours) < total(theirs)


def test_the_command_prints_both_designs_and_the_price_date() -> None:
    result = CliRunner().invoke(
        main, ["cost", "--gb-per-day", "1", "--queries-per-day", "20", "--env", "dev"]
    )

    assert result.exit_code == 0, result.output
    assert "lakeline (dev)" in result.output and "naive" in result.output
    assert "Prices: 2026-11 (us-east-1, public list prices)" in result.output


def test_a_workload_beyond_the_configuration_is_named() -> None:
    dev, prod = DEPLOYMENTS["dev"], DEPLOYMENTS["prod"]
    big_files = Workload(gb_per_day=150, files_per_day=100, queries_per_day=0)
    wide_queries = Workload(gb_per_day=10, files_per_day=100, days_per_query=7)

    assert beyond_the_design(Workload(gb_per_day=1, files_per_day=100, days_per_query=1), dev) == []
    assert "1.5 GB is above the 1 GB" in beyond_the_design(big_files, dev)[0]
    assert beyond_the_design(big_files, prod) == []  # prod's limits: 2 GB objects, 100 GB scans
    (warning,) = beyond_the_design(wide_queries, dev)
    assert "scans 3.6 GB, above the workgroup's 1 GB cut-off" in warning
    assert beyond_the_design(wide_queries, prod) == []


def test_the_command_warns_before_its_tables() -> None:
    result = CliRunner().invoke(main, ["cost", "--gb-per-day", "500", "--files-per-day", "100"])

    assert result.exit_code == 0, result.output
    assert "warning: an average file of 5.0 GB" in " ".join(result.output.split())
