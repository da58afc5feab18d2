"""An in-process event bus that routes by the same EventBridge rules we deploy."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lakeline.events.matcher import matches
from lakeline.events.rules import Rule

logger = logging.getLogger(__name__)
Target = Callable[[Mapping[str, Any]], Any]


class LocalEventBus:
    """Delivers each event to the target of every rule whose pattern matches it."""

    def __init__(self, rules: Sequence[Rule], targets: Mapping[str, Target]) -> None:
        missing = sorted({r.target for r in rules} - set(targets))
        if missing:
            raise ValueError(f"no local target for rule target(s) {missing}")
        self.rules = list(rules)
        self.targets = dict(targets)
        self.delivered: list[tuple[str, Mapping[str, Any]]] = []

    def put_events(self, events: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Route events synchronously; returns each matched target's result."""
        results: list[Any] = []
        for event in events:
            matched = [rule for rule in self.rules if matches(rule.pattern, event)]
            if not matched:
                logger.info("no rule matches event %s %s", event.get("source"), event.get("detail-type"))
            for rule in matched:
                self.delivered.append((rule.name, event))
                results.append(self.targets[rule.target](event))
        return results
