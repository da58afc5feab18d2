"""Metrics as CloudWatch Embedded Metric Format log lines, through Powertools."""

from __future__ import annotations

from collections.abc import Mapping


class EmfMetrics:
    """Each metric becomes one EMF document on stdout; CloudWatch turns it into a metric."""

    def __init__(self, namespace: str = "lakeline", service: str = "lakeline") -> None:
        self.namespace = namespace
        self.service = service

    def emit(
        self, name: str, value: float, unit: str = "Count", dimensions: Mapping[str, str] | None = None
    ) -> None:
        """Record one measurement with its own dimensions."""
        from aws_lambda_powertools.metrics import MetricUnit, single_metric

        with single_metric(name=name, unit=MetricUnit(unit), value=value, namespace=self.namespace) as metric:
            metric.add_dimension(name="service", value=self.service)
            for key, dim in (dimensions or {}).items():
                metric.add_dimension(name=key, value=dim)
