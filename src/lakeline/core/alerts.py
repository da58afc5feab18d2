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
