"""The AWS path end to end on emulated AWS: S3 -> EventBridge -> SQS -> the Lambda handler."""

from __future__ import annotations

import os
from pathlib import Path

from lakeline.core.ledger import Status
from lakeline.entrypoints.demo_aws import run_aws_demo


def test_the_aws_path_lands_the_same_answers_as_local_mode(tmp_path: Path) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("LAKELINE_")}

    report = run_aws_demo(tmp_path, files=2, rows=1500)

    assert report.batches and all(b == {"batchItemFailures": []} for b in report.batches)
    assert sorted(e.status for e in report.ledger) == [Status.PROCESSED, Status.PROCESSED]
    assert all(e.rows_in == 1500 == e.rows_kept + e.rows_quarantined for e in report.ledger)
    assert {k.split("/")[2] for k in report.curated_keys} == {"dt=2024-01-01", "dt=2024-01-02"}
    kept = sum(e.rows_kept for e in report.ledger)
    assert report.metrics["RowsIn"] == 3000
    assert report.metrics["RowsKept"] == kept
    assert report.metrics["ObjectsProcessed"] == 2
    assert report.aws_answer == report.local_answer
    assert sum(row[1] for row in report.aws_answer) == kept
    # The handler's settings were set for the demo only: later code must not reach a stopped server.
    assert {k: v for k, v in os.environ.items() if k.startswith("LAKELINE_")} == before
