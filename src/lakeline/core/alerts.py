"""Alerts: one format for every failure a person must look at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    """What failed, where, and the command that shows more."""

    kind: (
        str  # e.g. "pipeline failure", "file rejected", "data quality", "dead letters", "freshness", "budget"
    )
    environment: str
    dataset: str
    what_failed: str
    investigate: str

    @property
    def subject(self) -> str:
        """A short subject line (SNS allows 100 characters)."""
        return f"[lakeline {self.environment}] {self.kind}: {self.dataset}"[:100]

    @property
    def message(self) -> str:
        """The body: the same fields, one per line, so that people and filters can read it."""
        return (
            f"environment: {self.environment}\n"
            f"dataset: {self.dataset}\n"
            f"what failed: {self.what_failed}\n"
            f"investigate: {self.investigate}\n"
        )


def _fields(text: str) -> dict[str, str]:
    """``Key: Value`` lines of a notification, keys lower-cased."""
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and value.strip() and len(key) < 40:
            found[key.strip().lower()] = value.strip()
    return found


def budget_alert(message: str, environment: str) -> Alert:
    """An AWS Budgets notification, rewritten in the alert format.

    Budgets writes ``Budget Name``, ``Alert Type``, ``Alert Threshold``, ``Budgeted Amount`` and
    ``<type> Amount`` lines; when they are missing the text itself is kept, so nothing is lost.
    """
    fields = _fields(message)
    name = fields.get("budget name", "the budget")
    kind = fields.get("alert type", "")
    amount = fields.get(f"{kind.lower()} amount") if kind else None
    if kind and amount and "alert threshold" in fields:
        what = (f"{kind} cost {amount} crossed the alert threshold {fields['alert threshold']} "
                f"(budget {fields.get('budgeted amount', '?')})")  # fmt: skip
    else:
        what = " ".join(message.split())[:500]
    return Alert(
        "budget", environment, name, what,
        f"aws budgets describe-budget --account-id <account> --budget-name {name}; "
        "Cost Explorer grouped by the tag `project`",
    )  # fmt: skip
