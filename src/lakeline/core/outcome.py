"""What processing one object produced, engine-independent."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lakeline.errors import InvariantViolationError


@dataclass(frozen=True)
class FileRejection:
    """Why a whole object was quarantined without reading its rows."""

    reason: str


@dataclass
class EngineOutput:
    """Files an engine wrote for one object, and its row accounting.

    ``curated`` maps each partition value to the local files of that partition;
    ``quarantine`` is the one local file of rejected rows, if any.
    """

    rows_in: int = 0
    rows_kept: int = 0
    rows_quarantined: int = 0
    curated: dict[str, list[Path]] = field(default_factory=dict)
    quarantine: Path | None = None
    warnings: list[str] = field(default_factory=list)
    rejection: FileRejection | None = None

    def check_invariant(self, where: str) -> None:
        """Fail loudly unless every row in was either kept or quarantined.

        Raises:
            InvariantViolationError: If rows in != rows kept + rows quarantined.
        """
        if self.rows_in != self.rows_kept + self.rows_quarantined:
            raise InvariantViolationError(
                f"{where}: rows in ({self.rows_in}) != rows kept ({self.rows_kept}) + "
                f"rows quarantined ({self.rows_quarantined}); refusing to publish"
            )
