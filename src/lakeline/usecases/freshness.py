"""Freshness: a dataset whose newest processed object is older than its SLA raises one alert.

A contract's ``freshness_hours`` is the SLA. The workflow's Plan step checks it on every run
(including runs with nothing to build, which is exactly when data stops arriving). One alert
is sent per stale episode: the newest object's finish time is remembered in the build state,
and a new alert waits for new data to arrive and go stale again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lakeline.core.alerts import Alert
from lakeline.core.ledger import Status
from lakeline.core.registry import ContractRegistry
from lakeline.ports import BuildState, Ledger, Metrics, Notifier

STATE_NAME = "freshness:"  # build-state name under which the alerted episode is remembered
EPISODE = "newest"


@dataclass(frozen=True)
class Staleness:
    """A dataset past its freshness SLA."""

    dataset: str
    sla_hours: float
    newest: datetime | None  # when its newest object finished processing; None if never

    def age_hours(self, now: datetime) -> float | None:
        """Hours since the newest object finished, or None when nothing was ever processed."""
        return None if self.newest is None else (now - self.newest).total_seconds() / 3600


def check_freshness(
    contracts: ContractRegistry,
    ledger: Ledger,
    state: BuildState,
    metrics: Metrics,
    notifier: Notifier | None,
    environment: str,
    now: datetime,
) -> list[Staleness]:
    """Emit each dataset's age; alert once per stale episode; return the stale datasets."""
    stale = []
    for contract in contracts:
        if contract.freshness_hours is None:
            continue
        # Fresh data means kept rows: an object whose rows were all quarantined does not count.
        finished = [
            e.finished_at
            for e in ledger.entries(contract.name, Status.PROCESSED)
            if e.finished_at and e.rows_kept
        ]
        found = Staleness(contract.name, contract.freshness_hours, max(finished, default=None))
        age = found.age_hours(now)
        if age is not None:
            metrics.emit("FreshnessHours", age, unit="None", dimensions={"dataset": contract.name})
        if age is not None and age <= contract.freshness_hours:
            continue
        stale.append(found)
        episode = found.newest.isoformat() if found.newest else "never"
        if state.fingerprints(STATE_NAME + contract.name).get(EPISODE) == episode:
            continue  # already alerted for this episode
        if notifier is not None:
            when = (
                f"the newest object finished {age:.1f} h ago"
                if age is not None
                else "no object processed yet"
            )
            source = (
                f"lakeline pull {contract.name}"
                if contract.source.http is not None
                else f"is anything landing under raw/{contract.name}/?"
            )
            alert = Alert(
                "freshness breach", environment, contract.name,
                f"{when}; the SLA is {contract.freshness_hours:g} h", f"lakeline status; {source}",
            )  # fmt: skip
            notifier.notify(alert.subject, alert.message)
        state.record(STATE_NAME + contract.name, EPISODE, episode, 0, now)
    return stale
