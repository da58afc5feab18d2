"""Land files in the raw zone and find what landed but was not processed yet."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from lakeline.core.ledger import Status
from lakeline.core.objects import ObjectRef, Zone, zone_prefix
from lakeline.core.registry import ContractRegistry
from lakeline.errors import ObjectNotFoundError
from lakeline.events.s3 import object_created_event
from lakeline.ports import EventBus, Ledger, ObjectStore

logger = logging.getLogger(__name__)


def raw_key(dataset: str, file_name: str) -> str:
    """The raw-zone key of a file landed for a dataset."""
    return f"{zone_prefix(Zone.RAW, dataset)}{file_name}"


def land(path: Path, dataset: str, contracts: ContractRegistry, store: ObjectStore) -> ObjectRef:
    """Put a local file into ``raw/<dataset>/`` exactly as an S3 upload would.

    Raises:
        UnknownDatasetError: If no contract has that name.
    """
    contract = contracts.get(dataset)
    return store.put_file(raw_key(contract.name, path.name), path)


def announce(objects: list[ObjectRef], bus: EventBus) -> list[Any]:
    """Publish an ``Object Created`` event per object, as S3 does through EventBridge."""
    return bus.put_events([object_created_event(obj) for obj in objects])


def pending(contracts: ContractRegistry, store: ObjectStore, ledger: Ledger) -> Iterator[ObjectRef]:
    """Raw objects whose current version has not been processed to the end.

    A version whose attempt failed is not pending: like a dead-lettered message on AWS, it waits
    for a redrive (``failed``), so that a poll does not retry it again and again.
    """
    for contract in contracts:
        for obj in store.list(zone_prefix(Zone.RAW, contract.name)):
            entry = ledger.get(obj.object_id)
            failed_here = entry is not None and entry.status is Status.FAILED and entry.version == obj.version
            if entry is None or not (entry.is_done_for(obj.version) or failed_here):
                yield obj


def settled(objects: list[ObjectRef], now: datetime, seconds: float) -> list[ObjectRef]:
    """The objects last modified at least ``seconds`` before ``now``.

    An S3 upload appears whole, but a file copied into a local raw/ folder grows while it is
    copied; a poll that took it then would process a truncated file.
    """
    return [
        o for o in objects if o.last_modified is None or (now - o.last_modified).total_seconds() >= seconds
    ]


def failed(contracts: ContractRegistry, store: ObjectStore, ledger: Ledger) -> Iterator[ObjectRef]:
    """Objects whose last attempt failed, as they are now in the lake (for a redrive).

    One deleted from raw since is left out: there is nothing to retry (its entry stays failed).
    """
    for contract in contracts:
        for entry in ledger.entries(dataset=contract.name, status=Status.FAILED):
            try:
                yield store.head(entry.key)
            except ObjectNotFoundError:
                logger.warning("not redriving s3://%s/%s: it is no longer in raw", entry.bucket, entry.key)
