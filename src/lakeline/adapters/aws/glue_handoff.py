"""Hand an object too large for Lambda to the Glue job."""

from __future__ import annotations

from typing import Any

from lakeline.core.objects import ObjectRef


class GlueHandoff:
    """Starts one run of the Glue processing job for one object."""

    def __init__(self, job_name: str, client: Any) -> None:
        self.job_name = job_name
        self.client = client

    def start(self, obj: ObjectRef, dataset: str) -> str:
        """Start the job for this object version; returns the job run it started."""
        run = self.client.start_job_run(
            JobName=self.job_name,
            Arguments={
                "--lakeline_object": f"s3://{obj.bucket}/{obj.key}",
                "--lakeline_version": obj.version,
                "--lakeline_dataset": dataset,
            },
        )
        return f"Glue job {self.job_name} run {run['JobRunId']}"
