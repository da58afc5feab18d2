"""lakeline.quality.evaluate: DQDL rules on DuckDB with Glue Data Quality's semantics."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from lakeline.quality import RuleResult, evaluate

NOW = datetime(2026, 11, 30, 6, tzinfo=UTC)
DATA = pa.table(
    {
        "id": [1, 2, 3, 3, None],
        "name": ["a", "bb", "", None, "  "],
        "x": [0.0, 20.0, 40.0, None, None],
        "at": [datetime(2026, 11, 29, 12), datetime(2026, 11, 30), datetime(2026, 11, 20), None,
               datetime(2026, 11, 29)],
    }
)  # fmt: skip


def _result(rule: str) -> RuleResult:
    (result,) = evaluate(f"Rules = [ {rule} ]", DATA, now=NOW)
    assert result.rule == rule
    return result


@pytest.mark.parametrize(
    ("rule", "passed", "metrics"),
    [
        ("RowCount = 5", True, {"Dataset.*.RowCount": 5}),
        # between is exclusive; not between is its complement.
        ("RowCount between 4 and 5", False, {"Dataset.*.RowCount": 5}),
        ("RowCount not between 4 and 5", True, {"Dataset.*.RowCount": 5}),
        ("ColumnCount = 4", True, {"Dataset.*.ColumnCount": 4}),
        ('ColumnExists "id"', True, {}),
        ('IsComplete "name"', False, {"Column.name.Completeness": 0.8}),
        ('Completeness "id" > 0.7', True, {"Column.id.Completeness": 0.8}),
        # Uniqueness: values seen exactly once over non-null rows (1 and 2 of 1, 2, 3, 3).
        ('Uniqueness "id" = 0.5', True, {"Column.id.Uniqueness": 0.5}),
        ('IsUnique "id"', False, {"Column.id.Uniqueness": 0.5}),
        (
            'IsPrimaryKey "id" "name"',
            False,
            {
                "Multicolumn.id,name.Uniqueness": 1.0,
                "Column.id.Completeness": 0.8,
                "Column.name.Completeness": 0.8,
            },
        ),
        ('UniqueValueRatio "id" between 0.66 and 0.67', True, {"Column.id.UniqueValueRatio": 2 / 3}),
        # NULL is one more distinct value.
        ('DistinctValuesCount "id" = 4', True, {"Column.id.DistinctValuesCount": 4}),
        ('Mean "x" = 20', True, {"Column.x.Mean": 20}),
        ('Sum "x" = 60', True, {"Column.x.Sum": 60}),
        # Population standard deviation of 0, 20, 40.
        (
            'StandardDeviation "x" between 16.32 and 16.34',
            True,
            {"Column.x.StandardDeviation": (800 / 3) ** 0.5},
        ),
        ('Entropy "name" > 1.38', True, {"Column.name.Entropy": 1.3862943611198906}),
        ('ColumnCorrelation "id" "x" > 0.99', True, {"Multicolumn.id,x.ColumnCorrelation": 1.0}),
        ('CustomSql "select count(*) from primary where id > 1" = 3', True, {"Dataset.*.CustomSQL": 3}),
    ],
)
def test_metric_rules_compute_glues_metrics(rule: str, passed: bool, metrics: dict[str, float]) -> None:
    result = _result(rule)
    assert result.passed is passed
    assert result.evaluated_metrics == pytest.approx(metrics)
    assert (result.failure_reason is None) is passed


@pytest.mark.parametrize(
    ("rule", "passed", "metrics"),
    [
        # NULL fails every ColumnValues condition except != and not in.
        ('ColumnValues "id" > 0', False, {"Column.id.Minimum": 1}),
        ('ColumnValues "id" in [1, 2, 3]', False, {"Column.id.ColumnValues.Compliance": 0.8}),
        ('ColumnValues "id" in [1, 2, 3, NULL]', True, {"Column.id.ColumnValues.Compliance": 1.0}),
        ('ColumnValues "id" not in [1, 2]', False, {"Column.id.ColumnValues.Compliance": 0.6}),
        ('ColumnValues "id" != 3', False, {"Column.id.ColumnValues.Compliance": 0.6}),
        (
            'ColumnValues "id" between 0 and 4 with threshold > 0.7',
            True,
            {"Column.id.ColumnValues.Compliance": 0.8},
        ),
        (
            'ColumnValues "id" between 1 and 4 with threshold > 0.7',
            False,
            {"Column.id.ColumnValues.Compliance": 0.6},
        ),
        ('ColumnValues "name" matches "[a-z]+"', False, {"Column.name.ColumnValues.Compliance": 0.4}),
        (
            'ColumnValues "name" in ["a", "bb", EMPTY, NULL, WHITESPACES_ONLY]',
            True,
            {"Column.name.ColumnValues.Compliance": 1.0},
        ),
        (
            'ColumnValues "at" > (now() - 3 days) with threshold > 0.5',
            True,
            {"Column.at.ColumnValues.Compliance": 0.6},
        ),
        # NULL has length 0.
        ('ColumnLength "name" < 3', True, {"Column.name.MaximumLength": 2, "Column.name.MinimumLength": 0}),
        ('ColumnLength "name" > 0', False, {"Column.name.MaximumLength": 2, "Column.name.MinimumLength": 0}),
        # Ages at 06:00 on 30 Nov: 18 h, 6 h, 10 days, NULL (fails), 30 h.
        ('DataFreshness "at" <= 24 hours', False, {"Column.at.DataFreshness.Compliance": 0.4}),
        (
            'DataFreshness "at" <= 2 days with threshold > 0.5',
            True,
            {"Column.at.DataFreshness.Compliance": 0.6},
        ),
        ('CustomSql "select id from primary where id < 3"', False, {"Dataset.*.CustomSQL.Compliance": 0.4}),
        (
            'CustomSql "select id from primary where id < 3" with threshold > 0.3',
            True,
            {"Dataset.*.CustomSQL.Compliance": 0.4},
        ),
        ('IsComplete "id" where "id > 1"', True, {"Column.id.Completeness": 1.0}),
        ('Mean "x" > 15 where "name = \'bb\'"', True, {"Column.x.Mean": 20}),
    ],
)
def test_row_level_rules_follow_glues_null_and_threshold_rules(
    rule: str, passed: bool, metrics: dict[str, float]
) -> None:
    result = _result(rule)
    assert result.passed is passed
    assert result.evaluated_metrics == pytest.approx(metrics)


def test_failure_reasons_read_as_glues() -> None:
    assert _result("RowCount < 5").failure_reason == "Value: 5.0 does not meet the constraint requirement!"
    assert (
        _result('ColumnValues "id" > 0').failure_reason
        == "Value: NULL does not meet the constraint requirement!"
    )
    assert _result('DataFreshness "at" <= 24 hours').failure_reason == "40.00 % of rows passed the threshold"


def test_composites_combine_outcomes_and_report_every_metric() -> None:
    both = _result('(RowCount > 1) and (IsComplete "id")')
    either = _result('(RowCount > 1) or (IsComplete "id")')
    assert (both.passed, either.passed) == (False, True)
    assert both.evaluated_metrics == either.evaluated_metrics == {
        "Dataset.*.RowCount": 5.0, "Column.id.Completeness": 0.8}  # fmt: skip
    assert both.failure_reason == "Value: 0.8 does not meet the constraint requirement!"


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ('DetectAnomalies "RowCount"', "Rule type DetectAnomalies is not supported"),
        ('Mean "nope" > 1', "Input data does not include column nope!"),
        ('ColumnExists "nope"', "Input data does not include column nope!"),
        ('CustomSql "select 1" = 1 where "id > 0"', "Where clause is not supported for rule type: CustomSql"),
        ("RowCount > 1 with threshold > 0.5", "`with threshold` applies only to"),
        ('IsComplete "id" where "id >>> 1"', "has provided an invalid where clause"),
        ("RowCount", "No condition provided for rule with non-boolean rule type: RowCount"),
        ('IsComplete "id" > 0.5', "IsComplete takes no condition"),
        ('Mean "name" > 1', "needs a numeric column"),
        ('CustomSql "select nothing from primary" > 1', "the rule's SQL failed"),
        ('RowCount > "many"', "the bounds must be numbers"),
    ],
)
def test_rules_that_cannot_be_evaluated_fail_with_the_reason(rule: str, reason: str) -> None:
    result = _result(rule)
    assert result.outcome == "Failed"
    assert reason in (result.failure_reason or "")


def test_a_regex_keeps_its_backslashes() -> None:
    data = pa.table({"code": ["a1", "22", "3.5"]})
    (digits,) = evaluate(r'Rules = [ ColumnValues "code" matches "\d+" with threshold > 0.3 ]', data, now=NOW)
    (dotted,) = evaluate(r'Rules = [ ColumnValues "code" matches "\d\.\d" ]', data, now=NOW)
    assert digits.evaluated_metrics == {"Column.code.ColumnValues.Compliance": pytest.approx(1 / 3)}
    assert dotted.evaluated_metrics == {"Column.code.ColumnValues.Compliance": pytest.approx(1 / 3)}


@pytest.mark.parametrize(
    ("rule", "outcome", "reason"),
    [
        ('CustomSql "select id from primary where id > 100" > 0', "Failed",
         "Value: NULL does not meet the constraint requirement!"),
        ('CustomSql "select id from primary where id is not null" = 1', "Failed", "exactly one value"),
        ('CustomSql "select true" = 1', "Failed", "must return a number"),
        ('CustomSql "select nothing from primary"', "Failed", "the rule's SQL failed"),
        ('CustomSql ""', "Failed", "CustomSql needs a query"),
        # A NULL key returned by the query matches the NULL row, whatever the number of key columns.
        ('CustomSql "select id from primary"', "Passed", None),
        ('CustomSql "select id, name from primary"', "Passed", None),
    ],
)  # fmt: skip
def test_custom_sql_edge_cases_never_abort_the_ruleset(rule: str, outcome: str, reason: str | None) -> None:
    result, after = evaluate(f"Rules = [ {rule}, RowCount = 5 ]", DATA, now=NOW)
    assert (result.outcome, after.outcome) == (outcome, "Passed")
    assert reason is None or reason in (result.failure_reason or "")


def test_nothing_to_judge_fails_with_a_clear_reason_for_every_rule_type() -> None:
    rules = [
        'ColumnValues "id" > 0 where "id > 99"',
        'IsComplete "id" where "id > 99"',
        'ColumnLength "name" < 5 where "id > 99"',
        'DataFreshness "at" <= 24 hours where "id > 99"',
    ]
    results = evaluate("Rules = [ " + ", ".join(rules) + " ]", DATA, now=NOW)
    assert [r.outcome for r in results] == ["Failed"] * 4
    assert results[0].failure_reason == results[2].failure_reason == results[3].failure_reason
    assert "no rows to evaluate" in (results[0].failure_reason or "")


def test_counts_compare_exactly() -> None:
    many = pa.table({"id": list(range(1_000_001))})
    (equal,) = evaluate("Rules = [ RowCount = 1000000 ]", many, now=NOW)
    assert equal.outcome == "Failed"


def test_zoned_timestamps_and_a_naive_now_are_read_as_utc() -> None:
    zoned = pa.table({"at": pa.array([datetime(2026, 11, 30, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))})
    (fresh,) = evaluate('Rules = [ DataFreshness "at" <= 6 hours ]', zoned, now=datetime(2026, 11, 30, 6))
    (recent,) = evaluate(
        'Rules = [ ColumnValues "at" > (now() - 6 hours) ]', zoned, now=datetime(2026, 11, 30, 6)
    )
    assert fresh.passed and recent.passed
