"""Glue Data Quality results, as lakeline's RuleResults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lakeline.quality.rules import RuleResult


def rule_result(glue: Mapping[str, Any]) -> RuleResult:
    """One of GetDataQualityResult's ``RuleResults``: PASS is Passed, FAIL and ERROR are Failed."""
    passed = glue.get("Result") == "PASS"
    return RuleResult(
        rule=str(glue.get("Description") or glue.get("Name", "")),
        outcome="Passed" if passed else "Failed",
        failure_reason=None if passed else str(glue.get("EvaluationMessage") or glue.get("Result", "ERROR")),
        evaluated_metrics={str(k): float(v) for k, v in (glue.get("EvaluatedMetrics") or {}).items()},
    )


class GlueQualityResults:
    """Fetches the rule results of Glue Data Quality runs."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self, result_ids: Sequence[str]) -> list[RuleResult]:
        """The rule results of the given result ids, in their order."""
        results: list[RuleResult] = []
        for start in range(0, len(result_ids), 100):  # BatchGetDataQualityResult takes 100 ids
            response = self.client.batch_get_data_quality_result(
                ResultIds=list(result_ids[start : start + 100])
            )
            by_id = {r["ResultId"]: r for r in response.get("Results", [])}
            for result_id in result_ids[start : start + 100]:
                results += [rule_result(r) for r in by_id.get(result_id, {}).get("RuleResults", [])]
        return results
