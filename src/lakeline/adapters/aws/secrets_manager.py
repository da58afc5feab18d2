"""Secrets from AWS Secrets Manager (API keys and tokens of HTTP sources)."""

from __future__ import annotations

from typing import Any

from lakeline.errors import TerminalError


class SecretsManagerSecrets:
    """The Secrets port on Secrets Manager; values are never logged."""

    def __init__(self, client: Any, prefix: str = "") -> None:
        self.client = client
        self.prefix = prefix  # the stack names secrets <project>/<name>
        self._cache: dict[str, str] = {}

    def get(self, name: str) -> str:
        """The secret string of a secret id or name."""
        if name not in self._cache:
            try:
                answer = self.client.get_secret_value(SecretId=self.prefix + name)
                self._cache[name] = str(answer["SecretString"])
            except Exception as exc:
                raise TerminalError(f"secret {name!r} cannot be read: {type(exc).__name__}") from None
        return self._cache[name]
