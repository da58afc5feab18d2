"""A ruleset as configured for a dataset or a model: its DQDL text and what a failure does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lakeline.quality.dqdl import Rule, RuleNode, flatten, parse_ruleset
from lakeline.quality.rules import ALIASES, ROW_LEVEL_TYPES, SUPPORTED_TYPES


class QualityAction(StrEnum):
    """What a failed rule does.

    ``warn`` records and alerts. ``quarantine`` also moves each row that fails a
    row-level rule to quarantine when its object is processed (datasets only).
    ``halt`` records, alerts and fails the build.
    """

    WARN = "warn"
    QUARANTINE = "quarantine"
    HALT = "halt"


@dataclass(frozen=True)
class Ruleset:
    """The DQDL rules of one table and the action their failures take."""

    rules: str
    action: QualityAction = QualityAction.WARN

    @property
    def parsed(self) -> list[RuleNode]:
        """The top-level rules (``parse_ruleset`` parses each text once)."""
        return parse_ruleset(self.rules)

    def row_rules(self) -> list[Rule]:
        """Top-level rules decided row by row with no threshold: the ones ``quarantine`` applies per row."""
        return [
            node
            for node in self.parsed
            if isinstance(node, Rule)
            and ALIASES.get(node.rule_type, node.rule_type) in ROW_LEVEL_TYPES
            and node.threshold is None
        ]


def check_ruleset(text: str, columns: Iterable[str]) -> None:
    """Check that a ruleset parses and names only known columns.

    Raises:
        DqdlError: On a syntax error, naming the rule and position.
        ValueError: When a rule names a column the table does not have.
    """
    known = set(columns)
    for node in parse_ruleset(text):
        for rule in flatten(node):
            rule_type = ALIASES.get(rule.rule_type, rule.rule_type)
            # CustomSql's argument is SQL; a type lakeline does not evaluate fails when it runs.
            if rule_type == "CustomSql" or rule_type not in SUPPORTED_TYPES:
                continue
            unknown = sorted(set(rule.args) - known)
            if unknown:
                raise ValueError(f"quality rule {rule.text!r} names unknown column(s) {unknown}")
