"""The DQDL parser: the syntax Glue accepts, and errors that point at the rule and position."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lakeline.quality.dqdl import (
    Composite,
    Constraint,
    DqdlError,
    Duration,
    Keyword,
    Now,
    Rule,
    parse_ruleset,
)


def _one(text: str) -> Rule | Composite:
    (rule,) = parse_ruleset(f"Rules = [ {text} ]")
    return rule


def test_a_rule_has_its_type_arguments_constraint_where_and_threshold() -> None:
    rule = _one('ColumnValues "fare" between 0 and 500 where "vendor = 1" with threshold > 0.9')
    assert rule == Rule(
        "ColumnValues",
        ("fare",),
        Constraint("between", (Decimal(0), Decimal(500)), False, "between 0 and 500"),
        "vendor = 1",
        Constraint(">", (Decimal("0.9"),), False, "> 0.9"),
        'ColumnValues "fare" between 0 and 500 where "vendor = 1" with threshold > 0.9',
    )


@pytest.mark.parametrize(
    ("text", "constraint"),
    [
        ("RowCount >= 10", Constraint(">=", (Decimal(10),), False, ">= 10")),
        ("RowCount != -1", Constraint("!=", (Decimal(-1),), False, "!= -1")),
        (
            "RowCount not between 1 and 2",
            Constraint("between", (Decimal(1), Decimal(2)), True, "not between 1 and 2"),
        ),
        (
            'ColumnValues "c" in ["a", "b", NULL]',
            Constraint("in", ("a", "b", Keyword("NULL")), False, 'in ["a", "b", NULL]'),
        ),
        ('ColumnValues "c" not in [1]', Constraint("in", (Decimal(1),), True, "not in [1]")),
        ('ColumnValues "c" matches "[A-Z]+"', Constraint("matches", ("[A-Z]+",), False, 'matches "[A-Z]+"')),
        (
            'ColumnValues "d" > (now() - 3 days)',
            Constraint(">", (Now(timedelta(days=-3)),), False, "> (now() - 3 days)"),
        ),
        ('ColumnValues "d" <= now()', Constraint("<=", (Now(),), False, "<= now()")),
        (
            'DataFreshness "at" <= 24 hours',
            Constraint("<=", (Duration(Decimal(24), "hours"),), False, "<= 24 hours"),
        ),
    ],
)
def test_constraints_parse_into_operator_operands_and_negation(text: str, constraint: Constraint) -> None:
    rule = _one(text)
    assert isinstance(rule, Rule)
    assert rule.constraint == constraint


def test_composites_nest_and_keep_their_text() -> None:
    rule = _one('(RowCount > 0) or ((IsComplete "a") and (IsUnique "a"))')
    assert isinstance(rule, Composite) and rule.op == "or"
    inner = rule.parts[1]
    assert isinstance(inner, Composite) and inner.op == "and"
    assert [p.text for p in inner.parts] == ['IsComplete "a"', 'IsUnique "a"']


def test_comments_and_a_trailing_comma_are_allowed() -> None:
    rules = parse_ruleset('Rules = [\n  # volume\n  RowCount > 0,\n  IsPrimaryKey "a" "b",\n]')
    assert [r.text for r in rules] == ["RowCount > 0", 'IsPrimaryKey "a" "b"']


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Rules = [ RowCount > ]", "rule 1, line 1, column 22: expected a number"),
        ("rules = [ RowCount > 1 ]", "case sensitive"),
        ('Rules = [\n  RowCount > 1,\n  IsComplete "a" with threshold,\n]', "rule 2, line 3, column 32"),
        (
            'Rules = [ (RowCount > 1) and (IsComplete "a") or (IsUnique "b") ]',
            "column 47: mixing `and` and `or`",
        ),
        ("Rules = [ ]", "the ruleset has no rules"),
        ('Rules = [ ColumnValues "x" in [] ]', "the list of values is empty"),
        ('Rules = [ ColumnValues "x" > now() - 3 ]', "expected a unit"),
        ('Rules = [ IsComplete "a" where x ]', "expected a quoted SQL condition"),
        ("Rules = [ RowCount > 1 ] Analyzers = [ RowCount ]", "`Analyzers` block is not supported"),
        ("Rules = [ RowCount > 1 ; ]", "unexpected character ';'"),
    ],
)
def test_syntax_errors_name_the_rule_and_position(text: str, message: str) -> None:
    with pytest.raises(DqdlError, match=message.replace("(", r"\(").replace("`", "`")):
        parse_ruleset(text)
