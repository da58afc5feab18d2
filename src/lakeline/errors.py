"""The one exception hierarchy of lakeline.

Every error lakeline raises derives from :class:`LakelineError`. Each is either
*terminal* (retrying cannot help: bad input, a broken contract) or *transient*
(retrying may help: a throttled API, a lost connection, a lease held by another
worker). Entry points use that marker to decide between retry and dead-letter.
"""

from __future__ import annotations


class LakelineError(Exception):
    """Root of every lakeline error."""

    transient: bool = False

    @property
    def terminal(self) -> bool:
        """Whether retrying the same work can never succeed."""
        return not self.transient


class TerminalError(LakelineError):
    """An error that retrying cannot fix."""


class TransientError(LakelineError):
    """An error that a later retry may not meet again."""

    transient = True


class ContractError(TerminalError):
    """A dataset contract is malformed or inconsistent."""


class UnknownDatasetError(TerminalError):
    """No contract exists for the named dataset."""


class ObjectNotFoundError(TerminalError):
    """An object named by an event or a command is not in the store."""


class InvalidKeyError(TerminalError):
    """An object key would escape the lake or is otherwise unusable."""


class InvariantViolationError(TerminalError):
    """A bookkeeping invariant broke, e.g. rows in != rows kept + rows quarantined."""


class EngineResourceError(TransientError):
    """The engine ran out of memory or disk, or was interrupted: the input itself may be fine."""


class LeaseHeldError(TransientError):
    """Another worker holds the processing lease of this object."""


class QueryError(TerminalError):
    """A SQL query could not be parsed, planned or run."""


class EventError(TerminalError):
    """An event could not be understood."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (an engine's often runs on for a page), or its type."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
