"""The set of contracts of one project, and which dataset owns which key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lakeline.core.contracts import Contract, load_contract
from lakeline.core.objects import dataset_of_raw_key
from lakeline.errors import ContractError, UnknownDatasetError


class ContractRegistry:
    """All dataset contracts of a project, by name."""

    def __init__(self, contracts: list[Contract]) -> None:
        self._by_name = {c.name: c for c in contracts}

    @classmethod
    def from_directory(cls, directory: Path) -> ContractRegistry:
        """Load every ``*.yaml`` contract in a directory.

        Raises:
            ContractError: If the directory is missing, or any contract is
                invalid (every invalid file is reported, not just the first).
        """
        if not directory.is_dir():
            raise ContractError(f"{directory}: no datasets folder; create one with a contract")
        contracts: list[Contract] = []
        problems: list[str] = []
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            try:
                contracts.append(load_contract(path))
            except ContractError as exc:
                problems.append(str(exc))
        if problems:
            raise ContractError("\n".join(problems))
        return cls(contracts)

    def __iter__(self) -> Iterator[Contract]:
        return iter(self._by_name[name] for name in sorted(self._by_name))

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Contract:
        """The contract of dataset ``name``.

        Raises:
            UnknownDatasetError: If no contract has that name.
        """
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise UnknownDatasetError(f"no dataset {name!r}; known datasets: {known}") from None

    def owner_of(self, key: str) -> Contract | None:
        """The contract whose raw prefix holds ``key``, or None if no dataset owns it."""
        name = dataset_of_raw_key(key)
        return self._by_name.get(name) if name else None
